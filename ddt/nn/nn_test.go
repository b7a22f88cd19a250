package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// toyLandscape is a random data set with a random network on it.
func toyLandscape(t testing.TB, arch Arch, m int, l2 float64, seed uint64) (*Landscape, []float64) {
	t.Helper()
	net, err := NewMLP(arch)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	x := mat.NewDense(m, arch.Inputs, nil)
	y := make([]int, m)
	for j := 0; j < m; j++ {
		for i := 0; i < arch.Inputs; i++ {
			x.Set(j, i, rng.NormFloat64())
		}
		y[j] = rng.IntN(arch.Classes)
	}
	ls, err := NewLandscape(net, x, y, l2)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, net.NumParams())
	if err := net.Init(theta, rng); err != nil {
		t.Fatal(err)
	}
	for i := range theta { // nonzero biases too
		theta[i] += 0.1 * rng.NormFloat64()
	}
	return ls, theta
}

var testArchs = []Arch{
	{Inputs: 3, Classes: 4},
	{Inputs: 3, Hidden: []int{5}, Classes: 3, Activation: Tanh},
	{Inputs: 4, Hidden: []int{5, 4}, Classes: 3, Activation: Tanh},
	{Inputs: 4, Hidden: []int{6, 5}, Classes: 3, Activation: ReLU},
}

func relErr(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num = max(num, math.Abs(a[i]-b[i]))
		den = max(den, math.Abs(b[i]))
	}
	return num / max(den, 1e-300)
}

func TestGradMatchesFiniteDifferences(t *testing.T) {
	for ai, arch := range testArchs {
		ls, theta := toyLandscape(t, arch, 23, 0.01, uint64(ai))
		g := make([]float64, ls.Dim())
		ls.Grad(g, theta)
		want := fd.Gradient(nil, ls.Loss, theta, &fd.Settings{Formula: fd.Central})
		if e := relErr(g, want); e > 1e-6 {
			t.Errorf("arch %d: gradient rel. error %.3g", ai, e)
		}
		// Sample gradients average to the full gradient.
		avg := make([]float64, ls.Dim())
		sg := make([]float64, ls.Dim())
		for j := 0; j < ls.Samples(); j++ {
			ls.SampleGrad(sg, theta, j)
			axpy(1/float64(ls.Samples()), sg, avg)
		}
		if e := relErr(avg, g); e > 1e-12 {
			t.Errorf("arch %d: mean of sample gradients differs from Grad: %.3g", ai, e)
		}
	}
}

func TestHessianMatchesFiniteDifferences(t *testing.T) {
	for ai, arch := range testArchs {
		ls, theta := toyLandscape(t, arch, 150, 0.01, uint64(ai)+10)
		P := ls.Dim()
		h := mat.NewSymDense(P, nil)
		ls.Hessian(h, theta)
		jac := mat.NewDense(P, P, nil)
		fd.Jacobian(jac, func(dst, x []float64) { ls.Grad(dst, x) }, theta, &fd.JacobianSettings{Formula: fd.Central})
		var maxErr, scale float64
		for r := 0; r < P; r++ {
			for c := 0; c < P; c++ {
				maxErr = max(maxErr, math.Abs(h.At(r, c)-jac.At(r, c)))
				scale = max(scale, math.Abs(jac.At(r, c)))
			}
		}
		if maxErr > 1e-6*scale {
			t.Errorf("arch %d (P=%d): Hessian max error %.3g (scale %.3g)", ai, P, maxErr, scale)
		}
		// Hessian-vector products agree with the assembled Hessian to rounding.
		rng := rand.New(rand.NewPCG(5, uint64(ai)))
		v := make([]float64, P)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		hv := make([]float64, P)
		ls.HessVec(hv, theta, v)
		want := make([]float64, P)
		mat.NewVecDense(P, want).MulVec(h, mat.NewVecDense(P, v))
		if e := relErr(hv, want); e > 1e-11 {
			t.Errorf("arch %d: HessVec differs from Hessian·v: %.3g", ai, e)
		}
	}
}
