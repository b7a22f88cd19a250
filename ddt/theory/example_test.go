package theory_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// The exact mean first-passage time on the quartic double well L = x⁴/4 − x²/2 (minima ±1, saddle 0,
// ΔL = 1/4) against Kramers' formula, for white noise with ΔL/D = 20.
func ExampleMFPT1D() {
	const d = 0.25 / 20
	exact, err := theory.MFPT1D(theory.Problem1D{
		Grad:      func(x float64) float64 { return x*x*x - x },
		Diffusion: func(float64) float64 { return d },
		Left:      math.Inf(-1), // reflecting wall placed automatically
		Start:     -1,
		Absorb:    1, // the next minimum, well beyond the saddle
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	kramers, _ := theory.KramersTau1D(0.25, d, 2, -1)
	fmt.Printf("exact %.4g, Kramers %.4g, ratio %.3f\n", exact, kramers, kramers/exact)
	// Output: exact 2.199e+09, Kramers 2.156e+09, ratio 0.980
}

// The DDT escape time for SGD in both prefactor conventions, and its log form when τ overflows.
func ExampleSGD() {
	m := theory.SGD{B: 8, Eta: 0.1, DeltaL: 0.25, Hae: 2, Hbe: -1, S: 0.5}
	for _, pre := range []theory.Prefactor{theory.PrefactorIsothermal, theory.PrefactorIto} {
		m.Prefactor = pre
		tau, _ := m.Tau()
		fmt.Printf("%-21s τ = %.4g\n", pre, tau)
	}
	m.B = 4096
	_, err := m.Tau()
	logTau, _ := m.LogTau()
	fmt.Printf("B = 4096: %v; log τ = %.1f\n", errors.Is(err, theory.ErrOverflow), logTau)
	// Output:
	// isothermal 2π/|H_be|  τ = 6.715e+13
	// Itô 2π/H_ae           τ = 3.357e+13
	// B = 4096: true; log τ = 15361.1
}

// The path parameter s implied by D(θ) = (η/2B)(1 + θ²), which equals ηH/2B at the minimum and at the saddle.
func ExampleExactS() {
	const b, eta = 10.0, 0.1
	ps, err := theory.ExactS(theory.PathProblem{
		Grad:      func(x float64) float64 { return x*x*x - x },
		Diffusion: func(x float64) float64 { return eta / (2 * b) * (1 + x*x) },
		Minimum:   -1, Saddle: 0,
		B: b, Eta: eta, DeltaL: 0.25, Ha: 2, Hb: -1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("s = %.4f, exponent ∫L'/D = %.3f\n", ps.S, ps.Integral)
	// Output: s = 0.4548, exponent ∫L'/D = 38.629
}

// Choosing a batch size so that between 5% and 80% of runs escape within 10,000 iterations.
func ExampleFractionWindow() {
	m := theory.SGD{B: 1, Eta: 0.05, DeltaL: 0.02, Hae: 2, Hbe: -1, S: 0.5}
	lo, hi, err := theory.FractionWindow(m, theory.KnobBatch, 0.05, 0.8, 10000)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("B between %.1f and %.1f\n", lo*m.B, hi*m.B)
	// Output: B between 6.5 and 12.2
}

// Minima selection: SGD prefers the flat valley exponentially, white noise only polynomially.
func ExampleOccupancyFraction() {
	sharp := theory.SGD{B: 10, Eta: 0.1, DeltaL: 0.2, Hae: 8, Hbe: -1, S: 1}
	flat := sharp
	flat.Hae = 2
	f, _ := theory.OccupancyFraction(sharp, flat)
	ws := theory.NewWhite1D(0.2, 0.01, 0.1, 8, -1)
	wf := theory.NewWhite1D(0.2, 0.01, 0.1, 2, -1)
	g, _ := theory.OccupancyFraction(ws, wf)
	fmt.Printf("share of the sharp valley: SGD %.2e, white noise %.3f\n", f, g)
	// Output: share of the sharp valley: SGD 3.06e-07, white noise 0.333
}
