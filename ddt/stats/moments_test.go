package stats

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestStandardizeExact(t *testing.T) {
	z, err := Standardize([]float64{1, 2, 3})
	if err != nil || len(z) != 3 || z[0] != -1 || z[1] != 0 || z[2] != 1 {
		t.Errorf("Standardize(1, 2, 3) = %v (%v), want [−1 0 1] (sample SD 1)", z, err)
	}
	x := []float64{3, -7, 0.5, 12, 4, 4}
	z, err = Standardize(x)
	if err != nil {
		t.Fatal(err)
	}
	if m, s := stat.MeanStdDev(z, nil); math.Abs(m) > 1e-15 || math.Abs(s-1) > 1e-15 {
		t.Errorf("standardised mean %g, SD %g: want 0 and 1", m, s)
	}
	for name, bad := range map[string][]float64{"empty": nil, "one": {1}, "constant": {2, 2, 2}, "NaN": {1, math.NaN()}, "Inf": {1, math.Inf(1)}} {
		if _, err := Standardize(bad); !errors.Is(err, ErrInput) {
			t.Errorf("%s: %v, want ErrInput", name, err)
		}
	}
}

// TestScaleMixtureExKurtosisExact: equal σ give a Gaussian (0); σ = (1, 0) give ½N(0, 1) + ½δ₀ with
// E x⁴/(E x²)² = (3/2)/(1/4) = 6, excess 3; σ = (1, 2): mean σ⁴ = 8.5, mean σ² = 2.5, 3·8.5/6.25 − 3 = 1.08.
func TestScaleMixtureExKurtosisExact(t *testing.T) {
	for _, c := range []struct {
		sd   []float64
		want float64
	}{{[]float64{0.3, 0.3, 0.3}, 0}, {[]float64{1, 0}, 3}, {[]float64{1, 2}, 1.08}} {
		if got, err := ScaleMixtureExKurtosis(c.sd); err != nil || math.Abs(got-c.want) > 1e-14 {
			t.Errorf("σ = %v: %g (%v), want %g", c.sd, got, err, c.want)
		}
	}
	for name, bad := range map[string][]float64{"empty": nil, "zeros": {0, 0}, "negative": {1, -1}, "NaN": {math.NaN()}, "Inf": {math.Inf(1)}, "overflow": {1e100}} {
		if _, err := ScaleMixtureExKurtosis(bad); !errors.Is(err, ErrInput) {
			t.Errorf("%s: %v, want ErrInput", name, err)
		}
	}
}
