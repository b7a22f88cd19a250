package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// twoBlobs is a small 2-class data set: two Gaussian clouds that overlap a little.
func twoBlobs(m int, seed uint64) (*mat.Dense, []int) {
	rng := rand.New(rand.NewPCG(seed, 0))
	x := mat.NewDense(m, 2, nil)
	y := make([]int, m)
	for j := 0; j < m; j++ {
		y[j] = j % 2
		x.Set(j, 0, rng.NormFloat64()+2*float64(y[j])-1)
		x.Set(j, 1, rng.NormFloat64())
	}
	return x, y
}

// A network on a data set is a finite-sum landscape: train it to a minimum, then look at the curvature and
// at the gradient noise there.
func Example() {
	x, y := twoBlobs(200, 1)
	net, _ := nn.NewMLP(nn.Arch{Inputs: 2, Hidden: []int{4}, Classes: 2, Activation: nn.Tanh})
	ls, _ := nn.NewLandscape(net, x, y, 1e-2) // weight decay 1e-2
	min, err := nn.Train(ls, nil, nn.TrainSettings{Epochs: 10, Batch: 16, LearningRate: 0.1, GradTol: 1e-9, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("P = %d parameters, gradient below 1e-9: %v\n", ls.Dim(), min.GradMax <= 1e-9)

	// Exact Hessian and its top eigenvalue, two ways.
	h := mat.NewSymDense(ls.Dim(), nil)
	ls.Hessian(h, min.Theta)
	all, _ := nn.SymEigen(h)
	top, _ := ls.TopEigen(min.Theta, 1, nil)
	fmt.Printf("λ_max: EigenSym and Lanczos agree: %v\n", math.Abs(all.Values[0]-top.Values[0]) < 1e-9)

	// Gradient-noise covariance for B = 8: tr C against tr H / B.
	c := mat.NewSymDense(ls.Dim(), nil)
	if err := ls.NoiseCovariance(c, min.Theta, 8, nn.WithReplacement); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tr C > 0: %v, tr H/B > 0: %v\n", mat.Trace(c) > 0, mat.Trace(h)/8 > 0)
	// Output:
	// P = 22 parameters, gradient below 1e-9: true
	// λ_max: EigenSym and Lanczos agree: true
	// tr C > 0: true, tr H/B > 0: true
}

// The sharpness knob: L_k(φ) = L(√k·φ) keeps every loss value and multiplies every Hessian by k.
func ExampleNewScaled() {
	x, y := twoBlobs(50, 2)
	net, _ := nn.SoftmaxRegression(2, 2)
	ls, _ := nn.NewLandscape(net, x, y, 0)
	theta := []float64{0.5, -0.2, 0.1, -0.3, 0.4, 0}
	s, _ := nn.NewScaled(ls, 4)
	phi := s.ToScaled(theta)
	h, hk := mat.NewSymDense(6, nil), mat.NewSymDense(6, nil)
	ls.Hessian(h, theta)
	s.Hessian(hk, phi)
	fmt.Printf("same loss: %v\n", math.Abs(ls.Loss(theta)-s.Loss(phi)) < 1e-15)
	fmt.Printf("Hessian entry ratio: %.6f\n", hk.At(0, 0)/h.At(0, 0))
	// Output:
	// same loss: true
	// Hessian entry ratio: 4.000000
}

// NoiseFactor turns the per-sample gradient covariance into the minibatch-noise covariance.
func ExampleNoiseFactor() {
	with, _ := nn.NoiseFactor(100, 10, nn.WithReplacement)
	without, _ := nn.NoiseFactor(100, 10, nn.WithoutReplacement)
	fmt.Printf("with replacement 1/B = %.4f, without (1/B)(m−B)/(m−1) = %.4f\n", with, without)
	// Output:
	// with replacement 1/B = 0.1000, without (1/B)(m−B)/(m−1) = 0.0909
}
