package escape_test

import (
	"context"
	"fmt"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"gonum.org/v1/gonum/mat"
)

// An ensemble of GD runs with white noise leaving the left valley of the quartic, right-censored at 5,000 steps.
// The numbers are the same on any machine and for any number of workers.
func ExampleRun() {
	white, _ := noise.NewWhite(1, 0.05)
	q := landscape.Quartic{}
	res, err := escape.Run(context.Background(), escape.Config{
		Landscape: q, Noise: white, Eta: 0.01, Start: []float64{-1},
		Escape:       escape.BeyondSaddle(q.Exit(), 0.2), // crossed x = 0 by 0.2
		Steps:        5000,
		Trajectories: 2000,
		Seed:         1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Kramers: 1/τ = sqrt(H_a|H_b|)/2π · exp(−ΔL/D) = 0.0015.
	fmt.Printf("%d of %d escaped; time at risk %.0f; rate %.4f per unit time\n",
		res.Escaped(), res.Trajectories(), res.AtRiskTime(), res.Rate())
	// Output: 174 of 2000 escaped; time at risk 95989; rate 0.0018 per unit time
}

// Bad settings are errors, not panics: here the start point is already past the escape plane.
func ExampleRun_invalid() {
	white, _ := noise.NewWhite(1, 0.05)
	_, err := escape.Run(context.Background(), escape.Config{
		Landscape: landscape.Quartic{}, Noise: white, Eta: 0.01, Start: []float64{0.5},
		Escape: escape.Threshold1D(0, true), Steps: 100, Trajectories: 10,
	})
	fmt.Println(err)
	// Output: escape: invalid configuration: the start point [0.5] already meets the escape criterion: it is outside the valley
}

// Under Hessian-shaped SGD noise the stationary cloud at a minimum is isotropic, (η/2B)·I, however
// anisotropic the Hessian.
func ExampleStationary() {
	h := mat.NewSymDense(2, []float64{5, 0, 0, 0.5})
	q, _ := landscape.NewQuadratic(h, nil, 0)
	frozen, _ := noise.NewFrozen(h, 1)
	m, err := escape.Stationary(context.Background(), escape.SampleConfig{
		Landscape: q, Noise: frozen, Eta: 0.01, Start: []float64{0, 0},
		Burn: 2000, Steps: 20000, Every: 10, Trajectories: 8, Seed: 3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("variances %.4f and %.4f; η/2B = %.4f\n", m.Cov.At(0, 0), m.Cov.At(1, 1), 0.01/2)
	// Output: variances 0.0050 and 0.0050; η/2B = 0.0050
}
