package noise_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"gonum.org/v1/gonum/mat"
)

// SGD noise on the quartic: at the barrier (L″ = −1) [H]⁺ takes the absolute value; near the inflection point
// the floor takes over.
func ExampleNewHessianSGD() {
	m, err := noise.NewHessianSGD(landscape.Quartic{}, 8, 0.25)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := mat.NewSymDense(1, nil)
	for _, x := range []float64{-1, 0, 0.55} {
		m.Diffusion(d, []float64{x}, 0.1)
		fmt.Printf("D(%5.2f) = %.5f\n", x, d.At(0, 0))
	}
	// Output:
	// D(-1.00) = 0.01250
	// D( 0.00) = 0.00625
	// D( 0.55) = 0.00156
}

// Two noise shapes at the same total strength: white noise rescaled to the trace of Hessian-shaped noise.
func ExampleScaleToTrace() {
	h := mat.NewSymDense(2, []float64{4, 0, 0, 1})
	frozen, _ := noise.NewFrozen(h, 10)
	white, _ := noise.NewWhite(2, 1)
	theta := []float64{0, 0}
	const eta = 0.1
	fair, err := noise.ScaleToTrace(white, theta, eta, noise.Trace(frozen, theta, eta))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tr D: frozen %.4f, rescaled white %.4f\n", noise.Trace(frozen, theta, eta), noise.Trace(fair, theta, eta))
	// Output: tr D: frozen 0.0250, rescaled white 0.0250
}

// True minibatch noise from a finite sum: the exact C of batches of 5 drawn without replacement.
func ExampleNewMinibatch() {
	shifts := [][]float64{{-1}, {0}, {1}, {2}, {-2}, {0.5}, {-0.5}, {0}, {0}, {0}}
	fs, _ := landscape.NewShiftedSum(landscape.Quartic{}, shifts)
	mb, err := noise.NewMinibatch(fs, 5, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := mat.NewSymDense(1, nil)
	noise.Covariance(mb, c, []float64{-1}, 0.01)
	k := []float64{0}
	mb.Kick(k, []float64{-1}, 0.01, rand.New(rand.NewPCG(1, 0)))
	fmt.Printf("C(−1) = %.4f; one kick %.4f\n", c.At(0, 0), k[0])
	// Output: C(−1) = 5.7381; one kick 0.0203
}
