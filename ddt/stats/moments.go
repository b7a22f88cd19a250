package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Standardize returns (x_i − x̄)/s with x̄ the mean and s the sample standard deviation (n − 1 in the
// denominator, as gonum's stat.MeanStdDev): the form in which samples of different scales can share one
// normal QQ plot. It needs at least two finite values that are not all equal.
func Standardize(x []float64) ([]float64, error) {
	if len(x) < 2 {
		return nil, fmt.Errorf("%w: standardising needs at least 2 values (got %d)", ErrInput, len(x))
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: standardising needs finite values (got %v)", ErrInput, v)
		}
	}
	mu, s := stat.MeanStdDev(x, nil)
	if !(s > 0) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("%w: standardising needs values that are not all equal (standard deviation %v)", ErrInput, s)
	}
	out := make([]float64, len(x))
	for i := range x {
		out[i] = (x[i] - mu) / s
	}
	return out, nil
}

// ScaleMixtureExKurtosis is the excess kurtosis of the equal-weight scale mixture (1/n)Σᵢ N(0, σᵢ²): the law of
// one coordinate picked at random from a vector of independent Gaussian coordinates with standard deviations
// sd, i.e. of a pooled histogram of such coordinates (THEORY.md §2.4). With mean(·) over i,
//
//	E x⁴/(E x²)² − 3 = 3·mean(σ⁴)/mean(σ²)² − 3 ≥ 0,
//
// zero only when every σᵢ is equal: a pool of exactly Gaussian pieces looks heavy-tailed when their variances
// differ. The σᵢ must be finite and ≥ 0, not all 0.
func ScaleMixtureExKurtosis(sd []float64) (float64, error) {
	if len(sd) == 0 {
		return 0, fmt.Errorf("%w: a scale mixture needs at least one standard deviation", ErrInput)
	}
	n := float64(len(sd))
	var s2, s4 float64
	for _, v := range sd {
		if !(v >= 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w: standard deviations must be finite and ≥ 0 (got %v)", ErrInput, v)
		}
		s2 += v * v / n
		s4 += v * v * v * v / n
	}
	if !(s2 > 0) || math.IsInf(s4, 0) {
		return 0, fmt.Errorf("%w: the standard deviations are all 0 or too large to square", ErrInput)
	}
	return 3*s4/(s2*s2) - 3, nil
}
