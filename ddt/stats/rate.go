package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval selects the confidence interval of the censored exponential rate.
type Interval int

const (
	// IntervalGarwood is the standard chi-square interval for a Poisson count applied to d escapes in total
	// time at risk T (Cox 1953; the usual "exact" interval under type-I censoring):
	//
	//	[ χ²_{2d}(α/2) / 2T ,  χ²_{2d+2}(1 − α/2) / 2T ].
	//
	// It is conservative (coverage ≥ the level, close to it once d is more than a few tens). The zero value.
	IntervalGarwood Interval = iota
	// IntervalTypeII is the interval that is exact when sampling stops at the d-th escape (type-II
	// censoring), 2γT ~ χ²_{2d}: [ χ²_{2d}(α/2) / 2T , χ²_{2d}(1 − α/2) / 2T ]. Under type-I censoring it is
	// approximate and slightly anti-conservative for small d.
	IntervalTypeII
)

// String returns the interval's name.
func (m Interval) String() string {
	switch m {
	case IntervalGarwood:
		return "Garwood chi-square (d, d+1)"
	case IntervalTypeII:
		return "type-II chi-square (d, d)"
	}
	return fmt.Sprintf("Interval(%d)", int(m))
}

// RateEstimate is the censored exponential maximum-likelihood estimate of an escape rate γ and of the mean escape
// time 1/γ, with confidence intervals (THEORY.md §4, Monte Carlo).
type RateEstimate struct {
	// N is the number of runs, Escaped the number d that escaped, TimeAtRisk T the sum of all observed times
	// (escape times and censoring times).
	N, Escaped int
	TimeAtRisk float64
	// Rate is γ̂ = d/T (0 when nothing escaped).
	Rate float64
	// RateLower and RateUpper bound γ at confidence Level. With d = 0, RateLower = 0 and RateUpper is
	// χ²_2(1 − α/2)/2T = −log(α/2)/T (α = 1 − Level), the d = 0 case of the Garwood interval: a one-sided upper
	// bound at confidence 1 − α/2, which keeps the coverage of the whole procedure at Level or above.
	RateLower, RateUpper float64
	// MeanTime is 1/γ̂; MeanLower = 1/RateUpper and MeanUpper = 1/RateLower bound it. With d = 0 MeanTime and
	// MeanUpper are +Inf by construction (OneSided is true): only the lower bound is informative.
	MeanTime, MeanLower, MeanUpper float64
	// Level is the confidence level; OneSided is true when d = 0 and the interval is one-sided at Level.
	Level    float64
	OneSided bool
	// Method is the interval used.
	Method Interval
}

// EstimateRate returns the censored exponential MLE γ̂ = d/T from observed times (escape time where escaped[i]
// is true, censoring time otherwise) with a Garwood interval at the given level (e.g. 0.95).
func EstimateRate(times []float64, escaped []bool, level float64) (RateEstimate, error) {
	return EstimateRateWith(times, escaped, level, IntervalGarwood)
}

// EstimateRateCensored is EstimateRate for type-I censoring at a common time: escapeTimes holds the observed
// escape times and censored runs ran to censorTime without escaping.
func EstimateRateCensored(escapeTimes []float64, censored int, censorTime, level float64) (RateEstimate, error) {
	if censored < 0 {
		return RateEstimate{}, fmt.Errorf("%w: %d censored runs", ErrInput, censored)
	}
	if censored > 0 && (!(censorTime > 0) || math.IsInf(censorTime, 1)) {
		return RateEstimate{}, fmt.Errorf("%w: censoring time %v", ErrInput, censorTime)
	}
	for i, t := range escapeTimes {
		if censored > 0 && t > censorTime {
			return RateEstimate{}, fmt.Errorf("%w: escape time %d = %v after the censoring time %v",
				ErrInput, i, t, censorTime)
		}
	}
	times := make([]float64, 0, len(escapeTimes)+censored)
	esc := make([]bool, 0, len(escapeTimes)+censored)
	for _, t := range escapeTimes {
		times = append(times, t)
		esc = append(esc, true)
	}
	for range censored {
		times = append(times, censorTime)
		esc = append(esc, false)
	}
	return EstimateRateWith(times, esc, level, IntervalGarwood)
}

// EstimateRateWith is EstimateRate with a chosen interval.
func EstimateRateWith(times []float64, escaped []bool, level float64, method Interval) (RateEstimate, error) {
	if err := checkLevel(level); err != nil {
		return RateEstimate{}, err
	}
	if method != IntervalGarwood && method != IntervalTypeII {
		return RateEstimate{}, fmt.Errorf("%w: unknown interval method %d", ErrInput, int(method))
	}
	if len(times) == 0 {
		return RateEstimate{}, fmt.Errorf("%w: no runs", ErrInput)
	}
	if len(times) != len(escaped) {
		return RateEstimate{}, fmt.Errorf("%w: %d times but %d escape flags", ErrInput, len(times), len(escaped))
	}
	r := RateEstimate{N: len(times), Level: level, Method: method}
	for i, t := range times {
		if !(t >= 0) || math.IsInf(t, 1) {
			return RateEstimate{}, fmt.Errorf("%w: time %d = %v, need finite and ≥ 0", ErrInput, i, t)
		}
		r.TimeAtRisk += t
		if escaped[i] {
			r.Escaped++
		}
	}
	if !(r.TimeAtRisk > 0) {
		return RateEstimate{}, fmt.Errorf("%w: total time at risk is 0", ErrInput)
	}
	d, T := float64(r.Escaped), r.TimeAtRisk
	alpha := 1 - level
	if r.Escaped == 0 {
		r.OneSided = true
		r.RateUpper = -math.Log(alpha/2) / T // χ²_2(1 − α/2)/2T: the d = 0 case of the Garwood interval
		r.MeanTime, r.MeanUpper = math.Inf(1), math.Inf(1)
		r.MeanLower = 1 / r.RateUpper
		return r, nil
	}
	r.Rate = d / T
	r.RateLower = distuv.ChiSquared{K: 2 * d}.Quantile(alpha/2) / (2 * T)
	kUp := 2*d + 2
	if method == IntervalTypeII {
		kUp = 2 * d
	}
	r.RateUpper = distuv.ChiSquared{K: kUp}.Quantile(1-alpha/2) / (2 * T)
	r.MeanTime = 1 / r.Rate
	r.MeanLower = 1 / r.RateUpper
	r.MeanUpper = 1 / r.RateLower
	return r, nil
}

func checkLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("%w: got %v", ErrLevel, level)
	}
	return nil
}
