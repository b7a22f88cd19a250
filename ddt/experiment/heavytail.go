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
)

// HeavyTailSweep drops DDT's Gaussian-noise assumption (Simsekli, Sagun & Gürbüzbalaban, ICML 2019; notebook 09):
// double wells of one width w = b − a = c − b and H_a, |H_b|, differing only in the barrier height ΔL, escaped
// under Gaussian kicks of white noise D (Kramers: ln τ grows like ΔL/D) and under Student-t kicks with Nu degrees
// of freedom and diffusion Scale²·D (noise.NewHeavyTailed; for ν < 2 the variance is infinite and the tails fall
// like an α-stable law's with α = ν, so one long jump can cross the barrier and τ depends on ΔL only weakly).
//
// Randomness: barrier i under noise j (0 Gaussian, 1 Student-t) uses the seed Seed + 10i + j, trajectory t its
// stream t (escape.Run). A run that leaves ‖θ‖ ≤ MaxNorm stops the sweep with an error wrapping
// *escape.DivergenceError.
type HeavyTailSweep struct {
	// Barriers are the barrier heights ΔL > 0, at least three.
	Barriers []float64
	// Ha and Hb are the curvatures at the minimum and the barrier, Width = b − a = c − b the fixed width.
	Ha, Hb, Width float64
	// Eta is the learning rate, D the Gaussian kicks' diffusion.
	Eta, D float64
	// Nu is the Student-t degrees of freedom and Scale the heavy kicks' scale relative to the Gaussian's
	// (their diffusion matrix is Scale²·D).
	Nu, Scale float64
	// Steps is the budget per run, Runs the runs per point (≥ 2).
	Steps, Runs int
	Seed        uint64
	// MaxNorm is escape.Config.MaxNorm (0: escape.DefaultMaxNorm).
	MaxNorm float64
	// Level is the confidence level of the intervals (0: 0.95).
	Level float64
}

// HeavyTailResult is the outcome of HeavyTailSweep.Run: one rate estimate per barrier and noise.
type HeavyTailResult struct {
	Sweep           HeavyTailSweep
	Gaussian, Heavy []stats.RateEstimate
}

func (s *HeavyTailSweep) validate() error {
	if len(s.Barriers) < 3 {
		return fmt.Errorf("%w: a heavy-tail sweep needs at least three barriers (got %d)", ErrInvalid, len(s.Barriers))
	}
	for _, v := range []float64{s.Ha, s.Hb, s.Width, s.Eta, s.D, s.Nu, s.Scale} {
		if !finitePos(v) {
			return fmt.Errorf("%w: H_a, |H_b|, width, η, D, ν and scale must be positive and finite (got %g, %g, %g, %g, %g, %g, %g)",
				ErrInvalid, s.Ha, s.Hb, s.Width, s.Eta, s.D, s.Nu, s.Scale)
		}
	}
	if s.Steps < 1 || s.Runs < 2 {
		return fmt.Errorf("%w: need Steps ≥ 1 and Runs ≥ 2 (got %d, %d)", ErrInvalid, s.Steps, s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	for _, b := range s.Barriers {
		if _, err := s.Well(b); err != nil {
			return err
		}
	}
	return nil
}

// Well returns the double well of barrier height barrier.
func (s *HeavyTailSweep) Well(barrier float64) (*landscape.DoubleWell, error) {
	return landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: s.Ha, Hb: s.Hb, Barrier: barrier, Width: s.Width, WidthC: s.Width})
}

// Run runs 2·len(Barriers) ensembles.
func (s HeavyTailSweep) Run(ctx context.Context) (*HeavyTailResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	res := &HeavyTailResult{Sweep: s}
	for i, bar := range s.Barriers {
		w, err := s.Well(bar)
		if err != nil {
			return nil, err
		}
		gauss, err := noise.NewWhite(1, s.D)
		if err != nil {
			return nil, err
		}
		heavy, err := noise.NewHeavyTailed(mat.NewSymDense(1, []float64{s.Scale * s.Scale * s.D}), s.Nu)
		if err != nil {
			return nil, err
		}
		for j, m := range []noise.Model{gauss, heavy} {
			r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: m, Escape: escape.Threshold1D(w.Other(), true),
				Eta: s.Eta, Start: []float64{w.Minimum()}, Steps: s.Steps, Trajectories: s.Runs, Seed: s.Seed + uint64(10*i+j), MaxNorm: s.MaxNorm})
			if err != nil {
				return nil, fmt.Errorf("experiment: ΔL = %g, %s kicks: %w", bar, []string{"Gaussian", "Student-t"}[j], err)
			}
			est, err := r.EstimateRate(s.Level)
			if err != nil {
				return nil, err
			}
			if j == 0 {
				res.Gaussian = append(res.Gaussian, est)
			} else {
				res.Heavy = append(res.Heavy, est)
			}
		}
	}
	return res, nil
}

// LogTauSlopes fits ln τ̂ against ΔL by unweighted least squares for each noise: d ln τ/dΔL, which Kramers puts
// at 1/D for the Gaussian kicks (KramersSlope) and which is small for heavy tails. A point where nothing escaped
// (τ̂ = +Inf) is an error.
func (r *HeavyTailResult) LogTauSlopes() (gaussian, heavy stats.Fit, err error) {
	fit := func(est []stats.RateEstimate) (stats.Fit, error) {
		var y []float64
		for i, e := range est {
			if !(e.Escaped > 0) || math.IsInf(e.MeanTime, 0) {
				return stats.Fit{}, fmt.Errorf("experiment: nothing escaped at ΔL = %g: raise Steps", r.Sweep.Barriers[i])
			}
			y = append(y, math.Log(e.MeanTime))
		}
		return stats.LinearFit(r.Sweep.Barriers, y, nil)
	}
	if gaussian, err = fit(r.Gaussian); err != nil {
		return
	}
	heavy, err = fit(r.Heavy)
	return
}

// KramersSlope is Kramers' d ln τ/dΔL = 1/D for the Gaussian kicks.
func (r *HeavyTailResult) KramersSlope() float64 { return 1 / r.Sweep.D }
