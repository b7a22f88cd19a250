package experiment

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// twoExitsStudy is notebook 06's two-exit valley with a white noise twice as strong (so that its runs are short).
func twoExitsStudy() TwoExits {
	return TwoExits{X: landscape.DoubleWellSpec{Ha: 4, Hb: 2, Barrier: 0.12}, Y: landscape.DoubleWellSpec{Ha: 1, Hb: 0.5, Barrier: 0.06},
		Eta: 0.02, Batch: 1, DWhite: 0.02, Runs: 300, Seed: 20210606, Level: 0.99}
}

// TestTwoExitsAgainstExact: the diffusions against their closed forms ηH_a/2B; each exit's exact MFPT against the
// independent quadrature itoMFPTQuad (relative 1e-3) and against Kramers (within 0.35 in ln τ at ΔL/D ≥ 3); the
// Monte Carlo total rate against the exact 1/τ_x + 1/τ_y (99 % intervals), the cause-specific rates against 1/τ_x
// and 1/τ_y (99 % intervals, where more than 10 runs used that exit), and the share of exit x against the exact
// share within 3 binomial SE + 0.02. Under SGD exit x (higher barrier, sharper) must win, under white noise exit y.
func TestTwoExitsAgainstExact(t *testing.T) {
	s := twoExitsStudy()
	if testing.Short() || raceEnabled {
		s.Runs = 60
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.SGD.DX/(s.Eta*s.X.Ha/(2*s.Batch))-1) > 1e-15 || math.Abs(r.SGD.DY/(s.Eta*s.Y.Ha/(2*s.Batch))-1) > 1e-15 ||
		r.White.DX != s.DWhite || r.White.DY != s.DWhite {
		t.Errorf("diffusions SGD %g, %g, white %g, %g", r.SGD.DX, r.SGD.DY, r.White.DX, r.White.DY)
	}
	wx, _ := landscape.NewDoubleWell(s.X)
	wy, _ := landscape.NewDoubleWell(s.Y)
	for _, p := range r.Points() {
		for _, e := range []struct {
			name string
			w    *landscape.DoubleWell
			spec landscape.DoubleWellSpec
			d    float64
			tau  float64
		}{{"x", wx, s.X, p.DX, p.TauX}, {"y", wy, s.Y, p.DY, p.TauY}} {
			d := e.d
			q := itoMFPTQuad(e.w.Deriv, func(float64) float64 { return d }, e.w.Minimum()-1, e.w.Minimum(), e.w.Other(), 100000)
			k, err := theory.KramersLogTau1D(e.spec.Barrier, d, e.spec.Ha, -e.spec.Hb)
			if err != nil || math.Abs(e.tau/q-1) > 1e-3 || math.Abs(math.Log(e.tau)-k) > 0.35 {
				t.Errorf("%s exit %s: τ %g, quadrature %g, Kramers e^%.3f (%v)", p.Noise, e.name, e.tau, q, k, err)
			}
		}
		t.Logf("%s: γ̂ %.4g [%.4g, %.4g] exact %.4g; γ̂_x %.4g [%.4g, %.4g] exact %.4g; γ̂_y %.4g [%.4g, %.4g] exact %.4g; share x %.3f (%d/%d) exact %.3f",
			p.Noise, p.Rate.Rate, p.Rate.RateLower, p.Rate.RateUpper, p.ExactRate(), p.RateX.Rate, p.RateX.RateLower, p.RateX.RateUpper, 1/p.TauX,
			p.RateY.Rate, p.RateY.RateLower, p.RateY.RateUpper, 1/p.TauY, p.ShareX(), p.ViaX, p.Escaped, p.ExactShareX())
		if !p.ExactInside() {
			t.Errorf("%s: exact total rate %g outside [%g, %g]", p.Noise, p.ExactRate(), p.Rate.RateLower, p.Rate.RateUpper)
		}
		for _, c := range []struct {
			n     int
			lo, h float64
			exact float64
		}{{p.ViaX, p.RateX.RateLower, p.RateX.RateUpper, 1 / p.TauX}, {p.Escaped - p.ViaX, p.RateY.RateLower, p.RateY.RateUpper, 1 / p.TauY}} {
			if c.n > 10 && !(c.lo <= c.exact && c.exact <= c.h) {
				t.Errorf("%s: cause-specific rate interval [%g, %g] misses the exact %g", p.Noise, c.lo, c.h, c.exact)
			}
		}
		if ex := p.ExactShareX(); math.Abs(p.ShareX()-ex) > 3*math.Sqrt(ex*(1-ex)/float64(p.Escaped))+0.02 {
			t.Errorf("%s: share of exit x %.3f, exact %.3f", p.Noise, p.ShareX(), ex)
		}
		if p.Escaped < s.Runs/2 || p.RateX.Escaped+p.RateY.Escaped != p.Escaped {
			t.Errorf("%s: %d of %d escaped (%d via x, %d via y)", p.Noise, p.Escaped, s.Runs, p.RateX.Escaped, p.RateY.Escaped)
		}
	}
	if !(r.SGD.ExactShareX() > 0.9 && r.White.ExactShareX() < 0.25) {
		t.Errorf("exact shares of the sharp exit: SGD %.3f, white %.3f: SGD should prefer it, white noise avoid it", r.SGD.ExactShareX(), r.White.ExactShareX())
	}
	if in, n := r.ExactInside(); in != n {
		t.Errorf("exact inside %d of %d", in, n)
	}
	again, err := s.Run(context.Background())
	if err != nil || again.SGD != r.SGD || again.White != r.White {
		t.Errorf("same seed, different result (%v)", err)
	}
}

func TestTwoExitsBadInput(t *testing.T) {
	for name, edit := range map[string]func(*TwoExits){
		"η = 0":          func(s *TwoExits) { s.Eta = 0 },
		"B = Inf":        func(s *TwoExits) { s.Batch = math.Inf(1) },
		"white D < 0":    func(s *TwoExits) { s.DWhite = -1 },
		"one run":        func(s *TwoExits) { s.Runs = 1 },
		"level NaN":      func(s *TwoExits) { s.Level = math.NaN() },
		"no barrier":     func(s *TwoExits) { s.Y.Barrier = 0 },
		"endless escape": func(s *TwoExits) { s.X.Barrier, s.Y.Barrier = 5, 5 },
	} {
		s := twoExitsStudy()
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if got := (ExitPoint{}).ShareX(); got != 0 {
		t.Errorf("share without escapes %g, want 0", got)
	}
}

// The exact side of notebook 06's two-exit valley: under SGD the sharp exit with the higher barrier wins (its
// ΔL/H_a is the smaller), under white noise of SGD's strength along the flat direction the low barrier does.
func ExampleTwoExits() {
	s := TwoExits{X: landscape.DoubleWellSpec{Ha: 4, Hb: 2, Barrier: 0.12}, Y: landscape.DoubleWellSpec{Ha: 1, Hb: 0.5, Barrier: 0.06},
		Eta: 0.02, Batch: 1, DWhite: 0.01, Runs: 2, Seed: 1}
	r, err := s.Run(context.Background())
	if err != nil {
		panic(err)
	}
	for _, p := range r.Points() {
		fmt.Printf("%s: exact rate %.3g, share of the sharp exit %.3f\n", p.Noise, p.ExactRate(), p.ExactShareX())
	}
	// Output:
	// SGD: exact rate 0.018, share of the sharp exit 0.986
	// white noise: exact rate 0.000249, share of the sharp exit 0.010
}
