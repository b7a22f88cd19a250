package landscape

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSeparableSumsParts checks L, ∇L and the diagonal Hessian of a Separable against its parts, and that the
// off-diagonal entries are cleared even when dst held other values.
func TestSeparableSumsParts(t *testing.T) {
	x := mustDW(t, DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.3})
	y := mustDW(t, DoubleWellSpec{Ha: 1, Hb: 2, Barrier: 0.1})
	s, err := NewSeparable(x, y, Quartic{})
	if err != nil {
		t.Fatal(err)
	}
	th := []float64{0.3, -0.2, 0.7}
	want := x.Value(0.3) + y.Value(-0.2) + Quartic{}.Value(0.7)
	if got := s.Loss(th); math.Abs(got-want) > 1e-15 {
		t.Errorf("Loss = %g, want %g", got, want)
	}
	g := make([]float64, 3)
	s.Grad(g, th)
	if g[0] != x.Deriv(0.3) || g[1] != y.Deriv(-0.2) || g[2] != (Quartic{}).Deriv(0.7) {
		t.Errorf("Grad = %v", g)
	}
	h := mat.NewSymDense(3, []float64{9, 9, 9, 9, 9, 9, 9, 9, 9})
	s.Hessian(h, th)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := 0.0
			if i == j {
				want = s.Part(i).Deriv2(th[i])
			}
			if h.At(i, j) != want {
				t.Errorf("H[%d,%d] = %g, want %g", i, j, h.At(i, j), want)
			}
		}
	}
	if !math.IsNaN(s.Loss([]float64{1})) {
		t.Errorf("Loss of a short θ should be NaN")
	}
	if s.Part(3) != nil || s.Part(-1) != nil {
		t.Errorf("Part out of range should be nil")
	}
}

func TestSeparableInvalid(t *testing.T) {
	if _, err := NewSeparable(); !errors.Is(err, ErrParameter) {
		t.Errorf("no parts: err = %v", err)
	}
	if _, err := NewSeparable(Quartic{}, nil); !errors.Is(err, ErrParameter) {
		t.Errorf("nil part: err = %v", err)
	}
}

// TestBreaks checks the break points of a double well and of its scaled version (L‴ jumps there).
func TestBreaks(t *testing.T) {
	w := mustDW(t, DoubleWellSpec{A: -0.5, Ha: 3, Hb: 1.5, Barrier: 0.4})
	b := w.Breaks()
	if len(b) != 3 || b[0] != w.Minimum() || b[1] != w.Saddle() || b[2] != w.Other() {
		t.Errorf("Breaks = %v", b)
	}
	sl, _ := Scaled(w, 4)
	sb := sl.(Piecewise).Breaks()
	for i := range b {
		if math.Abs(sb[i]-b[i]/2) > 1e-15 {
			t.Errorf("scaled Breaks = %v, want %v/2", sb, b)
		}
	}
	// L‴ jumps at a: one-sided third differences differ by more than rounding.
	const h = 1e-4
	a := w.Minimum()
	left := (w.Deriv2(a) - w.Deriv2(a-h)) / h
	right := (w.Deriv2(a+h) - w.Deriv2(a)) / h
	if math.Abs(left-right) < 1e-3 {
		t.Errorf("no jump of L‴ at a: %g vs %g", left, right)
	}
	if (*ScaledScalar).Breaks(&ScaledScalar{base: Quartic{}, k: 1, r: 1}) != nil {
		t.Errorf("Quartic has no breaks")
	}
}
