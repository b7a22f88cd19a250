package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
)

// Sampling says how a minibatch is drawn.
type Sampling int

const (
	// WithReplacement draws B row indices independently and uniformly.
	WithReplacement Sampling = iota
	// WithoutReplacement draws B distinct rows.
	WithoutReplacement
)

// String names the sampling scheme.
func (s Sampling) String() string {
	if s == WithoutReplacement {
		return "without replacement"
	}
	return "with replacement"
}

// NoiseFactor is the factor that turns the per-sample gradient covariance Σ into the covariance of the
// minibatch-gradient noise, C = NoiseFactor·Σ: 1/B with replacement, (1/B)(m−B)/(m−1) without.
func NoiseFactor(m, b int, s Sampling) (float64, error) {
	if b < 1 || b > m && s == WithoutReplacement {
		return 0, fmt.Errorf("nn: batch size %d invalid for %d samples (%v)", b, m, s)
	}
	f := 1 / float64(b)
	if s == WithoutReplacement {
		if m == 1 {
			return 0, nil
		}
		f *= float64(m-b) / float64(m-1)
	}
	return f, nil
}

// Fisher writes the empirical Fisher (1/m) Σ_j ∇ℓ_j ∇ℓ_jᵀ at θ into dst (Dim×Dim).
func (ls *Landscape) Fisher(dst *mat.SymDense, theta []float64) {
	g := mat.NewDense(ls.m, ls.Dim(), nil)
	ls.PerSampleGrads(g, theta)
	syrkInto(dst, g, 1/float64(ls.m))
}

// GradCovariance writes the per-sample gradient covariance Σ = (1/m) Σ_j ∇ℓ_j∇ℓ_jᵀ − ∇L∇Lᵀ into dst. The
// gradients are centred before the product, which avoids the cancellation of the textbook form.
func (ls *Landscape) GradCovariance(dst *mat.SymDense, theta []float64) {
	g := mat.NewDense(ls.m, ls.Dim(), nil)
	ls.PerSampleGrads(g, theta)
	centreRows(g)
	syrkInto(dst, g, 1/float64(ls.m))
}

// NoiseCovariance writes the covariance C of the minibatch-gradient noise ξ = g_B − ∇L for batch size b:
// C = (1/b)[(1/m)Σ_j ∇ℓ_j∇ℓ_jᵀ − ∇L∇Lᵀ] with replacement, times (m−b)/(m−1) without (THEORY.md §1).
func (ls *Landscape) NoiseCovariance(dst *mat.SymDense, theta []float64, b int, s Sampling) error {
	f, err := NoiseFactor(ls.m, b, s)
	if err != nil {
		return err
	}
	ls.GradCovariance(dst, theta)
	dst.ScaleSym(f, dst)
	return nil
}

func centreRows(g *mat.Dense) {
	m, n := g.Dims()
	raw := g.RawMatrix()
	mean := make([]float64, n)
	for j := 0; j < m; j++ {
		axpy(1/float64(m), raw.Data[j*raw.Stride:j*raw.Stride+n], mean)
	}
	for j := 0; j < m; j++ {
		axpy(-1, mean, raw.Data[j*raw.Stride:j*raw.Stride+n])
	}
}

// syrkInto sets dst = alpha·GᵀG.
func syrkInto(dst *mat.SymDense, g *mat.Dense, alpha float64) {
	m, n := g.Dims()
	if dst.SymmetricDim() != n {
		panic(fmt.Sprintf("nn: dst is %d×%d, want %d×%d", dst.SymmetricDim(), dst.SymmetricDim(), n, n))
	}
	raw := dst.RawSymmetric()
	blas64.Implementation().Dsyrk(blas.Upper, blas.Trans, n, m, alpha, g.RawMatrix().Data, g.RawMatrix().Stride,
		0, raw.Data, raw.Stride)
}

// NoiseCovarianceOf is NoiseCovariance for any finite-sum landscape, from its SampleGrad (row by row, so
// O(m·n²); Landscape.NoiseCovariance is the fast path for networks).
func NoiseCovarianceOf(dst *mat.SymDense, fs landscape.FiniteSum, theta []float64, b int, s Sampling) error {
	m, n := fs.Samples(), fs.Dim()
	f, err := NoiseFactor(m, b, s)
	if err != nil {
		return err
	}
	if dst.SymmetricDim() != n {
		return fmt.Errorf("nn: NoiseCovarianceOf: dst is %d×%d, want %d×%d", dst.SymmetricDim(), dst.SymmetricDim(), n, n)
	}
	g := mat.NewDense(m, n, nil)
	row := make([]float64, n)
	for j := 0; j < m; j++ {
		fs.SampleGrad(row, theta, j)
		g.SetRow(j, row)
	}
	centreRows(g)
	syrkInto(dst, g, f/float64(m))
	return nil
}
