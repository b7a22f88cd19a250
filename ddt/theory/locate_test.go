package theory

import (
	"math"
	"testing"
)

// TestLocateKinks: on a smooth problem no point is added; a kink of D (D = max(|x|, 0.5) + 1 at x = ±0.5 on
// panels that do not contain them as end points) is pinned to 1e-6 (bisection stops once the panel's
// remaining quadrature error is below the tolerance, here at a width near 1e-8).
func TestLocateKinks(t *testing.T) {
	smooth := &field{grad: func(x float64) float64 { return x*x*x - x }, diff: func(float64) float64 { return 0.1 }}
	br, err := smooth.panels([]float64{-2, 1}, 64, 1<<15)
	if err != nil {
		t.Fatal(err)
	}
	if got := smooth.locateKinks(br); len(got) != len(br) {
		t.Errorf("smooth problem: %d break points became %d", len(br), len(got))
	}
	kinked := &field{grad: func(x float64) float64 { return x*x*x - x },
		diff: func(x float64) float64 { return math.Max(math.Abs(x), 0.5) + 1 }}
	pts := []float64{-2, -1.13, 0.07, 0.91, 2}
	got := kinked.locateKinks(pts)
	var extra []float64
	for _, x := range got {
		in := false
		for _, y := range pts {
			in = in || x == y
		}
		if !in {
			extra = append(extra, x)
		}
	}
	if len(extra) != 2 || math.Abs(extra[0]+0.5) > 1e-6 || math.Abs(extra[1]-0.5) > 1e-6 {
		t.Errorf("located %v, want [-0.5 0.5]", extra)
	}
}
