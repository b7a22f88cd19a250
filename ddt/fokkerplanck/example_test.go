package fokkerplanck_test

import (
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/fokkerplanck"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
)

// A double well L = θ⁴/4 − θ²/2 with white noise D = 0.04 (ΔL/D = 6.25), a reflecting wall at −2.5 and an
// absorbing point at the other minimum θ = 1: the escape rate two ways, from the spectrum and from the decay
// of the survival probability.
func Example() {
	c := fokkerplanck.Coefficients1D{
		Grad:      func(t float64) float64 { return t*t*t - t },
		Diffusion: fokkerplanck.ConstantDiffusion1D(0.04),
	}
	s, err := fokkerplanck.NewSolver1D(fokkerplanck.Problem1D{Coefficients1D: c, Lo: -2.5, Hi: 1, Cells: 1000, Right: fokkerplanck.Absorbing})
	if err != nil {
		fmt.Println(err)
		return
	}
	esc, err := s.EscapeRate()
	if err != nil {
		fmt.Println(err)
		return
	}
	p0, _ := s.Gaussian(-1, 0.1)
	dec, err := s.SurvivalDecay(p0, fokkerplanck.DecayOptions{Dt: 50, End: 10000})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("eigenvalue  λ0 = %.4g (λ1/λ0 ≈ %.0e)\n", esc.Rate, esc.NextRate/esc.Rate)
	fmt.Printf("decay fit   γ  = %.4g (raw slope %.4g before the backward-Euler correction)\n", dec.Rate, dec.Slope)
	// Output:
	// eigenvalue  λ0 = 0.0004036 (λ1/λ0 ≈ 2e+03)
	// decay fit   γ  = 0.0004036 (raw slope 0.0003995 before the backward-Euler correction)
}

// The Itô stationary density for a state-dependent D: P ∝ exp(−∫L'/D)/D. For L = θ²/2 and D = 0.1(1 + θ²)
// it is ∝ (1 + θ²)^(−6).
func ExampleSolver1D_Stationary() {
	c := fokkerplanck.Coefficients1D{
		Grad:      func(t float64) float64 { return t },
		Diffusion: func(t float64) float64 { return 0.1 * (1 + t*t) },
	}
	s, _ := fokkerplanck.NewSolver1D(fokkerplanck.Problem1D{Coefficients1D: c, Lo: -8.01, Hi: 8.01, Cells: 801})
	p, err := s.Stationary()
	if err != nil {
		fmt.Println(err)
		return
	}
	x := s.X()
	// Ratio of the density at θ = 1 and θ = 0 (cells 450 and 400): exact 2^(−6).
	fmt.Printf("P(%.0f)/P(%.0f) = %.6f, exact %.6f\n", x[450], x[400], p[450]/p[400], math.Pow(2, -6))
	// Output:
	// P(1)/P(0) = 0.015625, exact 0.015625
}

// Frames of a 2-D density for an animation: a Gaussian blob released on the sharp/flat landscape spreads in
// its valley and leaks over the saddle, under Hessian-shaped SGD noise (η/2B)[H]⁺ with a floor.
func ExampleSolver2D_Evolve() {
	v, _ := landscape.NewValleys2D(landscape.DoubleWellSpec{A: 0, Ha: 4, Hb: 2, Barrier: 0.2, Hc: 1}, 4, 2, 1)
	const eta = 0.01
	m, _ := noise.NewHessianSGD(v, 10*eta, 1)
	c, err := fokkerplanck.FromLandscape2D(v, m, eta)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := fokkerplanck.NewSolver2D(fokkerplanck.Problem2D{Coefficients2D: c,
		XLo: -1, XHi: 3, YLo: -1.6, YHi: 1.6, NX: 60, NY: 40})
	if err != nil {
		fmt.Println(err)
		return
	}
	p0, _ := s.Gaussian(0, 0.3, 0.1, 0.1)
	times := []float64{0, 1, 2, 5, 10, 20, 50}
	snap, err := s.Evolve(p0, times, fokkerplanck.BackwardEuler, 0.05)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, b, _ := v.Points()
	last := snap.Frames[len(snap.Frames)-1]
	beyond := s.RegionMass(last, func(x, _ float64) bool { return x > b[0] })
	fmt.Printf("%d frames on a %d×%d grid; mass %.12f; at t=%g, %.2f of it is beyond the saddle\n",
		snap.Len(), len(snap.X), len(snap.Y), s.Mass(last), snap.Times[len(snap.Times)-1], beyond)
	// Output:
	// 7 frames on a 60×40 grid; mass 1.000000000000; at t=50, 0.84 of it is beyond the saddle
}
