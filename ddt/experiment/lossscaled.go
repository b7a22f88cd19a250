package experiment

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/stats"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// LossScaledSweep is the competing noise model of Mori, Ziyin, Liu & Ueda (ICML 2022; THEORY.md §6, notebook 09):
// gradient noise whose strength follows the loss value, D(θ) = (η/B)·(L(θ) + l₀)·H_a (noise.NewLossScaled with the
// Hessian frozen at the minimum, or following the curvature above Floor), on one double well whose barrier ΔL never changes while the loss value at the
// minimum, l₀, runs over Offsets (the whole loss shifted up by l₀). Along the escape path
// ∫ L'/D dθ = (B/ηH_a)·ln(L(b)/L(a)), so the mean escape time is a power law in L(b)/L(a) = (l₀ + ΔL)/l₀ with
// exponent ≈ B/(ηH_a), where DDT's noise (which does not see l₀) would give one escape time for every l₀.
//
// For each offset it computes the exact Itô mean first-passage time from the minimum a to the next minimum c
// (theory.LogMFPT1D, reflecting wall at a − 1) and, at every MonteCarloEvery-th offset whose exact ln τ is below
// MaxLogTau, runs Runs trajectories for at most 3τ.
//
// Randomness: the Monte Carlo at offset i uses the seed Seed + i, trajectory t its stream t (escape.Run).
type LossScaledSweep struct {
	// Well is the double well (L(a) = 0, L(b) = ΔL = Well.Barrier).
	Well landscape.DoubleWellSpec
	// Offsets are the loss values l₀ > 0 at the minimum, at least three.
	Offsets []float64
	// Eta is the learning rate and Batch the batch size B (> 0).
	Eta, Batch float64
	// Runs is the number of trajectories per Monte Carlo point (≥ 2).
	Runs int
	// Seed derives the Monte Carlo seeds.
	Seed uint64
	// MonteCarloEvery: Monte Carlo at offsets i with i % MonteCarloEvery == 0 (0: every offset).
	MonteCarloEvery int
	// MaxLogTau: no Monte Carlo where the exact ln τ is MaxLogTau or more (0: 9, about 8000/η steps).
	MaxLogTau float64
	// Level is the confidence level of the Monte Carlo intervals (0: 0.95).
	Level float64
	// Floor > 0 lets the noise follow the curvature where the particle is instead of freezing it at H_a:
	// D(θ) = (η/B)(L(θ) + l₀)·max(|L″(θ)|, Floor) (noise.LossScaledSpec with a nil Hessian). Without a floor the
	// noise vanishes at the inflection points and traps the runs there (notebook 05).
	Floor float64
}

// LossScaledPoint is one offset of a LossScaledSweep.
type LossScaledPoint struct {
	// Offset is l₀ and Ratio = L(b)/L(a) = (l₀ + ΔL)/l₀.
	Offset, Ratio float64
	// LogTau is the exact ln τ (Itô).
	LogTau float64
	// MonteCarlo reports whether Rate was measured; Rate is the censored-MLE estimate (MeanTime is τ̂).
	MonteCarlo bool
	Rate       stats.RateEstimate
}

// LossScaledResult is the outcome of LossScaledSweep.Run.
type LossScaledResult struct {
	Sweep  LossScaledSweep
	Points []LossScaledPoint
}

