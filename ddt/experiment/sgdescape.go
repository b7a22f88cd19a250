package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/stats"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// SGDNoiseModel names one of the state-dependent SGD noise models of THEORY.md §3.2 on a 1-D path.
type SGDNoiseModel int

const (
	// FrozenNoise is SGD noise frozen at the minimum: D = ηH_a/2B everywhere (noise.NewFrozen). Its exact path
	// parameter is s = 1.
	FrozenNoise SGDNoiseModel = iota
	// FlooredHessianNoise is D(θ) = (η/2B)·max(|L″(θ)|, ε) with an eigenvalue floor ε > 0 (noise.NewHessianSGD).
	FlooredHessianNoise
)

// String returns "frozen" or "floored Hessian".
func (m SGDNoiseModel) String() string {
	switch m {
	case FrozenNoise:
		return "frozen"
	case FlooredHessianNoise:
		return "floored Hessian"
	}
	return fmt.Sprintf("SGDNoiseModel(%d)", int(m))
}

// SGDEscapeSweep is the escape of discrete SGD from the minimum a of a 1-D double well under state-dependent SGD
// noise (THEORY.md §3, Theorems 3.2/3.3, claim C4), for each noise model and each effective batch size B. In
// these models B enters only through D = ηH/2B, so any B > 0 is allowed. For every point it computes
//
//   - the exact path parameter s and exponent ∫_a^b L'/D dθ (theory.ExactS, quadrature): DDT's exponent is
//     (2BΔL/η)(s/H_a + (1−s)/|H_b|), so ln τ against x = BΔL/(ηH_a) is a line of slope 2(s + (1−s)H_a/|H_b|);
//   - the exact Itô mean first-passage time from a to the next minimum c (theory.LogMFPT1D, reflecting at a − 2;
//     the discrete step draws its noise at the start of the step, which is the Itô reading);
//   - the Laplace (DDT) time from the same exact exponent with the Itô prefactor and with the isothermal one
//     (theory.LaplaceLogTau1D; for floored Hessian noise 2π/H_a and 2π/|H_b|, for constant D both are Kramers'
//     2π/√(H_a|H_b|));
//   - a Monte Carlo ensemble of Runs SGD runs from a until they reach c, for at most three times the exact MFPT,
//     with the censored-MLE rate and its interval (stats.EstimateRate).
//
// The quadratures are told where D has kinks: noise.FloorKinks of the floor on [a − 2, c + 2], used for both
// models.
//
// Randomness: the i-th batch size of model j (0 frozen, 1 floored Hessian) uses the seed Seed + 10i + j, and its
// trajectory t the stream t of that seed (escape.Run), so the numbers do not depend on the number of goroutines.
type SGDEscapeSweep struct {
	// Well is the double well; runs start at its minimum a and count as escaped at its other minimum c.
	Well landscape.DoubleWellSpec
	// Eta is the learning rate η (one step is time η).
	Eta float64
	// Floor is the eigenvalue floor ε > 0 of the floored Hessian noise (ε = 0 is the trap: see FloorTrap).
	Floor float64
	// FrozenBatches and FlooredBatches are the effective batch sizes B > 0 of each model; either may be empty,
	// not both.
	FrozenBatches, FlooredBatches []float64
	// Runs is the number of trajectories per point (≥ 2), or 0 for the exact numbers only (no Monte Carlo).
	Runs int
	// Seed derives every point's seed.
	Seed uint64
	// Level is the confidence level of the rate intervals (0: 0.95).
	Level float64
}

// SGDEscapePoint is one (noise model, B) of an SGDEscapeSweep. Times are ln τ in units of continuous time.
type SGDEscapePoint struct {
	Model SGDNoiseModel
	// B is the effective batch size and X = BΔL/(ηH_a), the abscissa of the linear law.
	B, X float64
	// S is the exact path parameter and Exponent = ∫_a^b L'/D dθ (theory.ExactS).
	S, Exponent float64
	// LogExact is the exact ln τ: the Itô mean first-passage time from a to c.
	LogExact float64
	// LogLaplaceIto and LogLaplaceIso are the Laplace (DDT) ln τ from Exponent with the Itô and the isothermal
	// prefactor.
	LogLaplaceIto, LogLaplaceIso float64
	// Rate is the Monte Carlo estimate (MeanTime = τ̂ with MeanLower, MeanUpper its interval); zero without runs.
	Rate stats.RateEstimate
}

// ExactInside reports whether the exact MFPT lies inside the Monte Carlo interval of τ̂.
func (p SGDEscapePoint) ExactInside() bool {
	e := math.Exp(p.LogExact)
	return e >= p.Rate.MeanLower && e <= p.Rate.MeanUpper
}

