package noise

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
)

// checkKickCovariance draws n kicks at θ and compares their covariance with 2η·D(θ) entry by entry within
// 5 standard errors (Gaussian fourth moments: Var(x_i x_j) = Σ_ii Σ_jj + Σ_ij²).
func checkKickCovariance(t *testing.T, name string, m Model, theta []float64, eta float64, n int) {
	t.Helper()
	d := m.Dim()
	want := mat.NewSymDense(d, nil)
	m.Diffusion(want, theta, eta)
	want.ScaleSym(2*eta, want)
	rng := rand.New(rand.NewPCG(1, 2))
	k := make([]float64, d)
	sum := make([]float64, d*d)
	mean := make([]float64, d)
	for s := 0; s < n; s++ {
		m.Kick(k, theta, eta, rng)
		for i := 0; i < d; i++ {
			mean[i] += k[i] / float64(n)
			for j := 0; j < d; j++ {
				sum[i*d+j] += k[i] * k[j] / float64(n)
			}
		}
	}
	for i := 0; i < d; i++ {
		se := math.Sqrt(want.At(i, i) / float64(n))
		if math.Abs(mean[i]) > 5*se+1e-300 {
			t.Errorf("%s: mean kick[%d] = %g ± %g", name, i, mean[i], se)
		}
		for j := 0; j < d; j++ {
			se := math.Sqrt((want.At(i, i)*want.At(j, j) + want.At(i, j)*want.At(i, j)) / float64(n))
			if math.Abs(sum[i*d+j]-want.At(i, j)) > 5*se {
				t.Errorf("%s: Cov kick[%d,%d] = %g, want 2ηD = %g ± %g", name, i, j, sum[i*d+j], want.At(i, j), se)
			}
		}
	}
}

func TestKickCovarianceMatchesDiffusion(t *testing.T) {
	const eta = 0.1
	v2, err := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 3, Hb: 1, Barrier: 0.5}, 2, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := NewWhite(2, 0.3)
	checkKickCovariance(t, "white", w, []float64{0.2, 0.1}, eta, 100000)
	hs, _ := NewHessianSGD(v2, 4, 0.2)
	// At the saddle region H has a negative eigenvalue: [H]⁺ takes |λ|.
	checkKickCovariance(t, "hessian-sgd", hs, []float64{0.9, 0.3}, eta, 100000)
	fr, err := NewFrozen(mat.NewSymDense(2, []float64{3, 1, 1, 2}), 8)
	if err != nil {
		t.Fatal(err)
	}
	checkKickCovariance(t, "frozen", fr, nil2(), eta, 100000)
	shifts, _ := landscape.RandomShifts(50, mat.NewSymDense(2, []float64{0.5, 0.1, 0.1, 0.3}), 5, true)
	fs, _ := landscape.NewShiftedSum(v2, shifts)
	for _, repl := range []bool{true, false} {
		mb, err := NewMinibatch(fs, 10, repl)
		if err != nil {
			t.Fatal(err)
		}
		checkKickCovariance(t, "minibatch", mb, []float64{0.4, -0.2}, eta, 100000)
	}
	r, _ := ScaleToTrace(hs, []float64{0.9, 0.3}, eta, 0.01)
	if tr := Trace(r, []float64{0.9, 0.3}, eta); math.Abs(tr-0.01) > 1e-14 {
		t.Errorf("ScaleToTrace: tr D = %g", tr)
	}
	checkKickCovariance(t, "rescaled", r, []float64{0.9, 0.3}, eta, 100000)
	c := mat.NewSymDense(2, nil)
	Covariance(w, c, nil2(), eta)
	if math.Abs(c.At(0, 0)-2*0.3/eta) > 1e-12 {
		t.Errorf("white C = %g, want 2D/η", c.At(0, 0))
	}
}

func nil2() []float64 { return []float64{0, 0} }

