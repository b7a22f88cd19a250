package experiment

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// quickstartSweep is notebook 00's sweep with fewer sharpness factors.
func quickstartSweep() WellSweep {
	return WellSweep{Well: landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05}, Ks: []float64{0.8, 1.25, 2, 3.2},
		Eta: 0.02, Batch: 2, Runs: 200, Seed: 20210100, Level: 0.99}
}

// TestWellSweepAgainstExact: every Monte Carlo −ln γ̂ against the exact MFPT of the same diffusion (99 %
// intervals, at most one of the eight outside: with correct code that fails with probability ≈ 0.003), the SGD
// slope in 1/k against the slope of the exact values and DDT's 2BΔL/ηH_a = 5, the white-noise slope in ln k
// against −1.
func TestWellSweepAgainstExact(t *testing.T) {
	s := quickstartSweep()
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.SGD) != len(s.Ks) || len(r.White) != len(s.Ks) {
		t.Fatalf("%d SGD and %d white points, want %d each", len(r.SGD), len(r.White), len(s.Ks))
	}
	for i, k := range s.Ks {
		sgd, wn := r.SGD[i], r.White[i]
		if want := s.Eta * k * s.Well.Ha / (2 * s.Batch); math.Abs(sgd.D/want-1) > 1e-12 {
			t.Errorf("k = %g: SGD D = %g, want ηkH_a/2B = %g", k, sgd.D, want)
		}
		if math.Abs(wn.D/r.DWhite-1) > 1e-12 || math.Abs(r.DWhite/(s.Eta*s.Well.Ha/(2*s.Batch))-1) > 1e-12 {
			t.Errorf("k = %g: white D = %g (DWhite %g), want SGD's D at k = 1 = %g", k, wn.D, r.DWhite, s.Eta*s.Well.Ha/(2*s.Batch))
		}
		t.Logf("k = %4g  SGD %.3f [%.3f, %.3f] exact %.3f Kramers %.3f   white %.3f [%.3f, %.3f] exact %.3f Kramers %.3f", k,
			sgd.NegLogRate, sgd.Lower, sgd.Upper, sgd.Exact, sgd.Kramers, wn.NegLogRate, wn.Lower, wn.Upper, wn.Exact, wn.Kramers)
	}
	// The formula is the low-temperature limit of the exact value: here ΔL/D is 2.5 (SGD, k = 3.2) to 6.25
	// (SGD, k = 0.8), where its error is a few tenths in ln τ; it must shrink as ΔL/D grows.
	for _, ps := range [][]WellPoint{r.SGD, r.White} {
		for _, p := range ps {
			if e := math.Abs(p.Exact - p.Kramers); !(e < 0.5) {
				t.Errorf("k = %g, D = %g: Kramers %.3f, exact %.3f", p.K, p.D, p.Kramers, p.Exact)
			}
		}
	}
	if first, last := r.SGD[0], r.SGD[len(r.SGD)-1]; !(math.Abs(first.Exact-first.Kramers) < math.Abs(last.Exact-last.Kramers)) {
		t.Errorf("Kramers' error at ΔL/D = %.2f is not below its error at ΔL/D = %.2f", 0.05/first.D, 0.05/last.D)
	}
	if in, n := r.ExactInside(); in < n-1 {
		t.Errorf("the exact value lies inside the 99%% interval at only %d of %d points", in, n)
	}
	sf, err := r.SGDFit()
	if err != nil {
		t.Fatal(err)
	}
	// The slope of the exact values: the Monte Carlo slope must agree with it within 3 standard errors.
	var x, y []float64
	for _, p := range r.SGD {
		x, y = append(x, 1/p.K), append(y, p.Exact+math.Log(p.K))
	}
	exactSlope := slopeOf(x, y)
	if se := sf.SESlopeFromWeights; !(se > 0.03 && se < 0.3) || math.Abs(sf.Slope-exactSlope) > 3*se {
		t.Errorf("SGD slope %.3f ± %.3f, exact %.3f: more than 3 SE apart (or an SE far from the ≈ 0.1 that 200 runs give)", sf.Slope, se, exactSlope)
	}
	if pred := r.PredictedSGDSlope(); pred != 5 || math.Abs(exactSlope/pred-1) > 0.1 || math.Abs(sf.Slope/pred-1) > 0.15 {
		t.Errorf("SGD slope %.3f (exact %.3f), DDT %.3f: want DDT = 5 and both within 10 %% / 15 %%", sf.Slope, exactSlope, pred)
	}
	wf, err := r.WhiteFit()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(wf.Slope+1) > 0.15 || math.Abs(wf.Slope+1) > 3*wf.SESlopeFromWeights+0.05 {
		t.Errorf("white-noise slope in ln k %.3f ± %.3f, want −1 within 0.15 and 3 SE (+0.05 for the prefactor's curvature)", wf.Slope, wf.SESlopeFromWeights)
	}
	if lf, err := r.SGDFitLogK(); err != nil || !(lf.ResidualSE > 2*sf.ResidualSE) {
		t.Errorf("SGD residual SE around a line in ln k %.3f (%v), in 1/k %.3f: want SGD clearly straighter in 1/k", lf.ResidualSE, err, sf.ResidualSE)
	}
	if v, err := r.Verdict(0.15); err != nil || v != "reproduced" {
		t.Errorf("verdict %q (%v), want reproduced", v, err)
	}
	// Same seed, same numbers.
	s.Ks = s.Ks[:2]
	again, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again.SGD[1] != r.SGD[1] || again.White[0] != r.White[0] {
		t.Errorf("a second run with the same seed differs: %+v vs %+v", again.SGD[1], r.SGD[1])
	}
}

