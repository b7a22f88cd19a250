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

// WellSweep is the paper's central comparison on the smallest landscape that shows it (THEORY.md §3–4, claims
// C4 and C5): the 1-D double well of Well made k times sharper for each k in Ks (landscape.Scaled: every
// curvature × k, the barrier ΔL kept), escaped from its minimum a by
//
//   - SGD noise frozen at the minimum, D = η·k·H_a/2B (noise.NewFrozen): the noise follows the curvature;
//   - white noise of one fixed strength, matched to SGD's trace D at k = 1 (noise.ScaleToTrace).
//
// For each k and each noise it runs Runs trajectories from a until they reach the next minimum c, for at most
// three times the exact mean first-passage time, and puts the censored-MLE rate next to the exact −ln γ = ln τ
// of the same constant diffusion (theory.LogMFPT1D). DDT predicts, for SGD, −ln γ = (2BΔL/ηH_a)/k − ln k + const,
// a line in 1/k (exponential in the flatness), and for white noise −ln γ = ΔL/D − ln k + const, a line of slope
// −1 in ln k (polynomial).
//
// Randomness: point i (the i-th k) under noise j (0 SGD, 1 white) uses the seed Seed + 10i + j, and its
// trajectory t the stream t of that seed (escape.Run), so the numbers do not depend on the number of goroutines.
type WellSweep struct {
	// Well is the k = 1 valley.
	Well landscape.DoubleWellSpec
	// Ks are the sharpness factors, each > 0.
	Ks []float64
	// Eta is the learning rate η (one step is time η) and Batch the batch size B of SGD's noise.
	Eta, Batch float64
	// Runs is the number of trajectories per point (≥ 2).
	Runs int
	// Seed derives every point's seed.
	Seed uint64
	// Level is the confidence level of the rate intervals (0: 0.95).
	Level float64
}

// Valley is the double well made k times sharper, with the points and curvatures the sweep uses.
type Valley struct {
	K         float64
	Landscape landscape.Landscape
	// Exit holds the minimum a, the barrier top b, H_a = k·H_a(1), H_b and ΔL of this valley.
	Exit landscape.Exit
	// A is the minimum where runs start, C the next minimum where they count as escaped.
	A, C float64
}

// WellPoint is the escape of one valley under one noise.
type WellPoint struct {
	K float64
	// D is the diffusion (tr D(a) for step η) of the noise at the minimum.
	D float64
	// Rate is the censored-MLE escape rate γ̂ with its interval, per unit time.
	Rate stats.RateEstimate
	// NegLogRate = −ln γ̂ = ln τ̂, with Lower and Upper its interval (+Inf when nothing escaped).
	NegLogRate, Lower, Upper float64
	// Exact is the exact −ln γ = ln τ of the mean first-passage time from a to c with the same diffusion.
	Exact float64
	// Kramers is the low-temperature formula's −ln γ = ΔL/D + ln(2π/√(H_a|H_b|)) for the same D
	// (theory.KramersLogTau1D). With SGD's D = ηkH_a/2B its exponent is DDT's s = 1 exponent 2BΔL/(ηkH_a) (the
	// prefactor is that of constant diffusion, not the paper's 2π/|H_b|). Exact − Kramers is the formula's error.
	Kramers float64
}

// ExactInside reports whether the exact value lies inside the Monte Carlo interval.
func (p WellPoint) ExactInside() bool { return p.Lower <= p.Exact && p.Exact <= p.Upper }

// WellResult is the outcome of WellSweep.Run.
type WellResult struct {
	Sweep WellSweep
	// DWhite is the white noise's fixed diffusion (SGD's at k = 1).
	DWhite float64
	// SGD and White hold one point per k, in the order of Ks.
	SGD, White []WellPoint
}

