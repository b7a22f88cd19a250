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

// SharpFlatWell is the landscape and the noise of the batch-size and learning-rate studies (THEORY.md §3, claims
// C6 and C7; notebook 07): the double well of Well, whose minimum a (where runs start) is the sharp valley
// (curvature Well.Ha) and whose other minimum c the flat one (Well.Hc), under Hessian-shaped SGD noise with a floor,
//
//	D(θ) = (η/2B)·max(|L″(θ)|, Floor)   (noise.NewHessianSGD),
//
// which follows the curvature but never vanishes between the valleys. In continuous time B and η enter only
// through D ∝ η/B, so every escape time is a function of B/η.
type SharpFlatWell struct {
	Well landscape.DoubleWellSpec
	// Floor is the eigenvalue floor of the noise (> 0: with 0 the noise vanishes at the inflection points and
	// nothing escapes, THEORY.md §3.2).
	Floor float64
}

func (s *SharpFlatWell) validate() error {
	if !finitePos(s.Floor) {
		return fmt.Errorf("experiment: the noise floor must be positive and finite (got %g)", s.Floor)
	}
	_, err := landscape.NewDoubleWell(s.Well)
	return err
}

// ExactTaus returns the exact Itô mean first-passage times (theory.MFPT1D) sharp → flat (from a to c, reflecting
// wall at a − 1) and flat → sharp (from c to a, wall at c + 1) under the floored Hessian noise of batch size batch
// and learning rate eta, with the kinks of D located by noise.FloorKinks. Both depend on batch/eta only.
func (s SharpFlatWell) ExactTaus(batch, eta float64) (tauSharp, tauFlat float64, err error) {
	return s.exactTaus(batch, eta, true)
}

// exactTaus is ExactTaus; with flat false it computes τ sharp → flat only and returns tauFlat = 0.
func (s SharpFlatWell) exactTaus(batch, eta float64, flat bool) (tauSharp, tauFlat float64, err error) {
	if err := s.validate(); err != nil {
		return 0, 0, err
	}
	if !finitePos(batch) || !finitePos(eta) {
		return 0, 0, fmt.Errorf("experiment: batch size B and learning rate η must be positive and finite (got %g, %g)", batch, eta)
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return 0, 0, err
	}
	floor := s.Floor
	d := func(x float64) float64 { return eta / (2 * batch) * math.Max(math.Abs(w.Deriv2(x)), floor) }
	a, c := w.Minimum(), w.Other()
	br, err := noise.FloorKinks(w, floor, a-1, c+1) // where D has kinks: |L″| = floor, and a, b, c
	if err != nil {
		return 0, 0, err
	}
	if tauSharp, err = theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: d, Left: a - 1, Start: a, Absorb: c, Breaks: br}); err != nil || !flat {
		return tauSharp, 0, err
	}
	tauFlat, err = theory.MFPT1D(theory.Problem1D{Grad: w.Deriv, Diffusion: d, Left: c + 1, Start: c, Absorb: a, Breaks: br})
	return tauSharp, tauFlat, err
}

// BatchLR is one SGD setting: batch size B and learning rate η, with the name of the sweep it belongs to.
type BatchLR struct {
	Group      string
	Batch, Eta float64
}

// Ratio returns B/η.
func (s BatchLR) Ratio() float64 { return s.Batch / s.Eta }

// RatioSweep is claim C6 on a SharpFlatWell: for each (B, η) in Settings it runs Runs trajectories from the sharp
// minimum a until they reach the flat minimum c, for at most twice the exact mean first-passage time, and puts the
// censored-MLE mean escape time next to the exact one (ExactTaus). DDT predicts ln τ linear in B/η, with the
// same slope whether B or η is varied.
//
// Randomness: setting i uses the seed Seed + i and its trajectory t the stream t of that seed (escape.Run), so the
// numbers do not depend on the number of goroutines.
type RatioSweep struct {
	SharpFlatWell
	// Settings are the (B, η) pairs, in the order of the seeds; at least two.
	Settings []BatchLR
	// Runs is the number of trajectories per setting (≥ 2).
	Runs int
	// Seed derives every setting's seed.
	Seed uint64
	// Level is the confidence level of the intervals (0: 0.95).
	Level float64
}

// RatioPoint is the escape from the sharp valley at one setting.
type RatioPoint struct {
	BatchLR
	// Rate is the censored-MLE escape rate with its interval; Rate.MeanTime, MeanLower and MeanUpper are the
	// mean escape time τ̂ (continuous time) and its interval.
	Rate stats.RateEstimate
	// Exact is the exact mean first-passage time sharp → flat (ExactTaus).
	Exact float64
}

