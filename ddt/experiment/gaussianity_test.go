package experiment

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/densitydiffusion/toolkit/ddt/nn"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// kurtosisSE is the delta-method standard error of the sample excess kurtosis of n draws from a law with
// central moments μ2, μ4, μ6, μ8.
func kurtosisSE(n, m2, m4, m6, m8 float64) float64 {
	v := (m8-m4*m4)/math.Pow(m2, 4) - 4*m4*(m6-m4*m2)/math.Pow(m2, 5) + 4*m4*m4*(m4-m2*m2)/math.Pow(m2, 6)
	return math.Sqrt(v / n)
}

// sampleMoments returns the central moments 2, 4, 6, 8 of x.
func sampleMoments(x []float64) (m2, m4, m6, m8 float64) {
	mu := stat.Mean(x, nil)
	for _, v := range x {
		d := (v - mu) * (v - mu)
		m2, m4, m6, m8 = m2+d, m4+d*d, m6+d*d*d, m8+d*d*d*d
	}
	n := float64(len(x))
	return m2 / n, m4 / n, m6 / n, m8 / n
}

// TestNormalitySweepAgainstCLT: for sampling with replacement the projected noise uᵀξ at batch size B is the mean
// of B independent draws from the m per-sample deviations v_j = uᵀ(∇ℓ_j − ∇L), so its variance is exactly
// mean(v²)/B and its excess kurtosis exactly κ₁/B with κ₁ = mean(v⁴)/mean(v²)² − 3. Every measured standard
// deviation and excess kurtosis (top two directions, B = 1 and 8) must lie within 4 delta-method standard errors
// of these exact values; the eigenvalues must match the full eigendecomposition; the pooled statistics must be
// those of Pooled(); the same seed gives the same draws.
func TestNormalitySweepAgainstCLT(t *testing.T) {
	_, ls, _, m := smallMoons(t)
	draws := 6000
	if raceEnabled {
		draws = 1500
	}
	sw := NormalitySweep{Landscape: ls, Theta: m.Theta, Batches: []int{1, 8}, Sampling: nn.WithReplacement, Coords: 2, Draws: draws, Seed: 11}
	r, err := sw.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	P, M := ls.Dim(), ls.Samples()
	h := mat.NewSymDense(P, nil)
	ls.Hessian(h, m.Theta)
	eig, err := nn.SymEigen(h)
	if err != nil {
		t.Fatal(err)
	}
	g := mat.NewDense(M, P, nil)
	ls.PerSampleGrads(g, m.Theta)
	mean := make([]float64, P)
	for j := 0; j < M; j++ {
		for p := 0; p < P; p++ {
			mean[p] += g.At(j, p) / float64(M)
		}
	}
	for c := 0; c < 2; c++ {
		var m2, m4 float64
		for j := 0; j < M; j++ {
			var v float64
			for p := 0; p < P; p++ {
				v += eig.Vectors.At(p, c) * (g.At(j, p) - mean[p])
			}
			m2, m4 = m2+v*v/float64(M), m4+v*v*v*v/float64(M)
		}
		k1 := m4/(m2*m2) - 3
		for i, n := range r.Results {
			b := float64(n.Batch)
			cn := n.Coords[c]
			if math.Abs(cn.Lambda/eig.Values[c]-1) > 1e-6 {
				t.Errorf("u%d: Lanczos λ = %g, full eigendecomposition %g", c+1, cn.Lambda, eig.Values[c])
			}
			s2, s4, s6, s8 := sampleMoments(n.Column(c))
			seK := kurtosisSE(float64(draws), s2, s4, s6, s8)
			seStd := math.Sqrt(m2/b) * math.Sqrt((s4/(s2*s2)-1)/(4*float64(draws)))
			t.Logf("B = %d u%d: std %.4g (exact %.4g ± %.2g), excess kurtosis %.3f (exact κ₁/B = %.3f ± %.3f)", n.Batch, c+1,
				cn.Std, math.Sqrt(m2/b), seStd, cn.ExKurt, k1/b, seK)
			if math.Abs(cn.Std-math.Sqrt(m2/b)) > 4*seStd {
				t.Errorf("B = %d, u%d: std %g, exact %g: more than 4 SE (%g) apart", n.Batch, c+1, cn.Std, math.Sqrt(m2/b), seStd)
			}
			if math.Abs(cn.ExKurt-k1/b) > 4*seK {
				t.Errorf("B = %d, u%d: excess kurtosis %g, exact κ₁/B = %g: more than 4 SE (%g) apart", n.Batch, c+1, cn.ExKurt, k1/b, seK)
			}
			if i == 0 && !(k1 > 8*seK) {
				t.Errorf("u%d: κ₁ = %g is not clearly non-Gaussian at B = 1 (SE %g): the test could not see the 1/B law", c+1, k1, seK)
			}
		}
	}
	for _, n := range r.Results {
		p := n.Pooled()
		if len(p) != 2*draws || stat.ExKurtosis(p, nil) != n.PooledExKurt || !slices.Equal(p[:draws], n.Column(0)) || !slices.Equal(p[draws:], n.Column(1)) {
			t.Errorf("B = %d: Pooled() is not the coordinates one after the other", n.Batch)
		}
		if n.Column(2) != nil || n.Column(-1) != nil {
			t.Errorf("an out-of-range column is not nil")
		}
	}
	sw.Batches = sw.Batches[1:]
	sw.Seed++ // batch size i uses Seed + i: the B = 8 measurement again
	again, err := sw.Run(context.Background())
	if err != nil || !slices.Equal(again.Results[0].Column(1), r.Results[1].Column(1)) {
		t.Errorf("the same seed gave different draws (%v)", err)
	}
}

