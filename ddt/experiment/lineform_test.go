package experiment

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// kSweep builds a sharpness sweep from −ln γ̂ and the numbers of escapes at each k, with its fits made the way
// sweep makes them (stats.LinearFit weighted by the escapes, in 1/k and in ln k).
func kSweep(t *testing.T, ks, negLog, escapes []float64) *Sweep {
	t.Helper()
	s := &Sweep{Param: "k", Values: ks, NegLogRate: negLog, Fits: map[string]stats.Fit{}, FitErrors: map[string]string{}}
	inv, lg := make([]float64, len(ks)), make([]float64, len(ks))
	for i, k := range ks {
		inv[i], lg[i] = 1/k, math.Log(k)
	}
	for key, x := range map[string][]float64{"1/k": inv, "log k": lg} {
		f, err := stats.LinearFit(x, negLog, escapes)
		if err != nil {
			s.FitErrors[key] = err.Error()
			continue
		}
		s.Fits[key] = f
	}
	return s
}

// TestLineTestExact checks χ² and p against closed forms. Points y = 2 + 3x + r at x = 1/k = 1, 2, 3, 4 with the
// residual r = 0.5·(1, −1, −1, 1), which is orthogonal to 1 and x under equal weights 8, so the weighted fit is
// exactly y = 2 + 3x and χ² = Σ 8·0.25 = 8 on 2 d.o.f., whose survival function is exactly e^{−χ²/2} = e^{−4}
// (tolerance 1e-12).
func TestLineTestExact(t *testing.T) {
	ks := []float64{1, 0.5, 1.0 / 3, 0.25}
	r := []float64{0.5, -0.5, -0.5, 0.5}
	y := make([]float64, 4)
	for i, k := range ks {
		y[i] = 2 + 3/k + r[i]
	}
	s := kSweep(t, ks, y, []float64{8, 8, 8, 8})
	lt, err := s.LineTest("1/k")
	if err != nil {
		t.Fatal(err)
	}
	if f := s.Fits["1/k"]; math.Abs(f.Slope-3) > 1e-12 || math.Abs(f.Intercept-2) > 1e-12 {
		t.Errorf("fit %v + %v·x, want 2 + 3x", f.Intercept, f.Slope)
	}
	if lt.DoF != 2 || math.Abs(lt.ChiSquare-8) > 1e-12 || math.Abs(lt.P-math.Exp(-4)) > 1e-12 {
		t.Errorf("LineTest = %+v, want χ² = 8, DoF 2, p = e^−4 = %v", lt, math.Exp(-4))
	}
	// The same points are far from a line in ln k (curvature 3/k against ln k): rejected at 5 %, the 1/k line
	// (p = e^−4 = 0.018) too.
	f, err := SweepForm(s, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if f.LogK.P >= 0.05 || f.Resolved() || !strings.Contains(f.String(), "both forms are rejected") {
		t.Errorf("form %+v: %s", f, f)
	}
	// At 1 % the 1/k line passes and the ln k line does not: resolved in favour of the exponential form.
	f, _ = SweepForm(s, 0.01)
	if f.LogK.P >= 0.01 || !f.Resolved() || !strings.Contains(f.String(), "resolves the exponential form") {
		t.Errorf("form at 1 %%: %+v: %s", f, f)
	}
}

// TestSharpnessFormReadings checks the four readings and Resolved on given p-values.
func TestSharpnessFormReadings(t *testing.T) {
	for _, c := range []struct {
		pInv, pLog float64
		resolved   bool
		want       string
	}{
		{0.5, 0.6, false, "does not resolve"},
		{0.01, 0.02, false, "both forms are rejected"},
		{0.5, 0.01, true, "resolves the exponential form"},
		{0.01, 0.5, true, "favours a power law"},
	} {
		f := SharpnessForm{InvK: LineTest{Key: "1/k", P: c.pInv, DoF: 4}, LogK: LineTest{Key: "log k", P: c.pLog, DoF: 4}, Alpha: 0.05}
		if f.Resolved() != c.resolved || !strings.Contains(f.String(), c.want) {
			t.Errorf("p = %v, %v: resolved %v, %q; want %v, %q", c.pInv, c.pLog, f.Resolved(), f, c.resolved, c.want)
		}
	}
}

// TestLineTestBadInput: every bad input is an ErrInvalid error, no panic.
func TestLineTestBadInput(t *testing.T) {
	var nilSweep *Sweep
	if _, err := nilSweep.LineTest("1/k"); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil sweep: %v", err)
	}
	s := kSweep(t, []float64{1, 2}, []float64{1, 2}, []float64{3, 3}) // two points: no fit
	if _, err := s.LineTest("1/k"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "need at least 3") {
		t.Errorf("two points: %v", err)
	}
	if _, err := s.LineTest("B"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown key: %v", err)
	}
	good := kSweep(t, []float64{1, 2, 3}, []float64{1, 2, 4}, []float64{3, 3, 3})
	for _, a := range []float64{0, -0.1, 0.6, math.NaN()} {
		if _, err := SweepForm(good, a); !errors.Is(err, ErrInvalid) {
			t.Errorf("alpha %v: %v", a, err)
		}
	}
	if _, err := SweepForm(&Sweep{Param: "B"}, 0.05); !errors.Is(err, ErrInvalid) {
		t.Errorf("B sweep: %v", err)
	}
	var r *NetworkEscapeResult
	if _, err := r.SharpnessForm(0.05); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil result: %v", err)
	}
}

