package fokkerplanck

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
)

func checkModel(l landscape.Landscape, m noise.Model, eta float64, dim int) error {
	if l == nil || m == nil {
		return fmt.Errorf("%w: nil landscape or noise model", ErrBadCoefficients)
	}
	if l.Dim() != dim || m.Dim() != dim {
		return fmt.Errorf("%w: landscape has dimension %d and noise %d, want %d", ErrBadCoefficients, l.Dim(), m.Dim(), dim)
	}
	if !(eta > 0) || !finite(eta) {
		return fmt.Errorf("%w: learning rate η = %g", ErrBadCoefficients, eta)
	}
	return nil
}

// FromLandscape1D returns the coefficients of the 1-D equation for landscape l (Dim 1) under noise model m
// at learning rate η: Grad = L', Loss = L, Diffusion = D(θ) from m.Diffusion(·, θ, η) (THEORY.md §2: time in
// units where one iteration is dt = η). The closures allocate their scratch per call, so they are safe for
// concurrent use.
func FromLandscape1D(l landscape.Landscape, m noise.Model, eta float64) (Coefficients1D, error) {
	if err := checkModel(l, m, eta, 1); err != nil {
		return Coefficients1D{}, err
	}
	return Coefficients1D{
		Grad: func(t float64) float64 {
			g := []float64{0}
			l.Grad(g, []float64{t})
			return g[0]
		},
		Diffusion: func(t float64) float64 {
			d := mat.NewSymDense(1, nil)
			m.Diffusion(d, []float64{t}, eta)
			return d.At(0, 0)
		},
		Loss: func(t float64) float64 { return l.Loss([]float64{t}) },
	}, nil
}

// FromLandscape2D is FromLandscape1D for a 2-D landscape: Grad = ∇L, Diffusion = the 2×2 matrix D(θ) of m
// at η (for noise.HessianSGD, (η/2B)[H(θ)]⁺ with its floor).
func FromLandscape2D(l landscape.Landscape, m noise.Model, eta float64) (Coefficients2D, error) {
	if err := checkModel(l, m, eta, 2); err != nil {
		return Coefficients2D{}, err
	}
	return Coefficients2D{
		Grad: func(x, y float64) (float64, float64) {
			g := []float64{0, 0}
			l.Grad(g, []float64{x, y})
			return g[0], g[1]
		},
		Diffusion: func(x, y float64) Matrix2 {
			d := mat.NewSymDense(2, nil)
			m.Diffusion(d, []float64{x, y}, eta)
			return Matrix2{XX: d.At(0, 0), XY: d.At(0, 1), YY: d.At(1, 1)}
		},
		Loss: func(x, y float64) float64 { return l.Loss([]float64{x, y}) },
	}, nil
}

// ConstantDiffusion1D returns θ ↦ d (white noise).
func ConstantDiffusion1D(d float64) func(float64) float64 { return func(float64) float64 { return d } }

// ConstantDiffusion2D returns (x, y) ↦ d (white noise: d = Matrix2{XX: D, YY: D}).
func ConstantDiffusion2D(d Matrix2) func(x, y float64) Matrix2 {
	return func(float64, float64) Matrix2 { return d }
}
