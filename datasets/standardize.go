package datasets

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Standardizer holds per-feature affine maps x ↦ (x − Mean)/Scale fitted on
// a training part.
type Standardizer struct {
	Mean  []float64
	Scale []float64 // population standard deviation; 1 where it is 0 (a constant feature)
}

// FitStandardizer fits a Standardizer on d (the training part only: fitting
// on test rows leaks information).
func FitStandardizer(d *Dataset) (*Standardizer, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	n, c := d.X.Dims()
	s := &Standardizer{Mean: make([]float64, c), Scale: make([]float64, c)}
	col := make([]float64, n)
	for j := 0; j < c; j++ {
		mat.Col(col, j, d.X)
		m, sd := stat.PopMeanStdDev(col, nil)
		if !(sd > 0) {
			sd = 1
		}
		s.Mean[j], s.Scale[j] = m, sd
	}
	return s, nil
}

// Transform returns a standardised copy of d.
func (s *Standardizer) Transform(d *Dataset) (*Dataset, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	n, c := d.X.Dims()
	if c != len(s.Mean) {
		return nil, fmt.Errorf("%w: standardizer fitted on %d features, data set has %d", ErrInvalid, len(s.Mean), c)
	}
	x := mat.NewDense(n, c, nil)
	for i := 0; i < n; i++ {
		src, dst := d.X.RawRowView(i), x.RawRowView(i)
		for j := range dst {
			dst[j] = (src[j] - s.Mean[j]) / s.Scale[j]
		}
	}
	out := d.like()
	out.X, out.Y, out.NTrain = x, slices.Clone(d.Y), d.NTrain
	return out, nil
}

// Standardize fits a Standardizer on train and applies it to train and test.
func Standardize(train, test *Dataset) (trainS, testS *Dataset, s *Standardizer, err error) {
	if s, err = FitStandardizer(train); err != nil {
		return nil, nil, nil, err
	}
	if trainS, err = s.Transform(train); err != nil {
		return nil, nil, nil, err
	}
	if testS, err = s.Transform(test); err != nil {
		return nil, nil, nil, err
	}
	return trainS, testS, s, nil
}