// TestHessianSGDFloor checks D = (η/2B)·max(|L″|, floor) in 1-D, at the barrier (negative curvature) and at an
// inflection point (where the floor takes over).
func TestHessianSGDFloor(t *testing.T) {
	hs, _ := NewHessianSGD(landscape.Quartic{}, 4, 0.3)
	d := mat.NewSymDense(1, nil)
	for _, c := range []struct{ x, want float64 }{{-1, 2}, {0, 1}, {1 / math.Sqrt(3), 0.3}} {
		hs.Diffusion(d, []float64{c.x}, 0.1)
		if math.Abs(d.At(0, 0)-0.1/8*c.want) > 1e-15 {
			t.Errorf("D(%g) = %g, want %g", c.x, d.At(0, 0), 0.1/8*c.want)
		}
		if a := hs.Amplitude(c.x, 0.1); math.Abs(a*a-2*0.1*d.At(0, 0)) > 1e-15 {
			t.Errorf("amplitude² %g ≠ 2ηD %g", a*a, 2*0.1*d.At(0, 0))
		}
	}
}

// TestMinibatchDiffusionWithoutReplacement: the exact formula has the finite-population factor (m−B)/(m−1):
// B = m gives zero noise.
func TestMinibatchDiffusionWithoutReplacement(t *testing.T) {
	shifts, _ := landscape.RandomShifts(8, mat.NewSymDense(1, []float64{1}), 3, false)
	fs, _ := landscape.NewShiftedSum(landscape.Quartic{}, shifts)
	mb, _ := NewMinibatch(fs, 8, false)
	d := mat.NewSymDense(1, nil)
	mb.Diffusion(d, []float64{0.3}, 0.1)
	k := []float64{1}
	mb.Kick(k, []float64{0.3}, 0.1, rand.New(rand.NewPCG(1, 1)))
	if d.At(0, 0) != 0 || math.Abs(k[0]) > 1e-15 {
		t.Errorf("B = m without replacement: D = %g, kick = %g", d.At(0, 0), k[0])
	}
}

func TestNoiseInvalid(t *testing.T) {
	q := landscape.Quartic{}
	checks := map[string]error{}
	_, checks["white D=0"] = NewWhite(1, 0)
	_, checks["white D<0"] = NewWhite(1, -1)
	_, checks["white n=0"] = NewWhite(0, 1)
	_, checks["hessian B=0"] = NewHessianSGD(q, 0, 0)
	_, checks["hessian floor<0"] = NewHessianSGD(q, 1, -1)
	_, checks["frozen indefinite"] = NewFrozen(mat.NewSymDense(1, []float64{-1}), 1)
	_, checks["frozen B<0"] = NewFrozen(mat.NewSymDense(1, []float64{1}), -2)
	_, checks["gaussian indefinite"] = NewGaussian(mat.NewSymDense(2, []float64{1, 2, 2, 1}))
	_, checks["rescale 0"] = Rescale(&White{n: 1, d: 1}, 0)
	shifts, _ := landscape.RandomShifts(4, mat.NewSymDense(1, []float64{1}), 3, false)
	fs, _ := landscape.NewShiftedSum(q, shifts)
	_, checks["minibatch B=0"] = NewMinibatch(fs, 0, true)
	_, checks["minibatch B>m"] = NewMinibatch(fs, 5, false)
	for name, err := range checks {
		if !errors.Is(err, ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", name, err)
		}
	}
	if _, err := ScaleToTrace(&White{n: 1, d: 1}, []float64{0, 0}, 0.1, 1); !errors.Is(err, ErrDimension) {
		t.Errorf("ScaleToTrace dimension: %v", err)
	}
}

// TestSamplerSemidefinite: a rank-one covariance is sampled through its eigen-decomposition.
func TestSamplerSemidefinite(t *testing.T) {
	g, err := NewGaussian(mat.NewSymDense(2, []float64{1, 1, 1, 1}))
	if err != nil {
		t.Fatal(err)
	}
	checkKickCovariance(t, "rank-one", g, nil2(), 0.5, 50000)
	k := make([]float64, 2)
	g.Kick(k, nil2(), 0.5, rand.New(rand.NewPCG(3, 3)))
	if math.Abs(k[0]-k[1]) > 1e-12 {
		t.Errorf("rank-one draw %v not along (1,1)", k)
	}
}
