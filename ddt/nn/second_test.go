package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
)

func TestLanczosMatchesEigenSym(t *testing.T) {
	ls, theta := toyLandscape(t, Arch{Inputs: 4, Hidden: []int{6, 5}, Classes: 3, Activation: Tanh}, 200, 0, 3)
	P := ls.Dim()
	h := mat.NewSymDense(P, nil)
	ls.Hessian(h, theta)
	full, err := SymEigen(h)
	if err != nil {
		t.Fatal(err)
	}
	const k = 6
	eig, err := ls.TopEigen(theta, k, &LanczosSettings{Seed: 1, Tol: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < k; i++ {
		if d := math.Abs(eig.Values[i] - full.Values[i]); d > 1e-8*math.Abs(full.Values[0]) {
			t.Errorf("eigenvalue %d: Lanczos %.12g, EigenSym %.12g", i, eig.Values[i], full.Values[i])
		}
		// Eigenvectors agree up to sign (the top ones are well separated here).
		var d float64
		for r := 0; r < P; r++ {
			d += eig.Vectors.At(r, i) * full.Vectors.At(r, i)
		}
		if math.Abs(math.Abs(d)-1) > 1e-6 {
			t.Errorf("eigenvector %d: |<u_lanczos, u_eigensym>| = %.9f", i, math.Abs(d))
		}
	}
	if _, err := Lanczos(P, func(dst, v []float64) { copy(dst, v) }, P+1, nil); err == nil {
		t.Error("k > n accepted")
	}
}

// quadSum is the finite sum ℓ_j(θ) = ½‖θ − c_j‖², whose per-sample gradients θ − c_j make the gradient-noise
// covariance the (biased) sample covariance of the c_j divided by B, in closed form.
type quadSum struct{ c [][]float64 }

func (q quadSum) Dim() int     { return len(q.c[0]) }
func (q quadSum) Samples() int { return len(q.c) }
func (q quadSum) Loss(th []float64) float64 {
	var s float64
	for _, c := range q.c {
		for i := range th {
			s += 0.5 * (th[i] - c[i]) * (th[i] - c[i])
		}
	}
	return s / float64(len(q.c))
}
func (q quadSum) Grad(dst, th []float64) {
	clear(dst)
	for j := range q.c {
		for i := range th {
			dst[i] += (th[i] - q.c[j][i]) / float64(len(q.c))
		}
	}
}
func (q quadSum) Hessian(dst *mat.SymDense, th []float64) {
	for i := range th {
		for k := i; k < len(th); k++ {
			dst.SetSym(i, k, 0)
		}
		dst.SetSym(i, i, 1)
	}
}
func (q quadSum) SampleGrad(dst, th []float64, j int) {
	for i := range th {
		dst[i] = th[i] - q.c[j][i]
	}
}

func TestNoiseCovarianceClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	const m, n = 40, 3
	q := quadSum{c: make([][]float64, m)}
	for j := range q.c {
		q.c[j] = []float64{rng.NormFloat64(), 2 * rng.NormFloat64(), rng.NormFloat64() + float64(j%3)}
	}
	// Closed form: Σ_ik = (1/m)Σ_j (c_ji − c̄_i)(c_jk − c̄_k), independent of θ.
	mean := make([]float64, n)
	for _, c := range q.c {
		for i := range mean {
			mean[i] += c[i] / m
		}
	}
	sigma := func(i, k int) float64 {
		var s float64
		for _, c := range q.c {
			s += (c[i] - mean[i]) * (c[k] - mean[k])
		}
		return s / m
	}
	theta := []float64{0.3, -1, 2}
	for _, tc := range []struct {
		b int
		s Sampling
	}{{1, WithReplacement}, {8, WithReplacement}, {8, WithoutReplacement}, {40, WithoutReplacement}} {
		c := mat.NewSymDense(n, nil)
		if err := NoiseCovarianceOf(c, q, theta, tc.b, tc.s); err != nil {
			t.Fatal(err)
		}
		f := 1 / float64(tc.b)
		if tc.s == WithoutReplacement {
			f *= float64(m-tc.b) / float64(m-1)
		}
		for i := 0; i < n; i++ {
			for k := 0; k < n; k++ {
				want := f * sigma(i, k)
				if math.Abs(c.At(i, k)-want) > 1e-12*(1+math.Abs(want)) {
					t.Errorf("B=%d %v: C[%d][%d] = %.15g, want %.15g", tc.b, tc.s, i, k, c.At(i, k), want)
				}
			}
		}
	}
	if err := NoiseCovarianceOf(mat.NewSymDense(n, nil), q, theta, 41, WithoutReplacement); err == nil {
		t.Error("B > m without replacement accepted")
	}
}

// TestNoiseCovarianceMonteCarlo checks the network's C (fast path) against the generic path, and against the
// empirical covariance of real minibatch gradients, for both sampling schemes.
func TestNoiseCovarianceMonteCarlo(t *testing.T) {
	ls, theta := toyLandscape(t, Arch{Inputs: 2, Hidden: []int{3}, Classes: 2, Activation: Tanh}, 30, 0.01, 11)
	P, m := ls.Dim(), ls.Samples()
	g := make([]float64, P)
	ls.Grad(g, theta)
	rng := rand.New(rand.NewPCG(9, 1))
	const B, draws = 5, 40000
	for _, s := range []Sampling{WithReplacement, WithoutReplacement} {
		c := mat.NewSymDense(P, nil)
		if err := ls.NoiseCovariance(c, theta, B, s); err != nil {
			t.Fatal(err)
		}
		c2 := mat.NewSymDense(P, nil)
		if err := NoiseCovarianceOf(c2, ls, theta, B, s); err != nil {
			t.Fatal(err)
		}
		if !mat.EqualApprox(c, c2, 1e-12) {
			t.Errorf("%v: fast and generic covariance differ", s)
		}
		emp := mat.NewSymDense(P, nil)
		gb := make([]float64, P)
		idx := make([]int, B)
		xi := mat.NewVecDense(P, nil)
		for d := 0; d < draws; d++ {
			if s == WithReplacement {
				for i := range idx {
					idx[i] = rng.IntN(m)
				}
			} else {
				perm := rng.Perm(m)
				copy(idx, perm[:B])
			}
			ls.BatchGrad(gb, theta, idx)
			for i := range gb {
				xi.SetVec(i, gb[i]-g[i])
			}
			emp.SymRankOne(emp, 1.0/draws, xi)
		}
		// Compare diagonals: each empirical variance has relative s.e. ≈ sqrt(2/draws)·(kurtosis factor).
		for i := 0; i < P; i++ {
			want, got := c.At(i, i), emp.At(i, i)
			if want < 1e-8 {
				continue
			}
			if math.Abs(got-want) > 0.06*want {
				t.Errorf("%v: Var[ξ_%d] empirical %.4g, C %.4g", s, i, got, want)
			}
		}
	}
}

func TestScaledSharpnessKnob(t *testing.T) {
	ls, theta := toyLandscape(t, Arch{Inputs: 3, Hidden: []int{4}, Classes: 3, Activation: Tanh}, 25, 0.01, 13)
	const k = 3.7
	s, err := NewScaled(ls, k)
	if err != nil {
		t.Fatal(err)
	}
	phi := s.ToScaled(theta)
	if d := math.Abs(s.Loss(phi) - ls.Loss(theta)); d > 1e-14 {
		t.Errorf("loss changed by %g", d)
	}
	P := ls.Dim()
	h, hk := mat.NewSymDense(P, nil), mat.NewSymDense(P, nil)
	ls.Hessian(h, theta)
	s.Hessian(hk, phi)
	h.ScaleSym(k, h)
	if !mat.EqualApprox(h, hk, 1e-10) {
		t.Error("scaled Hessian is not k·H")
	}
	g, gk := make([]float64, P), make([]float64, P)
	ls.SampleGrad(g, theta, 4)
	s.SampleGrad(gk, phi, 4)
	for i := range g {
		if math.Abs(gk[i]-math.Sqrt(k)*g[i]) > 1e-12 {
			t.Fatalf("sample gradient not √k·g")
		}
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := NewScaled(ls, bad); err == nil {
			t.Errorf("k = %v accepted", bad)
		}
	}
}

// NewScaled is landscape.Scaled with the finite-sum methods kept: on a network both give the same loss, gradient
// and Hessian, and only NewScaled's result is still a landscape.FiniteSum.
func TestScaledAgreesWithLandscapeScaled(t *testing.T) {
	ls, theta := toyLandscape(t, Arch{Inputs: 3, Hidden: []int{4}, Classes: 3, Activation: Tanh}, 25, 0.01, 13)
	const k = 2.3
	ours, err := NewScaled(ls, k)
	if err != nil {
		t.Fatal(err)
	}
	core, err := landscape.Scaled(ls, k)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := core.(landscape.FiniteSum); ok {
		t.Log("landscape.Scaled now keeps FiniteSum: nn.Scaled could be dropped in its favour")
	}
	phi := ours.ToScaled(theta)
	phi[0] += 0.1 // away from any special point
	P := ls.Dim()
	if a, b := ours.Loss(phi), core.Loss(phi); a != b {
		t.Errorf("loss %v (nn) vs %v (landscape)", a, b)
	}
	g1, g2 := make([]float64, P), make([]float64, P)
	ours.Grad(g1, phi)
	core.Grad(g2, phi)
	for i := range g1 {
		if math.Abs(g1[i]-g2[i]) > 1e-14*math.Max(1, math.Abs(g2[i])) {
			t.Fatalf("grad[%d] %v (nn) vs %v (landscape)", i, g1[i], g2[i])
		}
	}
	h1, h2 := mat.NewSymDense(P, nil), mat.NewSymDense(P, nil)
	ours.Hessian(h1, phi)
	core.Hessian(h2, phi)
	if !mat.EqualApprox(h1, h2, 1e-13) {
		t.Error("Hessians differ")
	}
	// The per-sample gradients of the scaled finite sum average to its gradient.
	mean, gj := make([]float64, P), make([]float64, P)
	for j := 0; j < ours.Samples(); j++ {
		ours.SampleGrad(gj, phi, j)
		for i := range mean {
			mean[i] += gj[i] / float64(ours.Samples())
		}
	}
	for i := range mean {
		if math.Abs(mean[i]-g1[i]) > 1e-12*math.Max(1, math.Abs(g1[i])) {
			t.Fatalf("mean sample gradient[%d] %v, gradient %v", i, mean[i], g1[i])
		}
	}
}
