package escape

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"gonum.org/v1/gonum/mat"
)

func white(t testing.TB, n int, d float64) *noise.White {
	t.Helper()
	w, err := noise.NewWhite(n, d)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func quarticConfig(t testing.TB) Config {
	return Config{Landscape: landscape.Quartic{}, Noise: white(t, 1, 0.08), Escape: Threshold1D(0.3, true),
		Eta: 0.02, Start: []float64{-1}, Steps: 3000, Trajectories: 300, Seed: 42}
}

// TestIdenticalForAnyGOMAXPROCS runs the same ensembles with 1, 2 and 5 workers and GOMAXPROCS 1 and 2, on the
// fast path and on the general path, and requires identical escape steps; the fast and general paths must also
// agree with each other.
func TestIdenticalForAnyGOMAXPROCS(t *testing.T) {
	dw, err := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := noise.NewHessianSGD(dw, 0.25, 1)
	if err != nil {
		t.Fatal(err)
	}
	resc, err := noise.Rescale(white(t, 1, 0.05), 1.7)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.2}, 3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	a, b, _ := v2.Points()
	frozen, err := noise.NewFrozen(mat.NewSymDense(2, []float64{2, 0, 0, 3}), 1)
	if err != nil {
		t.Fatal(err)
	}
	shifts, err := landscape.RandomShifts(20, mat.NewSymDense(1, []float64{0.3}), 9, true)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := landscape.NewShiftedSum(landscape.Quartic{}, shifts)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := noise.NewMinibatch(fs, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]Config{
		"quartic-white": quarticConfig(t),
		"doublewell-hessian": {Landscape: dw, Noise: hs, Escape: Threshold1D(dw.Saddle(), true), Eta: 0.05,
			Start: []float64{0}, Steps: 2000, Trajectories: 200, Seed: 7},
		"doublewell-rescaled": {Landscape: dw, Noise: resc, Escape: Threshold1D(dw.Saddle(), true), Eta: 0.05,
			Start: []float64{0}, Steps: 2000, Trajectories: 200, Seed: 7},
		"shiftedsum-minibatch": {Landscape: fs, Noise: mb, Escape: Threshold1D(0.2, true), Eta: 0.3,
			Start: []float64{-1}, Steps: 300, Trajectories: 40, Seed: 5},
		"valleys2d-frozen": {Landscape: v2, Noise: frozen, Escape: Hyperplane{Point: b, Normal: []float64{1, 0}},
			Eta: 0.1, Start: a, Steps: 500, Trajectories: 100, Seed: 3},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for name, cfg := range cases {
		var ref []int
		for _, general := range []bool{false, true} {
			for _, procs := range []int{1, 2} {
				runtime.GOMAXPROCS(procs)
				for _, w := range []int{0, 1, 2, 5} {
					c := cfg
					c.Workers, c.DisableFastPath = w, general
					res, err := Run(context.Background(), c)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if ref == nil {
						ref = res.EscapeStep
						if e := res.Escaped(); e == 0 || e == len(ref) {
							t.Fatalf("%s: %d of %d escaped; pick settings where some do and some do not", name, e, len(ref))
						}
						continue
					}
					if !slices.Equal(ref, res.EscapeStep) {
						t.Fatalf("%s: general=%v GOMAXPROCS=%d workers=%d gives different escape steps", name, general, procs, w)
					}
				}
			}
		}
	}
}

func TestInvalidInput(t *testing.T) {
	good := quarticConfig(t)
	mut := map[string]func(c *Config){
		"eta zero":          func(c *Config) { c.Eta = 0 },
		"eta negative":      func(c *Config) { c.Eta = -0.1 },
		"eta NaN":           func(c *Config) { c.Eta = math.NaN() },
		"zero budget":       func(c *Config) { c.Steps = 0 },
		"no trajectories":   func(c *Config) { c.Trajectories = 0 },
		"start dimension":   func(c *Config) { c.Start = []float64{-1, 0} },
		"noise dimension":   func(c *Config) { c.Noise = white(t, 2, 0.1) },
		"start outside":     func(c *Config) { c.Start = []float64{0.5} },
		"start NaN":         func(c *Config) { c.Start = []float64{math.NaN()} },
		"no criterion":      func(c *Config) { c.Escape = nil },
		"no landscape":      func(c *Config) { c.Landscape = nil },
		"no noise":          func(c *Config) { c.Noise = nil },
		"plane dimension":   func(c *Config) { c.Escape = Hyperplane{Point: []float64{0, 0}, Normal: []float64{1, 0}} },
		"zero normal":       func(c *Config) { c.Escape = Hyperplane{Point: []float64{0}, Normal: []float64{0}} },
		"negative max norm": func(c *Config) { c.MaxNorm = -1 },
	}
	for name, m := range mut {
		c := good
		m(&c)
		res, err := Run(context.Background(), c)
		if err == nil || res != nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrDimension) {
			t.Errorf("%s: error %v is neither ErrInvalid nor ErrDimension", name, err)
		}
	}
	// Constructors of the other packages reject non-positive strengths, batch sizes and k.
	if _, err := noise.NewWhite(1, 0); err == nil {
		t.Error("D = 0 accepted")
	}
	if _, err := noise.NewHessianSGD(landscape.Quartic{}, -1, 0); err == nil {
		t.Error("B < 0 accepted")
	}
	if _, err := landscape.Scaled(landscape.Quartic{}, 0); err == nil {
		t.Error("k = 0 accepted")
	}
}

