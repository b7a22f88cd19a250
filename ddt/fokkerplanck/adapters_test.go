package fokkerplanck

import (
	"errors"
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// TestSGDNoise1DAgainstTheory runs the 1-D solver on landscape.DoubleWell under Hessian-shaped SGD noise
// (η/2B)max(|L″|, floor) through FromLandscape1D and checks it against ddt/theory: the Itô stationary density
// (theory.NewStationary1D) and the exact mean first-passage time (theory.MFPT1D).
func TestSGDNoise1DAgainstTheory(t *testing.T) {
	w, err := landscape.NewDoubleWell(landscape.DoubleWellSpec{A: 0, Ha: 4, Hb: 2, Barrier: 0.5, Hc: 1})
	if err != nil {
		t.Fatal(err)
	}
	const eta = 0.01
	m, err := noise.NewHessianSGD(w, 25*eta, 1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := FromLandscape1D(w, m, eta)
	if err != nil {
		t.Fatal(err)
	}
	a, b, cc := w.Minimum(), w.Saddle(), w.Other()
	lo, hi := a-1.5, cc+1.5
	// Kinks of D where |L″| crosses the floor, and the joints of the piecewise well: quadrature break points.
	breaks := []float64{a, b, cc}
	g := func(x float64) float64 { return math.Abs(w.Deriv2(x)) - 1 }
	for k := 0; k < 4000; k++ {
		x0 := lo + (hi-lo)*float64(k)/4000
		x1 := x0 + (hi-lo)/4000
		if g(x0)*g(x1) < 0 {
			for range 60 {
				if mid := (x0 + x1) / 2; g(x0)*g(mid) <= 0 {
					x1 = mid
				} else {
					x0 = mid
				}
			}
			breaks = append(breaks, (x0+x1)/2)
		}
	}

	// Stationary density, reflecting walls.
	s, err := NewSolver1D(Problem1D{Coefficients1D: c, Lo: lo, Hi: hi, Cells: 2000})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Stationary()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := theory.NewStationary1D(theory.StationaryProblem1D{Grad: c.Grad, Diffusion: c.Diffusion, Left: lo, Right: hi, Breaks: breaks})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, x := range s.X() {
		if want := ref.Density(x); want > 1e-6*p[argmax(p)] {
			worst = math.Max(worst, math.Abs(p[i]/want-1))
		}
	}
	t.Logf("SGD noise: stationary density vs theory.Stationary1D: max relative error %.3g (where P > 1e-6 max)", worst)
	if worst > 1e-4 {
		t.Errorf("stationary density off by %.3g relative", worst)
	}

	// Escape rate with the absorbing point at the other minimum c.
	se, err := NewSolver1D(Problem1D{Coefficients1D: c, Lo: lo, Hi: cc, Cells: 2000, Right: Absorbing})
	if err != nil {
		t.Fatal(err)
	}
	esc, err := se.EscapeRate()
	if err != nil {
		t.Fatal(err)
	}
	tau, err := theory.MFPT1D(theory.Problem1D{Grad: c.Grad, Diffusion: c.Diffusion, Left: lo, Start: a, Absorb: cc,
		Breaks: breaks})
	if err != nil {
		t.Fatal(err)
	}
	rel := esc.Rate*tau - 1
	t.Logf("SGD noise: λ0 = %.6g, 1/MFPT = %.6g, λ0·MFPT − 1 = %.2g, λ1/λ0 = %.3g", esc.Rate, 1/tau, rel, esc.NextRate/esc.Rate)
	if math.Abs(rel) > 0.02 {
		t.Errorf("λ0·MFPT − 1 = %.3g, want within 2%%", rel)
	}
}

func TestAdapterErrors(t *testing.T) {
	w, _ := landscape.NewDoubleWell(landscape.DoubleWellSpec{A: 0, Ha: 1, Hb: 1, Barrier: 1})
	m1, _ := noise.NewWhite(1, 0.1)
	m2, _ := noise.NewWhite(2, 0.1)
	if _, err := FromLandscape1D(w, m2, 0.1); !errors.Is(err, ErrBadCoefficients) {
		t.Errorf("dimension mismatch: %v", err)
	}
	if _, err := FromLandscape1D(w, m1, 0); !errors.Is(err, ErrBadCoefficients) {
		t.Errorf("η = 0: %v", err)
	}
	if _, err := FromLandscape2D(w, m1, 0.1); !errors.Is(err, ErrBadCoefficients) {
		t.Errorf("1-D landscape in FromLandscape2D: %v", err)
	}
	if _, err := FromLandscape1D(nil, m1, 0.1); !errors.Is(err, ErrBadCoefficients) {
		t.Errorf("nil landscape: %v", err)
	}
}