func slopeOf(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx, my = mx+x[i], my+y[i]
	}
	mx, my = mx/float64(len(x)), my/float64(len(y))
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	return sxy / sxx
}

func TestWellSweepBadInput(t *testing.T) {
	for name, edit := range map[string]func(*WellSweep){
		"one k":        func(s *WellSweep) { s.Ks = []float64{1} },
		"k = 0":        func(s *WellSweep) { s.Ks = []float64{0, 1} },
		"k = NaN":      func(s *WellSweep) { s.Ks = []float64{math.NaN(), 1} },
		"η = 0":        func(s *WellSweep) { s.Eta = 0 },
		"B = −1":       func(s *WellSweep) { s.Batch = -1 },
		"one run":      func(s *WellSweep) { s.Runs = 1 },
		"level 1":      func(s *WellSweep) { s.Level = 1 },
		"no barrier":   func(s *WellSweep) { s.Well.Barrier = 0 },
		"barrier 1000": func(s *WellSweep) { s.Well.Barrier = 1000 },
	} {
		s := quickstartSweep()
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	// Nothing escapes from a deep well in a short budget: the fits say so instead of returning NaN.
	r := &WellResult{Sweep: quickstartSweep()}
	for _, k := range []float64{1, 2, 3} {
		r.SGD = append(r.SGD, WellPoint{K: k, NegLogRate: math.Inf(1), Rate: stats.RateEstimate{N: 10, OneSided: true}})
	}
	if _, err := r.SGDFit(); !errors.Is(err, ErrTooFewEscapes) {
		t.Errorf("SGD fit without escapes: %v, want ErrTooFewEscapes", err)
	}
}

// TestCheckLevel: every sweep rejects a confidence level outside (0, 1) with ErrInvalid; 0 means the default.
func TestCheckLevel(t *testing.T) {
	for _, l := range []float64{-0.5, 1, 1.5, math.NaN(), math.Inf(1)} {
		if err := checkLevel(l); !errors.Is(err, ErrInvalid) {
			t.Errorf("checkLevel(%g) = %v, want ErrInvalid", l, err)
		}
	}
	for _, l := range []float64{0, 0.5, 0.99} {
		if err := checkLevel(l); err != nil {
			t.Errorf("checkLevel(%g) = %v, want nil", l, err)
		}
	}
}