// TestDivergenceNamesStepAndTrajectory uses η far above the stability limit of the quartic.
func TestDivergenceNamesStepAndTrajectory(t *testing.T) {
	for _, general := range []bool{false, true} {
		c := quarticConfig(t)
		c.Eta, c.Start, c.Escape, c.DisableFastPath = 1.5, []float64{-2}, Threshold1D(100, true), general
		_, err := Run(context.Background(), c)
		var de *DivergenceError
		if !errors.As(err, &de) {
			t.Fatalf("general=%v: err = %v, want *DivergenceError", general, err)
		}
		if de.Step < 1 || de.Step > 20 || !strings.Contains(err.Error(), "step") || !strings.Contains(err.Error(), "trajectory") {
			t.Errorf("general=%v: %v", general, err)
		}
	}
}

func TestCancellationAndProgress(t *testing.T) {
	c := quarticConfig(t)
	c.Escape = Threshold1D(50, true) // never: every run goes to the budget
	c.Steps = 1 << 30
	c.Trajectories = 4
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, c); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: err = %v", err)
	}
	c = quarticConfig(t)
	var calls, last atomic.Int64
	c.Progress = func(done, total int) {
		calls.Add(1)
		last.Store(int64(done))
		if total != c.Trajectories {
			t.Errorf("total = %d", total)
		}
	}
	if _, err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if calls.Load() < 10 || last.Load() != int64(c.Trajectories) {
		t.Errorf("progress called %d times, last done = %d", calls.Load(), last.Load())
	}
}

// TestResultBookkeeping checks the censoring arithmetic on a hand-made result.
func TestResultBookkeeping(t *testing.T) {
	r := &Result{EscapeStep: []int{10, Censored, 30, Censored}, Steps: 100, Eta: 0.5}
	if r.Escaped() != 2 || r.AtRiskSteps() != 240 || r.AtRiskTime() != 120 || r.Rate() != 2.0/120 {
		t.Errorf("escaped %d at risk %g time %g rate %g", r.Escaped(), r.AtRiskSteps(), r.AtRiskTime(), r.Rate())
	}
	d, e := r.Durations()
	if !slices.Equal(d, []float64{5, 50, 15, 50}) || !slices.Equal(e, []bool{true, false, true, false}) {
		t.Errorf("durations %v %v", d, e)
	}
}

// TestCriteria checks each criterion on simple points.
func TestCriteria(t *testing.T) {
	v2, _ := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.2}, 3, 1, 2)
	a, b, c := v2.Points()
	ex, err := landscape.FindExit(v2, a, b)
	if err != nil {
		t.Fatal(err)
	}
	h := BeyondSaddle(ex, 0.1)
	if h.Escaped(a) || h.Escaped(b) || !h.Escaped([]float64{b[0] + 0.11, 5}) || !h.Escaped(c) {
		t.Error("BeyondSaddle")
	}
	np := NearPoint{Point: c, Radius: 0.1}
	if np.Escaped(b) || !np.Escaped([]float64{c[0] + 0.05, 0.05}) {
		t.Error("NearPoint")
	}
	la := LossAbove{Landscape: v2, Threshold: 0.1}
	if la.Escaped(a) || !la.Escaped(b) {
		t.Error("LossAbove")
	}
	any := AnyOf{np, Predicate(func(th []float64) bool { return th[1] > 1 })}
	if any.Escaped(a) || !any.Escaped([]float64{a[0], 2}) || !any.Escaped(c) {
		t.Error("AnyOf/Predicate")
	}
}

// TestKeepFinal: the final positions are kept, lie beyond the plane for escaped runs, and agree between the
// fast and the general path.
func TestKeepFinal(t *testing.T) {
	var finals [2][][]float64
	for k, general := range []bool{false, true} {
		c := quarticConfig(t)
		c.KeepFinal, c.DisableFastPath = true, general
		res, err := Run(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range res.EscapeStep {
			if esc := res.Final[i][0] >= 0.3; esc != (s != Censored) {
				t.Fatalf("trajectory %d: final %v, escape step %d", i, res.Final[i], s)
			}
		}
		finals[k] = res.Final
	}
	for i := range finals[0] {
		if finals[0][i][0] != finals[1][i][0] {
			t.Fatalf("trajectory %d: fast path ends at %v, general at %v", i, finals[0][i], finals[1][i])
		}
	}
}

// TestResultEstimateRate: two escapes (at steps 10 and 20) and one run censored at 100 steps of η = 0.1 give
// d = 2 and time at risk T = 1 + 2 + 10 = 13, so γ̂ = 2/13 exactly.
func TestResultEstimateRate(t *testing.T) {
	r := &Result{EscapeStep: []int{10, Censored, 20}, Steps: 100, Eta: 0.1}
	est, err := r.EstimateRate(0.95)
	if err != nil {
		t.Fatal(err)
	}
	if est.Escaped != 2 || est.N != 3 || math.Abs(est.TimeAtRisk-13) > 1e-12 || math.Abs(est.Rate-2.0/13) > 1e-15 {
		t.Errorf("estimate %+v, want 2 of 3 escaped, T = 13, γ̂ = 2/13", est)
	}
	if !(est.RateLower < est.Rate && est.Rate < est.RateUpper) || est.Level != 0.95 {
		t.Errorf("interval [%g, %g] at level %g does not bracket γ̂ = %g", est.RateLower, est.RateUpper, est.Level, est.Rate)
	}
	if _, err := r.EstimateRate(1.5); err == nil {
		t.Error("level 1.5: no error")
	}
}