// SGDEscapeResult is the outcome of SGDEscapeSweep.Run.
type SGDEscapeResult struct {
	Sweep SGDEscapeSweep
	// Points holds the frozen points in the order of FrozenBatches, then the floored Hessian ones.
	Points []SGDEscapePoint
}

func (s *SGDEscapeSweep) validate() error {
	if !finitePos(s.Eta) {
		return fmt.Errorf("experiment: learning rate η must be positive and finite (got %g)", s.Eta)
	}
	if !finitePos(s.Floor) {
		return fmt.Errorf("experiment: the floored Hessian noise needs a positive, finite floor ε (got %g; with ε = 0 the continuous-time escape time is infinite, see FloorTrap)", s.Floor)
	}
	if len(s.FrozenBatches)+len(s.FlooredBatches) == 0 {
		return errors.New("experiment: an SGD escape sweep needs at least one batch size")
	}
	for _, bs := range [][]float64{s.FrozenBatches, s.FlooredBatches} {
		for _, b := range bs {
			if !finitePos(b) {
				return fmt.Errorf("experiment: batch size B must be positive and finite (got %g)", b)
			}
		}
	}
	if s.Runs < 0 || s.Runs == 1 {
		return fmt.Errorf("experiment: an SGD escape sweep needs 0 (exact numbers only) or at least 2 runs per point (got %d)", s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	_, err := landscape.NewDoubleWell(s.Well)
	return err
}

// Diffusion returns model m at batch size b on the sweep's well s.Well, as a noise model for the simulation and as
// D(θ) for step η: frozen D = ηH_a/2B, floored Hessian D(θ) = (η/2B)·max(|L″(θ)|, ε). It returns an error for an
// invalid well or batch size, or an unknown model.
func (s *SGDEscapeSweep) Diffusion(m SGDNoiseModel, b float64) (noise.Model, func(float64) float64, error) {
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return nil, nil, err
	}
	return s.diffusion(w, m, b)
}

// diffusion is Diffusion on w, the double well built from s.Well.
func (s *SGDEscapeSweep) diffusion(w *landscape.DoubleWell, m SGDNoiseModel, b float64) (noise.Model, func(float64) float64, error) {
	switch m {
	case FrozenNoise:
		frozen, err := noise.NewFrozen(mat.NewSymDense(1, []float64{s.Well.Ha}), b)
		if err != nil {
			return nil, nil, err
		}
		d := s.Eta * s.Well.Ha / (2 * b)
		return frozen, func(float64) float64 { return d }, nil
	case FlooredHessianNoise:
		hess, err := noise.NewHessianSGD(w, b, s.Floor)
		if err != nil {
			return nil, nil, err
		}
		eta, floor := s.Eta, s.Floor
		return hess, func(x float64) float64 { return eta / (2 * b) * math.Max(math.Abs(w.Deriv2(x)), floor) }, nil
	}
	return nil, nil, fmt.Errorf("experiment: unknown noise model %v", m)
}

// Run computes the exact numbers of every point and, with Runs > 0, runs its Monte Carlo ensemble.
func (s SGDEscapeSweep) Run(ctx context.Context) (*SGDEscapeResult, error) {
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
	a, c := w.Minimum(), w.Other()
	// D(θ) has kinks where |L″| crosses the floor and where L‴ jumps (a, b, c): the quadratures align with them.
	br, err := noise.FloorKinks(w, s.Floor, a-2, c+2)
	if err != nil {
		return nil, err
	}
	res := &SGDEscapeResult{Sweep: s}
	for j, m := range []SGDNoiseModel{FrozenNoise, FlooredHessianNoise} {
		for i, b := range [][]float64{s.FrozenBatches, s.FlooredBatches}[j] {
			p, err := s.point(ctx, w, m, b, br, s.Seed+uint64(10*i+j))
			if err != nil {
				return nil, fmt.Errorf("experiment: SGD escape, %s noise at B = %g: %w", m, b, err)
			}
			res.Points = append(res.Points, p)
		}
	}
	return res, nil
}

func (s *SGDEscapeSweep) point(ctx context.Context, w *landscape.DoubleWell, m SGDNoiseModel, b float64, br []float64, seed uint64) (SGDEscapePoint, error) {
	ex := w.Exit()
	a, sad, c := w.Minimum(), w.Saddle(), w.Other()
	model, diff, err := s.diffusion(w, m, b)
	if err != nil {
		return SGDEscapePoint{}, err
	}
	p := SGDEscapePoint{Model: m, B: b, X: b * ex.DeltaL / (s.Eta * ex.Hae)}
	ps, err := theory.ExactS(theory.PathProblem{Grad: w.Deriv, Diffusion: diff, Minimum: a, Saddle: sad,
		B: b, Eta: s.Eta, DeltaL: ex.DeltaL, Ha: ex.Hae, Hb: ex.Hbe, Breaks: br})
	if err != nil {
		return p, err
	}
	p.S, p.Exponent = ps.S, ps.Integral
	if p.LogExact, err = theory.LogMFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: diff,
		Left: a - 2, Start: a, Absorb: c, Convention: theory.Ito, Breaks: br}); err != nil {
		return p, err
	}
	da, db := diff(a), diff(sad)
	if p.LogLaplaceIto, err = theory.LaplaceLogTau1D(ps.Integral, da, db, ex.Hae, ex.Hbe, theory.Ito); err != nil {
		return p, err
	}
	if p.LogLaplaceIso, err = theory.LaplaceLogTau1D(ps.Integral, da, db, ex.Hae, ex.Hbe, theory.Isothermal); err != nil {
		return p, err
	}
	if s.Runs == 0 {
		return p, nil
	}
	steps := 3 * math.Exp(p.LogExact) / s.Eta
	if !(steps < 1e12) {
		return p, fmt.Errorf("the mean escape time e^%.3g needs %.3g steps of η = %g: lower the barrier or raise the noise", p.LogExact, steps, s.Eta)
	}
	r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: model, Escape: escape.Threshold1D(c, true),
		Eta: s.Eta, Start: []float64{a}, Steps: int(steps), Trajectories: s.Runs, Seed: seed})
	if err != nil {
		return p, err
	}
	p.Rate, err = r.EstimateRate(s.Level)
	return p, err
}