// TestNormalitySummaryExact: the verdict counts on hand-made measurements.
func TestNormalitySummaryExact(t *testing.T) {
	mk := func(b int, pooled float64, k ...float64) *NoiseNormality {
		n := &NoiseNormality{Batch: b, PooledExKurt: pooled}
		for _, v := range k {
			n.Coords = append(n.Coords, CoordinateNormality{ExKurt: v, JBP: 0.5})
		}
		return n
	}
	r := &NormalitySweepResult{Results: []*NoiseNormality{mk(1, 9, 4, -6), mk(4, 5, 1, -1.5)}}
	s := r.Summary()
	if !slices.Equal(s.MaxAbsExKurt, []float64{6, 1.5}) || !slices.Equal(s.BKappa, []float64{-1, -1}) || s.Heavier != 2 || s.Rejected != 0 || s.Verdict != "partly reproduced" {
		t.Errorf("summary %+v: want max |κ| [6 1.5], B·κ̄ [−1 −1], heavier 2, rejected 0, partly reproduced", s)
	}
	r.Results[1] = mk(4, 5, 0.25, -0.25)
	r.Results[1].Coords[0].JBP = 0.001
	if s := r.Summary(); s.Verdict != "reproduced" || s.Rejected != 1 {
		t.Errorf("summary %+v: want reproduced with 1 rejection", s)
	}
	r.Results[1].Coords[1].JBP = 0.009
	if s := r.Summary(); s.Verdict != "partly reproduced" || s.Rejected != 2 {
		t.Errorf("summary %+v: want partly reproduced with 2 rejections", s)
	}
	r.Results[0].PooledExKurt = 5.9
	if s := r.Summary(); s.Verdict != "not reproduced" || s.Heavier != 1 {
		t.Errorf("summary %+v: want not reproduced (pool lighter at B = 1)", s)
	}
	if s := (&NormalitySweepResult{}).Summary(); s.Verdict != "not reproduced" {
		t.Errorf("empty summary %+v", s)
	}
	if l := r.Last(); l != r.Results[1] || l.Batch != 4 {
		t.Errorf("Last = %+v, want the B = 4 measurement", l)
	}
	var none *NormalitySweepResult
	if (&NormalitySweepResult{}).Last() != nil || none.Last() != nil || none.Summary().Verdict != "not reproduced" {
		t.Errorf("an empty or nil result: Last should be nil and the verdict not reproduced")
	}
}

