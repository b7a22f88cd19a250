package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/densitydiffusion/toolkit/datasets"
	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// TwoMoonsNet is the small classifier of notebooks 01 and 02: a tanh MLP 2 → Hidden… → 2 with softmax
// cross-entropy and L2 weight decay (nn.NewLandscape: L(θ) = mean cross-entropy + (WeightDecay/2)‖θ‖²) on the
// generated two-moons set (datasets.TwoMoons, no download). The weight decay gives the data a true minimum, so
// the gradient-noise covariance C can be put next to the Hessian H there (claims C1, C2).
//
// Randomness: Seed seeds the data (datasets.TwoMoons(Samples, Noise, Seed)) and the initialisation θ₀
// (nn.MLP.Init with rand.NewPCG(Seed, 0)); the training's own stream is TrainSettings.Seed.
type TwoMoonsNet struct {
	// Samples is the number of two-moons points (≥ 2) and Noise their Gaussian jitter (≥ 0; the notebooks use 0.2).
	Samples int
	Noise   float64
	Seed    uint64
	// Hidden are the widths of the tanh hidden layers.
	Hidden      []int
	WeightDecay float64
}

func (t TwoMoonsNet) validate() error {
	if t.Samples < 2 {
		return fmt.Errorf("%w: two moons need at least 2 samples (got %d)", ErrInvalid, t.Samples)
	}
	if !(t.Noise >= 0) || math.IsInf(t.Noise, 0) {
		return fmt.Errorf("%w: two-moons noise must be finite and ≥ 0 (got %g)", ErrInvalid, t.Noise)
	}
	if !(t.WeightDecay >= 0) || math.IsInf(t.WeightDecay, 0) {
		return fmt.Errorf("%w: weight decay must be finite and ≥ 0 (got %g)", ErrInvalid, t.WeightDecay)
	}
	return nil
}

// Landscape builds the training loss of the network on the two moons.
func (t TwoMoonsNet) Landscape() (*nn.Landscape, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	d, err := datasets.TwoMoons(t.Samples, t.Noise, t.Seed)
	if err != nil {
		return nil, err
	}
	net, err := nn.NewMLP(nn.Arch{Inputs: 2, Hidden: t.Hidden, Classes: 2, Activation: nn.Tanh})
	if err != nil {
		return nil, err
	}
	return nn.NewLandscape(net, d.X, d.Y, t.WeightDecay)
}

// Initial returns the random initialisation θ₀ of ls's network drawn from rand.NewPCG(Seed, 0).
func (t TwoMoonsNet) Initial(ls *nn.Landscape) ([]float64, error) {
	if ls == nil {
		return nil, fmt.Errorf("%w: nil landscape", ErrInvalid)
	}
	theta0 := make([]float64, ls.Dim())
	if err := ls.Net().Init(theta0, rand.New(rand.NewPCG(t.Seed, 0))); err != nil {
		return nil, err
	}
	return theta0, nil
}

// Minimum trains ls from Initial with nn.Train (SGD epochs, then the polish to ‖∇L‖∞ ≤ ts.GradTol) and returns
// θ₀ (not modified) and the minimum.
func (t TwoMoonsNet) Minimum(ls *nn.Landscape, ts nn.TrainSettings) ([]float64, *nn.Minimum, error) {
	theta0, err := t.Initial(ls)
	if err != nil {
		return nil, nil, err
	}
	m, err := nn.Train(ls, append([]float64(nil), theta0...), ts)
	if err != nil {
		return nil, nil, err
	}
	return theta0, m, nil
}
