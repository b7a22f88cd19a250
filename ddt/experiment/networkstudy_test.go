package experiment

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/datasets"
	"github.com/densitydiffusion/toolkit/ddt/nn"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// toyStudy is a network escape study on mn (toyMinimum), small enough for the race detector.
func toyStudy(mn *Minimum) NetworkEscapeStudy {
	runs := 80
	if raceEnabled {
		runs = 30
	}
	return NetworkEscapeStudy{Minimum: mn, Target: 0.3,
		SGD:   Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Steps: 300, Runs: runs, Seed: 11, CheckEvery: 5},
		White: Config{Dynamics: WhiteNoise, Eta: 0.5, Steps: 200, Runs: runs, Seed: 12, CheckEvery: 5},
		Ks:    []float64{0.8, 1, 1.3}, WhiteKs: []float64{0.8, 1, 1.3}, Batches: []int{3, 4, 6}, Etas: []float64{0.4, 0.5, 0.6}}
}

// TestNetworkEscapeStudy checks the study against independent numbers: the white noise's D against the closed
// form (η/2)·tr C_B/P from the minibatch covariance (nn.NoiseCovariance, 1e-10 relative); δ against PlanDelta
// called directly (exact); the escape fraction of the k = 1 SGD point against the pilot's fraction (the same
// probability from disjoint seeds: a two-sample binomial test at 4 SE, false alarm ≈ 1e-4); every sweep against
// the Sweep* call it stands for (same seeds, identical escape steps: same seed, same result).
func TestNetworkEscapeStudy(t *testing.T) {
	ctx := context.Background()
	s := toyStudy(toyMinimum(t))
	r, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mn := s.Minimum
	c := mat.NewSymDense(mn.Landscape.Dim(), nil)
	if err := mn.Landscape.NoiseCovariance(c, mn.Theta, s.SGD.Batch, nn.WithReplacement); err != nil {
		t.Fatal(err)
	}
	var tr float64
	for i := 0; i < c.SymmetricDim(); i++ {
		tr += c.At(i, i)
	}
	if want := s.SGD.Eta / 2 * tr / float64(c.SymmetricDim()); math.Abs(r.White.D/want-1) > 1e-10 {
		t.Errorf("white-noise D = %g, want (η/2)·tr C_B/P = %g", r.White.D, want)
	}
	plan, err := PlanDelta(ctx, mn, s.SGD, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if r.SGD.Delta != plan.Delta || r.SGDPlan.Delta != plan.Delta || !(r.White.Delta > 0) || r.WhitePlan == nil {
		t.Errorf("SGD δ = %g (plan %+v), PlanDelta gives %g; white δ = %g", r.SGD.Delta, r.SGDPlan, plan.Delta, r.White.Delta)
	}
	ref := r.SGDK.Results[1] // k = 1
	p1, p2, n := ref.Fraction, plan.PilotFraction, float64(s.SGD.Runs)
	pool := (p1 + p2) / 2
	if se := math.Sqrt(2 * pool * (1 - pool) / n); !(pool > 0.05) || math.Abs(p1-p2) > 4*se {
		t.Errorf("escape fraction at the reference %.3f, pilot %.3f: more than 4 SE (%.3f) apart", p1, p2, se)
	}
	direct, err := SweepBatch(ctx, mn, r.SGD, s.Batches)
	if err != nil {
		t.Fatal(err)
	}
	for i := range direct.Results {
		if !reflect.DeepEqual(direct.Results[i].EscapeStep, r.SGDB.Results[i].EscapeStep) {
			t.Errorf("B = %d: the study's escape steps differ from SweepBatch's", s.Batches[i])
		}
	}
	if r.WhiteK.Results[1].Config.D != r.White.D || r.SGDEta.Results[0].Config.Eta != 0.4 || r.SGDK.Results[2].Config.K != 1.3 {
		t.Errorf("sweeps not run at the study's settings")
	}
	t.Logf("verdict %s; %s", r.Verdict(), r.WhiteReading())
}

func TestNetworkEscapeStudyBadInput(t *testing.T) {
	mn := toyMinimum(t)
	for name, edit := range map[string]func(*NetworkEscapeStudy){
		"no minimum":      func(s *NetworkEscapeStudy) { s.Minimum = nil },
		"SGD is white":    func(s *NetworkEscapeStudy) { s.SGD.Dynamics = WhiteNoise },
		"white is SGD":    func(s *NetworkEscapeStudy) { s.White.Dynamics = SGD },
		"two ks":          func(s *NetworkEscapeStudy) { s.Ks = []float64{1, 2} },
		"no batches":      func(s *NetworkEscapeStudy) { s.Batches = nil },
		"target 0.9":      func(s *NetworkEscapeStudy) { s.Target = 0.9 },
		"unstable k":      func(s *NetworkEscapeStudy) { s.Ks = []float64{1, 2, 1e6} },
		"negative η":      func(s *NetworkEscapeStudy) { s.Etas = []float64{0.4, -0.5, 0.6} },
		"zero runs (SGD)": func(s *NetworkEscapeStudy) { s.SGD.Runs = 0 },
	} {
		s := toyStudy(mn)
		s.SGD.Runs, s.White.Runs, s.SGD.Steps, s.White.Steps = 4, 4, 50, 50
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// fitSweep is a Sweep holding only fits, for the readings.
func fitSweep(param string, vals []float64, fits map[string]stats.Fit) *Sweep {
	return &Sweep{Param: param, Values: vals, Fits: fits, FitErrors: map[string]string{}}
}

// TestNetworkEscapeVerdict checks the C8 reading on fits with known numbers, case by case.
func TestNetworkEscapeVerdict(t *testing.T) {
	line := func(slope, r2 float64) stats.Fit { return stats.Fit{Slope: slope, R2: r2, N: 4} }
	mk := func(k, klog, b, eta stats.Fit) *NetworkEscapeResult {
		return &NetworkEscapeResult{SGDK: fitSweep("k", []float64{0.75, 1, 1.5}, map[string]stats.Fit{"1/k": k, "log k": klog}),
			SGDB: fitSweep("B", nil, map[string]stats.Fit{"B": b}), SGDEta: fitSweep("eta", nil, map[string]stats.Fit{"1/eta": eta})}
	}
	for _, c := range []struct {
		name string
		r    *NetworkEscapeResult
		want string
	}{
		{"all hold, 1/k straighter", mk(line(5, 0.99), line(-4, 0.98), line(0.4, 0.98), line(0.3, 0.97)), "reproduced"},
		{"all hold, ln k straighter", mk(line(5, 0.99), line(-4, 0.999), line(0.4, 0.98), line(0.3, 0.97)), "partly reproduced"},
		{"B fails (R²)", mk(line(5, 0.99), line(-4, 0.98), line(0.4, 0.90), line(0.3, 0.97)), "partly reproduced"},
		{"B and η fail", mk(line(5, 0.99), line(-4, 0.98), line(-0.4, 0.98), stats.Fit{}), "not reproduced"},
		{"k with 2 points", mk(stats.Fit{Slope: 5, R2: 1, N: 2}, line(-4, 0.98), line(0.4, 0.98), line(-0.3, 0.97)), "not reproduced"},
	} {
		if got := c.r.Verdict(); got != c.want {
			t.Errorf("%s: verdict %q, want %q", c.name, got, c.want)
		}
	}
	// White noise: slope −1.5 ± 0.25 is 2.0 SE steeper than −1; a line in 1/k with the higher R² fits better.
	steps := []int{-1, 900, 600, 100, -1, 700} // 1 escape in the first half (step 100), 3 in the second
	res := &NetworkEscapeResult{WhiteK: fitSweep("k", []float64{0.7, 1, 2}, map[string]stats.Fit{
		"log k": {Slope: -1.5, SESlope: 0.25, R2: 0.95, N: 3}, "1/k": {Slope: 1.7, R2: 0.99, N: 3}})}
	res.WhiteK.Results = []*Result{nil, {Config: Config{Steps: 1000, CheckEvery: 20}, EscapeStep: steps}, nil}
	got := res.WhiteReading()
	for _, want := range []string{"2.0 SE steeper than −1 (SE from 3 points)", "a line in 1/k fits the white-noise points better than one in ln k (R² = 0.9900 against 0.9500)",
		"(1 and 3 escapes of 6 runs)", "covers k·1000·η"} {
		if !strings.Contains(got, want) {
			t.Errorf("white reading %q lacks %q", got, want)
		}
	}
	// A missing ln k fit (2 points with an escape), points exactly on a line (SE = 0) and no sweep at all: each
	// is said in words, never as +Inf or NaN standard errors.
	for _, c := range []struct {
		name string
		r    *NetworkEscapeResult
		want string
	}{
		{"2 points", &NetworkEscapeResult{WhiteK: fitSweep("k", []float64{1, 2}, map[string]stats.Fit{"log k": {Slope: -1.5, N: 2}})},
			"its fit has 2 points with an escape and needs 3; there are too few points to compare a line in ln k with a line in 1/k (2 and 0)"},
		{"SE = 0", &NetworkEscapeResult{WhiteK: fitSweep("k", []float64{0.7, 1, 2}, map[string]stats.Fit{
			"log k": {Slope: -1.25, R2: 1, N: 3}, "1/k": {Slope: 1.7, R2: 0.99, N: 3}})},
			"The measured slope is -1.250 against −1, with no standard error to measure the distance in (SE = 0 from 3 points), and a line in ln k fits"},
		{"no sweep", &NetworkEscapeResult{}, "(no white-noise point at k = 1 to test the hazard)"},
	} {
		got := c.r.WhiteReading()
		if !strings.Contains(got, c.want) || strings.Contains(got, "Inf") || strings.Contains(got, "NaN") {
			t.Errorf("%s: white reading %q, want it to contain %q and no Inf or NaN", c.name, got, c.want)
		}
	}
}

// TestHazardHalves checks the split against hand counts, and on geometric escape times with a constant hazard
// p per step against p itself: each half's estimate within 4 of its Poisson standard errors p/√n.
func TestHazardHalves(t *testing.T) {
	r := &Result{Config: Config{Steps: 100, CheckEvery: 10}, EscapeStep: []int{10, 50, 60, -1, 100}}
	h := r.HazardHalves()
	// half = 50: escapes 10, 50 (≤ half) and 60, 100; at risk 10+50+50+50+50 and 0+0+10+50+50.
	want := HazardSplit{Runs: 5, Steps: 100, CheckEvery: 10, N1: 2, N2: 2, T1: 210, T2: 110, H1: 2.0 / 210, H2: 2.0 / 110}
	if h != want {
		t.Errorf("HazardHalves = %+v, want %+v", h, want)
	}
	if !h.Rising() || !strings.Contains(h.Reading(), "1.9 times that in the first (2 and 2 escapes of 5 runs)") {
		t.Errorf("reading %q", h.Reading())
	}
	if s := (HazardSplit{Runs: 4, Steps: 10, N2: 3, T1: 20, T2: 5, H2: 0.6}).Reading(); !strings.HasPrefix(s, "At k = 1 no run escaped in the first half of the budget and 3 of 4") {
		t.Errorf("reading without first-half escapes: %q", s)
	}
	if s := (HazardSplit{Runs: 4, CheckEvery: 7, N1: 3, T1: 20, T2: 5, H1: 0.15}).Reading(); !strings.Contains(s, "does not rise") || !strings.Contains(s, "every 7 steps") {
		t.Errorf("reading with a falling hazard: %q", s)
	}
	// Constant hazard p per step: escape step = 1 + Geometric(p).
	const p, steps, runs = 0.002, 1000, 4000
	rng := rand.New(rand.NewPCG(1, 2))
	g := &Result{Config: Config{Steps: steps}}
	for i := 0; i < runs; i++ {
		st := 1 + int(math.Floor(math.Log(1-rng.Float64())/math.Log(1-p)))
		if st > steps {
			st = -1
		}
		g.EscapeStep = append(g.EscapeStep, st)
	}
	h = g.HazardHalves()
	for i, c := range []struct {
		n   int
		est float64
	}{{h.N1, h.H1}, {h.N2, h.H2}} {
		if se := p / math.Sqrt(float64(c.n)); math.Abs(c.est-p) > 4*se {
			t.Errorf("half %d: hazard %.5f from %d escapes, want %.5f ± %.5f", i+1, c.est, c.n, p, se)
		}
	}
	if empty := (&Result{}).HazardHalves(); empty.H1 != 0 || empty.H2 != 0 {
		t.Errorf("an empty ensemble has hazards %g, %g, want 0", empty.H1, empty.H2)
	}
}

// TestSweepPointsAndFitCurve: a point without escapes is left out of the chart's points, and the fitted curve is
// the weighted least-squares line in 1/k recomputed here in closed form.
func TestSweepPointsAndFitCurve(t *testing.T) {
	mn := toyMinimum(t)
	base := Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Delta: 0.01, Steps: 300, Runs: 24, Seed: 5, CheckEvery: 3}
	s, err := SweepK(context.Background(), mn, base, []float64{0.002, 0.8, 1, 1.3})
	if err != nil {
		t.Fatal(err)
	}
	x, y, lo, hi := s.Points()
	if len(x) != 3 || x[0] != 0.8 || s.Results[0].Escaped != 0 {
		t.Fatalf("points at %v (escapes at k = 0.002: %d), want the three values with escapes", x, s.Results[0].Escaped)
	}
	var sw, sx, sy, sxx, sxy float64
	for i := range x {
		w := float64(s.Results[i+1].Escaped)
		if !(lo[i] < y[i] && y[i] < hi[i]) || y[i] != s.NegLogRate[i+1] {
			t.Errorf("k = %g: −ln γ̂ = %g not inside [%g, %g]", x[i], y[i], lo[i], hi[i])
		}
		sw, sx, sy, sxx, sxy = sw+w, sx+w/x[i], sy+w*y[i], sxx+w/(x[i]*x[i]), sxy+w*y[i]/x[i]
	}
	slope := (sxy - sx*sy/sw) / (sxx - sx*sx/sw)
	icpt := (sy - slope*sx) / sw
	fy, fit, err := s.FitCurve("1/k")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Values {
		if want := icpt + slope/v; math.Abs(fy[i]-want) > 1e-9*math.Max(1, math.Abs(want)) || math.Abs(fit.Slope-slope) > 1e-9*math.Abs(slope) {
			t.Errorf("k = %g: fitted %g, want %g", v, fy[i], want)
		}
	}
	for _, key := range []string{"B", "k", ""} {
		if _, _, err := s.FitCurve(key); err == nil {
			t.Errorf("FitCurve(%q) on a k sweep: no error", key)
		}
	}
}

// TestStandardSubsetAndTrainMLP: the subset keeps the class proportions (Split rounds each class's share) and
// every column has population mean 0 and standard deviation 1 (1e-12); TrainMLP reaches its gradient tolerance
// and equals the hand-built network trained with the same settings.
func TestStandardSubsetAndTrainMLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var x [][]float64
	var y []int
	for i := 0; i < 300; i++ {
		c := 0
		if i%3 == 0 {
			c = 1
		}
		x, y = append(x, []float64{5 + 3*rng.NormFloat64() + 2*float64(c), -1 + 0.1*rng.NormFloat64()}), append(y, c)
	}
	d, err := datasets.New("toy", x, y, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := StandardSubset(d, 60, 7)
	if err != nil {
		t.Fatal(err)
	}
	if cc := sub.ClassCounts(); cc[0] != 40 || cc[1] != 20 {
		t.Errorf("class counts %v, want [40 20] (a fifth of 200 and of 100)", cc)
	}
	for j := 0; j < sub.Dim(); j++ {
		var m, v float64
		for i := 0; i < sub.Len(); i++ {
			m += sub.X.At(i, j) / float64(sub.Len())
		}
		for i := 0; i < sub.Len(); i++ {
			v += (sub.X.At(i, j) - m) * (sub.X.At(i, j) - m) / float64(sub.Len())
		}
		if math.Abs(m) > 1e-12 || math.Abs(v-1) > 1e-12 {
			t.Errorf("column %d: mean %g, variance %g, want 0 and 1", j, m, v)
		}
	}
	if all, err := StandardSubset(d, 0, 7); err != nil || all.Len() != 300 {
		t.Errorf("rows = 0 keeps %v rows (%v), want 300", all, err)
	}
	ts := nn.TrainSettings{Epochs: 2, Batch: 16, LearningRate: 0.1, GradTol: 1e-8, Seed: 3}
	ls, tm, err := TrainMLP(sub, []int{3}, 1e-2, ts)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, ls.Dim())
	ls.Grad(g, tm.Theta)
	for _, v := range g {
		if math.Abs(v) > ts.GradTol {
			t.Fatalf("gradient component %g above the tolerance %g", v, ts.GradTol)
		}
	}
	net, _ := nn.NewMLP(nn.Arch{Inputs: 2, Hidden: []int{3}, Classes: 2, Activation: nn.Tanh})
	ls2, _ := nn.NewLandscape(net, sub.X, sub.Y, 1e-2)
	tm2, err := nn.Train(ls2, nil, ts)
	if err != nil || !reflect.DeepEqual(tm.Theta, tm2.Theta) || ls.Dim() != 2*3+3+3*2+2 {
		t.Errorf("TrainMLP differs from the hand-built network (%v), or has %d parameters instead of 17", err, ls.Dim())
	}
	for name, f := range map[string]func() error{
		"nil data":       func() error { _, err := StandardSubset(nil, 10, 1); return err },
		"negative rows":  func() error { _, err := StandardSubset(d, -1, 1); return err },
		"nil data (MLP)": func() error { _, _, err := TrainMLP(nil, []int{3}, 0, ts); return err },
		"zero width":     func() error { _, _, err := TrainMLP(sub, []int{0}, 0, ts); return err },
		"negative decay": func() error { _, _, err := TrainMLP(sub, []int{3}, -1, ts); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// ExampleResult_HazardHalves: 4 runs with a budget of 100 steps, 1 escape in its first half and 2 in its second.
func ExampleResult_HazardHalves() {
	r := &Result{Config: Config{Steps: 100, CheckEvery: 10}, EscapeStep: []int{20, 70, 90, -1}}
	h := r.HazardHalves()
	fmt.Printf("escapes %d and %d, steps at risk %g and %g, hazard ratio %.2f, rising: %v\n", h.N1, h.N2, h.T1, h.T2, h.H2/h.H1, h.Rising())
	// Output: escapes 1 and 2, steps at risk 170 and 110, hazard ratio 3.09, rising: true
}
