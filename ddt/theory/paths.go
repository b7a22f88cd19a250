package theory

import (
	"errors"
	"fmt"
	"math"
)

// PathProblem asks for the path parameter s implied by a diffusion D(θ) along a 1-D path from a minimum to a
// saddle (THEORY.md §4): s solves
//
//	∫_a^b L'(θ)/D(θ) dθ = (2BΔL/η) · ( s/H_a + (1 − s)/|H_b| ).
type PathProblem struct {
	// Grad is L'(θ); Diffusion is D(θ) > 0 on the path. Both required.
	Grad      func(theta float64) float64
	Diffusion func(theta float64) float64
	// Minimum is a, Saddle is b (either order).
	Minimum, Saddle float64
	// B is the batch size, Eta the learning rate, DeltaL = L(b) − L(a); all > 0.
	B, Eta, DeltaL float64
	// Ha > 0 and Hb < 0 are the curvatures at a and at b (Ha ≠ |Hb|, or s is undefined).
	Ha, Hb float64
	// Breaks lists kinks or jumps of L' or D (e.g. where a noise floor starts); optional, as in Problem1D.
	Breaks []float64
	// RelTol is the target relative accuracy of the integral (0: 1e-10).
	RelTol float64
}

// PathS is the result of ExactS.
type PathS struct {
	// S is the implied path parameter. The DDT formula assumes 0 < s < 1; S may fall outside.
	S float64
	// Integral is Φ(b) − Φ(a) = ∫_a^b L'/D, the exact exponent of the escape time.
	Integral float64
}

// ExactS computes ∫_a^b L'/D by adaptive Gauss–Legendre quadrature and solves for s. When D vanishes on the path
// (D ∝ |L”| at an inflection point, the "trap" of THEORY.md §3.2) the integral diverges and the error wraps
// ErrDivergent.
func ExactS(p PathProblem) (PathS, error) {
	if p.Grad == nil || p.Diffusion == nil {
		return PathS{}, fmt.Errorf("%w: Grad and Diffusion must be set", ErrDomain)
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"B", p.B}, {"η", p.Eta}, {"ΔL", p.DeltaL}, {"H_a", p.Ha}} {
		if err := positive(c.name, c.v); err != nil {
			return PathS{}, err
		}
	}
	if err := negative("H_b", p.Hb); err != nil {
		return PathS{}, err
	}
	if p.Ha == -p.Hb {
		return PathS{}, fmt.Errorf("%w: H_a = |H_b| = %v, the exponent does not depend on s", ErrParameter, p.Ha)
	}
	if math.IsNaN(p.Minimum) || math.IsNaN(p.Saddle) || math.IsInf(p.Minimum, 0) || math.IsInf(p.Saddle, 0) ||
		p.Minimum == p.Saddle {
		return PathS{}, fmt.Errorf("%w: need finite, distinct minimum and saddle, got %v and %v",
			ErrDomain, p.Minimum, p.Saddle)
	}
	integral, err := PhiIncrement(p.Grad, p.Diffusion, p.Minimum, p.Saddle, p.Breaks, p.RelTol)
	if err != nil {
		return PathS{}, err
	}
	c := 2 * p.B * p.DeltaL / p.Eta
	inva, invb := 1/p.Ha, 1/(-p.Hb)
	s := (integral/c - invb) / (inva - invb)
	return PathS{S: s, Integral: integral}, nil
}

// PhiIncrement returns Φ(b) − Φ(a) = ∫_a^b L'(θ)/D(θ) dθ by adaptive Gauss–Legendre panels, halved until the
// relative change is below relTol (0: 1e-10). breaks lists kinks of L' or D.
func PhiIncrement(grad, diff func(float64) float64, a, b float64, breaks []float64, relTol float64) (float64, error) {
	if grad == nil || diff == nil {
		return math.NaN(), fmt.Errorf("%w: Grad and Diffusion must be set", ErrDomain)
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return math.NaN(), fmt.Errorf("%w: end points %v, %v must be finite", ErrDomain, a, b)
	}
	if a == b {
		return 0, nil
	}
	sign := 1.0
	lo, hi := a, b
	if b < a {
		sign, lo, hi = -1, b, a
	}
	if relTol <= 0 {
		relTol = 1e-10
	}
	const maxPanels = 1 << 16
	f := &field{grad: grad, diff: diff}
	sum := func(br []float64) float64 {
		s := 0.0
		for i := 0; i+1 < len(br); i++ {
			s += f.phiInc(br[i], br[i+1])
		}
		return s
	}
	br, err := f.panels(breakPoints(lo, hi, breaks, false), 64, maxPanels)
	if err != nil {
		if errors.Is(err, ErrNotConverged) {
			return math.NaN(), fmt.Errorf("%w: ∫L'/D cannot be resolved on [%v, %v]; D(θ) may vanish inside the "+
				"path: %w", ErrDivergent, lo, hi, err)
		}
		return math.NaN(), err
	}
	prev := sum(br)
	for {
		if f.err != nil {
			return math.NaN(), f.err
		}
		if 2*(len(br)-1) > maxPanels {
			return math.NaN(), fmt.Errorf("%w: ∫L'/D on [%v, %v] does not converge (last value %.6g); D(θ) may "+
				"vanish inside the path", ErrDivergent, lo, hi, sign*prev)
		}
		br = halve(br)
		cur := sum(br)
		if f.err != nil {
			return math.NaN(), f.err
		}
		if math.Abs(cur-prev) <= relTol*math.Max(math.Abs(cur), 1e-300) {
			return sign * cur, nil
		}
		prev = cur
	}
}
