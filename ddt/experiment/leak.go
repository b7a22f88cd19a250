package experiment

import (
	"context"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/fokkerplanck"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// DensityLeak follows a density leaking out of a valley (THEORY.md §3, notebook 03): the Fokker–Planck equation of
// white noise D on the quartic double well L = x⁴/4 − x²/2 (minimum a = −1, barrier top b = 0, ΔL = 1/4), on
// [Lo, Absorb] with a reflecting wall at Lo and an absorbing wall at Absorb, started from N(Start, StartSD²). The
// survival probability S(t) (the mass left) stays flat while the density relaxes into the valley, then decays as
// e^{−γt}; γ is the slowest eigenvalue λ₀ of the absorbing generator and, when the time scales separate
// (λ₁/λ₀ ≫ 1), 1/τ with τ the exact mean first-passage time from a to Absorb, reflecting at Lo like the
// Fokker–Planck problem (theory.MFPT1D; a wall close to the minimum shortens τ: by a fifth at Lo = −1.1, D = 0.05).
//
// Run computes three things, all deterministic (no random numbers): density frames at Times (Crank–Nicolson,
// steps ≤ FrameDt), S(t) up to 3τ by backward Euler (step DecayDt, 200 samples) with the rate fitted on
// [τ/2, 3τ] (fokkerplanck.Solver1D.SurvivalDecay), and λ₀, λ₁ from the generator's spectrum.
type DensityLeak struct {
	// D is the white-noise diffusion (> 0); ΔL/D = 1/(4D).
	D float64
	// Absorb is the absorbing wall, right of the minimum −1 (e.g. 0.5: halfway down the other side).
	Absorb float64
	// Lo is the reflecting wall, left of the minimum (0: −2.5).
	Lo float64
	// Cells is the number of finite-volume cells (0: 600).
	Cells int
	// Start and StartSD give the initial Gaussian density, Start inside (Lo, Absorb), StartSD > 0.
	Start, StartSD float64
	// Times are the frame times (ascending, ≥ 0; 0 is the initial density).
	Times []float64
	// FrameDt is the longest Crank–Nicolson step between frames (0: 0.01); DecayDt the backward-Euler step of
	// the survival curve (0: 0.05).
	FrameDt, DecayDt float64
}

// LeakResult is the outcome of DensityLeak.Run.
type LeakResult struct {
	// Leak is the study with its defaults filled in.
	Leak DensityLeak
	// Frames are the densities P(θ, t) at Leak.Times.
	Frames *fokkerplanck.Snapshots
	// Decay is S(t) with the rate read off the late slope of ln S.
	Decay fokkerplanck.Decay
	// Escape holds λ₀ (Rate), λ₁ (NextRate) and the quasi-stationary density.
	Escape fokkerplanck.Escape
	// Tau is the exact mean first-passage time from the minimum −1 to Absorb, reflecting at Leak.Lo.
	Tau float64
}

// ExactSurvival returns e^{−t/τ} at the times of the survival curve: the exponential law with the exact τ.
func (r *LeakResult) ExactSurvival() []float64 {
	out := make([]float64, len(r.Decay.Times))
	for i, t := range r.Decay.Times {
		out[i] = math.Exp(-t / r.Tau)
	}
	return out
}

// DecayError returns Decay.Rate·τ − 1: the relative difference between the rate read off S(t) and 1/τ.
func (r *LeakResult) DecayError() float64 { return r.Decay.Rate*r.Tau - 1 }

func (s *DensityLeak) validate() error {
	if !finitePos(s.D) {
		return fmt.Errorf("experiment: density leak: diffusion D must be positive and finite (got %g)", s.D)
	}
	if s.Lo == 0 {
		s.Lo = -2.5
	}
	if s.Cells == 0 {
		s.Cells = 600
	}
	if s.FrameDt == 0 {
		s.FrameDt = 0.01
	}
	if s.DecayDt == 0 {
		s.DecayDt = 0.05
	}
	if !(s.Lo < -1) || math.IsInf(s.Lo, -1) {
		return fmt.Errorf("experiment: density leak: the reflecting wall must be finite and left of the minimum −1 (got %g)", s.Lo)
	}
	if !(s.Absorb > -1) || math.IsInf(s.Absorb, 1) {
		return fmt.Errorf("experiment: density leak: the absorbing wall must be finite and right of the minimum −1 (got %g)", s.Absorb)
	}
	if !(s.Start > s.Lo && s.Start < s.Absorb) || !finitePos(s.StartSD) {
		return fmt.Errorf("experiment: density leak: start N(%g, %g²) must have its mean inside (%g, %g) and a positive width", s.Start, s.StartSD, s.Lo, s.Absorb)
	}
	if s.Cells < 3 {
		return fmt.Errorf("experiment: density leak: need at least 3 cells (got %d)", s.Cells)
	}
	if !finitePos(s.FrameDt) || !finitePos(s.DecayDt) {
		return fmt.Errorf("experiment: density leak: time steps must be positive and finite (got %g, %g)", s.FrameDt, s.DecayDt)
	}
	if len(s.Times) == 0 {
		return fmt.Errorf("experiment: density leak: no frame times")
	}
	return nil
}

// Run solves the problem; ctx is checked between the three computations.
func (s DensityLeak) Run(ctx context.Context) (*LeakResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	var w landscape.Quartic
	diff := func(float64) float64 { return s.D }
	sol, err := fokkerplanck.NewSolver1D(fokkerplanck.Problem1D{
		Coefficients1D: fokkerplanck.Coefficients1D{Grad: w.Deriv, Diffusion: diff, Loss: w.Value},
		Lo:             s.Lo,
		Hi:             s.Absorb,
		Cells:          s.Cells,
		Left:           fokkerplanck.Reflecting,
		Right:          fokkerplanck.Absorbing,
	})
	if err != nil {
		return nil, err
	}
	p0, err := sol.Gaussian(s.Start, s.StartSD)
	if err != nil {
		return nil, err
	}
	res := &LeakResult{Leak: s}
	if res.Frames, err = sol.Evolve(p0, s.Times, fokkerplanck.CrankNicolson, s.FrameDt); err != nil {
		return nil, err
	}
	if res.Tau, err = theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: diff, Left: s.Lo, Start: -1, Absorb: s.Absorb}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res.Decay, err = sol.SurvivalDecay(p0, fokkerplanck.DecayOptions{Dt: s.DecayDt, End: 3 * res.Tau, FitFrom: res.Tau / 2, Samples: 200}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res.Escape, err = sol.EscapeRate(); err != nil {
		return nil, err
	}
	return res, nil
}
