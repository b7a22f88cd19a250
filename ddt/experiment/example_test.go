package experiment_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/experiment"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
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

// The quickstart's experiment: a double well made k times sharper, escaped by SGD noise (which follows the
// curvature) and by white noise of fixed strength. SGD's −ln γ is a line in 1/k, white noise's a line of slope
// −1 in ln k.
func ExampleWellSweep() {
	s := experiment.WellSweep{Well: landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05},
		Ks: []float64{0.8, 1.25, 2, 3.2}, Eta: 0.02, Batch: 2, Runs: 200, Seed: 20210100}
	r, err := s.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	sgd, _ := r.SGDFit()
	white, _ := r.WhiteFit()
	verdict, _ := r.Verdict(0.15)
	in, n := r.ExactInside()
	fmt.Printf("SGD: slope in 1/k %.1f (DDT %.1f)\n", sgd.Slope, r.PredictedSGDSlope())
	fmt.Printf("white noise: slope in ln k %.1f (Kramers -1)\n", white.Slope)
	fmt.Printf("exact MFPT inside the 95%% interval at %d of %d points; %s\n", in, n, verdict)
	// Output:
	// SGD: slope in 1/k 4.9 (DDT 5.0)
	// white noise: slope in ln k -1.0 (Kramers -1)
	// exact MFPT inside the 95% interval at 7 of 8 points; reproduced
}
