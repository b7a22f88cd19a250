package fokkerplanck

import (
	"fmt"
	"math"
)

// Quadratic2D returns the coefficients of the quadratic valley L(θ) = ½θᵀHθ (minimum at 0) under a constant
// diffusion matrix D: the equation of the Ornstein–Uhlenbeck process dθ = −Hθ dt + sqrt(2D) dW. Its stationary
// density is the Gaussian N(0, Σ) with HΣ + ΣH = 2D (StationaryCovariance2D): Σ = D₀H⁻¹ for white noise
// D = D₀·I and Σ = (η/2B)·I for SGD noise frozen at the minimum, D = (η/2B)H (THEORY.md §2, notebook 03).
// H must be positive definite and D positive semidefinite with a positive diagonal.
func Quadratic2D(h, d Matrix2) (Coefficients2D, error) {
	if err := checkPositiveDefinite(h, "H"); err != nil {
		return Coefficients2D{}, err
	}
	if err := checkMatrix(d, 0, 0); err != nil {
		return Coefficients2D{}, err
	}
	return Coefficients2D{
		Grad:      func(x, y float64) (float64, float64) { return h.XX*x + h.XY*y, h.XY*x + h.YY*y },
		Diffusion: ConstantDiffusion2D(d),
		Loss:      func(x, y float64) float64 { return (h.XX*x*x + 2*h.XY*x*y + h.YY*y*y) / 2 },
	}, nil
}

// StationaryCovariance2D returns the covariance Σ of the stationary density of Quadratic2D(h, d), the solution
// of the Lyapunov equation HΣ + ΣH = 2D, in closed form: with H = [[p, q], [q, r]] and D = [[u, v], [v, w]],
//
//	Σ_xy = (2vpr − q(ur + wp)) / ((p + r)(pr − q²)),   Σ_xx = (u − qΣ_xy)/p,   Σ_yy = (w − qΣ_xy)/r.
//
// When D commutes with H this is D·H⁻¹; otherwise the density is still Gaussian but tilted away from H's
// eigenbasis. H must be positive definite and D positive semidefinite with a positive diagonal.
func StationaryCovariance2D(h, d Matrix2) (Matrix2, error) {
	if err := checkPositiveDefinite(h, "H"); err != nil {
		return Matrix2{}, err
	}
	if err := checkMatrix(d, 0, 0); err != nil {
		return Matrix2{}, err
	}
	p, q, r := h.XX, h.XY, h.YY
	u, v, w := d.XX, d.XY, d.YY
	b := (2*v*p*r - q*(u*r+w*p)) / ((p + r) * (p*r - q*q))
	return Matrix2{XX: (u - q*b) / p, XY: b, YY: (w - q*b) / r}, nil
}

func checkPositiveDefinite(m Matrix2, name string) error {
	if !finite(m.XX) || !finite(m.XY) || !finite(m.YY) || !(m.XX > 0) || !(m.YY > 0) || !(m.XX*m.YY-m.XY*m.XY > 0) {
		return fmt.Errorf("%w: %s = %+v is not positive definite", ErrBadCoefficients, name, m)
	}
	return nil
}

// Norm returns the Frobenius norm sqrt(XX² + 2XY² + YY²).
func (m Matrix2) Norm() float64 { return math.Sqrt(m.XX*m.XX + 2*m.XY*m.XY + m.YY*m.YY) }

// Sub returns m − o.
func (m Matrix2) Sub(o Matrix2) Matrix2 {
	return Matrix2{XX: m.XX - o.XX, XY: m.XY - o.XY, YY: m.YY - o.YY}
}

// Scale returns c·m.
func (m Matrix2) Scale(c float64) Matrix2 { return Matrix2{XX: c * m.XX, XY: c * m.XY, YY: c * m.YY} }

// Moments2D are the mass, mean and covariance of a 2-D density on a grid.
type Moments2D struct {
	Mass         float64
	MeanX, MeanY float64
	Cov          Matrix2
}

// Moments returns ∫P, the mean and the covariance of p (length NX·NY), each cell's mass P·hx·hy placed at its
// centre. For a density given by its values at the centres (Stationary, Boltzmann) of a Gaussian whose
// standard deviations are a few cell widths or more, this is the continuous covariance up to terms of order
// e^{−2π²σ²/h²}; for cell averages (Gaussian) it is Σ + diag(hx², hy²)/12 (Sheppard's correction). Negative
// values (a scheme's rounding) are counted as they are. A density of the wrong length, with a non-finite value
// or without positive mass is ErrBadDensity.
func (s *Solver2D) Moments(p []float64) (Moments2D, error) {
	if len(p) != s.Cells() {
		return Moments2D{}, fmt.Errorf("%w: length %d, want %d", ErrBadDensity, len(p), s.Cells())
	}
	nx := s.p.NX
	var m0, mx, my float64
	for j, y := range s.y {
		for i, x := range s.x {
			v := p[j*nx+i]
			if !finite(v) {
				return Moments2D{}, fmt.Errorf("%w: P[%d] = %g", ErrBadDensity, j*nx+i, v)
			}
			m0 += v
			mx += v * x
			my += v * y
		}
	}
	if !(m0 > 0) {
		return Moments2D{}, fmt.Errorf("%w: mass %g is not positive", ErrBadDensity, m0*s.CellArea())
	}
	mx, my = mx/m0, my/m0
	var sxx, sxy, syy float64 // centred sums: no cancellation
	for j, y := range s.y {
		for i, x := range s.x {
			v := p[j*nx+i]
			dx, dy := x-mx, y-my
			sxx += v * dx * dx
			sxy += v * dx * dy
			syy += v * dy * dy
		}
	}
	return Moments2D{Mass: m0 * s.CellArea(), MeanX: mx, MeanY: my,
		Cov: Matrix2{XX: sxx / m0, XY: sxy / m0, YY: syy / m0}}, nil
}
