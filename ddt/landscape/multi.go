package landscape

import (
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// StyblinskiTang is L(θ) = Scale · ½ Σᵢ (θᵢ⁴ − 16θᵢ² + 5θᵢ) in d dimensions. Each coordinate has minima near
// −2.9035 (global) and 2.7468 and a barrier near 0.1567; unscaled the barriers are about 39.5 and 25.4, so
// Scale (e.g. 0.01) brings them into the low-temperature window of a simulation.
type StyblinskiTang struct {
	d     int
	scale float64
}

// NewStyblinskiTang returns the d-dimensional Styblinski–Tang function multiplied by scale.
func NewStyblinskiTang(d int, scale float64) (*StyblinskiTang, error) {
	if d < 1 {
		return nil, paramErr("Styblinski–Tang dimension must be ≥ 1 (got %d)", d)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, paramErr("Styblinski–Tang scale must be positive and finite (got %g)", scale)
	}
	return &StyblinskiTang{d: d, scale: scale}, nil
}

// Dim returns d.
func (s *StyblinskiTang) Dim() int { return s.d }

// Scale returns the loss multiplier.
func (s *StyblinskiTang) Scale() float64 { return s.scale }

// Loss returns L(θ).
func (s *StyblinskiTang) Loss(theta []float64) float64 {
	var sum float64
	for _, x := range theta[:s.d] {
		x2 := x * x
		sum += x2*x2 - 16*x2 + 5*x
	}
	return s.scale * sum / 2
}

// Grad writes ∇L(θ) into dst.
func (s *StyblinskiTang) Grad(dst, theta []float64) {
	for i, x := range theta[:s.d] {
		dst[i] = s.scale * (4*x*x*x - 32*x + 5) / 2
	}
}

// Hessian writes the (diagonal) Hessian into dst.
func (s *StyblinskiTang) Hessian(dst *mat.SymDense, theta []float64) {
	for i := 0; i < s.d; i++ {
		for j := i; j < s.d; j++ {
			v := 0.0
			if i == j {
				v = s.scale * (12*theta[i]*theta[i] - 32) / 2
			}
			dst.SetSym(i, j, v)
		}
	}
}

// Valleys2D is L(x, y) = W(x) + ½K(x)y²: the double well W along x (valley a, barrier b, valley c) and a
// transverse curvature K(x) that equals K_a at a, K_b at b and K_c at c, joined by C² quintic smoothsteps.
// The critical points lie on y = 0 with Hessians diag(H_a, K_a), diag(−|H_b|, K_b), diag(H_c, K_c): the curvature
// along the escape direction and across it are set independently in each valley and at the saddle, so a sharp
// valley and a flat valley can share one saddle.
type Valleys2D struct {
	w          *DoubleWell
	ka, kb, kc float64
}

// NewValleys2D builds the landscape from a double-well spec for the x-direction and the transverse curvatures.
func NewValleys2D(along DoubleWellSpec, ka, kb, kc float64) (*Valleys2D, error) {
	w, err := NewDoubleWell(along)
	if err != nil {
		return nil, err
	}
	if !(ka > 0) || !(kb > 0) || !(kc > 0) || math.IsInf(ka+kb+kc, 0) {
		return nil, paramErr("transverse curvatures must be positive and finite (got %g, %g, %g)", ka, kb, kc)
	}
	return &Valleys2D{w: w, ka: ka, kb: kb, kc: kc}, nil
}

// Well returns the double well along x.
func (v *Valleys2D) Well() *DoubleWell { return v.w }

// Dim returns 2.
func (v *Valleys2D) Dim() int { return 2 }

// smooth returns K, K′, K″ at x.
func (v *Valleys2D) smooth(x float64) (k, k1, k2 float64) {
	a, b, c := v.w.a, v.w.b, v.w.c
	step := func(x0, w, k0, k1v float64) (float64, float64, float64) {
		t := (x - x0) / w
		s := t * t * t * (10 + t*(-15+6*t))
		ds := 30 * t * t * (1 - t) * (1 - t)
		dds := 60 * t * (1 - t) * (1 - 2*t)
		dk := k1v - k0
		return k0 + dk*s, dk * ds / w, dk * dds / (w * w)
	}
	switch {
	case x <= a:
		return v.ka, 0, 0
	case x <= b:
		return step(a, b-a, v.ka, v.kb)
	case x <= c:
		return step(b, c-b, v.kb, v.kc)
	default:
		return v.kc, 0, 0
	}
}

// Loss returns L(x, y).
func (v *Valleys2D) Loss(theta []float64) float64 {
	k, _, _ := v.smooth(theta[0])
	return v.w.Value(theta[0]) + k*theta[1]*theta[1]/2
}

// Grad writes ∇L into dst.
func (v *Valleys2D) Grad(dst, theta []float64) {
	x, y := theta[0], theta[1]
	k, k1, _ := v.smooth(x)
	dst[0] = v.w.Deriv(x) + k1*y*y/2
	dst[1] = k * y
}

// Hessian writes ∇²L into dst.
func (v *Valleys2D) Hessian(dst *mat.SymDense, theta []float64) {
	x, y := theta[0], theta[1]
	k, k1, k2 := v.smooth(x)
	dst.SetSym(0, 0, v.w.Deriv2(x)+k2*y*y/2)
	dst.SetSym(0, 1, k1*y)
	dst.SetSym(1, 1, k)
}

// Points returns the exact minima a, c and saddle b.
func (v *Valleys2D) Points() (a, b, c []float64) {
	return []float64{v.w.a, 0}, []float64{v.w.b, 0}, []float64{v.w.c, 0}
}

// Quadratic is L(θ) = L₀ + ½(θ − c)ᵀH(θ − c) with a given symmetric H.
type Quadratic struct {
	n      int
	h      []float64 // row-major n×n
	center []float64
	l0     float64
}

// NewQuadratic copies h and center (nil center means the origin).
func NewQuadratic(h mat.Symmetric, center []float64, l0 float64) (*Quadratic, error) {
	if h == nil {
		return nil, paramErr("quadratic needs a Hessian")
	}
	n := h.SymmetricDim()
	if n < 1 {
		return nil, paramErr("quadratic needs a Hessian of dimension ≥ 1")
	}
	if center == nil {
		center = make([]float64, n)
	}
	if len(center) != n {
		return nil, paramErr("center has length %d, Hessian is %d×%d: %v", len(center), n, n, ErrDimension)
	}
	q := &Quadratic{n: n, h: make([]float64, n*n), center: append([]float64(nil), center...), l0: l0}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := h.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, paramErr("Hessian entry (%d,%d) is %g", i, j, v)
			}
			q.h[i*n+j] = v
		}
	}
	return q, nil
}

