package experiment

import (
	"context"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/fokkerplanck"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/stats"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// KramersSweep checks Kramers' law for white noise (THEORY.md §3.1, claim C3, notebook 04),
//
//	τ = 2π/√(H_a|H_b|) · e^{ΔL/D},
//
// on the quartic double well L = x⁴/4 − x²/2 (start a = −1, barrier top b = 0, escaped at the next minimum
// c = +1, ΔL = 1/4, H_a = 2, H_b = −1) for each inverse temperature β = ΔL/D in Betas. At each β it puts four
// escape times side by side: a Monte Carlo ensemble of GD + white noise (censored-exponential MLE with its
// interval, and a bootstrap Kolmogorov–Smirnov test of the escape times against the exponential law), the exact
// mean first-passage time (theory.MFPT1D, quadrature), the Fokker–Planck 1/λ₀ with λ₁/λ₀ (a reflecting wall at
// −3, absorbing at c) and the formula (theory.KramersTau1D). The ratio Kramers/exact, free of simulation, is also
// computed on the grid RatioBetas.
//
// Randomness: the ensemble at Betas[i] uses the seed Seed + i, trajectory t the stream t of that seed
// (escape.Run), so the numbers do not depend on the number of goroutines; every KS bootstrap uses the seed Seed.
type KramersSweep struct {
	// Betas are the inverse temperatures ΔL/D, each > 0 and finite.
	Betas []float64
	// Eta is the learning rate η (one step is time η).
	Eta float64
	// Runs is the number of trajectories per temperature (≥ 2).
	Runs int
	// Budget is the step budget of each run in units of the exact τ/η (> 0); runs still inside are censored.
	Budget float64
	// Seed derives every ensemble's seed.
	Seed uint64
	// Level is the confidence level of the rate intervals (0: 0.95).
	Level float64
	// Bootstrap is the number of KS bootstrap samples (0: 200).
	Bootstrap int
	// Cells is the Fokker–Planck grid on [−3, 1] (0: 800).
	Cells int
	// RatioBetas, if not empty, is an ascending grid of ΔL/D on which Run computes Kramers/exact (quadrature
	// only).
	RatioBetas []float64
}

// KramersPoint holds the four escape-time estimates at one temperature (continuous time).
type KramersPoint struct {
	// Beta = ΔL/D and D the white-noise diffusion.
	Beta, D float64
	// MC is the Monte Carlo rate estimate: MeanTime, MeanLower, MeanUpper are τ̂ with its interval.
	MC stats.RateEstimate
	// KSP is the bootstrap Kolmogorov–Smirnov p-value of the escape times against the exponential law.
	KSP float64
	// Exact is the exact MFPT from a to c; FP is 1/λ₀ of the Fokker–Planck operator and FPGap = λ₁/λ₀ (time-scale
	// separation); Kramers is the formula.
	Exact, FP, FPGap, Kramers float64
}

// ExactInside reports whether the exact MFPT lies inside the Monte Carlo interval.
func (p KramersPoint) ExactInside() bool {
	return p.Exact >= p.MC.MeanLower && p.Exact <= p.MC.MeanUpper
}

// KramersResult is the outcome of KramersSweep.Run.
type KramersResult struct {
	// Sweep is the study with its defaults filled in.
	Sweep KramersSweep
	// Points holds one point per β, in the order of Betas.
	Points []KramersPoint
	// Ratio is Kramers/exact on Sweep.RatioBetas.
	Ratio []float64
}

func (s *KramersSweep) validate() error {
	if len(s.Betas) < 3 {
		return fmt.Errorf("experiment: a Kramers sweep needs at least three temperatures ΔL/D (got %d)", len(s.Betas))
	}
	for _, bs := range [][]float64{s.Betas, s.RatioBetas} {
		for _, b := range bs {
			if !finitePos(b) {
				return fmt.Errorf("experiment: ΔL/D must be positive and finite (got %g)", b)
			}
		}
	}
	for i := 1; i < len(s.RatioBetas); i++ {
		if !(s.RatioBetas[i] > s.RatioBetas[i-1]) {
			return fmt.Errorf("experiment: the Kramers/exact grid must be ascending (%g after %g)", s.RatioBetas[i], s.RatioBetas[i-1])
		}
	}
	if !finitePos(s.Eta) || !finitePos(s.Budget) {
		return fmt.Errorf("experiment: learning rate η and step budget must be positive and finite (got %g, %g)", s.Eta, s.Budget)
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a Kramers sweep needs at least 2 runs per temperature (got %d)", s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	if s.Bootstrap < 0 || s.Cells < 0 || (s.Cells > 0 && s.Cells < 3) {
		return fmt.Errorf("experiment: bootstrap samples (%d) and Fokker–Planck cells (%d) must be ≥ 0 (cells ≥ 3)", s.Bootstrap, s.Cells)
	}
	return nil
}

// Run runs the sweep: len(Betas) ensembles of Runs trajectories, plus the quadrature and Fokker–Planck columns.
func (s KramersSweep) Run(ctx context.Context) (*KramersResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	if s.Bootstrap == 0 {
		s.Bootstrap = 200
	}
	if s.Cells == 0 {
		s.Cells = 800
	}
	res := &KramersResult{Sweep: s}
	for i, beta := range s.Betas {
		p, err := s.point(ctx, beta, s.Seed+uint64(i))
		if err != nil {
			return nil, fmt.Errorf("experiment: Kramers sweep at ΔL/D = %g: %w", beta, err)
		}
		res.Points = append(res.Points, p)
	}
	var err error
	if res.Ratio, err = KramersOverExact(s.RatioBetas); err != nil {
		return nil, err
	}
	return res, nil
}

func (s *KramersSweep) point(ctx context.Context, beta float64, seed uint64) (KramersPoint, error) {
	var w landscape.Quartic
	ex := w.Exit()
	d := ex.DeltaL / beta
	diff := func(float64) float64 { return d }
	p := KramersPoint{Beta: beta, D: d}
	var err error
	if p.Exact, err = theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: diff, Left: math.Inf(-1), Start: -1, Absorb: 1}); err != nil {
		return p, err
	}
	fp, err := fokkerplanck.NewSolver1D(fokkerplanck.Problem1D{
		Coefficients1D: fokkerplanck.Coefficients1D{Grad: w.Deriv, Diffusion: diff, Loss: w.Value},
		Lo:             -3,
		Hi:             1,
		Cells:          s.Cells,
		Left:           fokkerplanck.Reflecting,
		Right:          fokkerplanck.Absorbing,
	})
	if err != nil {
		return p, err
	}
	esc, err := fp.EscapeRate()
	if err != nil {
		return p, err
	}
	p.FP, p.FPGap = 1/esc.Rate, esc.NextRate/esc.Rate
	if p.Kramers, err = theory.KramersTau1D(ex.DeltaL, d, ex.Hae, ex.Hbe); err != nil {
		return p, err
	}
	steps := s.Budget * p.Exact / s.Eta
	if !(steps < 1e12) {
		return p, fmt.Errorf("the budget %.3g τ/η is %.3g steps: raise the temperature or the learning rate", s.Budget, steps)
	}
	wn, err := noise.NewWhite(1, d)
	if err != nil {
		return p, err
	}
	res, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: wn, Escape: escape.Threshold1D(1, true), Eta: s.Eta,
		Start: []float64{-1}, Steps: int(steps), Trajectories: s.Runs, Seed: seed})
	if err != nil {
		return p, err
	}
	t, escaped := res.Durations()
	if p.MC, err = stats.EstimateRate(t, escaped, s.Level); err != nil {
		return p, err
	}
	ks, err := stats.KSExponentialBootstrap(t, escaped, s.Bootstrap, s.Seed)
	if err != nil {
		return p, err
	}
	p.KSP = ks.PValue
	return p, nil
}

