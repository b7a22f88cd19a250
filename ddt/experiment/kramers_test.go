package experiment

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
)

// smallKramersSweep is notebook 04's sweep at fewer, hotter temperatures with 99 % intervals.
func smallKramersSweep() KramersSweep {
	return KramersSweep{Betas: []float64{1, 2, 3, 4}, Eta: 0.01, Runs: 300, Budget: 4, Seed: 20210104, Level: 0.99,
		RatioBetas: []float64{1, 2, 4, 8, 16, 32}}
}

// quarticMFPT is the exact MFPT of the quartic double well from −1 to +1 with constant D, by the trapezoid rule
// on the double integral (1/D)∫_{−1}^{1} e^{L(y)/D} ∫_{−4}^{y} e^{−L(z)/D} dz dy (independent of theory.MFPT1D).
func quarticMFPT(d float64) float64 {
	const n = 50000
	l := func(x float64) float64 { return x*x*x*x/4 - x*x/2 }
	h := 5.0 / n
	inner, outer := 0.0, 0.0
	prevIn, prevOut := math.Exp(-l(-4)/d), 0.0
	for i := 1; i <= n; i++ {
		x := -4 + float64(i)*h
		f := math.Exp(-l(x) / d)
		inner += h * (f + prevIn) / 2
		prevIn = f
		g := 0.0
		if x >= -1-1e-12 {
			g = math.Exp(l(x)/d) * inner
			if x > -1+h/2 {
				outer += h * (g + prevOut) / 2
			}
		}
		prevOut = g
	}
	return outer / d
}

