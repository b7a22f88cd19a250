package experiment

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// Tests of the studies of notebook 09 (assumptions of DDT dropped): LossScaledSweep, HeavyTailSweep,
// LinearScalingSweep.

// TestLossScaledSweep: the Monte Carlo mean escape time against the exact Itô MFPT of the same loss-scaled noise
// (99 % intervals; both points must contain it), and the power of τ in L(b)/L(a) against Mori et al.'s
// frozen-Hessian exponent B/(ηH_a) = 12.5 on notebook 09's well (exact values only: within 5 %, the Laplace
// prefactor's drift). Same seed, same numbers.
func TestLossScaledSweep(t *testing.T) {
	well := landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05}
	exact := LossScaledSweep{Well: well, Offsets: []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32}, Eta: 0.02, Batch: 0.5, Runs: 2, MaxLogTau: 1e-300}
	r, err := exact.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fit, err := r.PowerFit()
	if err != nil {
		t.Fatal(err)
	}
	if pred := r.PredictedPower(); pred != 12.5 || math.Abs(fit.Slope/pred-1) > 0.05 {
		t.Errorf("power %.3f ± %.3f, want B/(ηH_a) = %g within 5 %%", fit.Slope, fit.SESlope, pred)
	}
	for _, p := range r.Points {
		if p.MonteCarlo || math.Abs(p.Ratio-(p.Offset+0.05)/p.Offset) > 1e-15 {
			t.Errorf("l0 = %g: Monte Carlo %v, ratio %g", p.Offset, p.MonteCarlo, p.Ratio)
		}
	}
	// Monte Carlo on a lower barrier (ln τ ≈ 3–4) with a larger batch, every second offset.
	runs := 400
	if raceEnabled {
		runs = 100
	}
	mc := LossScaledSweep{Well: landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.02}, Offsets: []float64{0.02, 0.04, 0.08, 0.16}, Eta: 0.01, Batch: 0.1,
		Runs: runs, Seed: 9, MonteCarloEvery: 2, Level: 0.99}
	r, err = mc.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, p := range r.Points {
		if p.MonteCarlo != (i%2 == 0) {
			t.Errorf("l0 = %g: Monte Carlo %v", p.Offset, p.MonteCarlo)
		}
		if !p.MonteCarlo {
			continue
		}
		n++
		tau := math.Exp(p.LogTau)
		t.Logf("l0 = %g: τ̂ = %.5g [%.4g, %.4g], exact %.5g", p.Offset, p.Rate.MeanTime, p.Rate.MeanLower, p.Rate.MeanUpper, tau)
		if !(p.Rate.MeanLower <= tau && tau <= p.Rate.MeanUpper) {
			t.Errorf("l0 = %g: exact τ = %.4g outside the 99%% interval [%.4g, %.4g]", p.Offset, tau, p.Rate.MeanLower, p.Rate.MeanUpper)
		}
	}
	if n != 2 {
		t.Errorf("%d Monte Carlo points, want 2", n)
	}
	// Floor above every curvature of the well: D(θ) = (η/B)(L(θ) + l0)·Floor, checked against the exact MFPT of
	// that closed form (1e-9).
	fl := exact
	fl.Offsets, fl.Floor = []float64{0.02, 0.04, 0.08}, 50
	rf, err := fl.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w, _ := landscape.NewDoubleWell(well)
	for _, p := range rf.Points {
		want, err := theory.LogMFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: func(x float64) float64 { return fl.Eta / fl.Batch * (w.Value(x) + p.Offset) * fl.Floor },
			Left: w.Minimum() - 1, Start: w.Minimum(), Absorb: w.Other()})
		if err != nil || math.Abs(p.LogTau-want) > 1e-9*math.Abs(want) {
			t.Errorf("floor %g, l0 = %g: ln τ = %.10g, want %.10g (%v)", fl.Floor, p.Offset, p.LogTau, want, err)
		}
	}
	mc.Offsets = mc.Offsets[:3]
	again, err := mc.Run(context.Background())
	if err != nil || again.Points[2] != r.Points[2] {
		t.Errorf("same seed, different result (%v): %+v vs %+v", err, again.Points[2], r.Points[2])
	}
	for name, edit := range map[string]func(*LossScaledSweep){
		"two offsets": func(s *LossScaledSweep) { s.Offsets = s.Offsets[:2] },
		"l0 = 0":      func(s *LossScaledSweep) { s.Offsets[1] = 0 },
		"B = NaN":     func(s *LossScaledSweep) { s.Batch = math.NaN() },
		"one run":     func(s *LossScaledSweep) { s.Runs = 1 },
		"every −1":    func(s *LossScaledSweep) { s.MonteCarloEvery = -1 },
		"level 2":     func(s *LossScaledSweep) { s.Level = 2 },
		"no barrier":  func(s *LossScaledSweep) { s.Well.Barrier = 0 },
		"floor −1":    func(s *LossScaledSweep) { s.Floor = -1 },
		// η = 1e-13 at the same η/B: the same exact τ, more than 3·10¹³ steps (int overflow without the guard).
		"1e13 steps": func(s *LossScaledSweep) { s.Eta, s.Batch, s.MaxLogTau = 1e-13, 2.5e-12, math.Inf(1) },
	} {
		s := exact
		s.Offsets = append([]float64(nil), exact.Offsets...)
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "1e13 steps" && !strings.Contains(err.Error(), "steps of η = 1e-13") {
			t.Errorf("%s: %v, want the step-budget error", name, err)
		}
	}
}

