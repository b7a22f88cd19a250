package noise

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
)

// TestSym2EigenMatchesLAPACK compares the closed-form 2×2 eigen-decomposition with gonum's EigenSym on random
// and degenerate matrices: eigenvalues to 1e-13 relative, each eigenvector (up to sign) reconstructing
// A e = λ e to 1e-13, and V diag(λ) Vᵀ = A.
func TestSym2EigenMatchesLAPACK(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	cases := [][3]float64{{1, 0, 1}, {2, 0, 1}, {1, 0, 2}, {0, 0, 0}, {-1, 0, 3}, {1, 1e-12, 1}, {3, -2, -1},
		{1e8, 1, 1e-8}, {-4, 0.5, -4}}
	for k := 0; k < 500; k++ {
		cases = append(cases, [3]float64{rng.NormFloat64() * 3, rng.NormFloat64(), rng.NormFloat64() * 2})
	}
	vals, vecs := make([]float64, 2), make([]float64, 4)
	for _, c := range cases {
		a, b, d := c[0], c[1], c[2]
		sym2Eigen(a, b, d, vals, vecs)
		var eig mat.EigenSym
		if !eig.Factorize(mat.NewSymDense(2, []float64{a, b, b, d}), false) {
			t.Fatal("EigenSym failed")
		}
		ref := eig.Values(nil)
		scale := math.Max(math.Abs(ref[0]), math.Abs(ref[1])) + 1e-300
		for k := range 2 {
			if math.Abs(vals[k]-ref[k]) > 1e-13*scale {
				t.Errorf("%v: λ%d = %v, LAPACK %v", c, k, vals[k], ref[k])
			}
			e0, e1 := vecs[k], vecs[2+k]
			if math.Abs(math.Hypot(e0, e1)-1) > 1e-14 {
				t.Errorf("%v: eigenvector %d not unit", c, k)
			}
			r0, r1 := a*e0+b*e1-vals[k]*e0, b*e0+d*e1-vals[k]*e1
			if math.Hypot(r0, r1) > 1e-13*scale {
				t.Errorf("%v: ‖A e − λ e‖ = %g for eigenvector %d", c, math.Hypot(r0, r1), k)
			}
		}
		for i := range 2 {
			for j := range 2 {
				v := vals[0]*vecs[i*2]*vecs[j*2] + vals[1]*vecs[i*2+1]*vecs[j*2+1]
				want := [4]float64{a, b, b, d}[i*2+j]
				if math.Abs(v-want) > 1e-13*scale {
					t.Errorf("%v: (VΛVᵀ)[%d,%d] = %v", c, i, j, v)
				}
			}
		}
	}
	sym2Eigen(math.NaN(), 0, 1, vals, vecs)
	if !math.IsNaN(vals[0]) || !math.IsNaN(vals[1]) {
		t.Errorf("NaN Hessian gave eigenvalues %v", vals)
	}
}

// refDiffusion is (η/2B)[H]⁺ through gonum's EigenSym (the former implementation).
func refDiffusion(l landscape.Landscape, theta []float64, eta, b, floor float64) *mat.SymDense {
	n := l.Dim()
	h := mat.NewSymDense(n, nil)
	l.Hessian(h, theta)
	var eig mat.EigenSym
	eig.Factorize(h, true)
	var v mat.Dense
	eig.VectorsTo(&v)
	out := mat.NewSymDense(n, nil)
	for k, lam := range eig.Values(nil) {
		c := eta / (2 * b) * math.Max(math.Abs(lam), floor)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				out.SetSym(i, j, out.At(i, j)+c*v.At(i, k)*v.At(j, k))
			}
		}
	}
	return out
}

func hessianModels(t *testing.T) map[string]struct {
	m     *HessianSGD
	theta []float64
} {
	t.Helper()
	v2, err := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 3, Hb: 1, Barrier: 0.5}, 2, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	st, err := landscape.NewStyblinskiTang(3, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	q, err := landscape.NewQuadratic(mat.NewSymDense(3, []float64{2, 0.5, -0.3, 0.5, 1, 0.2, -0.3, 0.2, -0.5}), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]struct {
		m     *HessianSGD
		theta []float64
	}{}
	for name, c := range map[string]struct {
		l     landscape.Landscape
		theta []float64
	}{"valleys2d": {v2, []float64{0.9, 0.3}}, "styblinski3": {st, []float64{-2.9, 0.4, 2.7}}, "quadratic3": {q, []float64{0.1, 0.2, 0.3}}} {
		m, err := NewHessianSGD(c.l, 4, 0.2)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = struct {
			m     *HessianSGD
			theta []float64
		}{m, c.theta}
	}
	return out
}

// TestHessianSGDMatchesEigenSym checks Diffusion in 2-D (closed form) and 3-D (dsyev on the workspace) against
// the EigenSym construction to 1e-13, and the kick covariance against 2η·D.
func TestHessianSGDMatchesEigenSym(t *testing.T) {
	const eta = 0.1
	draws := 50000
	if testing.Short() || raceEnabled {
		draws = 10000
	}
	for name, c := range hessianModels(t) {
		n := c.m.Dim()
		got := mat.NewSymDense(n, nil)
		c.m.Diffusion(got, c.theta, eta)
		want := refDiffusion(c.m.l, c.theta, eta, 4, 0.2)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if math.Abs(got.At(i, j)-want.At(i, j)) > 1e-13*math.Abs(want.At(i, i)+want.At(j, j)) {
					t.Errorf("%s: D[%d,%d] = %v, EigenSym gives %v", name, i, j, got.At(i, j), want.At(i, j))
				}
			}
		}
		checkKickCovariance(t, name, c.m, c.theta, eta, draws)
	}
}

// TestHessianSGDNoAllocations: Kick and Diffusion of HessianSGD allocate nothing once warm, in 2-D and 3-D.
func TestHessianSGDNoAllocations(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("coverage instrumentation or race detector (sync.Pool drops items at random under -race)")
	}
	for name, c := range hessianModels(t) {
		n := c.m.Dim()
		rng := rand.New(rand.NewPCG(1, 1))
		dst := make([]float64, n)
		d := mat.NewSymDense(n, nil)
		c.m.Kick(dst, c.theta, 0.1, rng)
		if a := testing.AllocsPerRun(200, func() { c.m.Kick(dst, c.theta, 0.1, rng) }); a != 0 {
			t.Errorf("%s: Kick allocates %v times per call", name, a)
		}
		if a := testing.AllocsPerRun(200, func() { c.m.Diffusion(d, c.theta, 0.1) }); a != 0 {
			t.Errorf("%s: Diffusion allocates %v times per call", name, a)
		}
	}
}

func BenchmarkHessianSGDKick2D(b *testing.B) {
	v2, _ := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 3, Hb: 1, Barrier: 0.5}, 2, 0.5, 1)
	m, _ := NewHessianSGD(v2, 4, 0.2)
	rng := rand.New(rand.NewPCG(1, 1))
	dst, theta := make([]float64, 2), []float64{0.9, 0.3}
	b.ReportAllocs()
	for b.Loop() {
		m.Kick(dst, theta, 0.1, rng)
	}
}