// simulateKSweep draws, at each k, runs censored-exponential escape times with rate γ(k) = exp(−a − b/k) and
// budget T, and returns the sweep of the censored MLE γ̂ = n_e/Σ min(τ, T) (the estimator Escape uses).
func simulateKSweep(t *testing.T, rng *rand.Rand, ks []float64, a, b, T float64, runs int) *Sweep {
	neg, esc := make([]float64, len(ks)), make([]float64, len(ks))
	for i, k := range ks {
		g := math.Exp(-a - b/k)
		var ne, risk float64
		for range runs {
			tau := rng.ExpFloat64() / g
			if tau < T {
				ne++
				risk += tau
			} else {
				risk += T
			}
		}
		neg[i], esc[i] = math.Inf(1), ne
		if ne > 0 {
			neg[i] = -math.Log(ne / risk)
		}
	}
	return kSweep(t, ks, neg, esc)
}

// TestLineTestSizeAndPower is the simulation against theory. Size: when −ln γ is exactly linear in 1/k (b = 4,
// k = 0.75…1.5, 200 runs, 20–80 % escapes as in notebook 08), the 1/k line is rejected at 5 % in a fraction of
// 2000 replicates whose 99.9 % binomial interval must contain 0.05 (the χ² law of Σ n_e·r² holds to leading order in
// 1/n_e). Power: with 20000 runs per point over k = 0.5…3 the ln k line is rejected and the 1/k line is not
// (fixed seed), so the reading resolves the exponential form.
func TestLineTestSizeAndPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ks := []float64{0.75, 0.85, 1, 1.15, 1.3, 1.5}
	reps := 2000
	if testing.Short() {
		reps = 500
	}
	rej := 0
	for range reps {
		s := simulateKSweep(t, rng, ks, -3.084, 4, 1, 200)
		lt, err := s.LineTest("1/k")
		if err != nil {
			t.Fatal(err)
		}
		if lt.P < 0.05 {
			rej++
		}
	}
	frac := float64(rej) / float64(reps)
	half := 3.29 * math.Sqrt(frac*(1-frac)/float64(reps))
	if 0.05 < frac-half || 0.05 > frac+half {
		t.Errorf("size: 1/k line rejected in %d of %d replicates (%.3f ± %.3f at 99.9 %%), want 0.05 inside", rej, reps, frac, half)
	}
	t.Logf("size at 5 %%: %.3f ± %.3f (%d replicates)", frac, half, reps)

	s := simulateKSweep(t, rand.New(rand.NewPCG(5, 6)), []float64{0.5, 0.7, 1, 1.4, 2, 3}, -1.5, 2, 1, 20000)
	f, err := SweepForm(s, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Resolved() || f.LogK.P >= 0.05 || f.InvK.P < 0.05 {
		t.Errorf("power: %s", f)
	}
}
