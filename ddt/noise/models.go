package noise

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Errors returned for invalid parameters; test with errors.Is.
var (
	ErrParameter = errors.New("noise: invalid parameter")
	ErrDimension = errors.New("noise: dimension mismatch")
)

func paramErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrParameter, fmt.Sprintf(format, args...))
}

func positive(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return paramErr("%s must be positive and finite (got %g)", name, v)
	}
	return nil
}

// Scalar is a one-dimensional model whose kick is Amplitude(θ, η)·z with z = rng.NormFloat64(). The escape
// package uses it for its allocation-free 1-D path; Kick of a Scalar returns exactly Amplitude·NormFloat64().
type Scalar interface {
	Model
	// Amplitude returns the standard deviation sqrt(2η·D(θ)) of the kick at θ.
	Amplitude(theta, eta float64) float64
}

// Covariance writes the gradient-noise covariance C(θ) = 2D(θ)/η of m into dst (THEORY.md §2: D = (η/2)C).
func Covariance(m Model, dst *mat.SymDense, theta []float64, eta float64) {
	m.Diffusion(dst, theta, eta)
	dst.ScaleSym(2/eta, dst)
}

// Trace returns tr D(θ) of m at θ for step length eta.
func Trace(m Model, theta []float64, eta float64) float64 {
	d := mat.NewSymDense(m.Dim(), nil)
	m.Diffusion(d, theta, eta)
	return mat.Trace(d)
}

// White is GD with injected isotropic white noise: D(θ) = D·I whatever η, kick = sqrt(2ηD)·ε.
type White struct {
	n int
	d float64
}

// NewWhite returns white noise of strength D > 0 in n ≥ 1 dimensions.
func NewWhite(n int, d float64) (*White, error) {
	if n < 1 {
		return nil, paramErr("dimension must be ≥ 1 (got %d)", n)
	}
	if err := positive("white-noise strength D", d); err != nil {
		return nil, err
	}
	return &White{n: n, d: d}, nil
}

// Dim returns n.
func (w *White) Dim() int { return w.n }

// D returns the noise strength.
func (w *White) D() float64 { return w.d }

// Amplitude returns sqrt(2ηD).
func (w *White) Amplitude(_, eta float64) float64 { return math.Sqrt(2 * eta * w.d) }

// Kick writes sqrt(2ηD)·ε into dst.
func (w *White) Kick(dst, _ []float64, eta float64, rng *rand.Rand) {
	amp := w.Amplitude(0, eta)
	for i := range dst[:w.n] {
		dst[i] = amp * rng.NormFloat64()
	}
}

// Diffusion writes D·I.
func (w *White) Diffusion(dst *mat.SymDense, _ []float64, _ float64) {
	dst.Zero()
	for i := 0; i < w.n; i++ {
		dst.SetSym(i, i, w.d)
	}
}

// HessianSGD is the paper's SGD noise evaluated where the particle is: C(θ) = [H(θ)]⁺/B, D(θ) = (η/2B)[H(θ)]⁺,
// where [H]⁺ replaces each eigenvalue λ of the Hessian by max(|λ|, Floor) (THEORY.md §2.3). Floor > 0 keeps the
// noise from vanishing at inflection points (the trap of THEORY.md §3.2). B is a batch size; non-integer values
// are allowed (an effective batch size).
//
// Kick and Diffusion make no allocations once warm: the Hessian and the eigen-decomposition live in per-call
// scratch space taken from a sync.Pool (so concurrent trajectories never share it); in 2-D the
// eigen-decomposition is the closed form of a symmetric 2×2 matrix, in more dimensions LAPACK's dsyev (gonum
// lapack64.Syev) on a reused workspace.
type HessianSGD struct {
	l     landscape.Landscape
	s     landscape.Scalar // non-nil when l is a 1-D Scalar
	b     float64
	floor float64
	pool  sync.Pool // *hessianScratch
}

// hessianScratch is one caller's workspace: the Hessian, its eigenvalues (ascending) and eigenvectors (the
// columns of the row-major n×n vecs).
type hessianScratch struct {
	h    *mat.SymDense
	vals []float64
	vecs []float64
	work []float64 // dsyev workspace (n > 2)
}

