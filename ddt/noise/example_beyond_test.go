package noise_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"gonum.org/v1/gonum/mat"
)

// Loss-scaled noise (Mori et al. 2022) with the Hessian frozen at the minimum: the noise grows with the loss.
func ExampleNewLossScaled() {
	w, _ := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05})
	m, err := noise.NewLossScaled(noise.LossScaledSpec{Landscape: w, B: 0.5, Offset: 0.01,
		Hessian: mat.NewSymDense(1, []float64{2})})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := mat.NewSymDense(1, nil)
	for _, x := range []float64{w.Minimum(), w.Saddle()} {
		m.Diffusion(d, []float64{x}, 0.02)
		fmt.Printf("L = %.2f: D = %.4f\n", w.Value(x), d.At(0, 0))
	}
	// Output:
	// L = 0.00: D = 0.0008
	// L = 0.05: D = 0.0048
}

// Student-t kicks with ν = 1.5: infinite variance, so Diffusion reports the D of the scale.
func ExampleNewHeavyTailed() {
	h, err := noise.NewHeavyTailed(mat.NewSymDense(1, []float64{0.01}), 1.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := mat.NewSymDense(1, nil)
	h.Diffusion(d, nil, 0.02)
	k := []float64{0}
	h.Kick(k, nil, 0.02, rand.New(rand.NewPCG(1, 0)))
	fmt.Printf("finite variance: %v, D (scale) = %g, first kick %.4f\n", h.FiniteVariance(), d.At(0, 0), k[0])
	_, err = noise.NewHeavyTailed(mat.NewSymDense(1, []float64{0.01}), 0)
	fmt.Println(err)
	// Output:
	// finite variance: false, D (scale) = 0.01, first kick -0.0232
	// noise: invalid parameter: degrees of freedom ν must be positive and finite (got 0)
}

// Where floored Hessian noise D = (η/2B)·max(|L″|, floor) has kinks on the quartic: |3x² − 1| = 0.5.
func ExampleFloorKinks() {
	k, err := noise.FloorKinks(landscape.Quartic{}, 0.5, -2, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.6f\n", k)
	// Output:
	// [-0.707107 -0.408248 0.408248 0.707107]
}
