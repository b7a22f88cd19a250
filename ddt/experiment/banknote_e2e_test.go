package experiment

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// TestBanknoteEndToEnd is the small version of the recorded study (RESULTS.md): a 4 → 6 → 2 tanh network
// trained on a 256-row stratified subset of standardised Banknote (weight decay 1e-3), the C-against-H/B
// comparison, the per-coordinate noise check, and the k, B and η escape sweeps, each with few runs.
func TestBanknoteEndToEnd(t *testing.T) {
	ls, tm := banknoteMinimum(t, 256, []int{6}, 1e-3, 1)
	if tm.Accuracy < 0.95 {
		t.Fatalf("training accuracy %.3f", tm.Accuracy)
	}
	mn, err := NewMinimum(ls, tm.Theta)
	if err != nil {
		t.Fatal(err)
	}
	// C1: the comparison runs, and the measured C agrees with the covariance of real minibatch draws.
	cmp, err := CompareNoiseHessian(ls, tm.Theta, []int{1, 8}, nn.WithReplacement, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmp {
		if c.Used < 3 || math.IsNaN(c.LogLog.Slope) || c.Used+c.DroppedFlat+c.DroppedSilent != ls.Dim() {
			t.Errorf("B=%d: log-log fit on %d entries (dropped %d flat, %d silent): %+v", c.Batch, c.Used, c.DroppedFlat, c.DroppedSilent, c.LogLog)
		}
		t.Logf("C1 B=%d at θ*: log-log slope %.3f ± %.3f, R² %.3f, %d used, %d flat, %d silent, corr %.3f, off-diagonal ratio %.3f",
			c.Batch, c.LogLog.Slope, c.LogLog.SESlope, c.LogLog.R2, c.Used, c.DroppedFlat, c.DroppedSilent, c.Corr, c.OffDiag)
	}
	rnd := make([]float64, ls.Dim())
	if err := ls.Net().Init(rnd, rand.New(rand.NewPCG(5, 5))); err != nil {
		t.Fatal(err)
	}
	if r, err := CompareNoiseHessian(ls, rnd, []int{8}, nn.WithReplacement, true, 0); err != nil {
		t.Fatal(err)
	} else {
		t.Logf("C1 B=8 at random init: log-log slope %.3f ± %.3f, R² %.3f (%d used)", r[0].LogLog.Slope, r[0].LogLog.SESlope, r[0].LogLog.R2, r[0].Used)
	}
	draws := 3000
	if raceEnabled {
		draws = 600
	}
	nrm, err := MeasureNoiseNormality(ls, tm.Theta, 8, nn.WithReplacement, 3, draws, 2)
	if err != nil {
		t.Fatal(err)
	}
	c8, _ := CompareNoiseHessian(ls, tm.Theta, []int{8}, nn.WithReplacement, false, 0)
	for i, c := range nrm.Coords {
		// u_iᵀCu_i for the same direction (Lanczos and EigenSym vectors agree up to sign).
		want := c8[0].CDiag[i]
		if rel := math.Abs(c.Std*c.Std-want) / want; rel > 6*math.Sqrt(2/float64(draws))*math.Sqrt(1+c.ExKurt/2) {
			t.Errorf("coordinate %d: sample variance %.4g vs u_iᵀCu_i %.4g (rel. diff %.3f)", i, c.Std*c.Std, want, rel)
		}
	}
	// Escape sweeps.
	ctx := context.Background()
	runs, steps := 40, 800
	if raceEnabled {
		runs, steps = 16, 400
	}
	base := Config{Dynamics: SGD, Batch: 8, Eta: 0.1, Steps: steps, Runs: runs, Seed: 1, CheckEvery: 20}
	plan, err := PlanDelta(ctx, mn, base, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	base.Delta = plan.Delta
	check := func(s *Sweep, fit string, sign float64) {
		t.Helper()
		for i, r := range s.Results {
			t.Logf("%s=%g: %d/%d escaped, −log γ = %.3f [%.3f, %.3f]", s.Param, s.Values[i], r.Escaped, r.Config.Runs, s.NegLogRate[i], -math.Log(r.Rate.RateUpper), -math.Log(r.Rate.RateLower))
		}
		f, ok := s.Fits[fit]
		if !ok {
			t.Errorf("no fit against %s: %v", fit, s.FitErrors)
			return
		}
		t.Logf("−log γ against %s: slope %.4g ± %.2g, R² %.4f (n = %d)", fit, f.Slope, f.SESlope, f.R2, f.N)
		if f.Slope*sign <= 0 {
			t.Errorf("−log γ against %s: slope %.3g has the wrong sign", fit, f.Slope)
		}
	}
	sk, err := SweepK(ctx, mn, base, []float64{0.8, 1, 1.25})
	if err != nil {
		t.Fatal(err)
	}
	check(sk, "1/k", +1)
	sb, err := SweepBatch(ctx, mn, base, []int{6, 8, 11})
	if err != nil {
		t.Fatal(err)
	}
	check(sb, "B", +1)
	se, err := SweepEta(ctx, mn, base, []float64{0.08, 0.1, 0.125})
	if err != nil {
		t.Fatal(err)
	}
	check(se, "1/eta", +1)
	white, _ := whiteReference(t, ctx, mn, steps/2, runs/2, 3)
	sw, err := SweepK(ctx, mn, white, []float64{0.5, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	check(sw, "log k", -1)
}