// NewHessianSGD returns Hessian-shaped noise on l with batch size b > 0 and eigenvalue floor ≥ 0.
func NewHessianSGD(l landscape.Landscape, b, floor float64) (*HessianSGD, error) {
	if l == nil {
		return nil, paramErr("HessianSGD needs a landscape")
	}
	if err := positive("batch size B", b); err != nil {
		return nil, err
	}
	if !(floor >= 0) || math.IsInf(floor, 0) {
		return nil, paramErr("eigenvalue floor must be ≥ 0 and finite (got %g)", floor)
	}
	n := l.Dim()
	if n < 1 {
		return nil, paramErr("landscape dimension must be ≥ 1 (got %d)", n)
	}
	h := &HessianSGD{l: l, b: b, floor: floor}
	if s, ok := l.(landscape.Scalar); ok && n == 1 {
		h.s = s
	}
	h.pool.New = func() any {
		sc := &hessianScratch{h: mat.NewSymDense(n, nil), vals: make([]float64, n), vecs: make([]float64, n*n)}
		if n > 2 {
			q := []float64{0}
			lapack64.Syev(lapack.EVCompute, blas64.Symmetric{N: n, Stride: n, Uplo: blas.Upper, Data: sc.vecs}, sc.vals, q, -1)
			sc.work = make([]float64, int(q[0]))
		}
		return sc
	}
	return h, nil
}

// Dim returns the landscape's dimension.
func (h *HessianSGD) Dim() int { return h.l.Dim() }

// B returns the batch size and Floor the eigenvalue floor.
func (h *HessianSGD) B() float64 { return h.b }

// Floor returns the eigenvalue floor.
func (h *HessianSGD) Floor() float64 { return h.floor }

func (h *HessianSGD) plus(v float64) float64 { return math.Max(math.Abs(v), h.floor) }

// Amplitude returns η·sqrt(max(|L″(θ)|, floor)/B) for a 1-D landscape (NaN in more dimensions).
func (h *HessianSGD) Amplitude(theta, eta float64) float64 {
	if h.l.Dim() != 1 {
		return math.NaN()
	}
	var c float64
	if h.s != nil {
		c = h.s.Deriv2(theta)
	} else {
		sc := h.pool.Get().(*hessianScratch)
		sc.vecs[0] = theta
		h.l.Hessian(sc.h, sc.vecs[:1])
		c = sc.h.At(0, 0)
		h.pool.Put(sc)
	}
	return eta * math.Sqrt(h.plus(c)/h.b)
}

// Kick writes η·V diag(sqrt(λ⁺/B)) z into dst (H(θ) = V diag(λ) Vᵀ with ascending λ, z standard normal drawn
// in that order).
func (h *HessianSGD) Kick(dst, theta []float64, eta float64, rng *rand.Rand) {
	if h.l.Dim() == 1 {
		dst[0] = h.Amplitude(theta[0], eta) * rng.NormFloat64()
		return
	}
	sc := h.pool.Get().(*hessianScratch)
	h.eigen(sc, theta)
	n := len(sc.vals)
	for i := range dst[:n] {
		dst[i] = 0
	}
	for k, v := range sc.vals {
		z := eta * math.Sqrt(h.plus(v)/h.b) * rng.NormFloat64()
		for i := 0; i < n; i++ {
			dst[i] += sc.vecs[i*n+k] * z
		}
	}
	h.pool.Put(sc)
}

// eigen fills sc with the eigen-decomposition of H(θ) (NaN eigenvalues if it fails).
func (h *HessianSGD) eigen(sc *hessianScratch, theta []float64) {
	n := len(sc.vals)
	h.l.Hessian(sc.h, theta)
	if n == 2 {
		sym2Eigen(sc.h.At(0, 0), sc.h.At(0, 1), sc.h.At(1, 1), sc.vals, sc.vecs)
		return
	}
	raw := sc.h.RawSymmetric()
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			sc.vecs[i*n+j] = raw.Data[i*raw.Stride+j]
		}
	}
	a := blas64.Symmetric{N: n, Stride: n, Uplo: blas.Upper, Data: sc.vecs}
	if !lapack64.Syev(lapack.EVCompute, a, sc.vals, sc.work, len(sc.work)) {
		for i := range sc.vals {
			sc.vals[i] = math.NaN()
		}
	}
}

// sym2Eigen writes the eigenvalues (ascending) of the symmetric matrix [[a, b], [b, c]] into vals and its unit
// eigenvectors into the columns of the row-major 2×2 vecs: λ = m ∓ r with m = (a+c)/2, r = hypot((a−c)/2, b),
// and the larger eigenvalue's eigenvector (cos φ, sin φ) at φ = ½·atan2(2b, a − c). NaN entries give NaN
// eigenvalues.
func sym2Eigen(a, b, c float64, vals, vecs []float64) {
	m := 0.5 * (a + c)
	r := math.Hypot(0.5*(a-c), b)
	vals[0], vals[1] = m-r, m+r
	sn, cs := math.Sincos(0.5 * math.Atan2(2*b, a-c))
	// Columns: e₀ = (−sin φ, cos φ) for m − r, e₁ = (cos φ, sin φ) for m + r.
	vecs[0], vecs[1] = -sn, cs
	vecs[2], vecs[3] = cs, sn
}

