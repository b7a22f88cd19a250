package experiment

import (
	"context"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/stats"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// FloorTrap is the inflection-point trap of THEORY.md §3.2 in numbers: the exact exponent ∫_a^b L'/D dθ of
// floored Hessian noise D(θ) = (η/2B)·max(|L″(θ)|, ε) on a double well, for each floor ε (quadrature only,
// theory.ExactS). Between a and b the curvature changes sign at an inflection point θ_i where L'(θ_i) ≠ 0, so
// as ε → 0 the exponent diverges like (4B/η)·L'(θ_i)/|L‴(θ_i)|·ln(1/ε), and at ε = 0 the continuous-time
// process never escapes. No randomness.
type FloorTrap struct {
	// Well is the double well, escaped from its minimum a over its barrier b.
	Well landscape.DoubleWellSpec
	// Eta is the learning rate η and Batch the batch size B of the noise, both > 0.
	Eta, Batch float64
	// Floors are the floors ε > 0, at least two (in decreasing order for Growth to read the smallest).
	Floors []float64
}

// FloorTrapResult is the outcome of FloorTrap.Run.
type FloorTrapResult struct {
	Trap FloorTrap
	// S and Exponent are the exact path parameter and ∫_a^b L'/D dθ for each floor, in the order of Floors.
	S, Exponent []float64
	// Frozen is the exponent of noise frozen at the minimum (s = 1): 2BΔL/(ηH_a).
	Frozen float64
	// NoFloor is what theory.ExactS reports with ε = 0 (the literal D = (η/2B)|L″|): an error wrapping
	// theory.ErrDivergent that names the inflection point.
	NoFloor error
}

// Run computes the exponent for every floor, and the ε = 0 error.
func (t FloorTrap) Run() (*FloorTrapResult, error) {
	if !finitePos(t.Eta) || !finitePos(t.Batch) {
		return nil, fmt.Errorf("experiment: learning rate η and batch size B must be positive and finite (got %g, %g)", t.Eta, t.Batch)
	}
	if len(t.Floors) < 2 {
		return nil, fmt.Errorf("experiment: a floor trap needs at least two floors (got %d)", len(t.Floors))
	}
	for _, f := range t.Floors {
		if !finitePos(f) {
			return nil, fmt.Errorf("experiment: floor ε must be positive and finite (got %g; ε = 0 is reported in FloorTrapResult.NoFloor)", f)
		}
	}
	w, err := landscape.NewDoubleWell(t.Well)
	if err != nil {
		return nil, err
	}
	ex := w.Exit()
	r := &FloorTrapResult{Trap: t, Frozen: 2 * t.Batch * ex.DeltaL / (t.Eta * ex.Hae)}
	path := func(d func(float64) float64, br []float64) theory.PathProblem {
		return theory.PathProblem{Grad: w.Deriv, Diffusion: d, Minimum: w.Minimum(), Saddle: w.Saddle(),
			B: t.Batch, Eta: t.Eta, DeltaL: ex.DeltaL, Ha: ex.Hae, Hb: ex.Hbe, Breaks: br}
	}
	for _, fl := range t.Floors {
		d := func(x float64) float64 { return t.Eta / (2 * t.Batch) * math.Max(math.Abs(w.Deriv2(x)), fl) }
		br, err := noise.FloorKinks(w, fl, w.Minimum(), w.Saddle())
		if err != nil {
			return nil, err
		}
		ps, err := theory.ExactS(path(d, br))
		if err != nil {
			return nil, fmt.Errorf("experiment: floor trap at ε = %g: %w", fl, err)
		}
		r.S, r.Exponent = append(r.S, ps.S), append(r.Exponent, ps.Integral)
	}
	d0 := func(x float64) float64 { return t.Eta / (2 * t.Batch) * math.Abs(w.Deriv2(x)) }
	_, r.NoFloor = theory.ExactS(path(d0, nil))
	if r.NoFloor == nil {
		return nil, fmt.Errorf("experiment: the literal Hessian noise gave a finite exponent: %v has no inflection point between a and b?", t.Well)
	}
	return r, nil
}

// Growth is the growth of the exponent per unit of ln(1/ε) between the floors Floors[len−n] and Floors[len−1]
// (the n smallest when Floors decreases): (E_last − E_{len−n})/ln(ε_{len−n}/ε_last). As ε → 0 it tends to
// (4B/η)·L'(θ_i)/|L‴(θ_i)|.
func (r *FloorTrapResult) Growth(n int) (float64, error) {
	k := len(r.Exponent)
	if n < 2 || n > k {
		return 0, fmt.Errorf("experiment: growth over %d floors, have %d (need 2 ≤ n ≤ %d)", n, k, k)
	}
	fl := r.Trap.Floors
	if fl[k-n] == fl[k-1] {
		return 0, fmt.Errorf("experiment: growth between equal floors %g", fl[k-1])
	}
	return (r.Exponent[k-1] - r.Exponent[k-n]) / math.Log(fl[k-n]/fl[k-1]), nil
}

// LiteralHessianSweep runs discrete SGD on a double well with Hessian noise D = (η/2B)·max(|L″|, ε) at several
// learning rates η with B/η fixed (B = BOverEta·η) and the same continuous-time budget. In continuous time all
// of them are one process (D depends on B/η only), so a change of the escape time with η is a discrete-time
// effect. With Floor = 0 (the literal noise of THEORY.md §3.2) the continuous-time process never escapes
// (ExactLogTau returns an error), yet the discrete one does, because a step of finite length jumps over the
// inflection point where D vanishes.
//
// Randomness: the i-th learning rate uses the seed Seed + i, and its trajectory t the stream t of that seed
// (escape.Run).
type LiteralHessianSweep struct {
	// Well is the double well; runs start at its minimum a and count as escaped at its other minimum c.
	Well landscape.DoubleWellSpec
	// Etas are the learning rates η > 0 (at least one).
	Etas []float64
	// BOverEta is B/η > 0, the same for every η.
	BOverEta float64
	// Steps is the step budget at Etas[0] (≥ 1); at η it is int(Steps·Etas[0]/η), the same continuous time.
	Steps int
	// Floor is the eigenvalue floor ε ≥ 0 (0: the literal Hessian noise).
	Floor float64
	// Runs is the number of trajectories per learning rate (≥ 2).
	Runs int
	// Seed derives every learning rate's seed.
	Seed uint64
	// Level is the confidence level of the rate intervals (0: 0.95).
	Level float64
}

// LiteralHessianPoint is the escape at one learning rate.
type LiteralHessianPoint struct {
	// Eta is η, B = BOverEta·η, Steps the step budget.
	Eta, B float64
	Steps  int
	// Rate is the censored-MLE estimate; MeanTime = τ̂ in continuous time.
	Rate stats.RateEstimate
}

// LiteralHessianResult is the outcome of LiteralHessianSweep.Run.
type LiteralHessianResult struct {
	Sweep  LiteralHessianSweep
	Points []LiteralHessianPoint
}

func (s *LiteralHessianSweep) validate() error {
	if len(s.Etas) == 0 {
		return fmt.Errorf("experiment: a literal-Hessian sweep needs at least one learning rate")
	}
	for _, e := range s.Etas {
		if !finitePos(e) {
			return fmt.Errorf("experiment: learning rate η must be positive and finite (got %g)", e)
		}
	}
	if !finitePos(s.BOverEta) {
		return fmt.Errorf("experiment: B/η must be positive and finite (got %g)", s.BOverEta)
	}
	if s.Steps < 1 {
		return fmt.Errorf("experiment: step budget must be ≥ 1 (got %d)", s.Steps)
	}
	if !(s.Floor >= 0) || math.IsInf(s.Floor, 0) {
		return fmt.Errorf("experiment: floor ε must be ≥ 0 and finite (got %g)", s.Floor)
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a literal-Hessian sweep needs at least 2 runs per learning rate (got %d)", s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	_, err := landscape.NewDoubleWell(s.Well)
	return err
}

// Run runs one ensemble per learning rate.
func (s LiteralHessianSweep) Run(ctx context.Context) (*LiteralHessianResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return nil, err
	}
	res := &LiteralHessianResult{Sweep: s}
	for i, e := range s.Etas {
		p := LiteralHessianPoint{Eta: e, B: s.BOverEta * e, Steps: int(float64(s.Steps) * s.Etas[0] / e)}
		if p.Steps < 1 {
			return nil, fmt.Errorf("experiment: the budget %d steps at η = %g is less than one step at η = %g", s.Steps, s.Etas[0], e)
		}
		hess, err := noise.NewHessianSGD(w, p.B, s.Floor)
		if err != nil {
			return nil, err
		}
		r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: hess,
			Escape: escape.Threshold1D(w.Other(), true), Eta: e, Start: []float64{w.Minimum()},
			Steps: p.Steps, Trajectories: s.Runs, Seed: s.Seed + uint64(i)})
		if err != nil {
			return nil, fmt.Errorf("experiment: literal-Hessian sweep at η = %g: %w", e, err)
		}
		if p.Rate, err = r.EstimateRate(s.Level); err != nil {
			return nil, err
		}
		res.Points = append(res.Points, p)
	}
	return res, nil
}

// ExactLogTau is the exact ln τ of the continuous-time process that every learning rate of the sweep
// discretises: the Itô mean first-passage time from a to c with D = max(|L″|, ε)/(2·B/η), reflecting at a − 2.
// With Floor = 0 it returns the error of theory.LogMFPT1D: D vanishes at the inflection point and τ is infinite.
func (s LiteralHessianSweep) ExactLogTau() (float64, error) {
	if err := s.validate(); err != nil {
		return 0, err
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return 0, err
	}
	a, c := w.Minimum(), w.Other()
	br, err := noise.FloorKinks(w, s.Floor, a-2, c+2)
	if err != nil {
		return 0, err
	}
	k := 1 / (2 * s.BOverEta)
	lt, err := theory.LogMFPT1D(theory.Problem1D{Grad: w.Deriv,
		Diffusion: func(x float64) float64 { return k * math.Max(math.Abs(w.Deriv2(x)), s.Floor) },
		Left:      a - 2, Start: a, Absorb: c, Convention: theory.Ito, Breaks: br})
	if err != nil {
		return 0, fmt.Errorf("experiment: exact escape time of Hessian noise with floor %g: %w", s.Floor, err)
	}
	return lt, nil
}
