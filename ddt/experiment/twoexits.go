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

// TwoExits is the competition of two exits (THEORY.md §3.3, multiple exits; notebook 06): the separable valley
// L(x, y) = X(x) + Y(y) (landscape.NewSeparable) with one exit along x, over the double well X, and one along y,
// over Y, escaped from the minimum (a_x, a_y) by
//
//   - SGD noise frozen at the minimum, C = diag(H_a,x, H_a,y)/B, so D_x = ηH_a,x/2B and D_y = ηH_a,y/2B;
//   - white noise of strength DWhite in both directions.
//
// A run has escaped when it crosses the next minimum of X or of Y (escape.AnyOf of two hyperplanes); the exit is
// the one whose hyperplane its final point lies beyond. Under each noise the directions are independent, so the
// exact total rate is γ = 1/τ_x + 1/τ_y, with τ_x and τ_y the exact 1-D mean first-passage times of each exit
// alone (theory.MFPT1D at constant D), and exit x takes the share γ_x/γ. Under SGD γ_i ∝ exp(−(2B/η)ΔL_i/H_a,i):
// the exit with the smallest ΔL_i/H_a,i wins, not the lowest barrier.
//
// Each run lasts at most three exact mean escape times 1/γ. Randomness: SGD uses the seed Seed, white noise
// Seed + 1, and trajectory t the stream t of that seed (escape.Run).
type TwoExits struct {
	// X and Y are the double wells along x and y.
	X, Y landscape.DoubleWellSpec
	// Eta is the learning rate η and Batch the batch size B of SGD's noise.
	Eta, Batch float64
	// DWhite is the white noise's diffusion D (per direction).
	DWhite float64
	// Runs is the number of trajectories per noise (≥ 2).
	Runs int
	Seed uint64
	// Level is the confidence level of the rate intervals (0: 0.95).
	Level float64
}

// ExitPoint is the escape from the two-exit valley under one noise.
type ExitPoint struct {
	// Noise names the noise: "SGD" or "white noise".
	Noise string
	// DX and DY are the diffusions along x and y.
	DX, DY float64
	// Rate is the censored-MLE total escape rate; RateX and RateY the cause-specific rates (escapes through that
	// exit per unit time at risk), each with its interval.
	Rate, RateX, RateY stats.RateEstimate
	// ViaX is the number of runs that left through exit x, Escaped the number that left at all.
	ViaX, Escaped int
	// TauX and TauY are the exact mean first-passage times of each exit alone.
	TauX, TauY float64
}

// ExactRate returns the exact total rate 1/τ_x + 1/τ_y.
func (p ExitPoint) ExactRate() float64 { return 1/p.TauX + 1/p.TauY }

// ExactShareX returns the exact share of exit x, (1/τ_x)/(1/τ_x + 1/τ_y).
func (p ExitPoint) ExactShareX() float64 { return (1 / p.TauX) / p.ExactRate() }

// ShareX returns the Monte Carlo share of exit x among the escapes, ViaX/Escaped (0 when nothing escaped).
func (p ExitPoint) ShareX() float64 {
	if p.Escaped == 0 {
		return 0
	}
	return float64(p.ViaX) / float64(p.Escaped)
}

// ExactInside reports whether the exact total rate lies inside the Monte Carlo interval.
func (p ExitPoint) ExactInside() bool {
	g := p.ExactRate()
	return p.Rate.RateLower <= g && g <= p.Rate.RateUpper
}

// TwoExitResult is the outcome of TwoExits.Run.
type TwoExitResult struct {
	Study      TwoExits
	SGD, White ExitPoint
}

// Points returns the SGD and the white-noise point, in that order.
func (r *TwoExitResult) Points() []ExitPoint { return []ExitPoint{r.SGD, r.White} }

// ExactInside counts the noises whose exact total rate lies inside the Monte Carlo interval.
func (r *TwoExitResult) ExactInside() (inside, total int) {
	for _, p := range r.Points() {
		if p.ExactInside() {
			inside++
		}
	}
	return inside, 2
}