// Diffusion writes (η/2B)[H(θ)]⁺.
func (h *HessianSGD) Diffusion(dst *mat.SymDense, theta []float64, eta float64) {
	n := h.l.Dim()
	if n == 1 {
		dst.SetSym(0, 0, eta/(2*h.b)*h.plus(h.hessian1(theta)))
		return
	}
	sc := h.pool.Get().(*hessianScratch)
	h.eigen(sc, theta)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := 0.0
			for k, l := range sc.vals {
				v += eta / (2 * h.b) * h.plus(l) * sc.vecs[i*n+k] * sc.vecs[j*n+k]
			}
			dst.SetSym(i, j, v)
		}
	}
	h.pool.Put(sc)
}

func (h *HessianSGD) hessian1(theta []float64) float64 {
	if h.s != nil {
		return h.s.Deriv2(theta[0])
	}
	sc := h.pool.Get().(*hessianScratch)
	h.l.Hessian(sc.h, theta)
	v := sc.h.At(0, 0)
	h.pool.Put(sc)
	return v
}

// Gaussian is SGD noise with a constant gradient-noise covariance C: kick = η·C^{1/2}z, D = (η/2)C. The factor of
// C is computed once (Cholesky, or an eigen-decomposition when C is only semidefinite).
type Gaussian struct {
	c       *mat.SymDense
	sampler *Sampler
}

// NewGaussian returns constant Gaussian gradient noise of covariance c (positive semidefinite).
func NewGaussian(c mat.Symmetric) (*Gaussian, error) {
	s, err := NewSampler(c)
	if err != nil {
		return nil, err
	}
	n := c.SymmetricDim()
	cc := mat.NewSymDense(n, nil)
	cc.CopySym(c)
	return &Gaussian{c: cc, sampler: s}, nil
}

// NewFrozen returns the SGD noise frozen at a minimum, C = H_a/B, D = (η/2B)H_a (the s = 1 limit of
// THEORY.md §3.2). ha must be positive definite and b > 0.
func NewFrozen(ha mat.Symmetric, b float64) (*Gaussian, error) {
	if ha == nil {
		return nil, paramErr("frozen noise needs the Hessian at the minimum")
	}
	if err := positive("batch size B", b); err != nil {
		return nil, err
	}
	var chol mat.Cholesky
	if !chol.Factorize(ha) {
		return nil, paramErr("the Hessian at the minimum is not positive definite")
	}
	n := ha.SymmetricDim()
	c := mat.NewSymDense(n, nil)
	c.CopySym(ha)
	c.ScaleSym(1/b, c)
	return NewGaussian(c)
}

// Dim returns n.
func (g *Gaussian) Dim() int { return g.c.SymmetricDim() }

// Amplitude returns η·sqrt(C) for a 1-D model (NaN in more dimensions).
func (g *Gaussian) Amplitude(_, eta float64) float64 {
	if g.Dim() != 1 {
		return math.NaN()
	}
	return eta * g.sampler.scale
}

// Kick writes η·C^{1/2}z into dst.
func (g *Gaussian) Kick(dst, _ []float64, eta float64, rng *rand.Rand) {
	if g.Dim() == 1 {
		dst[0] = g.Amplitude(0, eta) * rng.NormFloat64()
		return
	}
	g.sampler.Sample(dst, rng)
	for i := range dst[:g.Dim()] {
		dst[i] *= eta
	}
}

// Diffusion writes (η/2)C.
func (g *Gaussian) Diffusion(dst *mat.SymDense, _ []float64, eta float64) {
	dst.ScaleSym(eta/2, g.c)
}

// Sampler draws from N(0, Σ) with a factor of Σ computed once: Cholesky when Σ is positive definite, otherwise
// the eigen-decomposition with (tiny) negative eigenvalues clipped to zero.
type Sampler struct {
	n      int
	factor []float64 // row-major n×n F with FFᵀ = Σ
	scale  float64   // sqrt(Σ) when n = 1
}