// Dim returns n.
func (q *Quadratic) Dim() int { return q.n }

// Center returns a copy of c.
func (q *Quadratic) Center() []float64 { return append([]float64(nil), q.center...) }

// Loss returns L(θ).
func (q *Quadratic) Loss(theta []float64) float64 {
	s := 0.0
	for i := 0; i < q.n; i++ {
		di := theta[i] - q.center[i]
		row := q.h[i*q.n : (i+1)*q.n]
		for j, hij := range row {
			s += di * hij * (theta[j] - q.center[j])
		}
	}
	return q.l0 + s/2
}

// Grad writes H(θ − c) into dst.
func (q *Quadratic) Grad(dst, theta []float64) {
	for i := 0; i < q.n; i++ {
		row := q.h[i*q.n : (i+1)*q.n]
		s := 0.0
		for j, hij := range row {
			s += hij * (theta[j] - q.center[j])
		}
		dst[i] = s
	}
}

// Hessian writes H into dst.
func (q *Quadratic) Hessian(dst *mat.SymDense, theta []float64) {
	for i := 0; i < q.n; i++ {
		for j := i; j < q.n; j++ {
			dst.SetSym(i, j, q.h[i*q.n+j])
		}
	}
}

// Scaled returns L_k(θ) = L(√k·θ), the paper's sharpness knob: every critical point p of L moves to p/√k,
// every Hessian is multiplied by k and every loss value (hence every barrier ΔL) is kept. If l is a Scalar
// the result is a Scalar too. k must be positive and finite.
func Scaled(l Landscape, k float64) (Landscape, error) {
	if l == nil {
		return nil, paramErr("Scaled needs a landscape")
	}
	if !(k > 0) || math.IsInf(k, 0) {
		return nil, paramErr("sharpness factor k must be positive and finite (got %g)", k)
	}
	if s, ok := l.(Scalar); ok && s.Dim() == 1 {
		return &ScaledScalar{base: s, k: k, r: math.Sqrt(k)}, nil
	}
	return &scaled{base: l, k: k, r: math.Sqrt(k)}, nil
}

