package theory

import (
	"fmt"
	"math"
)

// TwoStateShare returns the fraction of runs in valley c at time t when every run starts in valley a and runs hop
// between the two valleys at the constant rates γ_a = 1/τ_a (a → c) and γ_c = 1/τ_c (c → a): the solution of the
// two-state master equation ṗ_c = γ_a(1 − p_c) − γ_c·p_c with p_c(0) = 0,
//
//	p_c(t) = π_c·(1 − e^{−(γ_a+γ_c)t}),   π_c = γ_a/(γ_a + γ_c) = τ_c/(τ_a + τ_c),
//
// (THEORY.md §3.3, minima selection; notebook 07). τ_a and τ_c are the mean escape times out of each valley (for
// example exact mean first-passage times, MFPT1D); the two-state picture holds when both are long against the
// relaxation time inside a valley. t = +Inf gives the equilibrium share π_c. It returns an error wrapping
// ErrParameter unless τ_a and τ_c are positive and t ≥ 0 (τ = +Inf is allowed: that valley is never left).
func TwoStateShare(tauA, tauC, t float64) (float64, error) {
	if !(tauA > 0) || !(tauC > 0) || math.IsInf(tauA, 1) && math.IsInf(tauC, 1) {
		return math.NaN(), fmt.Errorf("%w: two-state escape times τ_a = %g, τ_c = %g (need > 0, not both infinite)", ErrParameter, tauA, tauC)
	}
	if !(t >= 0) {
		return math.NaN(), fmt.Errorf("%w: two-state time t = %g (need ≥ 0)", ErrParameter, t)
	}
	ga, gc := 1/tauA, 1/tauC
	pi := ga / (ga + gc)
	return pi * (1 - math.Exp(-(ga+gc)*t)), nil
}
