package theory

import (
	"errors"
	"math"
	"testing"
)

// TestDiscreteStationaryVariance: against the fixed point of the variance recursion v ← (1 − ηh)²v + 2ηD, iterated
// to convergence (no closed form used), within 1e-12 relative; the ηh → 0 limit is the SDE's D/h.
func TestDiscreteStationaryVariance(t *testing.T) {
	for _, c := range []struct{ d, h, eta float64 }{{0.01, 1, 0.02}, {0.01, 16, 0.02}, {0.3, 100, 0.015}, {1, 1.9, 1}} {
		got, err := DiscreteStationaryVariance(c.d, c.h, c.eta)
		if err != nil {
			t.Fatal(err)
		}
		a := (1 - c.eta*c.h) * (1 - c.eta*c.h)
		v := 0.0
		for i := 0; i < 200000; i++ {
			v = a*v + 2*c.eta*c.d
		}
		if math.Abs(got/v-1) > 1e-12 {
			t.Errorf("D = %g, h = %g, η = %g: %.15g, recursion %.15g", c.d, c.h, c.eta, got, v)
		}
	}
	if got, _ := DiscreteStationaryVariance(0.5, 4, 1e-9); math.Abs(got/(0.5/4)-1) > 1e-8 {
		t.Errorf("small η: %g, want the SDE's D/h = %g", got, 0.5/4)
	}
	for name, c := range map[string][3]float64{"D = 0": {0, 1, 0.1}, "h < 0": {1, -1, 0.1}, "η NaN": {1, 1, math.NaN()},
		"ηh = 2": {1, 20, 0.1}, "h = Inf": {1, math.Inf(1), 0.1}} {
		if v, err := DiscreteStationaryVariance(c[0], c[1], c[2]); !errors.Is(err, ErrParameter) {
			t.Errorf("%s: %v, %v; want ErrParameter", name, v, err)
		}
	}
}
