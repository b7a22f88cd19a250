package experiment_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/experiment"
	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// The loss check cadence follows the stiffness k·η·λ_max of the minimum: ten checks per relaxation time of the
// sharpest direction, at most every 10 steps.
func ExampleDefaultCheckEvery() {
	lambdaMax := 0.2123 // Banknote 4→6→2 minimum of RESULTS.md
	for _, k := range []float64{0.5, 1, 2.8} {
		fmt.Printf("k = %.1f, η = 0.1: check every %d steps\n", k, experiment.DefaultCheckEvery(k*0.1*lambdaMax))
	}
	// Output:
	// k = 0.5, η = 0.1: check every 10 steps
	// k = 1.0, η = 0.1: check every 5 steps
	// k = 2.8, η = 0.1: check every 2 steps
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
	fmt.Printf("sharper minimum escapes faster: %v\n", r2.Rate.Rate > r1.Rate.Rate)
	// Output:
	// pilot fraction above δ: 0.30
	// sharper minimum escapes faster: true
}