// Iterations returns the Monte Carlo iterations to escape, τ̂/η.
func (p RatioPoint) Iterations() float64 { return p.Rate.MeanTime / p.Eta }

// ExactInside reports whether the exact time lies inside the Monte Carlo interval.
func (p RatioPoint) ExactInside() bool {
	return p.Rate.MeanLower <= p.Exact && p.Exact <= p.Rate.MeanUpper
}

// RatioResult is the outcome of RatioSweep.Run.
type RatioResult struct {
	Sweep RatioSweep
	// Points holds one point per setting, in the order of Settings.
	Points []RatioPoint
}

func (s *RatioSweep) validate() error {
	if err := s.SharpFlatWell.validate(); err != nil {
		return err
	}
	if len(s.Settings) < 2 {
		return fmt.Errorf("experiment: a B/η sweep needs at least two settings (got %d)", len(s.Settings))
	}
	for _, b := range s.Settings {
		if !finitePos(b.Batch) || !finitePos(b.Eta) {
			return fmt.Errorf("experiment: batch size B and learning rate η must be positive and finite (got %g, %g in %q)", b.Batch, b.Eta, b.Group)
		}
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a B/η sweep needs at least 2 runs per setting (got %d)", s.Runs)
	}
	if err := checkLevel(s.Level); err != nil {
		return err
	}
	return nil
}

// Run runs one ensemble of Runs trajectories per setting.
func (s RatioSweep) Run(ctx context.Context) (*RatioResult, error) {
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
	res := &RatioResult{Sweep: s}
	for i, set := range s.Settings {
		p := RatioPoint{BatchLR: set}
		if p.Exact, _, err = s.exactTaus(set.Batch, set.Eta, false); err != nil {
			return nil, err
		}
		steps := 2 * p.Exact / set.Eta
		if !(steps < 1e12) {
			return nil, fmt.Errorf("experiment: B = %g, η = %g: the exact escape time %.3g needs %.3g steps: lower B/η or the barrier", set.Batch, set.Eta, p.Exact, steps)
		}
		m, err := noise.NewHessianSGD(w, set.Batch, s.Floor)
		if err != nil {
			return nil, err
		}
		r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: m, Escape: escape.Threshold1D(w.Other(), true),
			Eta: set.Eta, Start: []float64{w.Minimum()}, Steps: int(steps), Trajectories: s.Runs, Seed: s.Seed + uint64(i)})
		if err != nil {
			return nil, fmt.Errorf("experiment: B/η sweep at B = %g, η = %g: %w", set.Batch, set.Eta, err)
		}
		if p.Rate, err = r.EstimateRate(s.Level); err != nil {
			return nil, err
		}
		res.Points = append(res.Points, p)
	}
	return res, nil
}

// Groups returns the names of the sweeps in the order of their first setting.
func (r *RatioResult) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range r.Points {
		if !seen[p.Group] {
			seen[p.Group] = true
			out = append(out, p.Group)
		}
	}
	return out
}

// Group returns the points of one sweep, in the order of Settings.
func (r *RatioResult) Group(name string) []RatioPoint {
	var out []RatioPoint
	for _, p := range r.Points {
		if p.Group == name {
			out = append(out, p)
		}
	}
	return out
}

// SlopeFit fits ln τ̂ against B/η over the points of one sweep where something escaped (unweighted; SESlope is
// the standard error from the scatter). It needs three such points (ErrTooFewEscapes).
func (r *RatioResult) SlopeFit(group string) (stats.Fit, error) {
	var x, y []float64
	for _, p := range r.Group(group) {
		if p.Rate.Escaped > 0 {
			x, y = append(x, p.Ratio()), append(y, math.Log(p.Rate.MeanTime))
		}
	}
	if len(x) < 3 {
		return stats.Fit{}, fmt.Errorf("%w (sweep %q)", ErrTooFewEscapes, group)
	}
	return stats.LinearFit(x, y, nil)
}

// ExactSlopeFit fits the exact ln τ against B/η over the points of one sweep.
func (r *RatioResult) ExactSlopeFit(group string) (stats.Fit, error) {
	var x, y []float64
	for _, p := range r.Group(group) {
		x, y = append(x, p.Ratio()), append(y, math.Log(p.Exact))
	}
	return stats.LinearFit(x, y, nil)
}

