package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// KSResult is a one-sample Kolmogorov–Smirnov test.
type KSResult struct {
	// Statistic is D_n = sup |F_n − F|; PValue is P(D_n ≥ Statistic) under the null hypothesis.
	Statistic, PValue float64
	// N is the number of points tested (for escape times: the escapes, censored runs excluded).
	N int
	// Rate is the exponential rate used for the reference law; RateEstimated is true when it came from the
	// same data (then PValue from the Kolmogorov distribution is conservative, see KSExponential).
	Rate          float64
	RateEstimated bool
	// CensorTime is the common type-I censoring time (+Inf without censoring).
	CensorTime float64
	// Method names how PValue was computed.
	Method string
}

// KSTest tests the sample x against a continuous CDF. The p-value is exact for n ≤ 1000 (Marsaglia, Tsang and
// Wang 2003) and asymptotic with Stephens' correction above.
func KSTest(x []float64, cdf func(float64) float64) (KSResult, error) {
	if cdf == nil {
		return KSResult{}, fmt.Errorf("%w: nil CDF", ErrInput)
	}
	d, err := ksStatistic(x, cdf)
	if err != nil {
		return KSResult{}, err
	}
	p, method := ksPValue(len(x), d)
	return KSResult{Statistic: d, PValue: p, N: len(x), Method: method, CensorTime: math.Inf(1)}, nil
}

