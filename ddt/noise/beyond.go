package noise

import (
	"math"
	"math/rand/v2"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Noise models beyond the paper's assumptions (THEORY.md §6): noise whose size follows the loss value, and
// heavy-tailed kicks.

// LossScaledSpec configures LossScaled noise.
type LossScaledSpec struct {
	// Landscape is the loss L. Required.
	Landscape landscape.Landscape
	// B is the batch size (> 0, finite; non-integer values are allowed).
	B float64
	// Offset L₀ is added to the loss before it scales the noise: the noise follows L(θ) + L₀. Use it when the
	// landscape is measured from its minimum (L(a) = 0) but the true loss there is L₀ > 0. Finite; default 0.
	Offset float64
	// Hessian, when non-nil, freezes the curvature factor at this matrix (e.g. H_a at the minimum, Mori et al.'s
	// approximation); it must be Dim×Dim, finite and positive semidefinite. When nil the Hessian is evaluated
	// where the particle is, as [H(θ)]⁺: eigenvalues to absolute values, then raised to Floor.
	Hessian mat.Symmetric
	// Floor is the eigenvalue floor of [H]⁺ (≥ 0, finite). It applies to a frozen Hessian too.
	Floor float64
}

// LossScaled is the loss-scaled SGD noise of Mori, Ziyin, Liu and Ueda (ICML 2022), THEORY.md §6: near a
// minimum the gradient-noise covariance of a loss such as cross-entropy or squared error scales with the loss
// value, C(θ) ≈ (2ℓ(θ)/B)·H, so that
//
//	D(θ) = (η/2)·C = (η/B)·ℓ(θ)·[H]⁺,   ℓ(θ) = max(L(θ) + L₀, 0),
//
// with H frozen (LossScaledSpec.Hessian) or evaluated at θ with a floor. The escape time then follows a power
// law in L(b)/L(a) instead of exp(ΔL/D). A negative ℓ is clipped to 0 (no noise), never a NaN. Kicks are
// Gaussian: kick = sqrt(2η)·F z with F Fᵀ = D(θ); in 1-D kick = Amplitude(θ, η)·rng.NormFloat64(), so LossScaled
// is a Scalar model. Kick and Diffusion are deterministic given the rng and safe for concurrent use.
type LossScaled struct {
	l      landscape.Landscape
	s      landscape.Scalar // non-nil for a 1-D Scalar landscape
	n      int
	b, l0  float64
	floor  float64
	frozen []float64 // row-major n×n F with F Fᵀ = [H_frozen]⁺ (nil: evaluate H(θ))
	h1     float64   // [H_frozen]⁺ in 1-D
}

// NewLossScaled validates spec and returns the noise model.
func NewLossScaled(spec LossScaledSpec) (*LossScaled, error) {
	if spec.Landscape == nil {
		return nil, paramErr("LossScaled needs a landscape")
	}
	if err := positive("batch size B", spec.B); err != nil {
		return nil, err
	}
	if math.IsNaN(spec.Offset) || math.IsInf(spec.Offset, 0) {
		return nil, paramErr("loss offset must be finite (got %g)", spec.Offset)
	}
	if !(spec.Floor >= 0) || math.IsInf(spec.Floor, 0) {
		return nil, paramErr("eigenvalue floor must be ≥ 0 and finite (got %g)", spec.Floor)
	}
	n := spec.Landscape.Dim()
	if n < 1 {
		return nil, paramErr("landscape dimension must be ≥ 1 (got %d)", n)
	}
	m := &LossScaled{l: spec.Landscape, n: n, b: spec.B, l0: spec.Offset, floor: spec.Floor}
	if s, ok := spec.Landscape.(landscape.Scalar); ok && n == 1 {
		m.s = s
	}
	if spec.Hessian != nil {
		if d := spec.Hessian.SymmetricDim(); d != n {
			return nil, paramErr("frozen Hessian is %d×%d, landscape dimension %d: %v", d, d, n, ErrDimension)
		}
		vals, vecs, err := eigenSym(spec.Hessian)
		if err != nil {
			return nil, err
		}
		big := 0.0
		for _, v := range vals {
			big = math.Max(big, math.Abs(v))
		}
		m.frozen = make([]float64, n*n)
		for k, v := range vals {
			if v < -1e-10*big {
				return nil, paramErr("frozen Hessian is not positive semidefinite (eigenvalue %g)", v)
			}
			r := math.Sqrt(math.Max(math.Max(v, 0), m.floor))
			for i := 0; i < n; i++ {
				m.frozen[i*n+k] = vecs.At(i, k) * r
			}
		}
		if n == 1 {
			m.h1 = math.Max(math.Max(spec.Hessian.At(0, 0), 0), m.floor)
		}
	}
	return m, nil
}

// eigenSym returns the eigenvalues and eigenvectors of a finite symmetric matrix.
func eigenSym(a mat.Symmetric) ([]float64, *mat.Dense, error) {
	n := a.SymmetricDim()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if v := a.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, paramErr("matrix entry (%d,%d) is %g", i, j, v)
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, nil, paramErr("eigen-decomposition failed")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	return eig.Values(nil), &vecs, nil
}

// Dim returns the landscape's dimension.
func (m *LossScaled) Dim() int { return m.n }

// B returns the batch size.
func (m *LossScaled) B() float64 { return m.b }

// Offset returns the loss offset L₀.
func (m *LossScaled) Offset() float64 { return m.l0 }

// Floor returns the eigenvalue floor.
func (m *LossScaled) Floor() float64 { return m.floor }

// level returns ℓ(θ) = max(L(θ) + L₀, 0) (NaN stays NaN).
func (m *LossScaled) level(theta []float64) float64 {
	var v float64
	if m.s != nil {
		v = m.s.Value(theta[0]) + m.l0
	} else {
		v = m.l.Loss(theta) + m.l0
	}
	if v < 0 {
		return 0
	}
	return v
}

// curv1 returns [H]⁺ at θ in 1-D (frozen or evaluated).
func (m *LossScaled) curv1(theta float64) float64 {
	if m.frozen != nil {
		return m.h1
	}
	var h float64
	if m.s != nil {
		h = m.s.Deriv2(theta)
	} else {
		d := mat.NewSymDense(1, nil)
		m.l.Hessian(d, []float64{theta})
		h = d.At(0, 0)
	}
	return math.Max(math.Abs(h), m.floor)
}

// d1 returns D(θ) in 1-D.
func (m *LossScaled) d1(theta, eta float64) float64 {
	var l float64
	if m.s != nil {
		l = m.s.Value(theta) + m.l0
	} else {
		l = m.level([]float64{theta})
	}
	if l < 0 {
		l = 0
	}
	return eta / m.b * l * m.curv1(theta)
}

// Amplitude returns sqrt(2η·D(θ)) for a 1-D landscape (NaN in more dimensions).
func (m *LossScaled) Amplitude(theta, eta float64) float64 {
	if m.n != 1 {
		return math.NaN()
	}
	return math.Sqrt(2 * eta * m.d1(theta, eta))
}

// factor writes G with G Gᵀ = [H(θ)]⁺ (row-major n×n) into g.
func (m *LossScaled) factor(g []float64, theta []float64) {
	n := m.n
	if m.frozen != nil {
		copy(g, m.frozen)
		return
	}
	h := mat.NewSymDense(n, nil)
	m.l.Hessian(h, theta)
	vals, vecs, err := eigenSym(h)
	if err != nil {
		for i := range g {
			g[i] = math.NaN()
		}
		return
	}
	for k, v := range vals {
		r := math.Sqrt(math.Max(math.Abs(v), m.floor))
		for i := 0; i < n; i++ {
			g[i*n+k] = vecs.At(i, k) * r
		}
	}
}

// Kick writes sqrt(2η·(η/B)·ℓ(θ))·G z into dst, G Gᵀ = [H]⁺, z standard normal (n draws, in order). In 1-D it is
// exactly Amplitude(θ, η)·rng.NormFloat64().
func (m *LossScaled) Kick(dst, theta []float64, eta float64, rng *rand.Rand) {
	n := m.n
	if n == 1 {
		dst[0] = m.Amplitude(theta[0], eta) * rng.NormFloat64()
		return
	}
	g := make([]float64, n*n)
	m.factor(g, theta)
	amp := math.Sqrt(2 * eta * eta / m.b * m.level(theta))
	z := make([]float64, n)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		v := 0.0
		for k := 0; k < n; k++ {
			v += g[i*n+k] * z[k]
		}
		dst[i] = amp * v
	}
}

