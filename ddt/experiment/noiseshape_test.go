package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/nn"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// smallMoons is a 22-parameter version of notebooks 01/02's network, trained in a few milliseconds.
func smallMoons(t testing.TB) (TwoMoonsNet, *nn.Landscape, []float64, *nn.Minimum) {
	t.Helper()
	toy := TwoMoonsNet{Samples: 120, Noise: 0.2, Seed: 7, Hidden: []int{4}, WeightDecay: 1e-3}
	ls, err := toy.Landscape()
	if err != nil {
		t.Fatal(err)
	}
	theta0, m, err := toy.Minimum(ls, nn.TrainSettings{Epochs: 20, Batch: 16, LearningRate: 0.2, GradTol: 1e-7, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return toy, ls, theta0, m
}

// TestTwoMoonsNet: the seeds scheme (θ₀ from rand.NewPCG(Seed, 0), θ₀ left untouched), a true minimum
// (‖∇L‖∞ ≤ GradTol), the same numbers for the same seed, and errors for bad settings.
func TestTwoMoonsNet(t *testing.T) {
	toy, ls, theta0, m := smallMoons(t)
	want := make([]float64, ls.Dim())
	if err := ls.Net().Init(want, rand.New(rand.NewPCG(7, 0))); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(theta0, want) {
		t.Errorf("θ₀ is not the initialisation drawn from rand.NewPCG(Seed, 0)")
	}
	g := make([]float64, ls.Dim())
	ls.Grad(g, m.Theta)
	for i, v := range g {
		if math.Abs(v) > 1e-7 {
			t.Errorf("∂L/∂θ_%d = %.2g at the minimum, want |·| ≤ GradTol = 1e-7", i, v)
		}
	}
	if ls.Samples() != 120 || ls.Dim() != 2*4+4+4*2+2 || !(m.Loss < ls.Loss(theta0)) {
		t.Errorf("%d samples, %d parameters, loss %g from %g: want 120, 22 and a lower loss", ls.Samples(), ls.Dim(), m.Loss, ls.Loss(theta0))
	}
	_, _, _, again := smallMoons(t)
	if !slices.Equal(again.Theta, m.Theta) {
		t.Errorf("the same seeds gave a different minimum")
	}
	for name, bad := range map[string]TwoMoonsNet{
		"one sample":   {Samples: 1, Noise: 0.2, Hidden: []int{4}},
		"NaN noise":    {Samples: 10, Noise: math.NaN(), Hidden: []int{4}},
		"negative wd":  {Samples: 10, Noise: 0.2, Hidden: []int{4}, WeightDecay: -1},
		"zero width":   {Samples: 10, Noise: 0.2, Hidden: []int{0}},
		"infinite wd":  {Samples: 10, Noise: 0.2, Hidden: []int{4}, WeightDecay: math.Inf(1)},
		"minus noise":  {Samples: 10, Noise: -0.1, Hidden: []int{4}},
		"huge samples": {Samples: -5, Noise: 0.1, Hidden: []int{4}},
	} {
		if _, err := bad.Landscape(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := toy.Initial(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Initial(nil): %v, want ErrInvalid", err)
	}
}

// TestNoiseShapeStudyExact: the batch-size law is exact (C = Σ/B with replacement: exponent −1 to 1e-9; without
// replacement the finite-population closed form ln((m − B)/((m − 1)B))/ln B for B from 1 to 16); at the minimum
// of the regularised loss the data Hessian has no eigenvalue below −λ_wd (H_data + λ_wd·I ⪰ 0); C is positive
// semidefinite, so the noise along negative-curvature directions is ≥ 0; the same inputs give the same result.
func TestNoiseShapeStudyExact(t *testing.T) {
	_, ls, theta0, m := smallMoons(t)
	s := NoiseShapeStudy{Landscape: ls, Minimum: m.Theta, Initial: theta0, Batches: []int{1, 4, 16}, Sampling: nn.WithReplacement}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Trained) != 3 || r.Initial.Batch != 1 {
		t.Fatalf("%d trained comparisons, initial at B = %d: want 3 and B = 1", len(r.Trained), r.Initial.Batch)
	}
	if e := r.BatchExponent(); math.Abs(e+1) > 1e-9 || r.PredictedBatchExponent() != -1 {
		t.Errorf("batch exponent %.12f (predicted %g), want −1 exactly (sampling with replacement)", e, r.PredictedBatchExponent())
	}
	// C/(H/B) does not depend on B: TopRatios (first B) against the last B's entries.
	last := r.Trained[2]
	for i, q := range r.TopRatios(5) {
		if want := last.CDiag[i] / last.HOverB[i]; math.Abs(q/want-1) > 1e-9 {
			t.Errorf("C/(H/B) along u%d: %g at B = 1, %g at B = 16", i+1, q, want)
		}
	}
	if n := len(r.TopRatios(100)); n != ls.Dim() {
		t.Errorf("TopRatios(100) has %d entries, want the %d parameters", n, ls.Dim())
	}
	nc := NegativeCurvatureOf(r.Trained[0])
	if wd := ls.WeightDecay(); nc.MinLambda < -wd*(1+1e-6) {
		t.Errorf("most negative data-Hessian eigenvalue at the minimum %g, below −λ_wd = %g", nc.MinLambda, -wd)
	}
	ni := NegativeCurvatureOf(r.Initial)
	t.Logf("init: %d negative directions, λ_min %.3g, ratio %.3g…%.3g; minimum: slope %.3f ± %.3f", ni.N, ni.MinLambda, ni.RatioMin, ni.RatioMax,
		r.Trained[0].LogLog.Slope, r.Trained[0].LogLog.SESlope)
	if ni.N == 0 || !(ni.RatioMin >= -1e-12) || !(ni.RatioMax >= ni.RatioMin) {
		t.Errorf("at θ₀: %d negative-curvature directions with noise ratios %g…%g: want some, all ≥ 0 (C ⪰ 0)", ni.N, ni.RatioMin, ni.RatioMax)
	}
	// Without replacement: the finite-population correction, in closed form.
	s.Sampling = nn.WithoutReplacement
	w, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mm := float64(ls.Samples())
	if want := math.Log((mm-16)/((mm-1)*16)) / math.Log(16); math.Abs(w.BatchExponent()-want) > 1e-9 || math.Abs(w.PredictedBatchExponent()-want) > 1e-12 {
		t.Errorf("without replacement: exponent %.12f (predicted %.12f), want %.12f", w.BatchExponent(), w.PredictedBatchExponent(), want)
	}
	again, err := NoiseShapeStudy{Landscape: ls, Minimum: m.Theta, Initial: theta0, Batches: []int{1, 4, 16}}.Run(context.Background())
	if err != nil || !slices.Equal(again.Trained[1].CDiag, r.Trained[1].CDiag) || again.Initial.LogLog != r.Initial.LogLog {
		t.Errorf("a second run differs (%v)", err)
	}
}

// handMade is a 5-direction NoiseVsHessian with C = diag(q)·H/B for B = 2: λ = 4, 2, 1, 1e-5, −0.5 and
// u_iᵀCu_i = (2, 1, 1e-13, 1e-6, 0.1) by construction.
func handMade() NoiseVsHessian {
	lam := []float64{4, 2, 1, 1e-5, -0.5}
	c := []float64{2, 1, 1e-13, 1e-6, 0.1}
	r := NoiseVsHessian{Batch: 2, Lambda: lam, CDiag: c}
	for _, l := range lam {
		r.HOverB = append(r.HOverB, l/2)
	}
	return r
}

// TestNoiseShapeCountsExact: the chart selection, the silent count, the negative-curvature summary, the ratios
// and the verdict rule on a hand-made comparison whose every entry is known.
func TestNoiseShapeCountsExact(t *testing.T) {
	h := handMade()
	x, y := VisibleDirections(h)
	// λ = 4, 2 are drawn; λ = 1 is silent (1e-13 < 1e-12·2); λ = 1e-5 is below 1e-4·4; λ < 0 is not drawn.
	if !slices.Equal(x, []float64{2, 1}) || !slices.Equal(y, []float64{2, 1}) {
		t.Errorf("visible points %v, %v; want x = [2 1], y = [2 1]", x, y)
	}
	if n := SilentDirections(h); n != 1 {
		t.Errorf("%d silent directions, want 1", n)
	}
	nc := NegativeCurvatureOf(h)
	if nc.N != 1 || nc.MinLambda != -0.5 || nc.RatioMin != 0.4 || nc.RatioMax != 0.4 {
		t.Errorf("negative curvature %+v, want N = 1, λ_min = −0.5, ratio 0.1/(0.5/2) = 0.4", nc)
	}
	if nc := NegativeCurvatureOf(NoiseVsHessian{Lambda: []float64{1, 0.5}, CDiag: []float64{1, 1}, HOverB: []float64{1, 0.5}}); nc != (NegativeCurvature{}) {
		t.Errorf("no negative curvature: %+v, want the zero value (no ±Inf)", nc)
	}
	r := &NoiseShapeResult{Study: NoiseShapeStudy{Batches: []int{2, 8}}, Trained: []NoiseVsHessian{h, h}}
	r.Trained[1].CDiag = []float64{0.5, 0.25, 0, 0, 0} // C ∝ 1/B: a quarter at 4× the batch
	if q := r.TopRatios(3); !slices.Equal(q, []float64{1, 1, 2e-13}) {
		t.Errorf("TopRatios(3) = %v, want [1 1 2e-13]", q)
	}
	if e := r.BatchExponent(); math.Abs(e+1) > 1e-15 {
		t.Errorf("batch exponent %g, want −1", e)
	}
	for _, c := range []struct {
		fit  stats.Fit
		want string
	}{
		{stats.Fit{Slope: 1.05, SESlope: 0.01, R2: 0.95}, "reproduced"},      // within 0.1 of 1
		{stats.Fit{Slope: 1.3, SESlope: 0.2, R2: 0.95}, "reproduced"},        // within 2 SE
		{stats.Fit{Slope: 1.3, SESlope: 0.1, R2: 0.95}, "partly reproduced"}, // 3 SE away
		{stats.Fit{Slope: 1, SESlope: 0.1, R2: 0.8}, "partly reproduced"},    // loose
	} {
		r.Trained[0].LogLog = c.fit
		if v := r.Verdict(); v != c.want {
			t.Errorf("fit %+v: verdict %q, want %q", c.fit, v, c.want)
		}
	}
	r.Trained[1].CDiag[0] = 1 // C ∝ B^−1/2 (half at 4× the batch): the slope alone does not make it reproduced
	r.Trained[0].LogLog = stats.Fit{Slope: 1, SESlope: 0.01, R2: 0.99}
	if v := r.Verdict(); v != "partly reproduced" || math.Abs(r.BatchExponent()+0.5) > 1e-15 {
		t.Errorf("C ∝ B^%g: verdict %q, want partly reproduced", r.BatchExponent(), v)
	}
	// VisibleDirections is Points at the chart's thresholds; a malformed comparison gives no points.
	if x, y := h.Points(VisibleCurvatureRel, SilentNoiseRel); !slices.Equal(x, []float64{2, 1}) || !slices.Equal(y, []float64{2, 1}) {
		t.Errorf("Points at the chart's thresholds %v, %v; want [2 1], [2 1]", x, y)
	}
	if x, y := VisibleDirections(NoiseVsHessian{Lambda: []float64{1, 2}, CDiag: []float64{1}}); x != nil || y != nil {
		t.Errorf("malformed comparison: points %v, %v, want none", x, y)
	}
}

// TestNoiseShapeResultEmpty: a result without comparisons at two batch sizes (nil, zero, one comparison, batch
// sizes not matching the comparisons) gives the documented zero values and says so in the verdict, no panic.
func TestNoiseShapeResultEmpty(t *testing.T) {
	h := handMade()
	var none *NoiseShapeResult
	for name, r := range map[string]*NoiseShapeResult{
		"nil":                 none,
		"zero":                {},
		"one comparison":      {Study: NoiseShapeStudy{Batches: []int{2}}, Trained: []NoiseVsHessian{h}},
		"batches not matched": {Study: NoiseShapeStudy{Batches: []int{2, 8, 32}}, Trained: []NoiseVsHessian{h, h}},
		"same batch":          {Study: NoiseShapeStudy{Batches: []int{2, 2}}, Trained: []NoiseVsHessian{h, h}},
		"no directions":       {Study: NoiseShapeStudy{Batches: []int{2, 8}}, Trained: []NoiseVsHessian{{}, {}}},
	} {
		if e := r.BatchExponent(); e != 0 {
			t.Errorf("%s: BatchExponent %g, want 0", name, e)
		}
		if e := r.PredictedBatchExponent(); e != 0 {
			t.Errorf("%s: PredictedBatchExponent %g, want 0 (no landscape)", name, e)
		}
		if v := r.Verdict(); v != "not reproduced (no comparison at two batch sizes)" {
			t.Errorf("%s: verdict %q", name, v)
		}
	}
	if q := none.TopRatios(3); q != nil {
		t.Errorf("TopRatios of nil: %v", q)
	}
	if q := (&NoiseShapeResult{}).TopRatios(3); q != nil {
		t.Errorf("TopRatios of an empty result: %v", q)
	}
	// One comparison still has its top ratios: u_iᵀCu_i/(λ_i/B) = 2/2, 1/1.
	if q := (&NoiseShapeResult{Trained: []NoiseVsHessian{h}}).TopRatios(2); !slices.Equal(q, []float64{1, 1}) {
		t.Errorf("TopRatios(2) of one comparison: %v, want [1 1]", q)
	}
}

func TestNoiseShapeStudyBadInput(t *testing.T) {
	_, ls, theta0, m := smallMoons(t)
	for name, edit := range map[string]func(*NoiseShapeStudy){
		"nil landscape":   func(s *NoiseShapeStudy) { s.Landscape = nil },
		"short θ*":        func(s *NoiseShapeStudy) { s.Minimum = s.Minimum[:3] },
		"no θ₀":           func(s *NoiseShapeStudy) { s.Initial = nil },
		"one batch":       func(s *NoiseShapeStudy) { s.Batches = []int{4} },
		"B = 0":           func(s *NoiseShapeStudy) { s.Batches = []int{0, 4} },
		"same B":          func(s *NoiseShapeStudy) { s.Batches = []int{4, 8, 4} },
		"B > m, no repl.": func(s *NoiseShapeStudy) { s.Batches = []int{1, 1000}; s.Sampling = nn.WithoutReplacement },
		"floor 1":         func(s *NoiseShapeStudy) { s.FloorRel = 1 },
	} {
		s := NoiseShapeStudy{Landscape: ls, Minimum: m.Theta, Initial: theta0, Batches: []int{1, 4}}
		edit(&s)
		if _, err := s.Run(context.Background()); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (NoiseShapeStudy{Landscape: ls, Minimum: m.Theta, Initial: theta0, Batches: []int{1, 4}}).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// ExampleNoiseShapeStudy compares C with H/B at the minimum of a small two-moons network: C ∝ 1/B exactly with
// replacement, and (m − B)/((m − 1)B) without.
func ExampleNoiseShapeStudy() {
	toy := TwoMoonsNet{Samples: 120, Noise: 0.2, Seed: 7, Hidden: []int{4}, WeightDecay: 1e-3}
	ls, _ := toy.Landscape()
	theta0, m, _ := toy.Minimum(ls, nn.TrainSettings{Epochs: 20, Batch: 16, LearningRate: 0.2, GradTol: 1e-7, Seed: 7})
	for _, s := range []nn.Sampling{nn.WithReplacement, nn.WithoutReplacement} {
		r, err := NoiseShapeStudy{Landscape: ls, Minimum: m.Theta, Initial: theta0, Batches: []int{1, 16}, Sampling: s}.Run(context.Background())
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d parameters: C ∝ B^%.3f (exact %.3f)\n", ls.Dim(), r.BatchExponent(), r.PredictedBatchExponent())
	}
	// Output:
	// 22 parameters: C ∝ B^-1.000 (exact -1.000)
	// 22 parameters: C ∝ B^-1.049 (exact -1.049)
}