// ExactInside counts the settings whose exact time lies inside the Monte Carlo interval.
func (r *RatioResult) ExactInside() (inside, total int) {
	for _, p := range r.Points {
		if p.ExactInside() {
			inside++
		}
	}
	return inside, len(r.Points)
}

// Verdict reads C6 with a relative tolerance tol (e.g. 0.1): "reproduced" when the Monte Carlo slope of every
// sweep is within tol of the exact slope of the same sweep, "partly reproduced" otherwise.
func (r *RatioResult) Verdict(tol float64) (string, error) {
	for _, g := range r.Groups() {
		f, err := r.SlopeFit(g)
		if err != nil {
			return "", err
		}
		e, err := r.ExactSlopeFit(g)
		if err != nil {
			return "", err
		}
		if !(math.Abs(f.Slope/e.Slope-1) < tol) {
			return "partly reproduced", nil
		}
	}
	return "reproduced", nil
}

// SelectionSweep is claim C7 on a SharpFlatWell: every run starts in the sharp valley a and runs for a fixed
// continuous time Time (Time/η iterations: a fixed number of epochs when B/η is fixed), then counts as flat when it
// ends beyond the barrier top b. For each learning rate in Etas and each B/η in Ratios (B = ratio·η) it measures
// the flat share and puts it next to the two-state prediction from the exact escape times (theory.TwoStateShare
// with ExactTaus). The share first rises with B/η (the flat valley is preferred exponentially in B/η) and then
// collapses (the sharp valley can no longer be left within the budget); at equal B/η it does not depend on η
// while η·H_a is small (the linear scaling rule).
//
// Randomness: learning rate i and ratio j use the seed Seed + 100(i+1) + j, and trajectory t the stream t of
// that seed (escape.Run); hence at most 100 ratios.
type SelectionSweep struct {
	SharpFlatWell
	// Etas are the learning rates (≥ 1) and Ratios the values of B/η (≥ 2, at most 100).
	Etas, Ratios []float64
	// Time is the continuous-time budget T of every run.
	Time float64
	// Runs is the number of trajectories per point (≥ 2).
	Runs int
	// Seed derives every point's seed.
	Seed uint64
}

// SelectionPoint is the end state of one ensemble.
type SelectionPoint struct {
	Eta, Ratio, Batch float64
	// Flat is the number of the Runs runs that ended in the flat valley, Share = Flat/Runs.
	Flat, Runs int
	Share      float64
	// TauSharp and TauFlat are the exact escape times (ExactTaus); Predicted is the two-state share at Time.
	TauSharp, TauFlat, Predicted float64
}

// SE returns the binomial standard error of Share, √(Share(1 − Share)/Runs).
func (p SelectionPoint) SE() float64 { return math.Sqrt(p.Share * (1 - p.Share) / float64(p.Runs)) }

// SelectionResult is the outcome of SelectionSweep.Run.
type SelectionResult struct {
	Sweep SelectionSweep
	// Points[i][j] is learning rate i at ratio j.
	Points [][]SelectionPoint
}

func (s *SelectionSweep) validate() error {
	if err := s.SharpFlatWell.validate(); err != nil {
		return err
	}
	if len(s.Etas) < 1 || len(s.Ratios) < 2 || len(s.Ratios) > 100 {
		return fmt.Errorf("experiment: a selection sweep needs at least one learning rate and 2 to 100 ratios B/η (got %d and %d)", len(s.Etas), len(s.Ratios))
	}
	for _, v := range append(append([]float64{}, s.Etas...), s.Ratios...) {
		if !finitePos(v) {
			return fmt.Errorf("experiment: learning rates and ratios B/η must be positive and finite (got %g)", v)
		}
	}
	if !finitePos(s.Time) {
		return fmt.Errorf("experiment: the time budget must be positive and finite (got %g)", s.Time)
	}
	for _, e := range s.Etas {
		if steps := s.Time / e; !(steps >= 1 && steps < 1e12) {
			return fmt.Errorf("experiment: time budget %g at η = %g is %.3g steps (need 1 to 1e12)", s.Time, e, steps)
		}
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a selection sweep needs at least 2 runs per point (got %d)", s.Runs)
	}
	return nil
}