// TestHeavyTailSweep: the Gaussian kicks' mean escape time against the exact MFPT of white noise D on each well
// (99 % intervals, all three inside), the Gaussian slope of ln τ in ΔL against the exact MFPTs' slope (3 SE plus
// 10 %), and the Student-t kicks' slope far below it (less than a third: one jump crosses the barrier).
func TestHeavyTailSweep(t *testing.T) {
	runs := 300
	if raceEnabled {
		runs = 100
	}
	s := HeavyTailSweep{Barriers: []float64{0.02, 0.03, 0.04}, Ha: 2, Hb: 1, Width: 0.45, Eta: 0.02, D: 0.01, Nu: 1.5, Scale: 0.3,
		Steps: 100000, Runs: runs, Seed: 3, MaxNorm: 1e12, Level: 0.99}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var exact []float64
	for i, bar := range s.Barriers {
		w, err := s.Well(bar)
		if err != nil {
			t.Fatal(err)
		}
		tau, err := theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: func(float64) float64 { return s.D }, Left: math.Inf(-1), Start: w.Minimum(), Absorb: w.Other()})
		if err != nil {
			t.Fatal(err)
		}
		exact = append(exact, math.Log(tau))
		g, h := r.Gaussian[i], r.Heavy[i]
		t.Logf("ΔL = %g: Gaussian τ̂ = %.4g [%.4g, %.4g], exact %.4g; Student-t τ̂ = %.4g", bar, g.MeanTime, g.MeanLower, g.MeanUpper, tau, h.MeanTime)
		if !(g.MeanLower <= tau && tau <= g.MeanUpper) {
			t.Errorf("ΔL = %g: exact τ = %.4g outside the Gaussian kicks' 99%% interval [%.4g, %.4g]", bar, tau, g.MeanLower, g.MeanUpper)
		}
	}
	gs, hs, err := r.LogTauSlopes()
	if err != nil {
		t.Fatal(err)
	}
	exactSlope := slopeOf(s.Barriers, exact)
	if math.Abs(gs.Slope-exactSlope) > 3*gs.SESlope+0.1*exactSlope || !(hs.Slope < gs.Slope/3) || r.KramersSlope() != 100 {
		t.Errorf("slopes of ln τ in ΔL: Gaussian %.1f ± %.1f (exact %.1f, Kramers %g), Student-t %.1f", gs.Slope, gs.SESlope, exactSlope, r.KramersSlope(), hs.Slope)
	}
	for name, edit := range map[string]func(*HeavyTailSweep){
		"two barriers": func(s *HeavyTailSweep) { s.Barriers = s.Barriers[:2] },
		"ν = 0":        func(s *HeavyTailSweep) { s.Nu = 0 },
		"D = Inf":      func(s *HeavyTailSweep) { s.D = math.Inf(1) },
		"no steps":     func(s *HeavyTailSweep) { s.Steps = 0 },
		"wide well":    func(s *HeavyTailSweep) { s.Width = 100 },
	} {
		b := s
		b.Runs = 2
		edit(&b)
		if _, err := b.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Nothing escapes in one step: the slope fit says so instead of returning NaN.
	short := s
	short.Steps, short.Runs = 1, 4
	if sr, err := short.Run(context.Background()); err != nil {
		t.Fatal(err)
	} else if _, _, err := sr.LogTauSlopes(); err == nil {
		t.Errorf("slopes without escapes: no error")
	}
}