// KramersOverExact returns τ_Kramers/τ_exact on the quartic double well (start −1, absorbed at +1) for each ΔL/D
// in betas: the cost of Kramers' three approximations, by quadrature only (no simulation).
func KramersOverExact(betas []float64) ([]float64, error) {
	var w landscape.Quartic
	ex := w.Exit()
	out := make([]float64, len(betas))
	for i, beta := range betas {
		if !finitePos(beta) {
			return nil, fmt.Errorf("experiment: ΔL/D must be positive and finite (got %g)", beta)
		}
		d := ex.DeltaL / beta
		exact, err := theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: func(float64) float64 { return d },
			Left: math.Inf(-1), Start: -1, Absorb: 1})
		if err != nil {
			return nil, err
		}
		k, err := theory.KramersTau1D(ex.DeltaL, d, ex.Hae, ex.Hbe)
		if err != nil {
			return nil, err
		}
		out[i] = k / exact
	}
	return out, nil
}

// ExactInside counts the points whose exact MFPT lies inside the Monte Carlo interval.
func (r *KramersResult) ExactInside() (inside, total int) {
	for _, p := range r.Points {
		if p.ExactInside() {
			inside++
		}
	}
	return inside, len(r.Points)
}

// KSPassed counts the points whose escape times pass the exponential KS test at level alpha (p > alpha).
func (r *KramersResult) KSPassed(alpha float64) int {
	n := 0
	for _, p := range r.Points {
		if p.KSP > alpha {
			n++
		}
	}
	return n
}

