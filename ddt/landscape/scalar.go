package landscape

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Scalar is a one-dimensional landscape that also exposes L, L′ and L″ as functions of a float64. It is what
// the 1-D theory (ddt/theory's function-valued Problem1D) and the escape package's scalar fast path consume:
//
//	p := theory.Problem1D{Grad: w.Deriv, ...}
//
// For a Scalar, Dim is 1 and Loss, Grad and Hessian agree with Value, Deriv and Deriv2.
type Scalar interface {
	Landscape
	// Value returns L(x).
	Value(x float64) float64
	// Deriv returns L′(x).
	Deriv(x float64) float64
	// Deriv2 returns L″(x).
	Deriv2(x float64) float64
}

// Errors returned for invalid parameters. They are wrapped with the offending value; test with errors.Is.
var (
	ErrParameter = errors.New("landscape: invalid parameter")
	ErrDimension = errors.New("landscape: dimension mismatch")
	ErrNotFound  = errors.New("landscape: critical point not found")
)

func paramErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrParameter, fmt.Sprintf(format, args...))
}

// Quartic is the symmetric double well L(x) = x⁴/4 − x²/2: minima at ±1 with L″ = 2, a barrier at 0 with
// L″ = −1 and ΔL = 1/4. It is the landscape of the peer workload W1.
type Quartic struct{}

// Dim returns 1.
func (Quartic) Dim() int { return 1 }

// Value returns x⁴/4 − x²/2.
func (Quartic) Value(x float64) float64 { x2 := x * x; return x2*x2/4 - x2/2 }

// Deriv returns x³ − x.
func (Quartic) Deriv(x float64) float64 { return x*x*x - x }

// Deriv2 returns 3x² − 1.
func (Quartic) Deriv2(x float64) float64 { return 3*x*x - 1 }

// Loss returns L(θ₀).
func (q Quartic) Loss(theta []float64) float64 { return q.Value(theta[0]) }

// Grad writes L′(θ₀) into dst[0].
func (q Quartic) Grad(dst, theta []float64) { dst[0] = q.Deriv(theta[0]) }

// Hessian writes L″(θ₀) into dst.
func (q Quartic) Hessian(dst *mat.SymDense, theta []float64) { dst.SetSym(0, 0, q.Deriv2(theta[0])) }

// Exit returns the exact exit of the left valley: a = −1, b = 0, e = +1, H_ae = 2, H_be = −1, ΔL = 1/4.
func (q Quartic) Exit() Exit { return exit1D(q, -1, 0) }

// exit1D builds the exact Exit of a 1-D scalar landscape from known minimum a and barrier b.
func exit1D(s Scalar, a, b float64) Exit {
	cp := func(x float64) CriticalPoint {
		h := s.Deriv2(x)
		idx := 0
		if h < 0 {
			idx = 1
		}
		return CriticalPoint{
			X: []float64{x}, Loss: s.Value(x), Hessian: mat.NewSymDense(1, []float64{h}),
			Eigenvalues: []float64{h}, Eigenvectors: mat.NewDense(1, 1, []float64{1}), Index: idx,
		}
	}
	e := 1.0
	if b < a {
		e = -1
	}
	ma, sb := cp(a), cp(b)
	return Exit{Minimum: ma, Saddle: sb, Direction: []float64{e}, Hae: ma.Eigenvalues[0], Hbe: sb.Eigenvalues[0],
		DeltaL: sb.Loss - ma.Loss}
}

