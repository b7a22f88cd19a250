package theory

import (
	"fmt"
	"math"
)

// DiscreteStationaryVariance returns the stationary variance of the discrete update along one direction of
// curvature h > 0 with constant diffusion d > 0 and step η > 0 (THEORY.md §2, the simulator's time step):
//
//	θ ← (1 − ηh)·θ + sqrt(2ηD)·ε   ⇒   Var θ = 2ηD / (1 − (1 − ηh)²) = D / (h·(1 − ηh/2)),
//
// the SDE's D/h corrected by the factor 1/(1 − ηh/2), largest in the sharpest direction. The update is stable
// only for ηh < 2; otherwise the error wraps ErrParameter.
func DiscreteStationaryVariance(d, h, eta float64) (float64, error) {
	if err := positive("D", d); err != nil {
		return math.NaN(), err
	}
	if err := positive("curvature h", h); err != nil {
		return math.NaN(), err
	}
	if err := positive("η", eta); err != nil {
		return math.NaN(), err
	}
	if !(eta*h < 2) {
		return math.NaN(), fmt.Errorf("%w: η·h = %g, the discrete update is unstable (need η·h < 2)", ErrParameter, eta*h)
	}
	return d / h * (1 / (1 - eta*h/2)), nil
}
