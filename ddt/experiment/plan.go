package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// ErrPilotTooShort is wrapped by PlanBudget and Result.BudgetFor when fewer than the target fraction of the pilot's
// runs escaped within the pilot's budget, so the budget that reaches the target lies beyond what the pilot saw.
var ErrPilotTooShort = errors.New("experiment: pilot budget too short for the target escape fraction")

// BudgetPlan is the planner's choice of the step budget for a given δ: the budget within which a target fraction
// of the runs escape.
type BudgetPlan struct {
	// Delta is the pilot's loss threshold; the plan holds for this δ (and the pilot's other settings) only.
	Delta float64
	// Steps is the planned budget: the escape step of the m-th earliest pilot run, m = ⌈Target·Runs⌉, so that
	// m of the pilot's Runs runs escaped within Steps. It is a check step, so an ensemble run with Steps as its
	// budget and the pilot's seed reproduces the pilot's escapes up to Steps exactly.
	Steps int
	// Target is the escape fraction aimed at; PilotFraction the fraction of pilot runs that escaped within
	// Steps (Target rounded up to a whole number of runs, more only when several runs escaped at the same check).
	Target, PilotFraction float64
	// Lower and Upper bound the escape probability F(Steps) of a fresh run within the planned budget, at 95%:
	// for the m-th order statistic of n escape times from a continuous law, F(s₍ₘ₎) ~ Beta(m, n − m + 1), and
	// [Lower, Upper] are its 2.5% and 97.5% quantiles. Escapes are seen at checks only (a lattice), where
	// F(s₍ₘ₎ − CheckEvery) ≤ U₍ₘ₎ ≤ F(s₍ₘ₎): Lower stays a valid bound and Upper may be exceeded by at most the
	// escape probability of the one check at Steps.
	Lower, Upper float64
	// Pilot is the pilot ensemble (its Config.Seed is the caller's Seed + 2<<32).
	Pilot *Result
}

// PlanBudget chooses the step budget at which about target (between 0.05 and 0.8) of the runs of pilot escape,
// for the pilot's δ (issue 6: PlanDelta picks δ for a fixed budget; PlanBudget picks the budget for a fixed δ).
// It runs the pilot ensemble with pilot.Steps as the longest budget it will consider and returns the target
// quantile of the runs' escape steps (Result.BudgetFor). When fewer than ⌈target·Runs⌉ runs escaped within
// pilot.Steps the error wraps ErrPilotTooShort and suggests a longer pilot from the censored MLE of the per-step
// rate. The pilot uses seed pilot.Seed + 2<<32, disjoint from the sweep's runs (Seed) and PlanDelta's pilot
// (Seed + 1<<32).
//
// Used together: PlanDelta at a budget chosen at the middle of a sweep fixes δ; PlanBudget at the slowest point
// of the sweep (the flattest k, the largest B or the smallest η) then gives the budget at which that point still
// sees the target fraction escape.
func PlanBudget(ctx context.Context, mn *Minimum, pilot Config, target float64) (*BudgetPlan, error) {
	if !(target >= 0.05 && target <= 0.8) {
		return nil, fmt.Errorf("%w: target escape fraction %v outside [0.05, 0.8]", ErrInvalid, target)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	pilot.Seed += 2 << 32
	r, err := Escape(ctx, mn, pilot)
	if err != nil {
		return nil, fmt.Errorf("experiment: PlanBudget pilot: %w", err)
	}
	return budgetPlan(r, target)
}

// budgetPlan reads the plan off a pilot ensemble r.
func budgetPlan(r *Result, target float64) (*BudgetPlan, error) {
	steps, err := r.BudgetFor(target)
	if err != nil {
		return nil, err
	}
	n := len(r.EscapeStep)
	m, within := need(target, n), 0
	for _, s := range r.EscapeStep {
		if s >= 0 && s <= steps {
			within++
		}
	}
	beta := distuv.Beta{Alpha: float64(m), Beta: float64(n - m + 1)}
	return &BudgetPlan{Delta: r.Config.Delta, Steps: steps, Target: target, PilotFraction: float64(within) / float64(n),
		Lower: beta.Quantile(0.025), Upper: beta.Quantile(0.975), Pilot: r}, nil
}

// need is the number of runs, out of n, that make up at least the fraction target: ⌈target·n⌉ (at least 1), with
// a guard against the rounding of target·n just above an integer.
func need(target float64, n int) int {
	return max(int(math.Ceil(target*float64(n)-1e-9)), 1)
}

// BudgetFor returns the smallest step budget within which at least the fraction target (0 < target ≤ 1) of r's
// runs escaped: the m-th smallest escape step, m = ⌈target·Runs⌉. Censored runs count as escaping after
// r.Config.Steps. When fewer than m runs escaped the error wraps ErrPilotTooShort and names a budget to try,
// −ln(1 − target)/γ̂ with γ̂ the censored MLE of the per-step rate (or its 95% upper bound when no run escaped),
// the budget that reaches target if escape times are exponential (a guide only: they are not, before the
// density has relaxed into the valley).
func (r *Result) BudgetFor(target float64) (int, error) {
	if !(target > 0 && target <= 1) {
		return 0, fmt.Errorf("%w: target escape fraction %v outside (0, 1]", ErrInvalid, target)
	}
	n := len(r.EscapeStep)
	if n == 0 {
		return 0, fmt.Errorf("%w: no runs to plan from", ErrInvalid)
	}
	var esc []int
	for _, s := range r.EscapeStep {
		if s >= 0 {
			esc = append(esc, s)
		}
	}
	m := need(target, n)
	if len(esc) < m {
		return 0, r.tooShort(target, len(esc), m)
	}
	sort.Ints(esc)
	return esc[m-1], nil
}

func (r *Result) tooShort(target float64, escaped, m int) error {
	n := len(r.EscapeStep)
	msg := fmt.Sprintf("%d of %d runs escaped within %d steps (δ = %g), %d needed for %g", escaped, n, r.Config.Steps,
		r.Config.Delta, m, target)
	rate, what := r.RatePerStep.Rate, "the censored MLE rate"
	if escaped == 0 {
		rate, what = r.RatePerStep.RateUpper, "the 95% upper bound on the rate"
	}
	if rate > 0 && !math.IsInf(rate, 0) {
		msg += fmt.Sprintf("; %s %.3g per step suggests a pilot of at least %.0f steps (or a lower δ)", what, rate,
			math.Ceil(-math.Log1p(-min(target, 1-1e-12))/rate))
	} else {
		msg += "; raise Steps or lower δ"
	}
	return fmt.Errorf("%w: %s", ErrPilotTooShort, msg)
}
