package experiment

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Rate is an exponential rate estimate with a two-sided confidence interval.
type Rate struct {
	Value, Lo, Hi float64
	Level         float64 // e.g. 0.95
	Events        int     // escapes
	Exposure      float64 // total time at risk
}

// NegLog returns −log(Value) and its interval (−log Hi, −log Lo); Lo may be 0, giving +Inf.
func (r Rate) NegLog() (v, lo, hi float64) {
	return -math.Log(r.Value), -math.Log(r.Hi), -math.Log(r.Lo)
}

// CensoredRate is the maximum-likelihood rate of right-censored exponential times, γ̂ = events/exposure, with
// the exact (Garwood) interval [χ²_{2d}(α/2)/(2T), χ²_{2d+2}(1−α/2)/(2T)] (THEORY.md §4). It is written here
// because ddt/stats was empty when this package was built; it agrees with stats.EstimateRate.
func CensoredRate(events int, exposure, level float64) Rate {
	r := Rate{Level: level, Events: events, Exposure: exposure}
	if !(exposure > 0) {
		r.Value, r.Lo, r.Hi = math.NaN(), math.NaN(), math.NaN()
		return r
	}
	a := 1 - level
	r.Value = float64(events) / exposure
	if events > 0 {
		r.Lo = distuv.ChiSquared{K: float64(2 * events)}.Quantile(a/2) / (2 * exposure)
	}
	r.Hi = distuv.ChiSquared{K: float64(2*events + 2)}.Quantile(1-a/2) / (2 * exposure)
	return r
}

// Fit is a weighted least-squares line y = Intercept + Slope·x with standard errors and R².
type Fit struct {
	Slope, SlopeSE         float64
	Intercept, InterceptSE float64
	R2                     float64
	N                      int
	// Weighted: weights 1/σ_i² were used (σ_i from the data), and the SEs are scaled by the residual
	// variance (so they stay honest when the model misfits).
	Weighted bool
}

func (f Fit) String() string {
	return fmt.Sprintf("slope %.4g ± %.2g, intercept %.4g ± %.2g, R² = %.4f (n = %d)", f.Slope, f.SlopeSE, f.Intercept, f.InterceptSE, f.R2, f.N)
}

// FitLine fits y = a + b·x by least squares with weights w (nil: all 1). Points with a non-finite x, y or
// w ≤ 0 are skipped; at least 3 points are needed for standard errors.
func FitLine(x, y, w []float64) (Fit, error) {
	if len(x) != len(y) || (w != nil && len(w) != len(x)) {
		return Fit{}, fmt.Errorf("%w: FitLine: lengths %d, %d, %d", ErrInvalid, len(x), len(y), len(w))
	}
	var sw, sx, sy float64
	var xs, ys, ws []float64
	for i := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) || !(wi > 0) || math.IsInf(wi, 0) {
			continue
		}
		xs, ys, ws = append(xs, x[i]), append(ys, y[i]), append(ws, wi)
		sw += wi
		sx += wi * x[i]
		sy += wi * y[i]
	}
	n := len(xs)
	if n < 3 {
		return Fit{}, fmt.Errorf("%w: FitLine: %d usable points, need at least 3", ErrInvalid, n)
	}
	mx, my := sx/sw, sy/sw
	var sxx, sxy, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxx += ws[i] * dx * dx
		sxy += ws[i] * dx * dy
		syy += ws[i] * dy * dy
	}
	if !(sxx > 0) {
		return Fit{}, fmt.Errorf("%w: FitLine: all x equal", ErrInvalid)
	}
	b := sxy / sxx
	a := my - b*mx
	var rss float64
	for i := range xs {
		r := ys[i] - a - b*xs[i]
		rss += ws[i] * r * r
	}
	s2 := rss / float64(n-2)
	f := Fit{Slope: b, Intercept: a, N: n, Weighted: w != nil}
	f.SlopeSE = math.Sqrt(s2 / sxx)
	f.InterceptSE = math.Sqrt(s2 * (1/sw + mx*mx/sxx))
	if syy > 0 {
		f.R2 = 1 - rss/syy
	}
	return f, nil
}