// ScaledScalar is Scaled applied to a Scalar landscape.
type ScaledScalar struct {
	base Scalar
	k, r float64
}

// K returns the sharpness factor k.
func (s *ScaledScalar) K() float64 { return s.k }

// Dim returns 1.
func (s *ScaledScalar) Dim() int { return 1 }

// Value returns L(√k·x).
func (s *ScaledScalar) Value(x float64) float64 { return s.base.Value(s.r * x) }

// Deriv returns √k·L′(√k·x).
func (s *ScaledScalar) Deriv(x float64) float64 { return s.r * s.base.Deriv(s.r*x) }

// Deriv2 returns k·L″(√k·x).
func (s *ScaledScalar) Deriv2(x float64) float64 { return s.k * s.base.Deriv2(s.r*x) }

// Loss returns L_k(θ₀).
func (s *ScaledScalar) Loss(theta []float64) float64 { return s.Value(theta[0]) }

// Grad writes L_k′(θ₀) into dst[0].
func (s *ScaledScalar) Grad(dst, theta []float64) { dst[0] = s.Deriv(theta[0]) }

// Hessian writes L_k″(θ₀) into dst.
func (s *ScaledScalar) Hessian(dst *mat.SymDense, theta []float64) {
	dst.SetSym(0, 0, s.Deriv2(theta[0]))
}

type scaled struct {
	base Landscape
	k, r float64
}

func (s *scaled) Dim() int { return s.base.Dim() }

func (s *scaled) point(theta []float64) []float64 {
	p := make([]float64, s.base.Dim())
	for i := range p {
		p[i] = s.r * theta[i]
	}
	return p
}

func (s *scaled) Loss(theta []float64) float64 { return s.base.Loss(s.point(theta)) }

func (s *scaled) Grad(dst, theta []float64) {
	s.base.Grad(dst, s.point(theta))
	for i := range dst[:s.base.Dim()] {
		dst[i] *= s.r
	}
}

func (s *scaled) Hessian(dst *mat.SymDense, theta []float64) {
	s.base.Hessian(dst, s.point(theta))
	dst.ScaleSym(s.k, dst)
}

// ShiftedSum is the finite-sum toy L(θ) = (1/m) Σⱼ ℓⱼ(θ) with ℓⱼ(θ) = Base(θ − xⱼ). Minibatch gradients of it
// carry real SGD noise: near a quadratic minimum of Base with Hessian H its gradient-noise covariance per
// sample is H Σₓ H (Σₓ the covariance of the shifts), which is H exactly when Σₓ = H⁻¹ (the well-specified case
// behind the paper's Fisher ≈ Hessian argument); away from the minimum it is not.
type ShiftedSum struct {
	base   Landscape
	shifts [][]float64
	pool   sync.Pool // *[]float64 of length 2n: shifted point and a gradient
}

// NewShiftedSum copies the shifts (m vectors of length Base.Dim()).
func NewShiftedSum(base Landscape, shifts [][]float64) (*ShiftedSum, error) {
	if base == nil {
		return nil, paramErr("ShiftedSum needs a base landscape")
	}
	if len(shifts) == 0 {
		return nil, paramErr("ShiftedSum needs at least one shift")
	}
	n := base.Dim()
	s := &ShiftedSum{base: base, shifts: make([][]float64, len(shifts))}
	for j, x := range shifts {
		if len(x) != n {
			return nil, paramErr("shift %d has length %d, want %d: %v", j, len(x), n, ErrDimension)
		}
		s.shifts[j] = append([]float64(nil), x...)
	}
	s.pool.New = func() any { b := make([]float64, 2*n); return &b }
	return s, nil
}