// Diffusion writes D(θ) = (η/B)·ℓ(θ)·[H]⁺ into dst.
func (m *LossScaled) Diffusion(dst *mat.SymDense, theta []float64, eta float64) {
	n := m.n
	if n == 1 {
		dst.SetSym(0, 0, m.d1(theta[0], eta))
		return
	}
	g := make([]float64, n*n)
	m.factor(g, theta)
	c := eta / m.b * m.level(theta)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := 0.0
			for k := 0; k < n; k++ {
				v += g[i*n+k] * g[j*n+k]
			}
			dst.SetSym(i, j, c*v)
		}
	}
}

// HeavyTailed is white noise with heavy-tailed kicks: a multivariate Student-t with ν degrees of freedom,
//
//	kick = c·sqrt(2η)·F z / sqrt(W/ν),   F Fᵀ = D,  z ~ N(0, I),  W ~ χ²_ν,
//
// a finite-sample stand-in for the α-stable noise of Simsekli et al. (2019), THEORY.md §6: for ν < 2 the tails
// fall like |x|^−(1+ν), those of an α-stable law with α = ν, but the draws are cheap and exact. The factor c
// depends on ν:
//
//   - ν > 2: c = sqrt((ν−2)/ν), so the kicks have exactly the covariance 2η·D of white noise of strength D,
//     and Diffusion reports D, the true covariance divided by 2η. Fair comparisons with Gaussian noise at
//     the same D are then at equal variance.
//   - ν ≤ 2: the variance is infinite. Then c = 1: the kicks have the scale matrix sqrt(2η)·F of the Gaussian
//     kicks of white noise D (the same centre and spread of the bulk, heavier tails), and Diffusion reports
//     that D, a scale, not a covariance (FiniteVariance reports false). Theory that needs a covariance does
//     not apply.
//
// Each Kick draws n standard normals (in order), then one χ²_ν variable (gonum distuv.Gamma); in 1-D this is
// exactly distuv.StudentsT{Sigma: 1, Nu: ν}.Rand() scaled. Kick is deterministic given the rng and safe for
// concurrent use.
type HeavyTailed struct {
	n      int
	nu, c  float64
	d      *mat.SymDense
	factor []float64 // row-major n×n F with F Fᵀ = D
}

