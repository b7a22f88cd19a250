package experiment_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/experiment"
	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// Censored escape times: 10 escapes in 5 units of time at risk.
func ExampleCensoredRate() {
	r := experiment.CensoredRate(10, 5, 0.95)
	fmt.Printf("γ = %.2f, 95%% interval [%.3f, %.3f]\n", r.Value, r.Lo, r.Hi)
	// Output:
	// γ = 2.00, 95% interval [0.959, 3.678]
}

// −log γ against 1/k: SGD's exponential dependence on sharpness is a straight line.
func ExampleFitLine() {
	invK := []float64{1.25, 1, 0.8}
	negLogRate := []float64{6.6, 5.3, 4.2}
	escapes := []float64{4, 14, 30} // weights: Var[log γ̂] ≈ 1/escapes
	f, _ := experiment.FitLine(invK, negLogRate, escapes)
	fmt.Printf("slope %.2f, R² %.3f\n", f.Slope, f.R2)
	// Output:
	// slope 5.39, R² 1.000
}

// The escape experiment on a tiny network: train to a minimum, plan δ so about 30% of SGD runs escape, then
// measure the escape rate for two sharpness factors.
func ExampleEscape() {
	rng := rand.New(rand.NewPCG(1, 0))
	x := mat.NewDense(80, 2, nil)
	y := make([]int, 80)
	for j := range y {
		y[j] = j % 2
		x.Set(j, 0, rng.NormFloat64()+float64(2*y[j]-1))
		x.Set(j, 1, rng.NormFloat64())
	}
	net, _ := nn.NewMLP(nn.Arch{Inputs: 2, Hidden: []int{3}, Classes: 2, Activation: nn.Tanh})
	ls, _ := nn.NewLandscape(net, x, y, 1e-2)
	tm, err := nn.Train(ls, nil, nn.TrainSettings{GradTol: 1e-9, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	min, _ := experiment.NewMinimum(ls, tm.Theta)
	ctx := context.Background()
	cfg := experiment.Config{Dynamics: experiment.SGD, Batch: 4, Eta: 0.2, Steps: 500, Runs: 40, Seed: 1}
	plan, err := experiment.PlanDelta(ctx, min, cfg, 0.3)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.Delta = plan.Delta
	fmt.Printf("pilot fraction above δ: %.2f\n", plan.PilotFraction)
	sharp := cfg
	sharp.K = 2
	r1, _ := experiment.Escape(ctx, min, cfg)
	r2, _ := experiment.Escape(ctx, min, sharp)
	fmt.Printf("sharper minimum escapes faster: %v\n", r2.Rate.Value > r1.Rate.Value)
	// Output:
	// pilot fraction above δ: 0.30
	// sharper minimum escapes faster: true
}
