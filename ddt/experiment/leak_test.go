package experiment

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// notebook03Leak is notebook 03's leak (ΔL/D = 5, absorbing halfway down the other side) with fewer frames.
func notebook03Leak() DensityLeak {
	return DensityLeak{D: 0.05, Absorb: 0.5, Start: -1.6, StartSD: 0.1, Times: []float64{0, 1, 10}}
}

// TestDensityLeakAgainstExactMFPT: τ against the closed-form Kramers time (Kramers/exact ≈ 0.9 at ΔL/D = 5);
// the slowest eigenvalue λ₀ and the rate read off S(t) against 1/τ of the exact MFPT (within 1 % at ΔL/D = 5,
// 1.5 % at ΔL/D = 4 on a coarser grid under -short: they differ by the start, the minimum against the
// quasi-stationary density, a difference that shrinks as the time scales separate, and by the grid); λ₁/λ₀ > 100
// (time-scale separation); the frames keep mass 1 until the density reaches the wall and then lose it;
// ExactSurvival is e^{−t/τ}.
func TestDensityLeakAgainstExactMFPT(t *testing.T) {
	s, tol := notebook03Leak(), 0.01
	if raceEnabled || testing.Short() {
		s.D, s.Cells, tol = 0.0625, 200, 0.015
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	kramers := 2 * math.Pi / math.Sqrt(2) * math.Exp(0.25/s.D)
	if q := kramers / r.Tau; !(q > 0.85 && q < 0.95) {
		t.Errorf("τ = %.5g, Kramers %.5g: ratio %.3f, want in (0.85, 1)", r.Tau, kramers, q)
	}
	t.Logf("τ = %.6g, λ₀τ = %.5f, decay rate·τ = %.5f, λ₁/λ₀ = %.0f", r.Tau, r.Escape.Rate*r.Tau, r.Decay.Rate*r.Tau, r.Escape.NextRate/r.Escape.Rate)
	if e := r.Escape.Rate*r.Tau - 1; math.Abs(e) > tol {
		t.Errorf("λ₀·τ − 1 = %.4f, want within %g", e, tol)
	}
	if e := r.DecayError(); math.Abs(e) > tol || math.Abs(r.Decay.Rate-r.Escape.Rate) > 1e-6*r.Escape.Rate {
		t.Errorf("decay rate·τ − 1 = %.4f, want within %g; late slope of ln S %.8g against λ₀ %.8g, want within 1e-6",
			e, tol, r.Decay.Rate, r.Escape.Rate)
	}
	if g := r.Escape.NextRate / r.Escape.Rate; !(g > 100) {
		t.Errorf("λ₁/λ₀ = %.3g, want ≫ 1 at ΔL/D = 5", g)
	}
	h := r.Frames.X[1] - r.Frames.X[0]
	var mass []float64
	for _, f := range r.Frames.Frames {
		m := 0.0
		for _, p := range f {
			m += p * h
		}
		mass = append(mass, m)
	}
	if len(mass) != 3 || math.Abs(mass[0]-1) > 1e-9 || math.Abs(mass[1]-1) > 1e-6 || !(mass[2] <= mass[1]) {
		t.Errorf("masses of the frames %v: want 1, 1, then not more", mass)
	}
	// e^{−t/τ} against the Fokker–Planck survival: they differ by the prefactor of the slow mode and by
	// (λ₀ − 1/τ)·t, both within tol, so ln S_FP − ln S_exact stays within 3·tol up to t = 3τ.
	surv := r.ExactSurvival()
	for i, tt := range r.Decay.Times {
		if d := math.Log(r.Decay.Survival[i]) - math.Log(surv[i]); !(math.Abs(d) <= 3*tol) {
			t.Fatalf("t = %g: exact survival %g, Fokker–Planck %g: log difference %.4f, want within %g",
				tt, surv[i], r.Decay.Survival[i], d, 3*tol)
		}
	}
	if r.Decay.Survival[0] > 1+1e-12 || r.Decay.Times[len(r.Decay.Times)-1] < 2.9*r.Tau {
		t.Errorf("survival starts at %g and ends at t = %g; want ≤ 1 and ≈ 3τ = %g", r.Decay.Survival[0], r.Decay.Times[len(r.Decay.Times)-1], 3*r.Tau)
	}
}

// TestDensityLeakWallNearMinimum: with the reflecting wall at Lo = −1.1, a tenth from the minimum, τ is the MFPT
// reflecting at Lo, checked against a trapezoid quadrature of τ = ∫_{−1}^{c} dy e^{L(y)/D}/D ∫_{Lo}^{y} e^{−L(z)/D} dz
// written here (relative 1e-4), and λ₀·τ − 1 is within 1 % (with the wall at −∞ in τ it was 0.265: the
// wall cuts a fifth off τ).
func TestDensityLeakWallNearMinimum(t *testing.T) {
	s := notebook03Leak()
	s.Lo, s.Start, s.StartSD = -1.1, -1.05, 0.02
	if raceEnabled || testing.Short() {
		s.Cells = 300
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	L := func(x float64) float64 { return x*x*x*x/4 - x*x/2 }
	const n = 200000
	h := (s.Absorb - s.Lo) / n
	// inner = ∫_{Lo}^{y} e^{−L/D}; tau sums the outer integrand over the panels [y − h, y] right of −1 (−1 is a
	// grid point: (−1 − Lo)/h = 12500).
	inner, tau, prev := 0.0, 0.0, 0.0
	for i := 1; i <= n; i++ {
		y := s.Lo + float64(i)*h
		inner += h / 2 * (math.Exp(-L(y-h)/s.D) + math.Exp(-L(y)/s.D))
		outer := math.Exp(L(y)/s.D) / s.D * inner
		if y-h >= -1-1e-9 {
			tau += h / 2 * (prev + outer)
		}
		prev = outer
	}
	if math.Abs(r.Tau/tau-1) > 1e-4 {
		t.Errorf("τ = %.6g, quadrature %.6g: want within 1e-4", r.Tau, tau)
	}
	t.Logf("Lo = %g: τ = %.6g (quadrature %.6g), λ₀τ − 1 = %.5f, decay rate·τ − 1 = %.5f", s.Lo, r.Tau, tau, r.Escape.Rate*r.Tau-1, r.DecayError())
	if e := r.Escape.Rate*r.Tau - 1; !(math.Abs(e) < 0.01) {
		t.Errorf("λ₀·τ − 1 = %.4f, want within 0.01", e)
	}
	if e := r.DecayError(); !(math.Abs(e) < 0.01) {
		t.Errorf("decay rate·τ − 1 = %.4f, want within 0.01", e)
	}
}

func TestDensityLeakBadInput(t *testing.T) {
	for name, edit := range map[string]func(*DensityLeak){
		"D = 0":             func(s *DensityLeak) { s.D = 0 },
		"D = NaN":           func(s *DensityLeak) { s.D = math.NaN() },
		"wall left of a":    func(s *DensityLeak) { s.Absorb = -1.5 },
		"reflecting at -.5": func(s *DensityLeak) { s.Lo = -0.5 },
		"start outside":     func(s *DensityLeak) { s.Start = 0.7 },
		"width 0":           func(s *DensityLeak) { s.StartSD = 0 },
		"no times":          func(s *DensityLeak) { s.Times = nil },
		"times descending":  func(s *DensityLeak) { s.Times = []float64{10, 1} },
		"2 cells":           func(s *DensityLeak) { s.Cells = 2 },
		"dt < 0":            func(s *DensityLeak) { s.DecayDt = -1 },
	} {
		s := notebook03Leak()
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := notebook03Leak().Run(ctx); err == nil {
		t.Errorf("cancelled context: no error")
	}
}

// ExampleDensityLeak reads the escape rate off a leaking density three ways (no random numbers) at ΔL/D = 4.
func ExampleDensityLeak() {
	leak := DensityLeak{D: 0.0625, Absorb: 0.5, Cells: 200, Start: -1.6, StartSD: 0.1, Times: []float64{0, 10}}
	r, err := leak.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("1/τ %.4g, λ₀ %.4g, late slope of ln S %.4g\n", 1/r.Tau, r.Escape.Rate, r.Decay.Rate)
	// Output:
	// 1/τ 0.003792, λ₀ 0.003833, late slope of ln S 0.003833
}