// DoubleWellSpec sets a 1-D double well by the numbers the theory talks about. The three numbers H_a, |H_b|
// and ΔL are independent, which is what varying sharpness at a fixed barrier requires.
type DoubleWellSpec struct {
	// A is the position of the minimum a (L(a) = 0).
	A float64
	// Ha is L″(a) > 0; Hb is the magnitude |L″(b)| > 0 of the curvature at the barrier b > a; Barrier is
	// ΔL = L(b) − L(a) > 0.
	Ha, Hb, Barrier float64
	// Hc = L″(c) > 0 at the second minimum c > b; 0 means Ha.
	Hc float64
	// BarrierC = L(b) − L(c) > 0, the barrier seen from c; 0 means Barrier (both minima at L = 0).
	BarrierC float64
	// Width = b − a and WidthC = c − b. 0 means the natural width sqrt(12ΔL/(H_a+|H_b|)) (resp. with Hc,
	// BarrierC), for which L′ is a cubic on the segment. Other widths are allowed as long as L′ keeps its sign
	// on the segment (checked).
	Width, WidthC float64
}

// segment is one monotone piece between two critical points: with u = (x − x0)/w ∈ [0, 1],
// L′(x) = p1 u + p2 u² + p3 u³ + p4 u⁴ and L(x) = l0 + w ∫₀ᵘ L′.
type segment struct {
	x0, w, l0      float64
	p1, p2, p3, p4 float64
}

// newSegment builds the piece with L′ = sign·u(1−u)g(u), g(0) = w·h0, g(1) = w·h1, ∫L′dx = sign·drop.
func newSegment(x0, w, l0, h0, h1, drop, sign float64) (segment, error) {
	c := 30 * (drop/w - w*(h0+h1)/12)
	g0, g1, g2 := w*h0, w*(h1-h0)+c, -c
	// g must stay positive on [0, 1] so that L is monotone between the critical points.
	if g2 > 0 {
		if u := -g1 / (2 * g2); u > 0 && u < 1 {
			if g0+g1*u+g2*u*u <= 0 {
				return segment{}, paramErr("width %g too large for curvatures %g, %g and barrier %g: L′ changes sign", w, h0, h1, drop)
			}
		}
	}
	return segment{x0: x0, w: w, l0: l0,
		p1: sign * g0, p2: sign * (g1 - g0), p3: sign * (g2 - g1), p4: -sign * g2}, nil
}

func (s *segment) value(x float64) float64 {
	u := (x - s.x0) / s.w
	return s.l0 + s.w*u*u*(s.p1/2+u*(s.p2/3+u*(s.p3/4+u*s.p4/5)))
}

func (s *segment) deriv(x float64) float64 {
	u := (x - s.x0) / s.w
	return u * (s.p1 + u*(s.p2+u*(s.p3+u*s.p4)))
}

func (s *segment) deriv2(x float64) float64 {
	u := (x - s.x0) / s.w
	return (s.p1 + u*(2*s.p2+u*(3*s.p3+u*4*s.p4))) / s.w
}

// DoubleWell is a C² piecewise-polynomial double well: a quadratic wall left of a, a quintic from a up to the
// barrier b, a quintic down to the second minimum c and a quadratic wall right of c. L(a) = 0, L′(a) = L′(b) =
// L′(c) = 0, L″(a) = H_a, L″(b) = −|H_b|, L″(c) = H_c, L(b) = ΔL and L(c) = ΔL − ΔL_c hold exactly.
// L‴ jumps at a, b and c (the function is C², not C³).
type DoubleWell struct {
	spec    DoubleWellSpec
	a, b, c float64
	ab, bc  segment
}

