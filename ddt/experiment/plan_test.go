package experiment

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// BudgetFor is the m-th smallest escape step, m = ⌈target·Runs⌉, counted by hand on a fixed ensemble; a target
// beyond the escapes is ErrPilotTooShort with the exponential-law suggestion −ln(1 − target)/γ̂.
func TestBudgetForExactOrderStatistic(t *testing.T) {
	r := &Result{Config: Config{Steps: 100, Delta: 0.2}, EscapeStep: []int{40, -1, 10, 30, 30, -1, 50, 20, -1, 60}}
	r.RatePerStep.Rate = 0.01
	// Sorted escapes: 10 20 30 30 40 50 60; three runs censored at 100.
	for _, c := range []struct {
		target float64
		want   int
	}{{0.1, 10}, {0.15, 20}, {0.3, 30}, {0.35, 30}, {0.4, 30}, {0.5, 40}, {0.7, 60}} {
		got, err := r.BudgetFor(c.target)
		if err != nil || got != c.want {
			t.Errorf("BudgetFor(%g) = %d, %v; want %d (m = ⌈%g·10⌉)", c.target, got, err, c.want, c.target)
		}
	}
	// 0.3·10 = 3.0000000000000004 in floating point: the plan must still ask for 3 runs, not 4.
	plan, err := budgetPlan(r, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Steps != 30 || plan.PilotFraction != 0.4 { // runs at 10, 20, 30, 30: the tie at 30 gives 4/10
		t.Errorf("plan at 0.3: Steps %d (want 30), PilotFraction %g (want 0.4)", plan.Steps, plan.PilotFraction)
	}
	// Order statistic m = 3 of n = 10: F(s₍₃₎) ~ Beta(3, 8), quantiles from gonum's Beta.
	b := distuv.Beta{Alpha: 3, Beta: 8}
	if math.Abs(plan.Lower-b.Quantile(0.025)) > 1e-12 || math.Abs(plan.Upper-b.Quantile(0.975)) > 1e-12 {
		t.Errorf("interval [%g, %g], want Beta(3, 8) quantiles [%g, %g]", plan.Lower, plan.Upper, b.Quantile(0.025), b.Quantile(0.975))
	}
	// 8 of 10 needed, 7 escaped: too short; suggestion ⌈−ln(0.2)/0.01⌉ = ⌈160.94⌉ = 161 steps.
	_, err = r.BudgetFor(0.8)
	if !errors.Is(err, ErrPilotTooShort) || !strings.Contains(err.Error(), "7 of 10 runs escaped within 100 steps") ||
		!strings.Contains(err.Error(), "at least 161 steps") {
		t.Errorf("BudgetFor(0.8): %v", err)
	}
	// No escape at all: the suggestion uses the rate's upper bound.
	none := &Result{Config: Config{Steps: 50, Delta: 1}, EscapeStep: []int{-1, -1, -1, -1}}
	none.RatePerStep.RateUpper = 0.02
	if _, err := none.BudgetFor(0.5); !errors.Is(err, ErrPilotTooShort) || !strings.Contains(err.Error(), "at least 35 steps") {
		t.Errorf("no escapes: %v (want ⌈ln 2/0.02⌉ = 35)", err)
	}
	for _, bad := range []float64{0, -0.1, 1.5, math.NaN(), math.Inf(1)} {
		if _, err := r.BudgetFor(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("BudgetFor(%g): want ErrInvalid, got %v", bad, err)
		}
	}
	if _, err := (&Result{}).BudgetFor(0.5); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty ensemble: want ErrInvalid, got %v", err)
	}
}

// On a known escape-time law the planned budget's escape probability F(Steps) is Beta(m, n − m + 1): over many
// pilots its mean is m/(n + 1) and [Lower, Upper] covers it 95% of the time. The law is geometric at checks
// every 5 steps with hazard p = 0.001 per check (fine enough a lattice that F is almost continuous: F jumps by at
// most p at a check), F(5j) = 1 − (1 − p)^j, censored after 2000 checks.
func TestBudgetPlanCoverageOnKnownLaw(t *testing.T) {
	const (
		p, every, checks = 0.001, 5, 2000
		n, target, reps  = 40, 0.3, 600
	)
	m := need(target, n) // 12
	rng := rand.New(rand.NewPCG(11, 0))
	var sumF float64
	covered := 0
	for range reps {
		r := &Result{Config: Config{Steps: every * checks}, EscapeStep: make([]int, n)}
		for i := range r.EscapeStep {
			j := int(math.Ceil(math.Log(1-rng.Float64()) / math.Log1p(-p))) // geometric on 1, 2, …
			if j > checks {
				j = -1
			} else {
				j *= every
			}
			r.EscapeStep[i] = j
		}
		plan, err := budgetPlan(r, target)
		if err != nil {
			t.Fatal(err)
		}
		f := -math.Expm1(float64(plan.Steps/every) * math.Log1p(-p))
		sumF += f
		if f >= plan.Lower && f <= plan.Upper {
			covered++
		}
	}
	mean, want := sumF/reps, float64(m)/float64(n+1)
	sd := math.Sqrt(float64(m*(n-m+1)) / (float64((n+1)*(n+1)) * float64(n+2)))
	if tol := 3*sd/math.Sqrt(reps) + p; math.Abs(mean-want) > tol {
		t.Errorf("mean F(planned budget) = %.4f, want m/(n+1) = %.4f ± %.4f", mean, want, tol)
	}
	cov := float64(covered) / reps
	if se := math.Sqrt(0.95 * 0.05 / reps); math.Abs(cov-0.95) > 3*se {
		t.Errorf("[Lower, Upper] covered F in %.3f of %d pilots, want 0.95 ± %.3f", cov, reps, 3*se)
	}
	t.Logf("mean F(Steps) = %.4f (theory %.4f), coverage %.3f", mean, want, cov)
}