// NewSampler factors sigma. It fails if sigma has an eigenvalue below −1e-10·‖Σ‖.
func NewSampler(sigma mat.Symmetric) (*Sampler, error) {
	if sigma == nil || sigma.SymmetricDim() < 1 {
		return nil, paramErr("a covariance of dimension ≥ 1 is needed")
	}
	n := sigma.SymmetricDim()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if v := sigma.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, paramErr("covariance entry (%d,%d) is %g", i, j, v)
			}
		}
	}
	s := &Sampler{n: n, factor: make([]float64, n*n)}
	var chol mat.Cholesky
	if chol.Factorize(sigma) {
		var l mat.TriDense
		chol.LTo(&l)
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				s.factor[i*n+j] = l.At(i, j)
			}
		}
	} else {
		var eig mat.EigenSym
		if !eig.Factorize(sigma, true) {
			return nil, paramErr("covariance eigen-decomposition failed")
		}
		vals := eig.Values(nil)
		big := 0.0
		for _, v := range vals {
			big = math.Max(big, math.Abs(v))
		}
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		for k, v := range vals {
			if v < -1e-10*big {
				return nil, paramErr("covariance is not positive semidefinite (eigenvalue %g)", v)
			}
			r := math.Sqrt(math.Max(v, 0))
			for i := 0; i < n; i++ {
				s.factor[i*n+k] = vecs.At(i, k) * r
			}
		}
	}
	if n == 1 {
		s.scale = s.factor[0]
	}
	return s, nil
}

// Dim returns n.
func (s *Sampler) Dim() int { return s.n }

// Sample writes one draw of N(0, Σ) into dst[:n]; it draws n standard normals from rng (in order).
func (s *Sampler) Sample(dst []float64, rng *rand.Rand) {
	n := s.n
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
	for i := 0; i < n; i++ {
		row := s.factor[i*n : (i+1)*n]
		v := 0.0
		for j, f := range row {
			v += f * z[j]
		}
		dst[i] = v
	}
}

// Minibatch is true minibatch noise from a finite sum: kick = −η(g_B(θ) − ∇L(θ)) with g_B the mean of B
// per-sample gradients drawn uniformly with or without replacement. Its exact diffusion is D = (η/2)C with
// C = (1/B)[(1/m)Σⱼ∇ℓⱼ∇ℓⱼᵀ − ∇L∇Lᵀ], times (m − B)/(m − 1) without replacement (THEORY.md §1).
type Minibatch struct {
	f           landscape.FiniteSum
	b           int
	replacement bool
	pool        sync.Pool // *minibatchScratch
}

type minibatchScratch struct {
	g, gj []float64
	idx   []int
}

// NewMinibatch returns minibatch noise with batch size b (1 ≤ b, and b ≤ m without replacement).
func NewMinibatch(f landscape.FiniteSum, b int, replacement bool) (*Minibatch, error) {
	if f == nil {
		return nil, paramErr("Minibatch needs a finite-sum landscape")
	}
	m := f.Samples()
	if b < 1 {
		return nil, paramErr("batch size B must be ≥ 1 (got %d)", b)
	}
	if !replacement && b > m {
		return nil, paramErr("batch size B = %d exceeds the %d samples (without replacement)", b, m)
	}
	mb := &Minibatch{f: f, b: b, replacement: replacement}
	n := f.Dim()
	mb.pool.New = func() any {
		s := &minibatchScratch{g: make([]float64, n), gj: make([]float64, n)}
		if !replacement {
			s.idx = make([]int, m)
			for i := range s.idx {
				s.idx[i] = i
			}
		}
		return s
	}
	return mb, nil
}

// Dim returns the landscape's dimension.
func (mb *Minibatch) Dim() int { return mb.f.Dim() }

// Batch returns B.
func (mb *Minibatch) Batch() int { return mb.b }

// BatchGrad writes the minibatch gradient g_B(θ) into dst, drawing the batch from rng.
func (mb *Minibatch) BatchGrad(dst, theta []float64, rng *rand.Rand) {
	s := mb.pool.Get().(*minibatchScratch)
	defer mb.pool.Put(s)
	n := mb.f.Dim()
	m := mb.f.Samples()
	for i := range dst[:n] {
		dst[i] = 0
	}
	for k := 0; k < mb.b; k++ {
		var j int
		if mb.replacement {
			j = rng.IntN(m)
		} else {
			// Partial Fisher–Yates on a persistent permutation: any permutation is a valid start.
			r := k + rng.IntN(m-k)
			s.idx[k], s.idx[r] = s.idx[r], s.idx[k]
			j = s.idx[k]
		}
		mb.f.SampleGrad(s.gj, theta, j)
		for i := range s.gj {
			dst[i] += s.gj[i]
		}
	}
	for i := range dst[:n] {
		dst[i] /= float64(mb.b)
	}
}