// Model returns the points of noise model m, in the order of its batch sizes.
func (r *SGDEscapeResult) Model(m SGDNoiseModel) []SGDEscapePoint {
	var out []SGDEscapePoint
	for _, p := range r.Points {
		if p.Model == m {
			out = append(out, p)
		}
	}
	return out
}

// Slope fits ln τ̂ (Monte Carlo) against X = BΔL/(ηH_a) over the points of model m with a finite τ̂ > 0, by
// unweighted least squares (stats.LinearFit with nil weights: Slope ± SESlope). It returns ErrTooFewEscapes with
// fewer than three such points.
func (r *SGDEscapeResult) Slope(m SGDNoiseModel) (stats.Fit, error) {
	var x, y []float64
	for _, p := range r.Model(m) {
		if t := p.Rate.MeanTime; t > 0 && !math.IsInf(t, 0) {
			x, y = append(x, p.X), append(y, math.Log(t))
		}
	}
	if len(x) < 3 {
		return stats.Fit{}, ErrTooFewEscapes
	}
	return stats.LinearFit(x, y, nil)
}

// PredictedSlope is DDT's slope of ln τ against X for model m, 2(s + (1−s)H_a/|H_b|), with the exact s of the
// model's last point (s does not depend on B: D ∝ 1/B, so ∫L'/D ∝ B).
func (r *SGDEscapeResult) PredictedSlope(m SGDNoiseModel) (float64, error) {
	ps := r.Model(m)
	if len(ps) == 0 {
		return 0, fmt.Errorf("experiment: no %s points in this sweep", m)
	}
	sv := ps[len(ps)-1].S
	return 2 * (sv + (1-sv)*r.Sweep.Well.Ha/r.Sweep.Well.Hb), nil
}

// ExactInside counts the points whose exact MFPT lies inside the Monte Carlo interval, and those whose Monte
// Carlo mean τ̂ lies below the exact MFPT (a majority below points to the discrete step heating the valley), out
// of total points with a Monte Carlo ensemble: points without runs (Runs = 0, Rate.N = 0) are skipped, so a
// sweep of exact numbers only gives 0, 0, 0.
func (r *SGDEscapeResult) ExactInside() (inside, below, total int) {
	for _, p := range r.Points {
		if p.Rate.N == 0 {
			continue
		}
		total++
		if p.ExactInside() {
			inside++
		}
		if p.Rate.MeanTime < math.Exp(p.LogExact) {
			below++
		}
	}
	return inside, below, total
}

// Verdict reads the Monte Carlo slopes against PredictedSlope with a relative tolerance tol (e.g. 0.1):
// "reproduced (linear law)" when every model in the sweep is within tol, "partly reproduced" when some are, "not
// reproduced" when none is.
func (r *SGDEscapeResult) Verdict(tol float64) (string, error) {
	ok, n := 0, 0
	for _, m := range []SGDNoiseModel{FrozenNoise, FlooredHessianNoise} {
		if len(r.Model(m)) == 0 {
			continue
		}
		n++
		f, err := r.Slope(m)
		if err != nil {
			return "", err
		}
		pred, err := r.PredictedSlope(m)
		if err != nil {
			return "", err
		}
		if math.Abs(f.Slope/pred-1) < tol {
			ok++
		}
	}
	switch {
	case n == 0:
		return "", errors.New("experiment: a verdict needs the points of at least one noise model")
	case ok == n:
		return "reproduced (linear law)", nil
	case ok > 0:
		return "partly reproduced", nil
	}
	return "not reproduced", nil
}