// NewHeavyTailed returns Student-t kicks with ν > 0 degrees of freedom around the diffusion matrix d (finite,
// positive semidefinite, at least 1×1). ν must be finite: ν → ∞ is white noise (use NewWhite or NewGaussian).
func NewHeavyTailed(d mat.Symmetric, nu float64) (*HeavyTailed, error) {
	if !(nu > 0) || math.IsInf(nu, 0) {
		return nil, paramErr("degrees of freedom ν must be positive and finite (got %g)", nu)
	}
	if d == nil || d.SymmetricDim() < 1 {
		return nil, paramErr("HeavyTailed needs a diffusion matrix of dimension ≥ 1")
	}
	sm, err := NewSampler(d)
	if err != nil {
		return nil, err
	}
	n := d.SymmetricDim()
	h := &HeavyTailed{n: n, nu: nu, c: 1, d: mat.NewSymDense(n, nil), factor: sm.factor}
	h.d.CopySym(d)
	if nu > 2 {
		h.c = math.Sqrt((nu - 2) / nu)
	}
	return h, nil
}

// Dim returns n.
func (h *HeavyTailed) Dim() int { return h.n }

// Nu returns the degrees of freedom ν.
func (h *HeavyTailed) Nu() float64 { return h.nu }

// FiniteVariance reports whether ν > 2, i.e. whether Diffusion is a covariance (divided by 2η).
func (h *HeavyTailed) FiniteVariance() bool { return h.nu > 2 }

// Kick writes one Student-t draw into dst (see HeavyTailed).
func (h *HeavyTailed) Kick(dst, _ []float64, eta float64, rng *rand.Rand) {
	n := h.n
	var buf [8]float64
	var z []float64
	if n <= len(buf) {
		z = buf[:n]
	} else {
		z = make([]float64, n)
	}
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	w := distuv.Gamma{Alpha: h.nu / 2, Beta: 0.5, Src: rng}.Rand()
	s := h.c * math.Sqrt(2*eta) / math.Sqrt(w/h.nu)
	for i := 0; i < n; i++ {
		v := 0.0
		for j, f := range h.factor[i*n : (i+1)*n] {
			v += f * z[j]
		}
		dst[i] = s * v
	}
}

// Diffusion writes D into dst: for ν > 2 the covariance of the kicks divided by 2η, for ν ≤ 2 (infinite
// variance) the diffusion of the Gaussian with the same scale matrix (see HeavyTailed).
func (h *HeavyTailed) Diffusion(dst *mat.SymDense, _ []float64, _ float64) {
	dst.CopySym(h.d)
}