// RandomShifts draws m shifts xⱼ ~ N(0, cov) from the stream rand.NewPCG(seed, 0). With center they are moved so
// that their sample mean is exactly zero (the minimum of a quadratic Base then stays where it is).
func RandomShifts(m int, cov mat.Symmetric, seed uint64, center bool) ([][]float64, error) {
	if m < 1 {
		return nil, paramErr("need m ≥ 1 shifts (got %d)", m)
	}
	if cov == nil {
		return nil, paramErr("RandomShifts needs a covariance")
	}
	n := cov.SymmetricDim()
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, paramErr("shift covariance is not positive definite")
	}
	var lower mat.TriDense
	chol.LTo(&lower)
	rng := rand.New(rand.NewPCG(seed, 0))
	z := make([]float64, n)
	out := make([][]float64, m)
	mean := make([]float64, n)
	for j := range out {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		x := make([]float64, n)
		for i := 0; i < n; i++ {
			for l := 0; l <= i; l++ {
				x[i] += lower.At(i, l) * z[l]
			}
			mean[i] += x[i] / float64(m)
		}
		out[j] = x
	}
	if center {
		for _, x := range out {
			for i := range x {
				x[i] -= mean[i]
			}
		}
	}
	return out, nil
}

// Base returns the per-sample landscape.
func (s *ShiftedSum) Base() Landscape { return s.base }

// Shift returns a copy of xⱼ.
func (s *ShiftedSum) Shift(j int) []float64 { return append([]float64(nil), s.shifts[j]...) }

// Dim returns Base.Dim().
func (s *ShiftedSum) Dim() int { return s.base.Dim() }

// Samples returns m.
func (s *ShiftedSum) Samples() int { return len(s.shifts) }

func (s *ShiftedSum) buf() (*[]float64, []float64, []float64) {
	p := s.pool.Get().(*[]float64)
	n := s.base.Dim()
	return p, (*p)[:n], (*p)[n : 2*n]
}

func (s *ShiftedSum) shifted(dst, theta []float64, j int) {
	for i, x := range s.shifts[j] {
		dst[i] = theta[i] - x
	}
}

// Loss returns (1/m) Σⱼ Base(θ − xⱼ).
func (s *ShiftedSum) Loss(theta []float64) float64 {
	p, y, _ := s.buf()
	defer s.pool.Put(p)
	sum := 0.0
	for j := range s.shifts {
		s.shifted(y, theta, j)
		sum += s.base.Loss(y)
	}
	return sum / float64(len(s.shifts))
}

// SampleGrad writes ∇ℓⱼ(θ) = ∇Base(θ − xⱼ) into dst.
func (s *ShiftedSum) SampleGrad(dst, theta []float64, j int) {
	p, y, _ := s.buf()
	defer s.pool.Put(p)
	s.shifted(y, theta, j)
	s.base.Grad(dst, y)
}

// Grad writes the mean of the per-sample gradients into dst.
func (s *ShiftedSum) Grad(dst, theta []float64) {
	p, y, g := s.buf()
	defer s.pool.Put(p)
	n := s.base.Dim()
	for i := range dst[:n] {
		dst[i] = 0
	}
	for j := range s.shifts {
		s.shifted(y, theta, j)
		s.base.Grad(g, y)
		for i := range g {
			dst[i] += g[i]
		}
	}
	for i := range dst[:n] {
		dst[i] /= float64(len(s.shifts))
	}
}

// Hessian writes the mean of the per-sample Hessians into dst.
func (s *ShiftedSum) Hessian(dst *mat.SymDense, theta []float64) {
	p, y, _ := s.buf()
	defer s.pool.Put(p)
	n := s.base.Dim()
	tmp := mat.NewSymDense(n, nil)
	dst.Zero()
	for j := range s.shifts {
		s.shifted(y, theta, j)
		s.base.Hessian(tmp, y)
		dst.AddSym(dst, tmp)
	}
	dst.ScaleSym(1/float64(len(s.shifts)), dst)
}
