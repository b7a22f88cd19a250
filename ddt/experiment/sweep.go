package experiment

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// Sweep is a set of escape ensembles that differ in one setting, with the fits the paper's claims rest on.
type Sweep struct {
	// Param is "k", "B" or "eta".
	Param   string
	Values  []float64
	Results []*Result
	// NegLogRate[i] = −log γ̂_i (γ per unit continuous time); +Inf where no run escaped.
	NegLogRate []float64
	// Fits of −log γ̂ by stats.LinearFit over the points with at least one escape, weighted by the number of
	// escapes (Var[log γ̂] ≈ 1/escapes), so SESlope is the residual-scaled standard error:
	//   Param "k":   Fits["1/k"] (SGD: a line, THEORY.md §3.2) and Fits["log k"] (white noise: slope −1, §3.1);
	//   Param "B":   Fits["B"];
	//   Param "eta": Fits["1/eta"].
	Fits map[string]stats.Fit
	// FitErrors holds why a fit could not be made (fewer than 3 points with escapes, say).
	FitErrors map[string]string
}

// SweepK runs base at each sharpness factor k.
func SweepK(ctx context.Context, min *Minimum, base Config, ks []float64) (*Sweep, error) {
	return sweep(ctx, min, base, "k", ks, func(c *Config, v float64) { c.K = v })
}

// SweepBatch runs base (SGD) at each batch size.
func SweepBatch(ctx context.Context, min *Minimum, base Config, bs []int) (*Sweep, error) {
	vals := make([]float64, len(bs))
	for i, b := range bs {
		vals[i] = float64(b)
	}
	return sweep(ctx, min, base, "B", vals, func(c *Config, v float64) { c.Batch = int(v) })
}

// SweepEta runs base at each learning rate. For white noise, D is kept as given (not re-matched).
func SweepEta(ctx context.Context, min *Minimum, base Config, etas []float64) (*Sweep, error) {
	return sweep(ctx, min, base, "eta", etas, func(c *Config, v float64) { c.Eta = v })
}

func sweep(ctx context.Context, min *Minimum, base Config, param string, vals []float64, set func(*Config, float64)) (*Sweep, error) {
	if len(vals) == 0 {
		return nil, fmt.Errorf("%w: empty sweep", ErrInvalid)
	}
	// Validate every point before running any.
	cfgs := make([]Config, len(vals))
	for i, v := range vals {
		c := base
		set(&c, v)
		c.defaults(min)
		if err := c.validate(min); err != nil {
			return nil, fmt.Errorf("sweep %s = %v: %w", param, v, err)
		}
		cfgs[i] = c
	}
	s := &Sweep{Param: param, Values: append([]float64(nil), vals...), Fits: map[string]stats.Fit{}, FitErrors: map[string]string{}}
	for i := range cfgs {
		r, err := Escape(ctx, min, cfgs[i])
		if err != nil {
			return nil, fmt.Errorf("sweep %s = %v: %w", param, vals[i], err)
		}
		s.Results = append(s.Results, r)
		v, _, _ := r.NegLogRate()
		s.NegLogRate = append(s.NegLogRate, v)
	}
	w := make([]float64, len(vals))
	for i, r := range s.Results {
		w[i] = float64(r.Escaped)
	}
	fit := func(name string, x []float64) {
		// Points without an escape have −log γ̂ = +Inf and weight 0: leave them out.
		var fx, fy, fw []float64
		for i := range x {
			if w[i] > 0 {
				fx, fy, fw = append(fx, x[i]), append(fy, s.NegLogRate[i]), append(fw, w[i])
			}
		}
		f, err := stats.LinearFit(fx, fy, fw)
		if err != nil {
			s.FitErrors[name] = err.Error()
			return
		}
		s.Fits[name] = f
	}
	tr := func(g func(float64) float64) []float64 {
		out := make([]float64, len(vals))
		for i, v := range vals {
			out[i] = g(v)
		}
		return out
	}
	switch param {
	case "k":
		fit("1/k", tr(func(v float64) float64 { return 1 / v }))
		fit("log k", tr(math.Log))
	case "B":
		fit("B", vals)
	case "eta":
		fit("1/eta", tr(func(v float64) float64 { return 1 / v }))
	}
	return s, nil
}

// Plan is the planner's choice of the loss threshold δ for a given budget.
type Plan struct {
	Delta float64
	Steps int
	// Target is the escape fraction aimed at; PilotFraction the fraction of pilot runs that exceed Delta within
	// Steps (equal to Target up to the granularity of the pilot).
	Target, PilotFraction float64
	// MaxExcursion[i] is the largest L(θ_t) − L(θ*) pilot run i reached at a check within the budget, sorted.
	MaxExcursion []float64
}

// PlanDelta chooses δ so that about target (between 0.05 and 0.8) of the runs of ref escape within ref.Steps:
// it runs ref.Runs pilot runs without a threshold, records each run's largest loss excursion above L(θ*) at
// the checks, and returns the (1 − target) quantile. Use it at the middle point of a sweep; δ then stays fixed
// across the sweep while the escape fraction moves with the setting (the sweep's rates are censored MLEs, so
// they remain valid; points with no escape cannot be fitted). The pilot uses seed ref.Seed + 1<<32, disjoint
// from the sweep's runs.
func PlanDelta(ctx context.Context, mn *Minimum, ref Config, target float64) (*Plan, error) {
	if !(target >= 0.05 && target <= 0.8) {
		return nil, fmt.Errorf("%w: target escape fraction %v outside [0.05, 0.8]", ErrInvalid, target)
	}
	ref.defaults(mn)
	ref.Delta = math.MaxFloat64 / 4 // validated as finite; never reached
	ref.Seed += 1 << 32
	if err := ref.validate(mn); err != nil {
		return nil, err
	}
	exc := make([]float64, ref.Runs)
	errs := make([]error, ref.Runs)
	parallelChunks(ref.Runs, min(ref.Workers, ref.Runs), func(lo, hi int) {
		r := newRunner(mn, &ref)
		for i := lo; i < hi && ctx.Err() == nil; i++ {
			if _, err := r.run(i); err != nil {
				errs[i] = err
				return
			}
			exc[i] = r.maxExc
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Float64s(exc)
	q := int(math.Floor((1 - target) * float64(len(exc))))
	q = min(max(q, 0), len(exc)-1)
	delta := exc[q]
	if q > 0 {
		delta = 0.5 * (exc[q-1] + exc[q])
	}
	if !(delta > 0) {
		return nil, fmt.Errorf("experiment: PlanDelta: the pilot's loss never rose above L(θ*) (largest excursion %g); raise η or lower B", exc[len(exc)-1])
	}
	n := 0
	for _, e := range exc {
		if e > delta {
			n++
		}
	}
	return &Plan{Delta: delta, Steps: ref.Steps, Target: target, PilotFraction: float64(n) / float64(len(exc)), MaxExcursion: exc}, nil
}