func (s *WellSweep) validate() error {
	if len(s.Ks) < 2 {
		return fmt.Errorf("experiment: a well sweep needs at least two sharpness factors k (got %d)", len(s.Ks))
	}
	for _, k := range s.Ks {
		if !(k > 0) || math.IsInf(k, 0) {
			return fmt.Errorf("experiment: sharpness factor k must be positive and finite (got %g)", k)
		}
	}
	if !finitePos(s.Eta) || !finitePos(s.Batch) {
		return fmt.Errorf("experiment: learning rate η and batch size B must be positive and finite (got %g, %g)", s.Eta, s.Batch)
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a well sweep needs at least 2 runs per point (got %d)", s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	_, err := landscape.NewDoubleWell(s.Well)
	return err
}

// Valley returns the well made k times sharper.
func (s *WellSweep) Valley(k float64) (Valley, error) {
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return Valley{}, err
	}
	l, err := landscape.Scaled(w, k)
	if err != nil {
		return Valley{}, err
	}
	ex, err := landscape.ScaleExit(w.Exit(), k)
	if err != nil {
		return Valley{}, err
	}
	r := math.Sqrt(k)
	return Valley{K: k, Landscape: l, Exit: ex, A: w.Minimum() / r, C: w.Other() / r}, nil
}

// SGDNoise returns SGD's noise in valley v, frozen at its minimum: C = H_a/B, D = ηH_a/2B.
func (s *WellSweep) SGDNoise(v Valley) (noise.Model, error) {
	return noise.NewFrozen(mat.NewSymDense(1, []float64{v.Exit.Hae}), s.Batch)
}

// WhiteD returns the diffusion of the white noise: SGD's tr D at the minimum of the k = 1 valley.
func (s *WellSweep) WhiteD() (float64, error) {
	ref, err := s.Valley(1)
	if err != nil {
		return 0, err
	}
	sgd, err := s.SGDNoise(ref)
	if err != nil {
		return 0, err
	}
	unit, err := noise.NewWhite(1, 1)
	if err != nil {
		return 0, err
	}
	a := []float64{ref.A}
	w, err := noise.ScaleToTrace(unit, a, s.Eta, noise.Trace(sgd, a, s.Eta))
	if err != nil {
		return 0, err
	}
	return noise.Trace(w, a, s.Eta), nil
}

// Run runs the sweep: 2·len(Ks) ensembles of Runs trajectories.
func (s WellSweep) Run(ctx context.Context) (*WellResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	dWhite, err := s.WhiteD()
	if err != nil {
		return nil, err
	}
	res := &WellResult{Sweep: s, DWhite: dWhite}
	for i, k := range s.Ks {
		v, err := s.Valley(k)
		if err != nil {
			return nil, err
		}
		sgd, err := s.SGDNoise(v)
		if err != nil {
			return nil, err
		}
		white, err := noise.NewWhite(1, dWhite)
		if err != nil {
			return nil, err
		}
		for j, m := range []noise.Model{sgd, white} {
			p, err := s.point(ctx, v, m, s.Seed+uint64(10*i+j))
			if err != nil {
				return nil, fmt.Errorf("experiment: well sweep at k = %g (%s): %w", k, []string{"SGD", "white noise"}[j], err)
			}
			if j == 0 {
				res.SGD = append(res.SGD, p)
			} else {
				res.White = append(res.White, p)
			}
		}
	}
	return res, nil
}

// point runs one ensemble in valley v under noise m, whose diffusion is constant.
func (s *WellSweep) point(ctx context.Context, v Valley, m noise.Model, seed uint64) (WellPoint, error) {
	d := noise.Trace(m, []float64{v.A}, s.Eta)
	sc, ok := v.Landscape.(landscape.Scalar)
	if !ok {
		return WellPoint{}, fmt.Errorf("the scaled well %T is not a 1-D landscape", v.Landscape)
	}
	grad := sc.Deriv
	exact, err := theory.LogMFPT1D(theory.Problem1D{Grad: grad, Diffusion: func(float64) float64 { return d },
		Left: math.Inf(-1), Start: v.A, Absorb: v.C})
	if err != nil {
		return WellPoint{}, err
	}
	kramers, err := theory.KramersLogTau1D(v.Exit.DeltaL, d, v.Exit.Hae, v.Exit.Hbe)
	if err != nil {
		return WellPoint{}, err
	}
	steps := 3 * math.Exp(exact) / s.Eta
	if !(steps < 1e12) {
		return WellPoint{}, fmt.Errorf("the mean escape time e^%.3g needs %.3g steps of η = %g: lower the barrier or raise the noise", exact, steps, s.Eta)
	}
	r, err := escape.Run(ctx, escape.Config{Landscape: v.Landscape, Noise: m, Escape: escape.Threshold1D(v.C, true),
		Eta: s.Eta, Start: []float64{v.A}, Steps: int(steps), Trajectories: s.Runs, Seed: seed})
	if err != nil {
		return WellPoint{}, err
	}
	rate, err := r.EstimateRate(s.Level)
	if err != nil {
		return WellPoint{}, err
	}
	return WellPoint{K: v.K, D: d, Rate: rate, NegLogRate: math.Log(rate.MeanTime),
		Lower: math.Log(rate.MeanLower), Upper: math.Log(rate.MeanUpper), Exact: exact, Kramers: kramers}, nil
}

