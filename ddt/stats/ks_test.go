package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestKolmogorovKnownValues(t *testing.T) {
	// Marsaglia, Tsang & Wang (2003), their worked example: P(D_10 < 0.274) = 0.6284796154565043.
	if got := mtwCDF(10, 0.274); math.Abs(got-0.6284796154565043) > 1e-13 {
		t.Errorf("K(10, 0.274) = %.16g", got)
	}
	// n = 1: D_1 = max(U, 1 − U), P(D_1 ≥ d) = 2 − 2d on [1/2, 1].
	for _, d := range []float64{0.55, 0.7, 0.95} {
		if got := KolmogorovSF(1, d); math.Abs(got-(2-2*d)) > 1e-12 {
			t.Errorf("SF(1, %v) = %v", d, got)
		}
	}
	// Exact tails (Durbin 1973): P(D_n < d) = n!(2d − 1/n)^n for 1/(2n) < d ≤ 1/n, and
	// P(D_n ≥ d) = 2(1 − d)^n for d ≥ 1 − 1/n; checked on the matrix algorithm itself.
	for _, n := range []int{3, 7, 12} {
		nf := float64(n)
		d := 0.8 / nf
		want := math.Gamma(nf+1) * math.Pow(2*d-1/nf, nf)
		if got := mtwCDF(n, d); math.Abs(got-want) > 1e-12*math.Max(want, 1e-300)+1e-15 {
			t.Errorf("lower tail n = %d: %.15g want %.15g", n, got, want)
		}
		d = 1 - 0.5/nf
		want = 1 - 2*math.Pow(1-d, nf)
		if got := mtwCDF(n, d); math.Abs(got-want) > 1e-12 {
			t.Errorf("upper tail n = %d: %.15g want %.15g", n, got, want)
		}
	}
	// Limiting distribution: classical critical values.
	// Critical values of the limiting law: Q(1.2238478702) = 0.10, Q(1.3580986393) = 0.05,
	// Q(1.6276236115) = 0.01; Q(1) = 0.2699996717, Q(0.5) = 0.9639452437.
	for _, tc := range []struct{ lambda, q float64 }{{1.2238478702170823, 0.10}, {1.3580986393225505, 0.05},
		{1.6276236115189503, 0.01}, {1.0, 0.26999967167735456}, {0.5, 0.9639452436648751}} {
		if got := KolmogorovQ(tc.lambda); math.Abs(got-tc.q) > 1e-9 {
			t.Errorf("Q(%v) = %.8f want %.8f", tc.lambda, got, tc.q)
		}
	}
	// The exact and asymptotic branches meet near n = 1000 (Stephens' form is good to about 5e-3 there).
	for _, d := range []float64{0.02, 0.03, 0.045} {
		ex := 1 - mtwCDF(1000, d)
		sq := math.Sqrt(1000.0)
		as := KolmogorovQ((sq + 0.12 + 0.11/sq) * d)
		if math.Abs(ex-as) > 5e-3 {
			t.Errorf("n = 1000, d = %v: exact %.6f asymptotic %.6f", d, ex, as)
		}
	}
	if !math.IsNaN(KolmogorovSF(0, 0.5)) || KolmogorovSF(5, 0) != 1 || KolmogorovSF(5, 1.5) != 0 {
		t.Errorf("edge cases")
	}
}

// The exact p-value is calibrated: Monte Carlo with uniform samples, n = 20.
func TestKolmogorovMonteCarlo(t *testing.T) {
	const n, reps = 20, 20000
	const d0 = 0.25
	hit := 0
	x := make([]float64, n)
	for r := range reps {
		rng := rand.New(rand.NewPCG(7, uint64(r)))
		for i := range x {
			x[i] = rng.Float64()
		}
		d, _ := ksStatistic(x, func(u float64) float64 { return math.Min(1, math.Max(0, u)) })
		if d >= d0 {
			hit++
		}
	}
	p := KolmogorovSF(n, d0)
	mc := float64(hit) / reps
	se := math.Sqrt(p * (1 - p) / reps)
	t.Logf("P(D_20 ≥ 0.25): exact %.5f, Monte Carlo %.5f ± %.5f", p, mc, se)
	if math.Abs(mc-p) > 4*se {
		t.Errorf("Monte Carlo %.5f vs exact %.5f", mc, p)
	}
}