// TestLinearScalingSweep: D = H_a/(2·B/η) for every η (exact), τ_SDE against Kramers' low-temperature formula
// (within 25 % at ΔL/D = 2), the Monte Carlo at small ηH_a against τ_SDE (99 % interval), a sharp drop near
// ηH_a = 2 (τ̂/τ_SDE < 0.5 at 1.9), and the heated correction equal to the exact MFPT with D/(1 − ηH_a/2) and NaN
// past 2.
func TestLinearScalingSweep(t *testing.T) {
	runs := 400
	if raceEnabled {
		runs = 100
	}
	s := LinearScalingSweep{Well: landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.02}, BOverEta: 100, EtaHa: []float64{0.05, 1.9, 2.1}, Runs: runs, Seed: 4, Level: 0.99}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.D != 0.01 {
		t.Errorf("D = %g, want H_a/(2·B/η) = 0.01", r.D)
	}
	kr, err := theory.KramersLogTau1D(0.02, 0.01, 2, -1)
	if err != nil {
		t.Fatal(err)
	}
	if k := math.Exp(kr) / r.TauSDE; !(k > 0.6 && k < 1) {
		t.Errorf("τ_SDE = %g, Kramers %g", r.TauSDE, math.Exp(kr))
	}
	small, edge, past := r.Points[0], r.Points[1], r.Points[2]
	t.Logf("τ_SDE = %.4g; ηH_a = 0.05: τ̂ = %.4g [%.4g, %.4g]; 1.9: ratio %.3f heated %.3f; 2.1: ratio %.3f", r.TauSDE,
		small.Rate.MeanTime, small.Rate.MeanLower, small.Rate.MeanUpper, edge.Ratio, edge.Heated, past.Ratio)
	if small.Diverged != nil || !(small.Rate.MeanLower <= r.TauSDE && r.TauSDE <= small.Rate.MeanUpper) {
		t.Errorf("ηH_a = 0.05: τ_SDE = %.4g outside the 99%% interval [%.4g, %.4g]", r.TauSDE, small.Rate.MeanLower, small.Rate.MeanUpper)
	}
	if small.Eta != 0.025 || small.B != 2.5 || edge.Diverged != nil || !(edge.Ratio < 0.5) {
		t.Errorf("ηH_a = 1.9: τ̂/τ_SDE = %.3f, want a sharp drop (< 0.5); point 0 at η = %g, B = %g", edge.Ratio, small.Eta, small.B)
	}
	w, _ := landscape.NewDoubleWell(s.Well)
	heated, err := theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: func(float64) float64 { return 0.01 / (1 - 1.9/2) }, Left: math.Inf(-1), Start: w.Minimum(), Absorb: w.Other()})
	if err != nil || math.Abs(edge.Heated-heated/r.TauSDE) > 1e-9 || !math.IsNaN(past.Heated) {
		t.Errorf("heated ratio %g, want %g (%v); past 2: %g, want NaN", edge.Heated, heated/r.TauSDE, err, past.Heated)
	}
	for name, edit := range map[string]func(*LinearScalingSweep){
		"B/η = 0":    func(s *LinearScalingSweep) { s.BOverEta = 0 },
		"no η":       func(s *LinearScalingSweep) { s.EtaHa = nil },
		"ηH_a < 0":   func(s *LinearScalingSweep) { s.EtaHa = []float64{-1} },
		"budget NaN": func(s *LinearScalingSweep) { s.BudgetFactor = math.NaN() },
		"one run":    func(s *LinearScalingSweep) { s.Runs = 1 },
	} {
		b := s
		edit(&b)
		if _, err := b.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
