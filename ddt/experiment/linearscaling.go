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

// LinearScalingSweep drops the small-η assumption (Ziyin et al., ICLR 2022; notebook 09): SGD noise frozen at the
// minimum of a double well, C = H_a/B, with B/η held at BOverEta, so that the diffusion D = ηH_a/2B is the same at
// every η and the SDE (and every formula of notebooks 04–07) predicts one escape time τ_SDE (theory.MFPT1D with
// this constant D). The discrete update θ ← (1 − ηh)θ + sqrt(2ηD)ε has stationary variance D/(h(1 − ηh/2))
// instead of D/h, and is unstable for ηh ≥ 2: as ηH_a grows the measured τ leaves τ_SDE.
//
// For each ηH_a in EtaHa it runs Runs trajectories (η = ηH_a/H_a, B = BOverEta·η) from a to the next minimum c for
// at most BudgetFactor·τ_SDE of time, and computes the naive correction that heats the whole path by the factor of
// the minimum, τ_heated = MFPT1D with D/(1 − ηH_a/2) = H_a·theory.DiscreteStationaryVariance (defined only for
// ηH_a < 2).
//
// Randomness: point i uses the seed Seed + i, trajectory t its stream t (escape.Run).
type LinearScalingSweep struct {
	Well landscape.DoubleWellSpec
	// BOverEta is the fixed ratio B/η (> 0).
	BOverEta float64
	// EtaHa are the values of ηH_a (> 0), at least one.
	EtaHa []float64
	// Runs per point (≥ 2), Seed the base seed.
	Runs int
	Seed uint64
	// BudgetFactor: each run gets BudgetFactor·τ_SDE/η steps (0: 4).
	BudgetFactor float64
	// Level is the confidence level of the intervals (0: 0.95).
	Level float64
}

// LinearScalingPoint is one learning rate of a LinearScalingSweep.
type LinearScalingPoint struct {
	EtaHa, Eta, B float64
	// Diverged is the divergence that stopped the ensemble (nil otherwise; Rate is then empty).
	Diverged *escape.DivergenceError
	// Rate is the censored-MLE estimate (MeanTime τ̂ with its interval); Ratio = τ̂/τ_SDE.
	Rate  stats.RateEstimate
	Ratio float64
	// Heated is τ_heated/τ_SDE for ηH_a < 2; NaN (undefined: the minimum is linearly unstable) otherwise.
	Heated float64
}

// LinearScalingResult is the outcome of LinearScalingSweep.Run.
type LinearScalingResult struct {
	Sweep LinearScalingSweep
	// D is the diffusion ηH_a/2B = H_a/(2·BOverEta), TauSDE the exact continuous-time escape time with it.
	D, TauSDE float64
	Points    []LinearScalingPoint
}

func (s *LinearScalingSweep) validate() error {
	if !finitePos(s.BOverEta) {
		return fmt.Errorf("%w: B/η must be positive and finite (got %g)", ErrInvalid, s.BOverEta)
	}
	if len(s.EtaHa) == 0 {
		return fmt.Errorf("%w: no values of η·H_a", ErrInvalid)
	}
	for _, v := range s.EtaHa {
		if !finitePos(v) {
			return fmt.Errorf("%w: η·H_a must be positive and finite (got %g)", ErrInvalid, v)
		}
	}
	if s.Runs < 2 {
		return fmt.Errorf("%w: at least 2 runs per point (got %d)", ErrInvalid, s.Runs)
	}
	if s.BudgetFactor < 0 || math.IsNaN(s.BudgetFactor) || math.IsInf(s.BudgetFactor, 0) {
		return fmt.Errorf("%w: budget factor must be ≥ 0 and finite (got %g)", ErrInvalid, s.BudgetFactor)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	return nil
}

// Run computes τ_SDE and runs one ensemble per ηH_a. An ensemble that diverges is recorded in its point
// (Diverged), not returned as an error: past ηH_a = 2 divergence is the expected outcome.
func (s LinearScalingSweep) Run(ctx context.Context) (*LinearScalingResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.BudgetFactor == 0 {
		s.BudgetFactor = 4
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return nil, err
	}
	ha := s.Well.Ha
	d := 1 / (2 * s.BOverEta) * ha // D = ηH_a/2B, the same for every η
	mfpt := func(d float64) (float64, error) {
		return theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: func(float64) float64 { return d }, Left: math.Inf(-1), Start: w.Minimum(), Absorb: w.Other()})
	}
	tauSDE, err := mfpt(d)
	if err != nil {
		return nil, err
	}
	res := &LinearScalingResult{Sweep: s, D: d, TauSDE: tauSDE}
	for i, etaHa := range s.EtaHa {
		eta := etaHa / ha
		b := s.BOverEta * eta
		p := LinearScalingPoint{EtaHa: etaHa, Eta: eta, B: b, Heated: math.NaN()}
		frozen, err := noise.NewFrozen(mat.NewSymDense(1, []float64{ha}), b)
		if err != nil {
			return nil, err
		}
		steps := s.BudgetFactor * tauSDE / eta
		if !(steps < 1e12) {
			return nil, fmt.Errorf("experiment: τ_SDE = %.3g needs %.3g steps of η = %g: lower the barrier", tauSDE, steps, eta)
		}
		r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: frozen, Escape: escape.Threshold1D(w.Other(), true),
			Eta: eta, Start: []float64{w.Minimum()}, Steps: int(steps), Trajectories: s.Runs, Seed: s.Seed + uint64(i)})
		var de *escape.DivergenceError
		switch {
		case errors.As(err, &de):
			p.Diverged = de
			res.Points = append(res.Points, p)
			continue
		case err != nil:
			return nil, fmt.Errorf("experiment: η·H_a = %g: %w", etaHa, err)
		}
		if p.Rate, err = r.EstimateRate(s.Level); err != nil {
			return nil, err
		}
		p.Ratio = p.Rate.MeanTime / tauSDE
		// The discrete OU's stationary variance D/(H_a(1 − ηH_a/2)) (theory.DiscreteStationaryVariance, an error
		// past ηH_a = 2) is that of the SDE with D' = H_a·Var: the heated diffusion.
		if v, err := theory.DiscreteStationaryVariance(d, ha, eta); err == nil {
			c, err := mfpt(ha * v)
			if err != nil {
				return nil, err
			}
			p.Heated = c / tauSDE
		}
		res.Points = append(res.Points, p)
	}
	return res, nil
}
