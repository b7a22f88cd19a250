package experiment

import (
	"context"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// NetworkEscapeStudy is claim C8 on a trained network (THEORY.md §5, notebook 08): the escape laws of the toy
// landscapes, tested with the knobs we control, from a minimum whose saddle is unknown. A run has escaped when
// its training loss first exceeds L(θ*) + δ (Escape), with one δ per dynamics planned by PlanDelta. DDT predicts,
// for SGD, −ln γ linear in 1/k (sharpness, nn.Scaled), in B and in 1/η; for GD + white noise of one fixed D,
// −ln γ linear in ln k with slope exactly −1 (on L_k(φ) = L(√k·φ) the white-noise dynamics are those on L run k
// times faster, so τ_k = τ_1/k).
//
// Run, in this order: δ for SGD from PlanDelta(SGD, Target) when SGD.Delta is 0; White.D = MatchedD(Minimum,
// SGD.Eta, SGD.Batch, SGD.Sampling) when White.D is 0 (white noise whose trace matches SGD's at the reference);
// δ for white noise from PlanDelta(White, Target) when White.Delta is 0; then SweepK(SGD, Ks),
// SweepK(White, WhiteKs), SweepBatch(SGD, Batches) and SweepEta(SGD, Etas).
//
// Randomness: every ensemble draws run i from rand.NewPCG(Config.Seed, i) (Escape), so all SGD points share
// SGD.Seed's streams and all white-noise points White.Seed's; each pilot uses its Seed + 1<<32 (PlanDelta).
// The numbers do not depend on the number of goroutines.
type NetworkEscapeStudy struct {
	Minimum *Minimum
	// SGD is the reference SGD configuration (Dynamics SGD): the middle of every SGD sweep.
	SGD Config
	// White is the white-noise configuration (Dynamics WhiteNoise) at k = 1.
	White Config
	// Target is the escape fraction δ is planned for at the references, in [0.05, 0.8] (0: 0.3).
	Target float64
	// Ks are the sharpness factors of the SGD sweep, WhiteKs those of the white-noise sweep; Batches and Etas
	// the batch sizes and learning rates of the SGD sweeps. Each needs at least three values (a line and its SE).
	Ks, WhiteKs []float64
	Batches     []int
	Etas        []float64
}

// NetworkEscapeResult is the outcome of NetworkEscapeStudy.Run.
type NetworkEscapeResult struct {
	Study NetworkEscapeStudy
	// SGDPlan and WhitePlan are the planners' choices of δ (nil where the study gave δ).
	SGDPlan, WhitePlan *Plan
	// SGD and White are the reference configurations as run (δ and D filled in).
	SGD, White Config
	// SGDK, WhiteK, SGDB and SGDEta are the four sweeps.
	SGDK, WhiteK, SGDB, SGDEta *Sweep
}

func (s *NetworkEscapeStudy) validate() error {
	if s.Minimum == nil {
		return fmt.Errorf("%w: network escape study without a minimum", ErrInvalid)
	}
	if s.SGD.Dynamics != SGD || s.White.Dynamics != WhiteNoise {
		return fmt.Errorf("%w: the study needs an SGD reference (got %v) and a white-noise one (got %v)", ErrInvalid, s.SGD.Dynamics, s.White.Dynamics)
	}
	for name, n := range map[string]int{"Ks": len(s.Ks), "WhiteKs": len(s.WhiteKs), "Batches": len(s.Batches), "Etas": len(s.Etas)} {
		if n < 3 {
			return fmt.Errorf("%w: sweep %s has %d values, need at least 3 for a line with a standard error", ErrInvalid, name, n)
		}
	}
	return nil
}

// Run plans δ, matches D and runs the four sweeps; every sweep point is validated before its sweep runs.
func (s NetworkEscapeStudy) Run(ctx context.Context) (*NetworkEscapeResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Target == 0 {
		s.Target = 0.3
	}
	r := &NetworkEscapeResult{Study: s, SGD: s.SGD, White: s.White}
	var err error
	if r.SGD.Delta == 0 {
		if r.SGDPlan, err = PlanDelta(ctx, s.Minimum, r.SGD, s.Target); err != nil {
			return nil, fmt.Errorf("experiment: planning δ for SGD: %w", err)
		}
		r.SGD.Delta = r.SGDPlan.Delta
	}
	if r.White.D == 0 {
		if r.White.D, err = MatchedD(s.Minimum, r.SGD.Eta, r.SGD.Batch, r.SGD.Sampling); err != nil {
			return nil, fmt.Errorf("experiment: matching white noise to SGD: %w", err)
		}
	}
	if r.White.Delta == 0 {
		if r.WhitePlan, err = PlanDelta(ctx, s.Minimum, r.White, s.Target); err != nil {
			return nil, fmt.Errorf("experiment: planning δ for white noise: %w", err)
		}
		r.White.Delta = r.WhitePlan.Delta
	}
	if r.SGDK, err = SweepK(ctx, s.Minimum, r.SGD, s.Ks); err != nil {
		return nil, fmt.Errorf("experiment: SGD sharpness sweep: %w", err)
	}
	if r.WhiteK, err = SweepK(ctx, s.Minimum, r.White, s.WhiteKs); err != nil {
		return nil, fmt.Errorf("experiment: white-noise sharpness sweep: %w", err)
	}
	if r.SGDB, err = SweepBatch(ctx, s.Minimum, r.SGD, s.Batches); err != nil {
		return nil, fmt.Errorf("experiment: batch-size sweep: %w", err)
	}
	if r.SGDEta, err = SweepEta(ctx, s.Minimum, r.SGD, s.Etas); err != nil {
		return nil, fmt.Errorf("experiment: learning-rate sweep: %w", err)
	}
	return r, nil
}

// Verdict reads C8 from the SGD fits: a fit "holds" when it has at least 3 points, R² > 0.95 and a positive
// slope (−ln γ̂ rising with 1/k, B and 1/η). "reproduced" when all three hold and −ln γ̂ is straighter in 1/k than
// in ln k (the exponential form), "partly reproduced" when two hold, "not reproduced" otherwise. A missing fit
// (too few points with an escape) counts as not holding.
func (r *NetworkEscapeResult) Verdict() string {
	fK, fKlog := r.SGDK.Fits["1/k"], r.SGDK.Fits["log k"]
	good := 0
	for _, f := range []stats.Fit{fK, r.SGDB.Fits["B"], r.SGDEta.Fits["1/eta"]} {
		if f.N >= 3 && f.R2 > 0.95 && f.Slope > 0 {
			good++
		}
	}
	switch {
	case good == 3 && fK.R2 > fKlog.R2:
		return "reproduced"
	case good >= 2:
		return "partly reproduced"
	}
	return "not reproduced"
}

// WhiteReading compares the white-noise sharpness sweep with its exact law, slope −1 of −ln γ̂ in ln k: how many
// standard errors (Fit.SESlope, from the residual scatter) the measured slope lies from −1 and on which side, which
// of a line in ln k and a line in 1/k fits the points better (R²), and the constant-hazard test of the k = 1 point
// (HazardHalves): γ̂ assumes a constant hazard, which a budget fixed in steps may not reach. A fit with fewer than
// 3 points (too few values with an escape), or a zero standard error (points exactly on a line), is said to
// leave its part unread instead of giving a distance of +Inf or NaN standard errors.
func (r *NetworkEscapeResult) WhiteReading() string {
	var wK, wK1 stats.Fit
	hazard := "(no white-noise point at k = 1 to test the hazard)"
	if r.WhiteK != nil {
		wK, wK1 = r.WhiteK.Fits["log k"], r.WhiteK.Fits["1/k"]
		for i, v := range r.WhiteK.Values {
			if v == 1 && i < len(r.WhiteK.Results) && r.WhiteK.Results[i] != nil {
				hazard = r.WhiteK.Results[i].HazardHalves().Reading()
			}
		}
	}
	var slope string
	switch {
	case wK.N < 3:
		slope = fmt.Sprintf("The slope in ln k cannot be read: its fit has %d points with an escape and needs 3", wK.N)
	case !(wK.SESlope > 0) || math.IsInf(wK.SESlope, 1):
		slope = fmt.Sprintf("The measured slope is %.3f against −1, with no standard error to measure the distance in "+
			"(SE = %g from %d points)", wK.Slope, wK.SESlope, wK.N)
	default:
		dir := "steeper"
		if wK.Slope > -1 {
			dir = "shallower"
		}
		slope = fmt.Sprintf("The measured slope is %.1f SE %s than −1 (SE from %d points)", math.Abs(wK.Slope+1)/wK.SESlope, dir, wK.N)
	}
	if wK.N < 3 || wK1.N < 3 {
		return fmt.Sprintf("%s; there are too few points to compare a line in ln k with a line in 1/k (%d and %d). %s", slope, wK.N, wK1.N, hazard)
	}
	better, worse, r2b, r2w := "1/k", "ln k", wK1.R2, wK.R2
	if wK.R2 >= wK1.R2 {
		better, worse, r2b, r2w = "ln k", "1/k", wK.R2, wK1.R2
	}
	return fmt.Sprintf("%s, and a line in %s fits the white-noise points better than one in %s (R² = %.4f against %.4f). %s",
		slope, better, worse, r2b, r2w, hazard)
}

// HazardSplit is a constant-hazard test of an escape ensemble: the escapes per step at risk in the first and in
// the second half of the budget. For exponential escape times both estimate the same rate.
type HazardSplit struct {
	Runs, Steps, CheckEvery int
	// N1 and N2 are the escapes at steps ≤ Steps/2 and after it; T1 and T2 the steps at risk in each half
	// (Σ min(end, Steps/2) and Σ max(end − Steps/2, 0), end the escape step or Steps for a censored run).
	N1, N2 int
	T1, T2 float64
	// H1 = N1/T1 and H2 = N2/T2 are the hazards per step (0 where a half has no time at risk).
	H1, H2 float64
}

// HazardHalves splits the ensemble's budget in two halves and counts escapes and time at risk in each.
func (r *Result) HazardHalves() HazardSplit {
	h := HazardSplit{Runs: len(r.EscapeStep), Steps: r.Config.Steps, CheckEvery: r.Config.CheckEvery}
	half := r.Config.Steps / 2
	for _, st := range r.EscapeStep {
		end := r.Config.Steps
		if st >= 0 {
			end = st
		}
		h.T1 += float64(min(end, half))
		h.T2 += float64(max(end-half, 0))
		switch {
		case st >= 0 && st <= half:
			h.N1++
		case st > half:
			h.N2++
		}
	}
	if h.T1 > 0 {
		h.H1 = float64(h.N1) / h.T1
	}
	if h.T2 > 0 {
		h.H2 = float64(h.N2) / h.T2
	}
	return h
}

// Rising reports whether the hazard in the second half exceeds that in the first.
func (h HazardSplit) Rising() bool { return h.H2 > h.H1 }

// Reading states the test's outcome at k = 1 of a white-noise sharpness sweep and, where the hazard rises, the
// hypothesis that explains a white-noise slope in ln k steeper than −1: the budget of Steps steps covers k·Steps·η
// of rescaled time, so at large k γ̂ averages over more of the later, higher-hazard phase.
func (h HazardSplit) Reading() string {
	var s string
	switch {
	case h.N1 == 0 && h.N2 > 0:
		s = fmt.Sprintf("At k = 1 no run escaped in the first half of the budget and %d of %d in the second, so the hazard is not constant.", h.N2, h.Runs)
	case h.Rising():
		s = fmt.Sprintf("At k = 1 the hazard in the second half of the budget is %.1f times that in the first (%d and %d escapes of %d runs), so it is not constant.", h.H2/h.H1, h.N1, h.N2, h.Runs)
	default:
		s = fmt.Sprintf("At k = 1 the hazard does not rise within the budget (%d and %d escapes of %d runs in its two halves).", h.N1, h.N2, h.Runs)
	}
	if h.Rising() {
		return s + fmt.Sprintf(" A hypothesis for the departure: the budget of %d steps covers k·%d·η of rescaled time, so at large k γ̂ averages over more of the "+
			"later, higher-hazard phase (presumably while the flat directions fill up towards quasi-equilibrium) and grows faster than k.", h.Steps, h.Steps)
	}
	return s + fmt.Sprintf(" The departure is then not explained here; Monte Carlo scatter, the step k·η and the check every %d steps are candidates.", h.CheckEvery)
}

// Points returns the sweep values whose −ln γ̂ and upper bound are finite (at least one escape), with −ln γ̂ and
// its interval [lo, hi] (Result.NegLogRate): the points a chart can draw.
func (s *Sweep) Points() (x, y, lo, hi []float64) {
	for i, r := range s.Results {
		v, l, h := r.NegLogRate()
		if math.IsInf(v, 0) || math.IsInf(h, 0) {
			continue
		}
		x, y, lo, hi = append(x, s.Values[i]), append(y, v), append(lo, l), append(hi, h)
	}
	return x, y, lo, hi
}

// FitCurve returns the fitted −ln γ of Fits[key] at every sweep value, evaluated in the fit's own variable (1/k,
// ln k, B or 1/η for key "1/k", "log k", "B", "1/eta"). The error says why there is no such fit.
func (s *Sweep) FitCurve(key string) ([]float64, stats.Fit, error) {
	tr, ok := map[string]func(float64) float64{"1/k": func(v float64) float64 { return 1 / v }, "log k": math.Log,
		"B": func(v float64) float64 { return v }, "1/eta": func(v float64) float64 { return 1 / v }}[key]
	if !ok {
		return nil, stats.Fit{}, fmt.Errorf("%w: unknown fit %q (want 1/k, log k, B or 1/eta)", ErrInvalid, key)
	}
	fit, ok := s.Fits[key]
	if !ok {
		why := s.FitErrors[key]
		if why == "" {
			why = "not a fit of a sweep in " + s.Param
		}
		return nil, stats.Fit{}, fmt.Errorf("experiment: no fit in %s: %s", key, why)
	}
	y := make([]float64, len(s.Values))
	for i, v := range s.Values {
		y[i] = fit.Intercept + fit.Slope*tr(v)
	}
	return y, fit, nil
}