func ksStatistic(x []float64, cdf func(float64) float64) (float64, error) {
	if len(x) == 0 {
		return math.NaN(), fmt.Errorf("%w: empty sample", ErrInput)
	}
	s := make([]float64, len(x))
	copy(s, x)
	for i, v := range s {
		if math.IsNaN(v) {
			return math.NaN(), fmt.Errorf("%w: sample %d is NaN", ErrInput, i)
		}
	}
	sort.Float64s(s)
	n := float64(len(s))
	d := 0.0
	for i, v := range s {
		f := cdf(v)
		if math.IsNaN(f) || f < 0 || f > 1 {
			return math.NaN(), fmt.Errorf("%w: CDF(%v) = %v", ErrInput, v, f)
		}
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	return d, nil
}

func ksPValue(n int, d float64) (float64, string) {
	if n <= 1000 {
		return KolmogorovSF(n, d), "exact Kolmogorov distribution (Marsaglia–Tsang–Wang)"
	}
	return KolmogorovSF(n, d), "asymptotic Kolmogorov distribution with Stephens' correction"
}

// KSExponential checks escape times against the exponential law (THEORY.md §4). times and escaped are as in
// EstimateRate. Censoring must be type-I at one common time T_c (every non-escaped run has the same time);
// the escape times are then tested against the exponential law truncated at T_c,
//
//	F(t) = (1 − e^{−γt}) / (1 − e^{−γT_c}),
//
// which is their exact conditional law given escape before T_c. Without censored runs F is the plain exponential
// CDF. If rate > 0 it is the hypothesised γ and the p-value is exact; if rate is 0 the censored MLE is used
// (RateEstimated), which makes the Kolmogorov p-value conservative (the Lilliefors effect): use
// KSExponentialBootstrap for a calibrated p-value in that case.
func KSExponential(times []float64, escaped []bool, rate float64) (KSResult, error) {
	esc, tc, err := splitCensored(times, escaped)
	if err != nil {
		return KSResult{}, err
	}
	estimated := false
	if rate == 0 {
		r, err := EstimateRate(times, escaped, 0.95)
		if err != nil {
			return KSResult{}, err
		}
		rate, estimated = r.Rate, true
	}
	if !(rate > 0) || math.IsInf(rate, 1) {
		return KSResult{}, fmt.Errorf("%w: rate %v, need > 0 (or 0 to estimate it)", ErrInput, rate)
	}
	d, err := ksStatistic(esc, truncExpCDF(rate, tc))
	if err != nil {
		return KSResult{}, err
	}
	p, method := ksPValue(len(esc), d)
	return KSResult{Statistic: d, PValue: p, N: len(esc), Rate: rate, RateEstimated: estimated, CensorTime: tc,
		Method: method}, nil
}

// KSExponentialBootstrap is KSExponential with the rate estimated from the data and a parametric-bootstrap
// p-value: reps synthetic samples of the same size and censoring time are drawn from the fitted exponential
// law (sample r from rand.NewPCG(seed, r)), the rate is re-estimated on each and
// p = (1 + #{D* ≥ D}) / (reps + 1).
func KSExponentialBootstrap(times []float64, escaped []bool, reps int, seed uint64) (KSResult, error) {
	if reps < 1 {
		return KSResult{}, fmt.Errorf("%w: %d bootstrap replicates", ErrInput, reps)
	}
	res, err := KSExponential(times, escaped, 0)
	if err != nil {
		return KSResult{}, err
	}
	n := len(times)
	sim := make([]float64, n)
	simEsc := make([]bool, n)
	exceed := 0
	for r := range reps {
		rng := rand.New(rand.NewPCG(seed, uint64(r)))
		var total float64
		var escTimes []float64
		for i := range n {
			t := rng.ExpFloat64() / res.Rate
			if t < res.CensorTime {
				sim[i], simEsc[i] = t, true
				escTimes = append(escTimes, t)
			} else {
				sim[i], simEsc[i] = res.CensorTime, false
			}
			total += sim[i]
		}
		if len(escTimes) == 0 {
			continue
		}
		g := float64(len(escTimes)) / total
		ds, err := ksStatistic(escTimes, truncExpCDF(g, res.CensorTime))
		if err != nil {
			return KSResult{}, err
		}
		if ds >= res.Statistic {
			exceed++
		}
	}
	res.PValue = float64(1+exceed) / float64(reps+1)
	res.Method = fmt.Sprintf("parametric bootstrap, %d replicates, seed %d", reps, seed)
	return res, nil
}

func truncExpCDF(rate, tc float64) func(float64) float64 {
	norm := -math.Expm1(-rate * tc)
	if math.IsInf(tc, 1) {
		norm = 1
	}
	return func(t float64) float64 {
		if t <= 0 {
			return 0
		}
		return math.Min(1, -math.Expm1(-rate*t)/norm)
	}
}

// splitCensored returns the escape times and the common censoring time (+Inf if none is censored).
func splitCensored(times []float64, escaped []bool) ([]float64, float64, error) {
	if len(times) != len(escaped) {
		return nil, 0, fmt.Errorf("%w: %d times but %d escape flags", ErrInput, len(times), len(escaped))
	}
	tc := math.Inf(1)
	var esc []float64
	for i, t := range times {
		if !(t >= 0) || math.IsInf(t, 1) {
			return nil, 0, fmt.Errorf("%w: time %d = %v, need finite and ≥ 0", ErrInput, i, t)
		}
		if escaped[i] {
			esc = append(esc, t)
			continue
		}
		if math.IsInf(tc, 1) {
			tc = t
		} else if t != tc {
			return nil, 0, fmt.Errorf("%w: censoring times %v and %v differ; the KS check needs type-I censoring "+
				"at one common time", ErrCensoring, tc, t)
		}
	}
	if len(esc) == 0 {
		return nil, 0, fmt.Errorf("%w: nothing to test", ErrNoEscapes)
	}
	for _, t := range esc {
		if t > tc {
			return nil, 0, fmt.Errorf("%w: escape time %v after the censoring time %v", ErrInput, t, tc)
		}
	}
	return esc, tc, nil
}

// KolmogorovSF returns P(D_n ≥ d), the survival function of the one-sample Kolmogorov–Smirnov statistic for n
// points and a continuous null law. For n ≤ 1000 it uses the exact algorithm of Marsaglia, Tsang and Wang
// (J. Stat. Softw. 8(18), 2003), with their asymptotic shortcut where n·d² is large (p below about 1e-6) and the
// exact upper tail 2(1 − d)^n for d ≥ 1 − 1/n; above n = 1000 it uses the limiting distribution at
// (√n + 0.12 + 0.11/√n)·d (Stephens 1970). It returns NaN only for n < 1 or NaN d.
func KolmogorovSF(n int, d float64) float64 {
	if n < 1 || math.IsNaN(d) {
		return math.NaN()
	}
	nf := float64(n)
	switch {
	case d <= 0.5/nf:
		return 1
	case d >= 1:
		return 0
	case d >= 1-1/nf:
		return 2 * math.Pow(1-d, nf)
	}
	if n > 1000 {
		sq := math.Sqrt(nf)
		return KolmogorovQ((sq + 0.12 + 0.11/sq) * d)
	}
	s := d * d * nf
	if s > 7.24 || (s > 3.76 && n > 99) {
		return 2 * math.Exp(-(2.000071+0.331/math.Sqrt(nf)+1.409/nf)*s)
	}
	return math.Max(0, 1-mtwCDF(n, d))
}

// KolmogorovQ returns the limiting survival function Q(λ) = P(sup|B(t)| ≥ λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}
// of √n·D_n (the Kolmogorov distribution).
func KolmogorovQ(lambda float64) float64 {
	if math.IsNaN(lambda) {
		return math.NaN()
	}
	if lambda <= 0 {
		return 1
	}
	if lambda < 1.18 {
		// Jacobi form: K(λ) = √(2π)/λ Σ e^{−(2k−1)²π²/(8λ²)}.
		s := 0.0
		for k := 1; k <= 20; k++ {
			s += math.Exp(-float64((2*k-1)*(2*k-1)) * math.Pi * math.Pi / (8 * lambda * lambda))
		}
		return 1 - math.Sqrt(2*math.Pi)/lambda*s
	}
	s := 0.0
	for k := 1; k <= 100; k++ {
		term := math.Exp(-2 * float64(k*k) * lambda * lambda)
		if k%2 == 1 {
			s += term
		} else {
			s -= term
		}
		if term < 1e-300 {
			break
		}
	}
	return math.Max(0, 2*s)
}

// mtwCDF is P(D_n < d) by Marsaglia, Tsang and Wang's matrix-power algorithm.
func mtwCDF(n int, d float64) float64 {
	nd := float64(n) * d
	k := int(nd) + 1
	m := 2*k - 1
	h := float64(k) - nd
	H := make([]float64, m*m)
	for i := range m {
		for j := range m {
			if i-j+1 >= 0 {
				H[i*m+j] = 1
			}
		}
	}
	for i := range m {
		H[i*m] -= math.Pow(h, float64(i+1))
		H[(m-1)*m+i] -= math.Pow(h, float64(m-i))
	}
	if 2*h-1 > 0 {
		H[(m-1)*m] += math.Pow(2*h-1, float64(m))
	}
	for i := range m {
		for j := range m {
			if i-j+1 > 0 {
				for g := 1; g <= i-j+1; g++ {
					H[i*m+j] /= float64(g)
				}
			}
		}
	}
	q, e := matPow(H, 0, m, n)
	s := q[(k-1)*m+k-1]
	for i := 1; i <= n; i++ {
		s = s * float64(i) / float64(n)
		if s < 1e-140 {
			s *= 1e140
			e -= 140
		}
	}
	return s * math.Pow(10, float64(e))
}

// matPow returns A^n as (matrix, decimal exponent), rescaling to avoid overflow.
func matPow(a []float64, ea, m, n int) ([]float64, int) {
	if n == 1 {
		out := make([]float64, len(a))
		copy(out, a)
		return out, ea
	}
	v, ev := matPow(a, ea, m, n/2)
	b := matMul(v, v, m)
	eb := 2 * ev
	if n%2 == 0 {
		v, ev = b, eb
	} else {
		v, ev = matMul(a, b, m), ea+eb
	}
	if v[(m/2)*m+m/2] > 1e140 {
		for i := range v {
			v[i] *= 1e-140
		}
		ev += 140
	}
	return v, ev
}

func matMul(x, y []float64, m int) []float64 {
	z := make([]float64, m*m)
	for i := range m {
		for l := range m {
			xil := x[i*m+l]
			if xil == 0 {
				continue
			}
			row := y[l*m : l*m+m]
			zr := z[i*m : i*m+m]
			for j, v := range row {
				zr[j] += xil * v
			}
		}
	}
	return z
}