// On the toy network: rerunning the pilot's seed with the planned budget reproduces the pilot's escapes exactly
// (PilotFraction, exact), and a fresh ensemble at that budget escapes at the target fraction within the plan's
// interval widened by the fresh ensemble's binomial noise (simulation against the order-statistic law).
func TestPlanBudgetRerunReachesTarget(t *testing.T) {
	mn := toyMinimum(t)
	ctx := context.Background()
	pilotRuns, freshRuns := 200, 600
	if testing.Short() || raceEnabled {
		pilotRuns, freshRuns = 80, 200
	}
	pilot := Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Delta: 0.2, Steps: 400, Runs: pilotRuns, Seed: 7, CheckEvery: 3}
	const target = 0.3
	plan, err := PlanBudget(ctx, mn, pilot, target)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Delta != 0.2 || plan.Pilot.Config.Seed != 7+2<<32 || plan.Steps%3 != 0 || plan.Steps > 400 {
		t.Fatalf("plan %+v", plan)
	}
	m := need(target, pilotRuns)
	if plan.PilotFraction < float64(m)/float64(pilotRuns) {
		t.Errorf("PilotFraction %g below ⌈target·n⌉/n = %g", plan.PilotFraction, float64(m)/float64(pilotRuns))
	}
	// Exact: the same runs with the planned budget.
	again := pilot
	again.Seed, again.Steps = plan.Pilot.Config.Seed, plan.Steps
	r, err := Escape(ctx, mn, again)
	if err != nil {
		t.Fatal(err)
	}
	if r.Fraction != plan.PilotFraction {
		t.Errorf("rerun with the pilot's seed: fraction %g, plan says %g", r.Fraction, plan.PilotFraction)
	}
	for i, s := range plan.Pilot.EscapeStep {
		want := s
		if s > plan.Steps {
			want = -1
		}
		if r.EscapeStep[i] != want {
			t.Fatalf("run %d: escape step %d with budget %d, pilot %d", i, r.EscapeStep[i], plan.Steps, s)
		}
	}
	// Fresh runs (seed 99): Binomial(freshRuns, F) with F ∈ [Lower, Upper] at 95%.
	fresh := pilot
	fresh.Seed, fresh.Steps, fresh.Runs = 99, plan.Steps, freshRuns
	if r, err = Escape(ctx, mn, fresh); err != nil {
		t.Fatal(err)
	}
	se := math.Sqrt(0.25 / float64(freshRuns))
	if r.Fraction < plan.Lower-3*se || r.Fraction > plan.Upper+3*se {
		t.Errorf("fresh ensemble at the planned budget %d: fraction %.3f outside [%.3f, %.3f] ± 3·%.3f",
			plan.Steps, r.Fraction, plan.Lower, plan.Upper, se)
	}
	t.Logf("planned budget %d steps for δ = 0.2 (pilot %d/%d), fresh fraction %.3f, interval [%.3f, %.3f]",
		plan.Steps, int(plan.PilotFraction*float64(pilotRuns)+0.5), pilotRuns, r.Fraction, plan.Lower, plan.Upper)
}

// A pilot that is too short is reported (with a suggestion), and bad input is ErrInvalid.
func TestPlanBudgetErrors(t *testing.T) {
	mn := toyMinimum(t)
	ctx := context.Background()
	pilot := Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Delta: 0.3, Steps: 30, Runs: 20, Seed: 7, CheckEvery: 3}
	if _, err := PlanBudget(ctx, mn, pilot, 0.5); !errors.Is(err, ErrPilotTooShort) || !strings.Contains(err.Error(), "within 30 steps") {
		t.Errorf("30-step pilot at δ = 0.3: want ErrPilotTooShort, got %v", err)
	}
	for _, tg := range []float64{0.01, 0.9, math.NaN()} {
		if _, err := PlanBudget(ctx, mn, pilot, tg); !errors.Is(err, ErrInvalid) {
			t.Errorf("target %g: want ErrInvalid, got %v", tg, err)
		}
	}
	bad := pilot
	bad.Delta = 0
	if _, err := PlanBudget(ctx, mn, bad, 0.3); !errors.Is(err, ErrInvalid) {
		t.Errorf("δ = 0: want ErrInvalid, got %v", err)
	}
	if _, err := PlanBudget(ctx, nil, pilot, 0.3); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil minimum: want ErrInvalid, got %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := PlanBudget(cctx, mn, pilot, 0.3); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}