// ErrTooFewEscapes is returned by a fit with fewer than three points where something escaped.
var ErrTooFewEscapes = errors.New("experiment: fewer than three points with an escape")

// SGDFit fits −ln γ̂ + ln k against 1/k over the SGD points with an escape, weighted by 1/σ² of each ln τ̂ from
// its interval (stats.WeightsFromRates): DDT predicts the slope PredictedSGDSlope. The weights are known
// variances, so Fit.SESlopeFromWeights is the slope's standard error (with few points the residual-scatter
// SESlope is itself too noisy to trust).
func (r *WellResult) SGDFit() (stats.Fit, error) {
	return fitPoints(r.SGD, func(p WellPoint) (float64, float64) { return 1 / p.K, p.NegLogRate + math.Log(p.K) })
}

// SGDFitLogK fits the same SGD values as SGDFit, −ln γ̂ + ln k, against ln k: the white-noise coordinates. DDT
// says SGD's law is a line in 1/k and curved in ln k, so this fit's ResidualSE should be the larger of the two.
func (r *WellResult) SGDFitLogK() (stats.Fit, error) {
	return fitPoints(r.SGD, func(p WellPoint) (float64, float64) { return math.Log(p.K), p.NegLogRate + math.Log(p.K) })
}

// PredictedSGDSlope is DDT's slope of −ln γ + ln k against 1/k for frozen SGD noise: 2BΔL/(ηH_a).
func (r *WellResult) PredictedSGDSlope() float64 {
	s := r.Sweep
	return 2 * s.Batch * s.Well.Barrier / (s.Eta * s.Well.Ha)
}

// WhiteFit fits −ln γ̂ against ln k over the white-noise points with an escape, weighted as SGDFit: Kramers
// predicts slope −1 (the prefactor √(H_a|H_b|) ∝ k; the exponent ΔL/D does not change with k).
func (r *WellResult) WhiteFit() (stats.Fit, error) {
	return fitPoints(r.White, func(p WellPoint) (float64, float64) { return math.Log(p.K), p.NegLogRate })
}

// fitPoints fits y against x of the points where something escaped, weighted by 1/σ² of ln τ̂.
func fitPoints(ps []WellPoint, xy func(WellPoint) (float64, float64)) (stats.Fit, error) {
	var x, y []float64
	var est []stats.RateEstimate
	for _, p := range ps {
		if p.Rate.Escaped > 0 && !p.Rate.OneSided {
			a, b := xy(p)
			x, y, est = append(x, a), append(y, b), append(est, p.Rate)
		}
	}
	if len(x) < 3 {
		return stats.Fit{}, ErrTooFewEscapes
	}
	w, err := stats.WeightsFromRates(est)
	if err != nil {
		return stats.Fit{}, err
	}
	return stats.LinearFit(x, y, w)
}

// ExactInside counts the points, of both noises, whose exact value lies inside the Monte Carlo interval.
func (r *WellResult) ExactInside() (inside, total int) {
	for _, ps := range [][]WellPoint{r.SGD, r.White} {
		for _, p := range ps {
			if p.ExactInside() {
				inside++
			}
			total++
		}
	}
	return inside, total
}

// Verdict reads the two fits against DDT with a relative tolerance tol (e.g. 0.15): "reproduced" when the SGD
// slope is within tol of PredictedSGDSlope and the white-noise slope within tol of −1, "partly reproduced" when
// one of them is, "not reproduced" otherwise.
func (r *WellResult) Verdict(tol float64) (string, error) {
	sf, err := r.SGDFit()
	if err != nil {
		return "", err
	}
	wf, err := r.WhiteFit()
	if err != nil {
		return "", err
	}
	okSGD := math.Abs(sf.Slope/r.PredictedSGDSlope()-1) < tol
	okWhite := math.Abs(wf.Slope+1) < tol
	switch {
	case okSGD && okWhite:
		return "reproduced", nil
	case okSGD || okWhite:
		return "partly reproduced", nil
	}
	return "not reproduced", nil
}
