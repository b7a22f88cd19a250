package theory

import (
	"errors"
	"math"
	"testing"
)

// TestTwoStateShare checks the closed form against a fine RK4 integration of the master equation
// ṗ_c = γ_a(1 − p_c) − γ_c p_c from p_c(0) = 0 (relative error < 1e-9), its limits (t = 0: 0; t = ∞: τ_c/(τ_a + τ_c);
// τ_c = ∞: 1 − e^{−t/τ_a}) and its errors.
func TestTwoStateShare(t *testing.T) {
	for _, c := range []struct{ tauA, tauC, t float64 }{{17.86, 1234, 400}, {1715, 40, 400}, {3, 3, 0.5}, {50, 2, 1e4}} {
		ga, gc := 1/c.tauA, 1/c.tauC
		p, n := 0.0, 20000
		h := c.t / float64(n)
		f := func(p float64) float64 { return ga*(1-p) - gc*p }
		for range n {
			k1 := f(p)
			k2 := f(p + h/2*k1)
			k3 := f(p + h/2*k2)
			k4 := f(p + h*k3)
			p += h / 6 * (k1 + 2*k2 + 2*k3 + k4)
		}
		got, err := TwoStateShare(c.tauA, c.tauC, c.t)
		if err != nil || math.Abs(got/p-1) > 1e-9 {
			t.Errorf("τ_a = %g, τ_c = %g, t = %g: %.12g (%v), RK4 %.12g", c.tauA, c.tauC, c.t, got, err, p)
		}
		if eq, _ := TwoStateShare(c.tauA, c.tauC, math.Inf(1)); math.Abs(eq-c.tauC/(c.tauA+c.tauC)) > 1e-15 {
			t.Errorf("equilibrium %g, want τ_c/(τ_a + τ_c) = %g", eq, c.tauC/(c.tauA+c.tauC))
		}
		if z, _ := TwoStateShare(c.tauA, c.tauC, 0); z != 0 {
			t.Errorf("share at t = 0: %g", z)
		}
	}
	if got, err := TwoStateShare(10, math.Inf(1), 5); err != nil || math.Abs(got-(1-math.Exp(-0.5))) > 1e-15 {
		t.Errorf("one-way: %g (%v), want 1 − e^{−1/2}", got, err)
	}
	for _, c := range [][3]float64{{0, 1, 1}, {1, -1, 1}, {math.NaN(), 1, 1}, {1, 1, -1}, {1, 1, math.NaN()}, {math.Inf(1), math.Inf(1), 1}} {
		if _, err := TwoStateShare(c[0], c[1], c[2]); !errors.Is(err, ErrParameter) {
			t.Errorf("TwoStateShare(%v): %v, want ErrParameter", c, err)
		}
	}
}
