package stats_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// An escape rate from 500 runs censored at t = 40, with its 95% interval and a KS check of the exponential law.
func ExampleEstimateRate() {
	const gamma, tc = 0.02, 40.0
	times := make([]float64, 500)
	escaped := make([]bool, 500)
	for i := range times {
		rng := rand.New(rand.NewPCG(1, uint64(i))) // one stream per run
		t := rng.ExpFloat64() / gamma
		times[i], escaped[i] = math.Min(t, tc), t < tc
	}
	r, err := stats.EstimateRate(times, escaped, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d escaped; γ̂ = %.4f, 95%% CI [%.4f, %.4f]; mean time %.1f [%.1f, %.1f]\n",
		r.Escaped, r.N, r.Rate, r.RateLower, r.RateUpper, r.MeanTime, r.MeanLower, r.MeanUpper)
	ks, _ := stats.KSExponential(times, escaped, gamma)
	fmt.Printf("KS D = %.3f, p = %.2f\n", ks.Statistic, ks.PValue)
	// Output:
	// 281 of 500 escaped; γ̂ = 0.0206, 95% CI [0.0183, 0.0231]; mean time 48.6 [43.2, 54.8]
	// KS D = 0.024, p = 1.00
}

// Zero escapes give a one-sided bound, not a NaN.
func ExampleEstimateRateCensored() {
	r, _ := stats.EstimateRateCensored(nil, 100, 1000, 0.95)
	fmt.Printf("one-sided: %v; γ ≤ %.2e; mean escape time ≥ %.0f\n", r.OneSided, r.RateUpper, r.MeanLower)
	// Output: one-sided: true; γ ≤ 3.69e-05; mean escape time ≥ 27109
}

// The white-noise signature: log τ against log k has slope −1.
func ExampleFitLogTau() {
	k := []float64{0.5, 1, 2, 4, 8}
	tau := []float64{410, 198, 103, 49, 25.5}
	f, err := stats.FitLogTau(stats.LogK, k, tau, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	lo, hi, _ := f.SlopeCI(0.95)
	fmt.Printf("slope %.3f ± %.3f, 95%% CI [%.3f, %.3f], R² = %.4f\n", f.Slope, f.SESlope, lo, hi, f.R2)
	// Output: slope -1.003 ± 0.012, 95% CI [-1.040, -0.966], R² = 0.9996
}

// The p-value of a Kolmogorov–Smirnov statistic, exact for small samples.
func ExampleKolmogorovSF() {
	fmt.Printf("P(D_10 ≥ 0.274) = %.6f\n", stats.KolmogorovSF(10, 0.274))
	fmt.Printf("Q(1.358) = %.4f\n", stats.KolmogorovQ(1.358))
	// Output:
	// P(D_10 ≥ 0.274) = 0.371520
	// Q(1.358) = 0.0500
}