func TestKSExponential(t *testing.T) {
	const gamma, tc, n = 0.5, 3.0, 200
	// Under the null with the true rate, p < 0.05 about 5% of the time.
	reject := 0
	const reps = 400
	for r := range reps {
		rng := rand.New(rand.NewPCG(11, uint64(r)))
		times, esc := censoredSample(rng, n, gamma, tc)
		res, err := KSExponential(times, esc, gamma)
		if err != nil {
			t.Fatal(err)
		}
		if res.PValue < 0.05 {
			reject++
		}
	}
	frac := float64(reject) / reps
	t.Logf("null rejection rate at 5%%: %.4f", frac)
	if frac < 0.025 || frac > 0.08 {
		t.Errorf("null rejection rate %.4f", frac)
	}
	// Gamma(shape 3) escape times (a delayed, non-exponential law) are rejected.
	rng := rand.New(rand.NewPCG(12, 0))
	times := make([]float64, n)
	esc := make([]bool, n)
	for i := range times {
		v := (rng.ExpFloat64() + rng.ExpFloat64() + rng.ExpFloat64()) / 3 / gamma
		if v < tc {
			times[i], esc[i] = v, true
		} else {
			times[i] = tc
		}
	}
	res, err := KSExponential(times, esc, 0)
	if err != nil {
		t.Fatal(err)
	}
	boot, err := KSExponentialBootstrap(times, esc, 199, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gamma(3) data: D = %.4f, Kolmogorov p = %.3g, bootstrap p = %.3g", res.Statistic, res.PValue, boot.PValue)
	if res.PValue > 0.01 || boot.PValue > 0.01 {
		t.Errorf("non-exponential data not rejected: p = %v, bootstrap %v", res.PValue, boot.PValue)
	}
}

// With the rate estimated from the data, the bootstrap test keeps its level and the plain Kolmogorov p-value is
// conservative (Lilliefors).
func TestKSBootstrapCalibration(t *testing.T) {
	const gamma, tc, n, datasets = 0.5, 3.0, 100, 200
	bootRej, plainRej := 0, 0
	for r := range datasets {
		rng := rand.New(rand.NewPCG(13, uint64(r)))
		times, esc := censoredSample(rng, n, gamma, tc)
		boot, err := KSExponentialBootstrap(times, esc, 99, uint64(1000+r))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := KSExponential(times, esc, 0)
		if err != nil {
			t.Fatal(err)
		}
		if boot.PValue <= 0.10 {
			bootRej++
		}
		if plain.PValue <= 0.10 {
			plainRej++
		}
	}
	b, p := float64(bootRej)/datasets, float64(plainRej)/datasets
	t.Logf("rejection at 10%% under the null, estimated rate: bootstrap %.3f, plain Kolmogorov %.3f", b, p)
	if b < 0.05 || b > 0.16 {
		t.Errorf("bootstrap rejection rate %.3f, want ≈ 0.10", b)
	}
	if p > b {
		t.Errorf("plain Kolmogorov p-value should be conservative: %.3f > %.3f", p, b)
	}
}

func TestKSErrors(t *testing.T) {
	if _, err := KSExponential([]float64{1, 2, 3}, []bool{false, false, true}, 1); !errors.Is(err, ErrCensoring) {
		t.Errorf("mixed censoring times: %v", err)
	}
	if _, err := KSExponential([]float64{2, 2}, []bool{false, false}, 1); !errors.Is(err, ErrNoEscapes) {
		t.Errorf("no escapes: %v", err)
	}
	if _, err := KSExponential([]float64{1, 5}, []bool{false, true}, 1); !errors.Is(err, ErrInput) {
		t.Errorf("escape after censoring: %v", err)
	}
	if _, err := KSExponential([]float64{1}, []bool{true, false}, 1); !errors.Is(err, ErrInput) {
		t.Errorf("mismatch: %v", err)
	}
	if _, err := KSExponential([]float64{1, 2}, []bool{true, true}, -1); !errors.Is(err, ErrInput) {
		t.Errorf("negative rate: %v", err)
	}
	if _, err := KSTest([]float64{math.NaN()}, func(float64) float64 { return 0.5 }); !errors.Is(err, ErrInput) {
		t.Errorf("NaN sample: %v", err)
	}
	if _, err := KSExponentialBootstrap([]float64{1, 2}, []bool{true, true}, 0, 1); !errors.Is(err, ErrInput) {
		t.Errorf("zero replicates: %v", err)
	}
}