func (s *LossScaledSweep) validate() error {
	if len(s.Offsets) < 3 {
		return fmt.Errorf("%w: a loss-scaled sweep needs at least three offsets l₀ for its power fit (got %d)", ErrInvalid, len(s.Offsets))
	}
	for _, l0 := range s.Offsets {
		if !finitePos(l0) {
			return fmt.Errorf("%w: the loss offset l₀ must be positive and finite (got %g)", ErrInvalid, l0)
		}
	}
	if !finitePos(s.Eta) || !finitePos(s.Batch) {
		return fmt.Errorf("%w: learning rate η and batch size B must be positive and finite (got %g, %g)", ErrInvalid, s.Eta, s.Batch)
	}
	if s.Runs < 2 {
		return fmt.Errorf("%w: at least 2 runs per Monte Carlo point (got %d)", ErrInvalid, s.Runs)
	}
	if s.MonteCarloEvery < 0 || s.MaxLogTau < 0 || math.IsNaN(s.MaxLogTau) {
		return fmt.Errorf("%w: MonteCarloEvery (%d) and MaxLogTau (%g) must be ≥ 0", ErrInvalid, s.MonteCarloEvery, s.MaxLogTau)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	if s.Floor < 0 || math.IsNaN(s.Floor) || math.IsInf(s.Floor, 0) {
		return fmt.Errorf("%w: curvature floor must be ≥ 0 and finite (got %g)", ErrInvalid, s.Floor)
	}
	return nil
}

// Run computes the exact escape time at every offset and the Monte Carlo where it was asked for.
func (s LossScaledSweep) Run(ctx context.Context) (*LossScaledResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.MonteCarloEvery == 0 {
		s.MonteCarloEvery = 1
	}
	if s.MaxLogTau == 0 {
		s.MaxLogTau = 9
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return nil, err
	}
	a, c := w.Minimum(), w.Other()
	res := &LossScaledResult{Sweep: s}
	for i, l0 := range s.Offsets {
		spec := noise.LossScaledSpec{Landscape: w, B: s.Batch, Offset: l0, Hessian: mat.NewSymDense(1, []float64{s.Well.Ha})}
		if s.Floor > 0 {
			spec.Hessian, spec.Floor = nil, s.Floor
		}
		m, err := noise.NewLossScaled(spec)
		if err != nil {
			return nil, err
		}
		d, err := noise.DiffusionFunc(m, s.Eta)
		if err != nil {
			return nil, err
		}
		lt, err := theory.LogMFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: d, Left: a - 1, Start: a, Absorb: c, Breaks: w.Breaks()})
		if err != nil {
			return nil, fmt.Errorf("experiment: exact escape time at l₀ = %g: %w", l0, err)
		}
		p := LossScaledPoint{Offset: l0, Ratio: (l0 + s.Well.Barrier) / l0, LogTau: lt}
		if i%s.MonteCarloEvery == 0 && lt < s.MaxLogTau {
			steps := 3 * math.Exp(lt) / s.Eta
			if !(steps < 1e12) {
				return nil, fmt.Errorf("experiment: loss-scaled escape at l₀ = %g: the mean escape time e^%.3g needs %.3g steps of η = %g: lower MaxLogTau or the barrier",
					l0, lt, steps, s.Eta)
			}
			r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: m, Escape: escape.Threshold1D(c, true),
				Eta: s.Eta, Start: []float64{a}, Steps: int(steps), Trajectories: s.Runs, Seed: s.Seed + uint64(i)})
			if err != nil {
				return nil, fmt.Errorf("experiment: loss-scaled escape at l₀ = %g: %w", l0, err)
			}
			if p.Rate, err = r.EstimateRate(s.Level); err != nil {
				return nil, err
			}
			p.MonteCarlo = true
		}
		res.Points = append(res.Points, p)
	}
	return res, nil
}

// PowerFit fits ln τ (exact) against ln(L(b)/L(a)) by unweighted least squares: the slope is the power of the
// escape time in the loss ratio, to compare with PredictedPower.
func (r *LossScaledResult) PowerFit() (stats.Fit, error) {
	var x, y []float64
	for _, p := range r.Points {
		x, y = append(x, math.Log(p.Ratio)), append(y, p.LogTau)
	}
	return stats.LinearFit(x, y, nil)
}

// PredictedPower is the frozen-Hessian exponent B/(ηH_a) of Mori et al.'s power law τ ∝ (L(b)/L(a))^{B/(ηH_a)}.
func (r *LossScaledResult) PredictedPower() float64 {
	return r.Sweep.Batch / (r.Sweep.Eta * r.Sweep.Well.Ha)
}
