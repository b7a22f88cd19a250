package experiment_test

import (
	"context"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/experiment"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
)

// The exact side of notebook 05 (Runs: 0 skips the Monte Carlo): frozen noise has s = 1, floored Hessian noise
// an s outside the theorem's (0, 1), and the slope of ln τ in BΔL/(ηH_a) that each s predicts.
func ExampleSGDEscapeSweep() {
	s := experiment.SGDEscapeSweep{Well: landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05}, Eta: 0.02, Floor: 0.5,
		FrozenBatches: []float64{1, 2}, FlooredBatches: []float64{0.4, 0.7}}
	r, err := s.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Points {
		fmt.Printf("%-15s B = %.1f: s = %6.3f, exponent %.3f, exact τ %6.1f, Laplace (Itô) %6.1f\n",
			p.Model, p.B, p.S, p.Exponent, math.Exp(p.LogExact), math.Exp(p.LogLaplaceIto))
	}
	for _, m := range []experiment.SGDNoiseModel{experiment.FrozenNoise, experiment.FlooredHessianNoise} {
		pred, _ := r.PredictedSlope(m)
		fmt.Printf("%s: DDT slope of ln τ in BΔL/(ηH_a) %.2f\n", m, pred)
	}
	// Output:
	// frozen          B = 1.0: s =  1.000, exponent 2.500, exact τ   70.1, Laplace (Itô)   54.1
	// frozen          B = 2.0: s =  1.000, exponent 5.000, exact τ  764.1, Laplace (Itô)  659.4
	// floored Hessian B = 0.4: s = -1.182, exponent 3.182, exact τ   98.6, Laplace (Itô)   75.7
	// floored Hessian B = 0.7: s = -1.182, exponent 5.568, exact τ  985.8, Laplace (Itô)  822.8
	// frozen: DDT slope of ln τ in BΔL/(ηH_a) 2.00
	// floored Hessian: DDT slope of ln τ in BΔL/(ηH_a) 6.36
}