func (s *TwoExits) validate() error {
	if !finitePos(s.Eta) || !finitePos(s.Batch) || !finitePos(s.DWhite) {
		return fmt.Errorf("experiment: learning rate η, batch size B and white-noise D must be positive and finite (got %g, %g, %g)", s.Eta, s.Batch, s.DWhite)
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a two-exit study needs at least 2 runs (got %d)", s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	for _, w := range []landscape.DoubleWellSpec{s.X, s.Y} {
		if _, err := landscape.NewDoubleWell(w); err != nil {
			return err
		}
	}
	return nil
}

// Run runs the SGD and the white-noise ensembles.
func (s TwoExits) Run(ctx context.Context) (*TwoExitResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	wx, err := landscape.NewDoubleWell(s.X)
	if err != nil {
		return nil, err
	}
	wy, err := landscape.NewDoubleWell(s.Y)
	if err != nil {
		return nil, err
	}
	l, err := landscape.NewSeparable(wx, wy)
	if err != nil {
		return nil, err
	}
	frozen, err := noise.NewFrozen(mat.NewSymDense(2, []float64{s.X.Ha, 0, 0, s.Y.Ha}), s.Batch)
	if err != nil {
		return nil, err
	}
	white, err := noise.NewWhite(2, s.DWhite)
	if err != nil {
		return nil, err
	}
	exitX := escape.Hyperplane{Point: []float64{wx.Other(), 0}, Normal: []float64{1, 0}}
	exitY := escape.Hyperplane{Point: []float64{0, wy.Other()}, Normal: []float64{0, 1}}
	res := &TwoExitResult{Study: s}
	for j, m := range []struct {
		name   string
		model  noise.Model
		dx, dy float64
	}{{"SGD", frozen, s.Eta * s.X.Ha / (2 * s.Batch), s.Eta * s.Y.Ha / (2 * s.Batch)}, {"white noise", white, s.DWhite, s.DWhite}} {
		p := ExitPoint{Noise: m.name, DX: m.dx, DY: m.dy}
		dx, dy := m.dx, m.dy
		if p.TauX, err = theory.MFPT1D(theory.Problem1D{Grad: wx.Deriv, Diffusion: func(float64) float64 { return dx },
			Left: math.Inf(-1), Start: wx.Minimum(), Absorb: wx.Other()}); err != nil {
			return nil, err
		}
		if p.TauY, err = theory.MFPT1D(theory.Problem1D{Grad: wy.Deriv, Diffusion: func(float64) float64 { return dy },
			Left: math.Inf(-1), Start: wy.Minimum(), Absorb: wy.Other()}); err != nil {
			return nil, err
		}
		tau := 1 / p.ExactRate()
		steps := 3 * tau / s.Eta
		if !(steps < 1e12) {
			return nil, fmt.Errorf("experiment: two exits (%s): the exact escape time %.3g needs %.3g steps of η = %g: lower the barriers or raise the noise", m.name, tau, steps, s.Eta)
		}
		r, err := escape.Run(ctx, escape.Config{Landscape: l, Noise: m.model, Escape: escape.AnyOf{exitX, exitY},
			Eta: s.Eta, Start: []float64{wx.Minimum(), wy.Minimum()}, Steps: int(steps), Trajectories: s.Runs,
			Seed: s.Seed + uint64(j), KeepFinal: true})
		if err != nil {
			return nil, fmt.Errorf("experiment: two exits (%s): %w", m.name, err)
		}
		t, esc := r.Durations()
		if p.Rate, err = stats.EstimateRate(t, esc, s.Level); err != nil {
			return nil, err
		}
		viaX, viaY := make([]bool, len(esc)), make([]bool, len(esc))
		for i, e := range esc {
			if e {
				p.Escaped++
				if exitX.Escaped(r.Final[i]) {
					p.ViaX++
					viaX[i] = true
				} else {
					viaY[i] = true
				}
			}
		}
		if p.RateX, err = stats.EstimateRate(t, viaX, s.Level); err != nil {
			return nil, err
		}
		if p.RateY, err = stats.EstimateRate(t, viaY, s.Level); err != nil {
			return nil, err
		}
		if j == 0 {
			res.SGD = p
		} else {
			res.White = p
		}
	}
	return res, nil
}
