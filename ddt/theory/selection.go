package theory

import (
	"fmt"
	"math"
)

// LogOccupancyRatio returns log P(V_a)/P(V_c) = log τ_a − log τ_c: in quasi-equilibrium two valleys are occupied
// in proportion to their mean escape times (THEORY.md §3.3, minima selection). For SGD with equal barriers and
// equal saddle curvatures this is (2BΔL/η)(1/H_a − 1/H_c)·s; for white noise it is a ratio of square roots of
// Hessian determinants (polynomial in the sharpness).
func LogOccupancyRatio(a, c EscapeModel) (float64, error) {
	if a == nil || c == nil {
		return math.NaN(), fmt.Errorf("%w: nil model", ErrParameter)
	}
	la, err := a.LogTau()
	if err != nil {
		return math.NaN(), fmt.Errorf("valley a: %w", err)
	}
	lc, err := c.LogTau()
	if err != nil {
		return math.NaN(), fmt.Errorf("valley c: %w", err)
	}
	return la - lc, nil
}

// OccupancyFraction returns the quasi-equilibrium probability of valley a among the two, τ_a/(τ_a + τ_c),
// computed without overflow.
func OccupancyFraction(a, c EscapeModel) (float64, error) {
	l, err := LogOccupancyRatio(a, c)
	if err != nil {
		return math.NaN(), err
	}
	return 1 / (1 + math.Exp(-l)), nil
}
