package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// TailIndex is a Hill estimate of the tail index α of |x|, P(|X| > x) ≈ C·x^{−α} for large x.
type TailIndex struct {
	// Alpha is Hill's estimate α̂ and SE its asymptotic standard error α̂/√K.
	Alpha, SE float64
	// K is the number of upper order statistics used, N the sample size.
	K, N int
	// Threshold is the (K+1)-th largest |x|: the estimate describes the sample above it.
	Threshold float64
}

// HillIndex is Hill's (1975) estimator of the tail index α from the k largest absolute values of x. With
// |x| sorted downwards, X₍₁₎ ≥ X₍₂₎ ≥ … ≥ X₍ₙ₎,
//
//	α̂ = 1/H,   H = (1/k) Σ_{i=1..k} ln(X₍ᵢ₎/X₍ₖ₊₁₎),   SE = α̂/√k.
//
// What it measures: H is the mean log-excess over the threshold u = X₍ₖ₊₁₎, so α̂ is the local power-law slope
// of the survival function −d ln P(|X| > x)/d ln x averaged over the top k/n of the sample. For an exact
// Pareto tail (P(|X| > x) = (x/x₀)^{−α} above u) the log-excesses are, given u, independent Exp(α): kH is
// Gamma(k, rate α), so E α̂ = α·k/(k−1) (bias α/(k−1)) and Var α̂ = α²k²/((k−1)²(k−2)), whence SE ≈ α/√k.
// For a regularly varying tail x^{−α}L(x) it is consistent as k → ∞, k/n → 0, with a bias set by the
// slowly varying L that grows with k. A light tail has no finite α, and α̂ says so only slowly: for Gaussian
// data α̂ tends to ScaleMixtureHillLimit({1}, k/n), which grows as k/n shrinks (≈ 2 ln(n/k); 4.7 at k/n = 0.1,
// 9.0 at 0.01). A pool of Gaussians with different variances (THEORY.md §2.4) has a finite variance yet, over
// the range where the scales mix, a small α̂, even below 2 (1.62 at k/n = 0.1 for standard deviations spread
// over 3 decades): α̂ < 2 on a sample is a statement about the spread of scales in its top k values, not a
// proof of an α-stable law with infinite variance.
//
// It needs 1 ≤ k < len(x), finite values, X₍ₖ₊₁₎ > 0 (ErrInput) and H > 0, i.e. not all top k+1 values equal
// (ErrDegenerate). Ratios are taken as differences of logs, so extreme magnitudes do not overflow.
func HillIndex(x []float64, k int) (TailIndex, error) {
	n := len(x)
	if n < 2 {
		return TailIndex{}, fmt.Errorf("%w: Hill's estimator needs at least 2 values (got %d)", ErrInput, n)
	}
	if k < 1 || k >= n {
		return TailIndex{}, fmt.Errorf("%w: Hill's estimator needs 1 ≤ k < n = %d (got k = %d)", ErrInput, n, k)
	}
	a := make([]float64, n)
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return TailIndex{}, fmt.Errorf("%w: Hill's estimator needs finite values (got %v at %d)", ErrInput, v, i)
		}
		a[i] = math.Abs(v)
	}
	slices.Sort(a)
	slices.Reverse(a)
	u := a[k]
	if !(u > 0) {
		return TailIndex{}, fmt.Errorf("%w: the threshold |x|₍ₖ₊₁₎ is 0 (fewer than k+1 = %d nonzero values)", ErrInput, k+1)
	}
	lu := math.Log(u)
	var h float64
	for _, v := range a[:k] {
		h += math.Log(v) - lu
	}
	h /= float64(k)
	if !(h > 0) {
		return TailIndex{}, fmt.Errorf("%w: the top k+1 = %d values of |x| are all equal (%v): no tail to fit", ErrDegenerate, k+1, u)
	}
	alpha := 1 / h
	return TailIndex{Alpha: alpha, SE: alpha / math.Sqrt(float64(k)), K: k, N: n, Threshold: u}, nil
}