func TestNormalitySweepBadInput(t *testing.T) {
	_, ls, _, m := smallMoons(t)
	for name, edit := range map[string]func(*NormalitySweep){
		"no batches":  func(s *NormalitySweep) { s.Batches = nil },
		"B = 0":       func(s *NormalitySweep) { s.Batches = []int{0} },
		"no coords":   func(s *NormalitySweep) { s.Coords = 0 },
		"10 draws":    func(s *NormalitySweep) { s.Draws = 10 },
		"nil net":     func(s *NormalitySweep) { s.Landscape = nil },
		"θ too short": func(s *NormalitySweep) { s.Theta = s.Theta[:2] },
	} {
		s := NormalitySweep{Landscape: ls, Theta: m.Theta, Batches: []int{1}, Coords: 2, Draws: 50, Seed: 1}
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (NormalitySweep{Landscape: ls, Theta: m.Theta, Batches: []int{1}, Coords: 2, Draws: 50}).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestScaleMixtureAgainstFormula: the pooled excess kurtosis against 3·mean(σ⁴)/mean(σ²)² − 3 within 4
// delta-method SEs computed from the mixture's exact moments μ_2r = (2r − 1)!!·mean(σ^2r) (the pool is a
// stratified sample, so this iid SE is conservative); one coordinate: variance σ₀² = 1 and excess kurtosis 0
// within 4 SE; the standard deviations log-uniform from 1 to 10^−Decades; same seed, same draws.
func TestScaleMixtureAgainstFormula(t *testing.T) {
	mix := ScaleMixture{Coords: 20, Decades: 1, Draws: 4000, Seed: 3}
	s, err := mix.Sample()
	if err != nil {
		t.Fatal(err)
	}
	sd := s.SD
	if direct, err := mix.SD(); err != nil || !slices.Equal(direct, sd) {
		t.Errorf("SD() = %v, %v; want the sample's %v", direct, err, sd)
	}
	if sd[0] != 1 || math.Abs(sd[19]-0.1) > 1e-15 || math.Abs(sd[1]/sd[0]-sd[19]/sd[18]) > 1e-12 {
		t.Errorf("standard deviations %v: want 1 … 0.1, log-uniform", sd)
	}
	var mom [5]float64 // mean σ^(2r), r = 1…4
	for _, v := range sd {
		for r := 1; r <= 4; r++ {
			mom[r] += math.Pow(v, float64(2*r)) / float64(len(sd))
		}
	}
	want, err := stats.ScaleMixtureExKurtosis(sd)
	if err != nil {
		t.Fatal(err)
	}
	pooled := s.Pooled()
	se := kurtosisSE(float64(len(pooled)), mom[1], 3*mom[2], 15*mom[3], 105*mom[4])
	got := stat.ExKurtosis(pooled, nil)
	t.Logf("pooled excess kurtosis %.3f, formula %.3f ± %.3f", got, want, se)
	if math.Abs(got-want) > 4*se || !(want > 10*se) {
		t.Errorf("pooled excess kurtosis %g, formula %g: more than 4 SE (%g) apart, or the formula not clearly > 0", got, want, se)
	}
	first := s.Column(0)
	n := float64(len(first))
	if v := stat.Variance(first, nil); math.Abs(v-1) > 4*math.Sqrt(2/n) {
		t.Errorf("variance of coordinate 0: %g, want 1 ± %g", v, 4*math.Sqrt(2/n))
	}
	if k := stat.ExKurtosis(first, nil); math.Abs(k) > 4*math.Sqrt(24/n) {
		t.Errorf("excess kurtosis of coordinate 0: %g, want 0 ± %g", k, 4*math.Sqrt(24/n))
	}
	if s.Column(20) != nil || len(pooled) != 20*4000 || pooled[20] != s.Samples[1][0] {
		t.Errorf("Column/Pooled layout is wrong")
	}
	again, _ := mix.Sample()
	if !slices.Equal(again.Pooled(), pooled) {
		t.Errorf("the same seed gave different draws")
	}
	for _, bad := range []ScaleMixture{{Coords: 1, Decades: 1, Draws: 10}, {Coords: 5, Decades: math.NaN(), Draws: 10},
		{Coords: 5, Decades: -1, Draws: 10}, {Coords: 5, Decades: 1, Draws: 1}, {Coords: 5, Decades: math.Inf(1), Draws: 10}} {
		if _, err := bad.Sample(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", bad, err)
		}
	}
	// SD alone: one coordinate (0/0 in the exponent) and a NaN or negative spread are errors, not [NaN].
	for _, bad := range []ScaleMixture{{Coords: 1, Decades: 1}, {Coords: 0}, {Coords: 5, Decades: math.NaN()}, {Coords: 5, Decades: -1}} {
		if sd, err := bad.SD(); !errors.Is(err, ErrInvalid) || sd != nil {
			t.Errorf("SD of %+v = %v, %v; want nil and ErrInvalid", bad, sd, err)
		}
	}
	// 10^(−2·i/4) for 5 coordinates over 2 decades: 1, 10^−½, 0.1, 10^−1.5, 0.01.
	sd5, err := ScaleMixture{Coords: 5, Decades: 2}.SD()
	for i, want := range []float64{1, 1 / math.Sqrt(10), 0.1, 0.1 / math.Sqrt(10), 0.01} {
		if err != nil || math.Abs(sd5[i]-want) > 1e-15 {
			t.Fatalf("SD over 2 decades = %v, %v; want σ_%d = %g", sd5, err, i, want)
		}
	}
}
