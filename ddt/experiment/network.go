package experiment

import (
	"fmt"

	"github.com/densitydiffusion/toolkit/datasets"
	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// StandardSubset prepares a tabular data set for the escape experiments: when 0 < rows < d.Len() it keeps the
// stratified part of about rows rows that d.Split(rows/d.Len(), seed) returns as its second part (class
// proportions kept), then standardises every feature to mean 0 and variance 1 over the rows kept
// (datasets.FitStandardizer). rows = 0 (or ≥ d.Len()) keeps every row. Notebook 08 uses rows = 256, seed 7 on
// Banknote, so that the full-batch white-noise runs stay affordable.
func StandardSubset(d *datasets.Dataset, rows int, seed uint64) (*datasets.Dataset, error) {
	if d == nil {
		return nil, fmt.Errorf("%w: nil data set", ErrInvalid)
	}
	if rows < 0 {
		return nil, fmt.Errorf("%w: number of rows must be ≥ 0 (got %d)", ErrInvalid, rows)
	}
	if rows > 0 && rows < d.Len() {
		_, sub, err := d.Split(float64(rows)/float64(d.Len()), seed)
		if err != nil {
			return nil, fmt.Errorf("experiment: subset of %d rows: %w", rows, err)
		}
		d = sub
	}
	st, err := datasets.FitStandardizer(d)
	if err != nil {
		return nil, fmt.Errorf("experiment: standardising: %w", err)
	}
	return st.Transform(d)
}

// TrainMLP builds the tanh classifier d.Dim() → hidden… → d.NumClasses() (nn.NewMLP), puts it on d with L2
// weight decay (nn.NewLandscape: L(θ) = mean cross-entropy + (weightDecay/2)‖θ‖²) and trains it to a minimum with
// nn.Train from the initialisation that ts.Seed derives. It returns the landscape and the minimum; wrap them in
// NewMinimum for the escape experiments (that adds λ_max), or pass them to CompareNoiseHessian.
func TrainMLP(d *datasets.Dataset, hidden []int, weightDecay float64, ts nn.TrainSettings) (*nn.Landscape, *nn.Minimum, error) {
	if d == nil {
		return nil, nil, fmt.Errorf("%w: nil data set", ErrInvalid)
	}
	net, err := nn.NewMLP(nn.Arch{Inputs: d.Dim(), Hidden: hidden, Classes: d.NumClasses(), Activation: nn.Tanh})
	if err != nil {
		return nil, nil, err
	}
	ls, err := nn.NewLandscape(net, d.X, d.Y, weightDecay)
	if err != nil {
		return nil, nil, err
	}
	m, err := nn.Train(ls, nil, ts)
	if err != nil {
		return nil, nil, err
	}
	return ls, m, nil
}