// Kick writes −η(g_B − ∇L) into dst.
func (mb *Minibatch) Kick(dst, theta []float64, eta float64, rng *rand.Rand) {
	mb.BatchGrad(dst, theta, rng)
	s := mb.pool.Get().(*minibatchScratch)
	defer mb.pool.Put(s)
	mb.f.Grad(s.g, theta)
	for i := range s.g {
		dst[i] = -eta * (dst[i] - s.g[i])
	}
}

// Diffusion writes the exact (η/2)C(θ).
func (mb *Minibatch) Diffusion(dst *mat.SymDense, theta []float64, eta float64) {
	n := mb.f.Dim()
	m := mb.f.Samples()
	g := make([]float64, n)
	gj := make([]float64, n)
	mb.f.Grad(g, theta)
	dst.Zero()
	for j := 0; j < m; j++ {
		mb.f.SampleGrad(gj, theta, j)
		for i := 0; i < n; i++ {
			for k := i; k < n; k++ {
				dst.SetSym(i, k, dst.At(i, k)+(gj[i]-g[i])*(gj[k]-g[k]))
			}
		}
	}
	c := eta / 2 / float64(mb.b) / float64(m)
	if !mb.replacement {
		if m == 1 {
			c = 0
		} else {
			c *= float64(m-mb.b) / float64(m-1)
		}
	}
	dst.ScaleSym(c, dst)
}

// Rescaled is a model whose diffusion is factor × that of another (kick × sqrt(factor)).
type Rescaled struct {
	base   Model
	factor float64
	root   float64
}

// Rescale returns m with D multiplied by factor > 0.
func Rescale(m Model, factor float64) (*Rescaled, error) {
	if m == nil {
		return nil, paramErr("Rescale needs a model")
	}
	if err := positive("rescaling factor", factor); err != nil {
		return nil, err
	}
	return &Rescaled{base: m, factor: factor, root: math.Sqrt(factor)}, nil
}

// ScaleToTrace returns m rescaled so that tr D(θ) = trace at the reference point θ and step length eta: the
// fair comparison of noise shapes at equal total strength.
func ScaleToTrace(m Model, theta []float64, eta, trace float64) (*Rescaled, error) {
	if m == nil {
		return nil, paramErr("ScaleToTrace needs a model")
	}
	if len(theta) != m.Dim() {
		return nil, fmt.Errorf("%w: reference point has length %d, model has dimension %d", ErrDimension, len(theta), m.Dim())
	}
	if err := positive("step length η", eta); err != nil {
		return nil, err
	}
	if err := positive("target trace", trace); err != nil {
		return nil, err
	}
	t := Trace(m, theta, eta)
	if !(t > 0) || math.IsInf(t, 0) {
		return nil, paramErr("tr D = %g at the reference point; cannot rescale", t)
	}
	return Rescale(m, trace/t)
}

// Dim returns the base model's dimension.
func (r *Rescaled) Dim() int { return r.base.Dim() }

// Factor returns the multiplier of D.
func (r *Rescaled) Factor() float64 { return r.factor }

// Base returns the wrapped model.
func (r *Rescaled) Base() Model { return r.base }

// Kick writes sqrt(factor) × the base kick.
func (r *Rescaled) Kick(dst, theta []float64, eta float64, rng *rand.Rand) {
	if s, ok := r.base.(Scalar); ok && r.base.Dim() == 1 {
		dst[0] = r.root * s.Amplitude(theta[0], eta) * rng.NormFloat64()
		return
	}
	r.base.Kick(dst, theta, eta, rng)
	for i := range dst[:r.base.Dim()] {
		dst[i] *= r.root
	}
}

// Diffusion writes factor × the base diffusion.
func (r *Rescaled) Diffusion(dst *mat.SymDense, theta []float64, eta float64) {
	r.base.Diffusion(dst, theta, eta)
	dst.ScaleSym(r.factor, dst)
}

// Amplitude returns sqrt(factor) × the base amplitude when the base is Scalar (NaN otherwise).
func (r *Rescaled) Amplitude(theta, eta float64) float64 {
	if s, ok := r.base.(Scalar); ok {
		return r.root * s.Amplitude(theta, eta)
	}
	return math.NaN()
}