// TestKramersSweepAgainstExact: the exact column against an independent trapezoid quadrature (1e-5 relative), the
// Kramers column against 2π/√2·e^{ΔL/D} written out, the Fokker–Planck 1/λ₀ against the exact MFPT (within
// 12 % at ΔL/D = 1, 2 % at 4: the start differs, minimum against quasi-stationary density), the Monte Carlo τ̂
// inside its 99 % interval around the exact MFPT at all but at most one temperature, the Monte Carlo slope of ln τ
// in ΔL/D within 3 SE of the exact slope, Kramers/exact rising to 1 within 4 % at ΔL/D = 32, and the verdict.
func TestKramersSweepAgainstExact(t *testing.T) {
	s := smallKramersSweep()
	if raceEnabled || testing.Short() {
		s.Runs = 100
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Points {
		t.Logf("ΔL/D = %g: MC %.4g [%.4g, %.4g] (%d/%d, KS p %.2f)  exact %.4g  FP %.4g (gap %.0f)  Kramers %.4g", p.Beta,
			p.MC.MeanTime, p.MC.MeanLower, p.MC.MeanUpper, p.MC.Escaped, p.MC.N, p.KSP, p.Exact, p.FP, p.FPGap, p.Kramers)
		if q := quarticMFPT(p.D); math.Abs(p.Exact/q-1) > 1e-5 {
			t.Errorf("ΔL/D = %g: exact %.8g, trapezoid %.8g", p.Beta, p.Exact, q)
		}
		if k := 2 * math.Pi / math.Sqrt(2) * math.Exp(p.Beta); math.Abs(p.Kramers/k-1) > 1e-12 || math.Abs(p.D-0.25/p.Beta) > 1e-15 {
			t.Errorf("ΔL/D = %g: Kramers %.8g, want %.8g (D = %g)", p.Beta, p.Kramers, k, p.D)
		}
		if tol := map[float64]float64{1: 0.12, 2: 0.08, 3: 0.04, 4: 0.02}[p.Beta]; math.Abs(p.FP/p.Exact-1) > tol {
			t.Errorf("ΔL/D = %g: Fokker–Planck 1/λ₀ %.4g, exact %.4g: more than %.0f %% apart", p.Beta, p.FP, p.Exact, 100*tol)
		}
		if !(p.KSP >= 0 && p.KSP <= 1) || p.MC.N != s.Runs {
			t.Errorf("ΔL/D = %g: KS p %g, %d runs", p.Beta, p.KSP, p.MC.N)
		}
	}
	if in, n := r.ExactInside(); in < n-1 {
		t.Errorf("the exact MFPT lies inside the 99%% interval at only %d of %d temperatures", in, n)
	}
	mf, err := r.MCFit()
	if err != nil {
		t.Fatal(err)
	}
	ef, err := r.ExactFit()
	if err != nil {
		t.Fatal(err)
	}
	if !(ef.Slope > 0.9 && ef.Slope < 1) || math.Abs(mf.Slope-ef.Slope) > 3*mf.SESlope+0.01 {
		t.Errorf("slope of ln τ: Monte Carlo %.3f ± %.3f, exact %.3f (want in (0.9, 1) and within 3 SE)", mf.Slope, mf.SESlope, ef.Slope)
	}
	if len(r.Ratio) != len(s.RatioBetas) || !(r.Ratio[0] < 0.9) || math.Abs(r.Ratio[len(r.Ratio)-1]-1) > 0.04 {
		t.Errorf("Kramers/exact on %v: %v; want below 0.9 at ΔL/D = 1 and within 4 %% of 1 at 32", s.RatioBetas, r.Ratio)
	}
	for i, b := range s.RatioBetas {
		if want := 2 * math.Pi / math.Sqrt(2) * math.Exp(b) / quarticMFPT(0.25/b); b <= 16 && math.Abs(r.Ratio[i]/want-1) > 1e-5 {
			t.Errorf("Kramers/exact at ΔL/D = %g: %.6g, trapezoid %.6g", b, r.Ratio[i], want)
		}
	}
	if b, ok := r.AccurateFrom(0.1); !ok || b != 8 {
		t.Errorf("Kramers within 10 %% from ΔL/D = %g (%v), want 8 on this grid (0.876 at 4)", b, ok)
	}
	if _, ok := r.AccurateFrom(1e-6); ok {
		t.Errorf("Kramers within 1e-6 of exact at ΔL/D = 32: impossible (the Laplace correction is O(D/ΔL))")
	}
	// BelowAbove against a recount of the logged points (in order); the exponential law at ≥ 3 of 4 temperatures
	// (a KS p-value is uniform under the law, so two below 0.01 by chance has probability ≈ 6·10⁻⁴; at ΔL/D = 1
	// the relaxation is not separated from the escape, FP gap 16, and the law may fail there).
	var wantBelow, wantAbove []float64
	worst := 0.0
	for _, p := range r.Points {
		worst = math.Max(worst, math.Abs(p.MC.MeanTime/p.Exact-1))
		if p.MC.MeanTime < p.Exact {
			wantBelow = append(wantBelow, p.Beta)
		} else {
			wantAbove = append(wantAbove, p.Beta)
		}
	}
	below, above := r.BelowAbove()
	if !slices.Equal(below, wantBelow) || !slices.Equal(above, wantAbove) || r.WorstDeviation() != worst || worst > 0.3 || r.KSPassed(0.01) < len(s.Betas)-1 {
		t.Errorf("below %v (recount %v), above %v (recount %v), worst deviation %.3f (want ≤ 0.3), KS passed at %d of %d (want ≥ %d)",
			below, wantBelow, above, wantAbove, r.WorstDeviation(), r.KSPassed(0.01), len(s.Betas), len(s.Betas)-1)
	}
	if v := r.Verdict(); v != "reproduced" {
		t.Errorf("verdict %q, want reproduced", v)
	}
	// Same seed, same numbers (point i's seed does not depend on the other points).
	s.Betas, s.RatioBetas = s.Betas[:3], nil
	again, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again.Points[2] != r.Points[2] {
		t.Errorf("a second run with the same seed differs: %+v vs %+v", again.Points[2], r.Points[2])
	}
	if _, ok := again.AccurateFrom(0.1); ok || again.Verdict() != "partly reproduced" {
		t.Errorf("without a Kramers/exact grid the verdict cannot be reproduced")
	}
}

func TestKramersSweepBadInput(t *testing.T) {
	for name, edit := range map[string]func(*KramersSweep){
		"two β":           func(s *KramersSweep) { s.Betas = []float64{1, 2} },
		"β = 0":           func(s *KramersSweep) { s.Betas[0] = 0 },
		"β = NaN":         func(s *KramersSweep) { s.Betas[1] = math.NaN() },
		"ratio grid down": func(s *KramersSweep) { s.RatioBetas = []float64{2, 1} },
		"ratio β = −1":    func(s *KramersSweep) { s.RatioBetas = []float64{-1, 1} },
		"η = 0":           func(s *KramersSweep) { s.Eta = 0 },
		"budget = Inf":    func(s *KramersSweep) { s.Budget = math.Inf(1) },
		"one run":         func(s *KramersSweep) { s.Runs = 1 },
		"level 1":         func(s *KramersSweep) { s.Level = 1 },
		"2 cells":         func(s *KramersSweep) { s.Cells = 2 },
		"too cold":        func(s *KramersSweep) { s.Betas = []float64{1, 2, 40} },
	} {
		s := smallKramersSweep()
		s.Runs = 10
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, err := KramersOverExact([]float64{1, math.Inf(1)}); err == nil {
		t.Errorf("KramersOverExact(+Inf): no error")
	}
	// Nothing escapes: the Monte Carlo fit says so instead of returning NaN.
	r := &KramersResult{Points: []KramersPoint{{Beta: 1}, {Beta: 2}, {Beta: 3}}}
	if _, err := r.MCFit(); err == nil {
		t.Errorf("MC fit without escapes: no error")
	}
}

// ExampleKramersOverExact shows what Kramers' low-temperature approximation costs on the quartic double well.
func ExampleKramersOverExact() {
	ratio, err := KramersOverExact([]float64{1, 4, 16})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Kramers/exact at ΔL/D = 1, 4, 16: %.3f\n", ratio)
	// Output:
	// Kramers/exact at ΔL/D = 1, 4, 16: [0.846 0.876 0.975]
}