// NewDoubleWell validates spec, fills its defaults and builds the well.
func NewDoubleWell(spec DoubleWellSpec) (*DoubleWell, error) {
	if !(spec.Ha > 0) || !(spec.Hb > 0) || !(spec.Barrier > 0) {
		return nil, paramErr("double well needs Ha > 0, Hb = |H_b| > 0 and Barrier > 0 (got %g, %g, %g)", spec.Ha, spec.Hb, spec.Barrier)
	}
	if spec.Hc == 0 {
		spec.Hc = spec.Ha
	}
	if spec.BarrierC == 0 {
		spec.BarrierC = spec.Barrier
	}
	if !(spec.Hc > 0) || !(spec.BarrierC > 0) || spec.Width < 0 || spec.WidthC < 0 {
		return nil, paramErr("double well needs Hc > 0, BarrierC > 0 and widths ≥ 0 (got %g, %g, %g, %g)", spec.Hc, spec.BarrierC, spec.Width, spec.WidthC)
	}
	for _, v := range []float64{spec.A, spec.Ha, spec.Hb, spec.Barrier, spec.Hc, spec.BarrierC, spec.Width, spec.WidthC} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, paramErr("double well parameters must be finite")
		}
	}
	if spec.Width == 0 {
		spec.Width = math.Sqrt(12 * spec.Barrier / (spec.Ha + spec.Hb))
	}
	if spec.WidthC == 0 {
		spec.WidthC = math.Sqrt(12 * spec.BarrierC / (spec.Hb + spec.Hc))
	}
	w := &DoubleWell{spec: spec, a: spec.A, b: spec.A + spec.Width, c: spec.A + spec.Width + spec.WidthC}
	var err error
	if w.ab, err = newSegment(w.a, spec.Width, 0, spec.Ha, spec.Hb, spec.Barrier, 1); err != nil {
		return nil, err
	}
	if w.bc, err = newSegment(w.b, spec.WidthC, spec.Barrier, spec.Hb, spec.Hc, spec.BarrierC, -1); err != nil {
		return nil, err
	}
	return w, nil
}

// Spec returns the specification with defaults filled in.
func (w *DoubleWell) Spec() DoubleWellSpec { return w.spec }

// Minimum returns a, Saddle the barrier top b and Other the second minimum c.
func (w *DoubleWell) Minimum() float64 { return w.a }

// Saddle returns the position b of the barrier top.
func (w *DoubleWell) Saddle() float64 { return w.b }

// Other returns the position c of the second minimum.
func (w *DoubleWell) Other() float64 { return w.c }

// Dim returns 1.
func (w *DoubleWell) Dim() int { return 1 }

// Value returns L(x).
func (w *DoubleWell) Value(x float64) float64 {
	switch {
	case x <= w.a:
		d := x - w.a
		return w.spec.Ha * d * d / 2
	case x <= w.b:
		return w.ab.value(x)
	case x <= w.c:
		return w.bc.value(x)
	default:
		d := x - w.c
		return w.spec.Barrier - w.spec.BarrierC + w.spec.Hc*d*d/2
	}
}

// Deriv returns L′(x).
func (w *DoubleWell) Deriv(x float64) float64 {
	switch {
	case x <= w.a:
		return w.spec.Ha * (x - w.a)
	case x <= w.b:
		return w.ab.deriv(x)
	case x <= w.c:
		return w.bc.deriv(x)
	default:
		return w.spec.Hc * (x - w.c)
	}
}

// Deriv2 returns L″(x).
func (w *DoubleWell) Deriv2(x float64) float64 {
	switch {
	case x <= w.a:
		return w.spec.Ha
	case x <= w.b:
		return w.ab.deriv2(x)
	case x <= w.c:
		return w.bc.deriv2(x)
	default:
		return w.spec.Hc
	}
}

// Loss returns L(θ₀).
func (w *DoubleWell) Loss(theta []float64) float64 { return w.Value(theta[0]) }

// Grad writes L′(θ₀) into dst[0].
func (w *DoubleWell) Grad(dst, theta []float64) { dst[0] = w.Deriv(theta[0]) }

// Hessian writes L″(θ₀) into dst.
func (w *DoubleWell) Hessian(dst *mat.SymDense, theta []float64) {
	dst.SetSym(0, 0, w.Deriv2(theta[0]))
}

// Exit returns the exact exit of valley a through b (no numerics): H_ae = H_a, H_be = −|H_b|, ΔL.
func (w *DoubleWell) Exit() Exit { return exit1D(w, w.a, w.b) }
