package landscape

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Separable is the sum of one-dimensional landscapes, one per coordinate:
//
//	L(θ) = Σᵢ Lᵢ(θᵢ),   ∇L = (L₁′(θ₁), …, Lₙ′(θₙ)),   H = diag(L₁″(θ₁), …, Lₙ″(θₙ)).
//
// Its Hessian is diagonal everywhere, so every coordinate is an independent exit direction: a valley of
// Separable{X, Y} built from two double wells has one exit along x and one along y, and the escape rates of
// the two exits add (THEORY.md §3, multiple exits). The 1-D theory (exact MFPT, Kramers) applies to each part
// alone when the noise is diagonal too.
type Separable struct {
	parts []Scalar
}

// NewSeparable returns the sum of the given 1-D landscapes, part i acting on coordinate i. It needs at least
// one part, and every part must be non-nil with Dim() = 1.
func NewSeparable(parts ...Scalar) (*Separable, error) {
	if len(parts) == 0 {
		return nil, paramErr("Separable needs at least one 1-D part")
	}
	for i, p := range parts {
		if p == nil {
			return nil, paramErr("Separable part %d is nil", i)
		}
		if d := p.Dim(); d != 1 {
			return nil, paramErr("Separable part %d has dimension %d, want 1", i, d)
		}
	}
	return &Separable{parts: append([]Scalar(nil), parts...)}, nil
}

// Dim returns the number of parts.
func (s *Separable) Dim() int { return len(s.parts) }

// Part returns the 1-D landscape acting on coordinate i (nil if i is out of range).
func (s *Separable) Part(i int) Scalar {
	if i < 0 || i >= len(s.parts) {
		return nil
	}
	return s.parts[i]
}

// Loss returns Σᵢ Lᵢ(θᵢ) (NaN if len(θ) ≠ Dim()).
func (s *Separable) Loss(theta []float64) float64 {
	if len(theta) != len(s.parts) {
		return math.NaN()
	}
	v := 0.0
	for i, p := range s.parts {
		v += p.Value(theta[i])
	}
	return v
}

// Grad writes Lᵢ′(θᵢ) into dst[i].
func (s *Separable) Grad(dst, theta []float64) {
	for i, p := range s.parts {
		dst[i] = p.Deriv(theta[i])
	}
}

// Hessian writes diag(Lᵢ″(θᵢ)) into dst (off-diagonal entries are set to zero).
func (s *Separable) Hessian(dst *mat.SymDense, theta []float64) {
	n := len(s.parts)
	for i, p := range s.parts {
		dst.SetSym(i, i, p.Deriv2(theta[i]))
		for j := i + 1; j < n; j++ {
			dst.SetSym(i, j, 0)
		}
	}
}

// Piecewise is implemented by 1-D landscapes built from pieces: Breaks lists, in increasing order, the points
// where a derivative of the landscape jumps (for DoubleWell, L‴ jumps at a, b and c). Quadratures of functions
// of L″ — such as the exact MFPT under Hessian-shaped noise — align their panels with these points.
type Piecewise interface {
	Breaks() []float64
}

// Breaks returns a, b and c, where L‴ of the piecewise-polynomial well jumps.
func (w *DoubleWell) Breaks() []float64 { return []float64{w.a, w.b, w.c} }

// Breaks returns the break points of the base landscape mapped to x = x_base/√k (none if the base landscape
// is not Piecewise).
func (s *ScaledScalar) Breaks() []float64 {
	p, ok := s.base.(Piecewise)
	if !ok {
		return nil
	}
	var out []float64
	for _, x := range p.Breaks() {
		out = append(out, x/s.r)
	}
	sort.Float64s(out)
	return out
}
