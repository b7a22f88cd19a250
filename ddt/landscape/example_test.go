package landscape_test

import (
	"fmt"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
)

// A double well with a sharp minimum (H_a = 8) and the same barrier as a flat one: the numbers hold exactly.
func ExampleNewDoubleWell() {
	w, err := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 8, Hb: 1, Barrier: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	ex := w.Exit()
	fmt.Printf("a = %.3f, b = %.3f, c = %.3f\n", w.Minimum(), w.Saddle(), w.Other())
	fmt.Printf("H_ae = %.4g, H_be = %.4g, ΔL = %.4g\n", ex.Hae, ex.Hbe, ex.DeltaL)
	// Output:
	// a = 0.000, b = 0.816, c = 1.633
	// H_ae = 8, H_be = -1, ΔL = 0.5
}

// Scaled multiplies every Hessian by k and keeps the barrier.
func ExampleScaled() {
	l, _ := landscape.Scaled(landscape.Quartic{}, 4)
	ex, err := landscape.FindExit(l, []float64{-0.4}, []float64{0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("a = %.3f, H_ae = %.3f, H_be = %.3f, ΔL = %.3f\n", ex.Minimum.X[0], ex.Hae, ex.Hbe, ex.DeltaL)
	// Output: a = -0.500, H_ae = 8.000, H_be = -4.000, ΔL = 0.250
}

// Critical points of a 2-D landscape: a sharp valley and a flat valley joined by a saddle.
func ExampleFindExit() {
	v, _ := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 6, Hb: 1, Barrier: 0.5, Hc: 1}, 6, 2, 1)
	ex, err := landscape.FindExit(v, []float64{-0.2, 0.1}, []float64{0.9, 0.1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("saddle at (%.3f, %.3f), e = (%.1f, %.1f), H_ae = %.2f, H_be = %.2f, ΔL = %.2f\n",
		ex.Saddle.X[0], ex.Saddle.X[1], ex.Direction[0], ex.Direction[1], ex.Hae, ex.Hbe, ex.DeltaL)
	fmt.Printf("eigenvalues at the minimum %.2f, at the saddle %.2f\n", ex.Minimum.Eigenvalues, ex.Saddle.Eigenvalues)
	// Output:
	// saddle at (0.926, 0.000), e = (1.0, 0.0), H_ae = 6.00, H_be = -1.00, ΔL = 0.50
	// eigenvalues at the minimum [6.00 6.00], at the saddle [-1.00 2.00]
}

// A finite-sum toy in the well-specified case: shifts with covariance H⁻¹ make the per-sample gradient
// covariance at the minimum equal to H.
func ExampleNewShiftedSum() {
	h := mat.NewSymDense(1, []float64{2})
	q, _ := landscape.NewQuadratic(h, nil, 0)
	shifts, _ := landscape.RandomShifts(1000, mat.NewSymDense(1, []float64{0.5}), 1, true)
	fs, _ := landscape.NewShiftedSum(q, shifts)
	g := []float64{0}
	c := 0.0
	for j := 0; j < fs.Samples(); j++ {
		fs.SampleGrad(g, []float64{0}, j)
		c += g[0] * g[0] / float64(fs.Samples())
	}
	fmt.Printf("per-sample gradient variance %.1f (H = 2)\n", c)
	// Output: per-sample gradient variance 2.0 (H = 2)
}