// Run runs one ensemble per learning rate and ratio.
func (s SelectionSweep) Run(ctx context.Context) (*SelectionResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		return nil, err
	}
	// The exact times depend on B/η only: once per ratio, at the first learning rate.
	type taus struct{ sharp, flat, share float64 }
	exact := make([]taus, len(s.Ratios))
	for j, ratio := range s.Ratios {
		e := &exact[j]
		if e.sharp, e.flat, err = s.ExactTaus(ratio*s.Etas[0], s.Etas[0]); err != nil {
			return nil, err
		}
		if e.share, err = theory.TwoStateShare(e.sharp, e.flat, s.Time); err != nil {
			return nil, err
		}
	}
	res := &SelectionResult{Sweep: s}
	for i, eta := range s.Etas {
		var row []SelectionPoint
		for j, ratio := range s.Ratios {
			b := ratio * eta
			m, err := noise.NewHessianSGD(w, b, s.Floor)
			if err != nil {
				return nil, err
			}
			r, err := escape.Run(ctx, escape.Config{Landscape: w, Noise: m,
				Escape: escape.Threshold1D(1e6, true), // never met: every run goes the full budget
				Eta:    eta, Start: []float64{w.Minimum()}, Steps: int(s.Time / eta), Trajectories: s.Runs,
				Seed: s.Seed + uint64(100*(i+1)) + uint64(j), KeepFinal: true})
			if err != nil {
				return nil, fmt.Errorf("experiment: selection at η = %g, B/η = %g: %w", eta, ratio, err)
			}
			p := SelectionPoint{Eta: eta, Ratio: ratio, Batch: b, Runs: s.Runs,
				TauSharp: exact[j].sharp, TauFlat: exact[j].flat, Predicted: exact[j].share}
			for _, th := range r.Final {
				if th[0] > w.Saddle() {
					p.Flat++
				}
			}
			p.Share = float64(p.Flat) / float64(s.Runs)
			row = append(row, p)
		}
		res.Points = append(res.Points, row)
	}
	return res, nil
}

// row returns the points of learning rate i, or nil when i is out of range.
func (r *SelectionResult) row(i int) []SelectionPoint {
	if r == nil || i < 0 || i >= len(r.Points) {
		return nil
	}
	return r.Points[i]
}

// Shares returns the flat shares of learning rate i, in the order of Ratios (nil when i is out of range).
func (r *SelectionResult) Shares(i int) []float64 {
	var out []float64
	for _, p := range r.row(i) {
		out = append(out, p.Share)
	}
	return out
}

// Predicted returns the two-state predictions of learning rate i, in the order of Ratios (nil when i is out of
// range).
func (r *SelectionResult) Predicted(i int) []float64 {
	var out []float64
	for _, p := range r.row(i) {
		out = append(out, p.Predicted)
	}
	return out
}

// Peak returns the largest flat share of learning rate i and its index in Ratios (the first on a tie); 0 and −1
// when i is out of range or its row is empty.
func (r *SelectionResult) Peak(i int) (share float64, j int) {
	j = -1
	for k, p := range r.row(i) {
		if j < 0 || p.Share > share {
			share, j = p.Share, k
		}
	}
	return share, j
}

// MaxDiff returns the largest difference between the shares of two learning rates at the same B/η (0 with one
// learning rate); rows of unequal length are compared where both have a point.
func (r *SelectionResult) MaxDiff() float64 {
	d := 0.0
	for i := range r.Points {
		for k := range i {
			for j := range min(len(r.Points[i]), len(r.Points[k])) {
				d = math.Max(d, math.Abs(r.Points[i][j].Share-r.Points[k][j].Share))
			}
		}
	}
	return d
}

// MaxSE returns the largest binomial standard error a share of Runs runs can have, √(1/4Runs).
func (r *SelectionResult) MaxSE() float64 { return math.Sqrt(0.25 / float64(r.Sweep.Runs)) }

// Verdict reads C7 on learning rate i: "reproduced" when the flat share is non-monotone in B/η (its peak is
// interior and above the first point by more than 2·MaxSE, and the last point is below half the peak) and the
// learning rates agree at equal B/η within 4·MaxSE; "partly reproduced" otherwise; "not reproduced (no points)"
// when i is out of range or its row is empty.
func (r *SelectionResult) Verdict(i int) string {
	row := r.row(i)
	if len(row) == 0 {
		return "not reproduced (no points)"
	}
	peak, j := r.Peak(i)
	se := r.MaxSE()
	if j > 0 && peak-row[0].Share > 2*se && row[len(row)-1].Share < 0.5*peak && r.MaxDiff() < 4*se {
		return "reproduced"
	}
	return "partly reproduced"
}