// WorstDeviation returns the largest |τ̂/τ_exact − 1| over the points.
func (r *KramersResult) WorstDeviation() float64 {
	worst := 0.0
	for _, p := range r.Points {
		worst = math.Max(worst, math.Abs(p.MC.MeanTime/p.Exact-1))
	}
	return worst
}

// BelowAbove returns the ΔL/D where the Monte Carlo mean lies below the exact MFPT and where it does not.
// Discrete time heats the particle by 1/(1 − ηH_a/2), so Monte Carlo should lean below, more so when cold.
func (r *KramersResult) BelowAbove() (below, above []float64) {
	for _, p := range r.Points {
		if p.MC.MeanTime < p.Exact {
			below = append(below, p.Beta)
		} else {
			above = append(above, p.Beta)
		}
	}
	return below, above
}

// MCFit fits ln τ̂ against ΔL/D over the points where something escaped (unweighted least squares; SESlope from
// the residual scatter). Kramers predicts slope 1 plus a slowly vanishing prefactor correction.
func (r *KramersResult) MCFit() (stats.Fit, error) {
	var x, y []float64
	for _, p := range r.Points {
		if p.MC.Escaped > 0 && !p.MC.OneSided {
			x, y = append(x, p.Beta), append(y, math.Log(p.MC.MeanTime))
		}
	}
	if len(x) < 3 {
		return stats.Fit{}, ErrTooFewEscapes
	}
	return stats.LinearFit(x, y, nil)
}

// ExactFit fits ln τ_exact against ΔL/D over all points, as MCFit.
func (r *KramersResult) ExactFit() (stats.Fit, error) {
	var x, y []float64
	for _, p := range r.Points {
		x, y = append(x, p.Beta), append(y, math.Log(p.Exact))
	}
	return stats.LinearFit(x, y, nil)
}

// AccurateFrom returns the smallest ΔL/D of the RatioBetas grid from which on, to the end of the grid,
// Kramers/exact stays within tol of 1; ok is false when the grid is empty or its last point is off by tol or more.
func (r *KramersResult) AccurateFrom(tol float64) (beta float64, ok bool) {
	bs := r.Sweep.RatioBetas
	for i := len(r.Ratio) - 1; i >= 0 && math.Abs(r.Ratio[i]-1) < tol; i-- {
		beta, ok = bs[i], true
	}
	return beta, ok
}

// Verdict on claim C3: "reproduced" when the exact MFPT lies inside the Monte Carlo interval at all points but at
// most one and Kramers/exact comes within 10 % of 1 on the cold end of RatioBetas (AccurateFrom(0.1)), "partly
// reproduced" otherwise.
func (r *KramersResult) Verdict() string {
	in, n := r.ExactInside()
	if _, ok := r.AccurateFrom(0.1); in >= n-1 && ok {
		return "reproduced"
	}
	return "partly reproduced"
}
