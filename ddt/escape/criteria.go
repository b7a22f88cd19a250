package escape

import (
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
)

// Criterion decides whether a trajectory has left its valley. Escaped is called after every step with the new
// θ; it must not modify θ or keep it, and must be safe for concurrent use.
type Criterion interface {
	Escaped(theta []float64) bool
}

// validator is implemented by criteria that can check their dimension before a run.
type validator interface {
	validate(dim int) error
}

// Hyperplane counts a trajectory as escaped once ⟨θ − Point, Normal⟩ ≥ Margin: it has crossed the plane through
// Point with normal Normal by at least Margin (measured in units of |Normal|). Through the saddle with the
// escape direction as normal it is the dividing surface of the Kramers problem; in 1-D it is a threshold.
type Hyperplane struct {
	Point, Normal []float64
	Margin        float64
}

// Escaped reports ⟨θ − Point, Normal⟩ ≥ Margin.
func (h Hyperplane) Escaped(theta []float64) bool {
	s := 0.0
	for i, p := range h.Point {
		s += (theta[i] - p) * h.Normal[i]
	}
	return s >= h.Margin
}

func (h Hyperplane) validate(dim int) error {
	if len(h.Point) != dim || len(h.Normal) != dim {
		return fmt.Errorf("%w: hyperplane point and normal have lengths %d and %d, landscape has dimension %d", ErrDimension, len(h.Point), len(h.Normal), dim)
	}
	nn := 0.0
	for _, v := range h.Normal {
		nn += v * v
	}
	if !(nn > 0) || math.IsInf(nn, 0) || math.IsNaN(h.Margin) {
		return fmt.Errorf("%w: hyperplane normal must be non-zero and finite and the margin a number", ErrInvalid)
	}
	return nil
}

// BeyondSaddle returns the dividing hyperplane of an exit: through the saddle b, normal to the escape direction
// e (oriented away from the minimum), crossed once ⟨θ − b, e⟩ ≥ margin.
func BeyondSaddle(ex landscape.Exit, margin float64) Hyperplane {
	return Hyperplane{Point: append([]float64(nil), ex.Saddle.X...), Normal: append([]float64(nil), ex.Direction...), Margin: margin}
}

// Threshold1D is the 1-D hyperplane x ≥ x0 (up = true) or x ≤ x0 (up = false).
func Threshold1D(x0 float64, up bool) Hyperplane {
	if up {
		return Hyperplane{Point: []float64{x0}, Normal: []float64{1}}
	}
	return Hyperplane{Point: []float64{x0}, Normal: []float64{-1}}
}

// NearPoint counts a trajectory as escaped once it is within Radius of Point (for example another minimum:
// "reached another valley").
type NearPoint struct {
	Point  []float64
	Radius float64
}

// Escaped reports ‖θ − Point‖ ≤ Radius.
func (c NearPoint) Escaped(theta []float64) bool {
	s := 0.0
	for i, p := range c.Point {
		d := theta[i] - p
		s += d * d
	}
	return s <= c.Radius*c.Radius
}

func (c NearPoint) validate(dim int) error {
	if len(c.Point) != dim {
		return fmt.Errorf("%w: target point has length %d, landscape has dimension %d", ErrDimension, len(c.Point), dim)
	}
	if !(c.Radius > 0) || math.IsInf(c.Radius, 0) {
		return fmt.Errorf("%w: radius must be positive and finite (got %g)", ErrInvalid, c.Radius)
	}
	return nil
}

// LossAbove counts a trajectory as escaped once L(θ) ≥ Threshold (for networks: L(θ*) + δ, THEORY.md §5).
type LossAbove struct {
	Landscape landscape.Landscape
	Threshold float64
}

// Escaped reports L(θ) ≥ Threshold.
func (c LossAbove) Escaped(theta []float64) bool { return c.Landscape.Loss(theta) >= c.Threshold }

func (c LossAbove) validate(dim int) error {
	if c.Landscape == nil || c.Landscape.Dim() != dim {
		return fmt.Errorf("%w: LossAbove needs a landscape of dimension %d", ErrDimension, dim)
	}
	if math.IsNaN(c.Threshold) {
		return fmt.Errorf("%w: loss threshold is NaN", ErrInvalid)
	}
	return nil
}

// Predicate is a user-supplied criterion.
type Predicate func(theta []float64) bool

// Escaped calls the predicate.
func (p Predicate) Escaped(theta []float64) bool { return p(theta) }

// AnyOf escapes when any of its criteria does (several exits: rates add, THEORY.md §3.3).
type AnyOf []Criterion

// Escaped reports whether any criterion is met.
func (a AnyOf) Escaped(theta []float64) bool {
	for _, c := range a {
		if c.Escaped(theta) {
			return true
		}
	}
	return false
}

func (a AnyOf) validate(dim int) error {
	if len(a) == 0 {
		return fmt.Errorf("%w: AnyOf needs at least one criterion", ErrInvalid)
	}
	for _, c := range a {
		if c == nil {
			return fmt.Errorf("%w: nil criterion in AnyOf", ErrInvalid)
		}
		if v, ok := c.(validator); ok {
			if err := v.validate(dim); err != nil {
				return err
			}
		}
	}
	return nil
}
