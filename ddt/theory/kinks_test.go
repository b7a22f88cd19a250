package theory_test

import (
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/theory"
	"gonum.org/v1/gonum/mat"
)

// trapezoidMFPT is the Itô MFPT τ(x0) = ∫_{x0}^{c} e^{Φ(y)} ∫_{left}^{y} e^{−Φ(z)}/D(z) dz dy, Φ' = L'/D, by the
// trapezoid rule on n cells of [left, c] (x0 must be a grid point): an independent second-order reference.
func trapezoidMFPT(grad, d func(float64) float64, left, x0, c float64, n int) float64 {
	h := (c - left) / float64(n)
	x := func(i int) float64 { return left + h*float64(i) }
	phi := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		phi[i] = phi[i-1] + h/2*(grad(x(i-1))/d(x(i-1))+grad(x(i))/d(x(i)))
	}
	// Shift Φ by its minimum m: τ = ∫ e^{Φ(y)−m} ∫ e^{−(Φ(z)−m)}/D dz dy keeps every exponential finite.
	m := math.Inf(1)
	for _, v := range phi {
		m = math.Min(m, v)
	}
	i0 := int(math.Round((x0 - left) / h))
	inner := make([]float64, n+1)
	f := func(i int) float64 { return math.Exp(-(phi[i] - m)) / d(x(i)) }
	for i := 1; i <= n; i++ {
		inner[i] = inner[i-1] + h/2*(f(i-1)+f(i))
	}
	tau := 0.0
	for i := i0 + 1; i <= n; i++ {
		tau += h / 2 * (math.Exp(phi[i-1]-m)*inner[i-1] + math.Exp(phi[i]-m)*inner[i])
	}
	return tau
}

// TestMFPTFlooredHessianNoiseKinks: under floored Hessian noise D = (η/2B)max(|L″|, floor) on a double well, D
// has kinks where |L″| crosses the floor (and where L‴ jumps). With the break points of noise.FloorKinks, and
// also without any break points (MFPT1D then locates the kinks itself), MFPT1D converges and matches a fine
// trapezoid double integral to 1e-6 relative; NewStationary1D gives the same density with and without breaks.
func TestMFPTFlooredHessianNoiseKinks(t *testing.T) {
	w, err := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.01, Hc: 1, BarrierC: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	const eta, b, floor = 0.01, 10.0, 1.0
	hess, err := noise.NewHessianSGD(w, b, floor)
	if err != nil {
		t.Fatal(err)
	}
	dm := mat.NewSymDense(1, nil)
	d := func(x float64) float64 { hess.Diffusion(dm, []float64{x}, eta); return dm.At(0, 0) }
	a, c := w.Minimum(), w.Other()
	left := a - 1
	br, err := hess.Kinks(left, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(br) < 4 {
		t.Fatalf("expected floor crossings besides a, b, c; got %v", br)
	}
	p := theory.Problem1D{Grad: w.Deriv, Diffusion: d, Left: left, Start: a, Absorb: c, Breaks: br}
	r, err := theory.SolveMFPT1D(p)
	if err != nil {
		t.Fatalf("MFPT1D with FloorKinks breaks: %v", err)
	}
	ref := trapezoidMFPT(w.Deriv, d, left, a, c, 1<<20)
	t.Logf("τ = %.10g (%d panels, breaks %v), trapezoid %.10g, ΔL/D_a = %.3g", r.Tau, r.Panels, br, ref, 0.01/d(a))
	if rel := math.Abs(r.Tau-ref) / ref; rel > 1e-6 {
		t.Errorf("MFPT1D = %.10g, trapezoid reference %.10g: relative error %.2g > 1e-6", r.Tau, ref, rel)
	}
	// Without the break points MFPT1D locates the kinks itself and gives the same τ.
	p.Breaks = nil
	r0, err := theory.SolveMFPT1D(p)
	if err != nil {
		t.Fatalf("MFPT1D without breaks: %v", err)
	}
	t.Logf("without breaks: τ = %.10g (%d panels)", r0.Tau, r0.Panels)
	if rel := math.Abs(r0.Tau-ref) / ref; rel > 1e-6 {
		t.Errorf("without breaks MFPT1D = %.10g, trapezoid reference %.10g: relative error %.2g", r0.Tau, ref, rel)
	}
	// The stationary density of the same noise on [a − 1, c + 1], with and without break points, and the exact
	// path parameter s.
	st := theory.StationaryProblem1D{Grad: w.Deriv, Diffusion: d, Left: left, Right: c + 1}
	s0, err := theory.NewStationary1D(st)
	if err != nil {
		t.Fatalf("NewStationary1D without breaks: %v", err)
	}
	st.Breaks, _ = hess.Kinks(left, c+1)
	s1, err := theory.NewStationary1D(st)
	if err != nil {
		t.Fatalf("NewStationary1D with breaks: %v", err)
	}
	for _, x := range []float64{a, 0.05, w.Saddle(), c} {
		if d0, d1 := s0.Density(x), s1.Density(x); math.Abs(d0-d1) > 1e-7*d1 {
			t.Errorf("stationary density at %g: %.10g without breaks, %.10g with", x, d0, d1)
		}
	}
}

// TestMFPTLocatesJump: a D(θ) with a jump (white noise whose strength doubles at θ = −0.3) needs no Breaks: the
// MFPT matches the one computed with the jump given to 1e-8.
func TestMFPTLocatesJump(t *testing.T) {
	grad := func(x float64) float64 { return x*x*x - x } // quartic double well, minima ±1, barrier at 0
	d := func(x float64) float64 {
		if x < -0.3 {
			return 0.05
		}
		return 0.1
	}
	p := theory.Problem1D{Grad: grad, Diffusion: d, Left: -2.5, Start: -1, Absorb: 1}
	r0, err := theory.SolveMFPT1D(p)
	if err != nil {
		t.Fatalf("without breaks: %v", err)
	}
	p.Breaks = []float64{-0.3}
	r1, err := theory.SolveMFPT1D(p)
	if err != nil {
		t.Fatalf("with breaks: %v", err)
	}
	if rel := math.Abs(r0.Tau-r1.Tau) / r1.Tau; rel > 1e-8 {
		t.Errorf("τ without breaks %.12g, with %.12g (relative difference %.2g)", r0.Tau, r1.Tau, rel)
	}
	t.Logf("τ = %.12g without breaks (%d panels), %.12g with (%d panels)", r0.Tau, r0.Panels, r1.Tau, r1.Panels)
}