// ScaleMixtureHillLimit is the value HillIndex tends to on a pooled sample from the equal-weight scale mixture
// (1/n)Σᵢ N(0, σᵢ²) (THEORY.md §2.4: the coordinates of a Gaussian noise vector with standard deviations sd put
// into one histogram) when the sample size → ∞ with k/n → frac. With S(x) = (1/n)Σᵢ erfc(x/(σᵢ√2)) the
// survival function of |X| and the threshold u given by S(u) = frac,
//
//	α_∞ = 1/E[ln(|X|/u) | |X| > u] = frac / ∫_u^∞ S(x)/x dx = frac / ((1/n)Σᵢ J(u/σᵢ)),
//	J(v) = ∫_v^∞ erfc(x/√2)/x dx
//
// (integration by parts), each J by Gauss–Legendre quadrature in ln x to about 1e−12 relative and u by
// bisection. With one σ (a single Gaussian, the reference for a standardised coordinate) it grows without bound
// as frac → 0, like u² + 3 + O(1/u²) ≈ 2 ln(1/frac) by Mills' ratio (4.72 at frac = 0.1, 9.00 at 0.01): a
// Gaussian has no power-law tail. Spread σᵢ lower it, below 2 when they span decades, although every piece is
// Gaussian and the variance is finite: the number HillIndex reports on pooled Gaussian coordinates.
//
// It needs finite σᵢ ≥ 0, not all 0, and 1e−300 ≤ frac < (share of σᵢ > 0) (ErrInput).
func ScaleMixtureHillLimit(sd []float64, frac float64) (float64, error) {
	if len(sd) == 0 {
		return 0, fmt.Errorf("%w: a scale mixture needs at least one standard deviation", ErrInput)
	}
	var smax float64
	var pos int
	for _, v := range sd {
		if !(v >= 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w: standard deviations must be finite and ≥ 0 (got %v)", ErrInput, v)
		}
		if v > 0 {
			pos++
		}
		smax = math.Max(smax, v)
	}
	share := float64(pos) / float64(len(sd))
	if !(frac >= 1e-300 && frac < share) {
		return 0, fmt.Errorf("%w: the tail fraction k/n must be in [1e-300, %v) (the share of nonzero σ; got %v)", ErrInput, share, frac)
	}
	surv := func(x float64) float64 {
		var s float64
		for _, v := range sd {
			if v > 0 {
				s += math.Erfc(x / (v * math.Sqrt2))
			}
		}
		return s / float64(len(sd))
	}
	// S(u) = frac: S ≤ erfc(x/(σ_max√2)), so u ≤ σ_max·z with erfc(z/√2) = frac; S decreases from share at 0.
	lo, hi := 0.0, -smax*distuv.UnitNormal.Quantile(frac/2)
	for range 200 {
		mid := 0.5 * (lo + hi)
		if mid == lo || mid == hi {
			break
		}
		if surv(mid) > frac {
			lo = mid
		} else {
			hi = mid
		}
	}
	u := 0.5 * (lo + hi)
	var s float64
	for _, v := range sd {
		if v > 0 {
			s += erfcOverX(u/v) / float64(len(sd))
		}
	}
	if !(u > 0) || !(s > 0) {
		return 0, fmt.Errorf("%w: the tail integral underflowed at frac = %v", ErrDegenerate, frac)
	}
	return frac / s, nil
}

// erfcOverX is J(v) = ∫_v^∞ erfc(x/√2)/x dx for v > 0. With x = v·eˢ it is ∫₀^∞ erfc(v·eˢ/√2) ds, a smooth
// integrand bounded by 1 even when v → 0; it is cut where erfc has fallen by about e^{−45} relative to its value
// at v (x² = v² + 90).
func erfcOverX(v float64) float64 {
	if math.Erfc(v/math.Sqrt2) == 0 {
		return 0
	}
	top := math.Log(math.Sqrt(v*v+90) / v)
	const pieces, order = 64, 20
	f := func(s float64) float64 { return math.Erfc(v * math.Exp(s) / math.Sqrt2) }
	var sum float64
	w := top / pieces
	for p := range pieces {
		lo := float64(p) * w
		sum += quad.Fixed(f, lo, lo+w, order, quad.Legendre{}, 0)
	}
	return sum
}
