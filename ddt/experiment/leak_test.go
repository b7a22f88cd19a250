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
	if e := r.DecayError(); math.Abs(e) > tol || e != r.Decay.Rate*r.Tau-1 {
		t.Errorf("decay rate·τ − 1 = %.4f, want within %g", e, tol)
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
	surv := r.ExactSurvival()
	for i, tt := range r.Decay.Times {
		if want := math.Exp(-tt / r.Tau); surv[i] != want {
			t.Fatalf("exact survival at t = %g: %g, want %g", tt, surv[i], want)
		}
	}
	if r.Decay.Survival[0] > 1+1e-12 || r.Decay.Times[len(r.Decay.Times)-1] < 2.9*r.Tau {
		t.Errorf("survival starts at %g and ends at t = %g; want ≤ 1 and ≈ 3τ = %g", r.Decay.Survival[0], r.Decay.Times[len(r.Decay.Times)-1], 3*r.Tau)
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
