package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// LanczosSettings tune TopEigen. The zero value is usable.
type LanczosSettings struct {
	// MaxIter caps the Krylov dimension (default min(n, max(4k+40, 100))).
	MaxIter int
	// Tol is the relative residual ‖H u − λ u‖ ≤ Tol·max|λ| at which a Ritz pair counts as converged
	// (default 1e-10).
	Tol float64
	// Seed derives the random start vector.
	Seed uint64
}

// Eigen holds eigenpairs: Values in decreasing order and the matching unit eigenvectors as the columns of
// Vectors (n × k). Residuals[i] = ‖H u_i − λ_i u_i‖ as estimated by Lanczos.
type Eigen struct {
	Values    []float64
	Vectors   *mat.Dense
	Residuals []float64
}

// Lanczos returns the k algebraically largest eigenpairs of the symmetric n×n operator mulVec (dst = A·v) by
// the Lanczos iteration with full reorthogonalisation (two passes of classical Gram–Schmidt against every
// previous basis vector, so no ghost eigenvalues appear). The Ritz values of the tridiagonal matrix are
// computed with gonum's EigenSym. It returns an error when k is out of range or the iteration does not
// converge within MaxIter (the best estimates are still returned).
func Lanczos(n int, mulVec func(dst, v []float64), k int, s *LanczosSettings) (Eigen, error) {
	if n < 1 || k < 1 || k > n {
		return Eigen{}, fmt.Errorf("nn: Lanczos: need 1 ≤ k ≤ n, got k = %d, n = %d", k, n)
	}
	var set LanczosSettings
	if s != nil {
		set = *s
	}
	maxIter := set.MaxIter
	if maxIter <= 0 {
		maxIter = max(4*k+40, 100)
	}
	maxIter = min(maxIter, n)
	maxIter = max(maxIter, k)
	tol := set.Tol
	if tol <= 0 {
		tol = 1e-10
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x6c616e637a6f73))
	q := make([][]float64, 0, maxIter+1)
	var alpha, beta []float64
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	q = append(q, v)
	w := make([]float64, n)
	var eig Eigen
	var opnorm float64
	for j := 0; j < maxIter; j++ {
		mulVec(w, q[j])
		for _, x := range w {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return Eigen{}, errors.New("nn: Lanczos: the operator returned a non-finite value")
			}
		}
		a := floats.Dot(w, q[j])
		alpha = append(alpha, a)
		for pass := 0; pass < 2; pass++ {
			for _, qi := range q {
				floats.AddScaled(w, -floats.Dot(w, qi), qi)
			}
		}
		b := floats.Norm(w, 2)
		opnorm = max(opnorm, math.Abs(a)+b)
		done := j+1 == maxIter
		if b <= 1e-13*max(opnorm, 1e-300) && !done {
			// Invariant subspace found: restart with a random vector orthogonal to the basis.
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			for pass := 0; pass < 2; pass++ {
				for _, qi := range q {
					floats.AddScaled(w, -floats.Dot(w, qi), qi)
				}
			}
			nb := floats.Norm(w, 2)
			floats.Scale(1/nb, w)
			b = 0
		} else if !done {
			floats.Scale(1/b, w)
		}
		if j+1 >= k && ((j+1)%5 == 0 || done || j+1 == n) {
			eig = ritz(q, alpha, beta, b, k)
			conv := true
			scale := math.Abs(eig.Values[0])
			for _, v := range eig.Values {
				scale = max(scale, math.Abs(v))
			}
			for _, r := range eig.Residuals {
				if r > tol*max(scale, 1e-300) {
					conv = false
				}
			}
			if conv || j+1 == n {
				return eig, nil
			}
		}
		if done {
			break
		}
		beta = append(beta, b)
		q = append(q, append([]float64(nil), w...))
	}
	return eig, fmt.Errorf("nn: Lanczos: %d eigenpairs not converged to %g after %d iterations (residuals %v)",
		k, tol, maxIter, eig.Residuals)
}

// ritz computes the top-k Ritz pairs of the j×j tridiagonal (alpha, beta) with basis q; bNext is the next
// off-diagonal, which gives the residual estimates |bNext·s_{j,i}|.
func ritz(q [][]float64, alpha, beta []float64, bNext float64, k int) Eigen {
	m := len(alpha)
	t := mat.NewSymDense(m, nil)
	for i := 0; i < m; i++ {
		t.SetSym(i, i, alpha[i])
		if i+1 < m {
			t.SetSym(i, i+1, beta[i])
		}
	}
	var es mat.EigenSym
	es.Factorize(t, true)
	vals := es.Values(nil)
	var s mat.Dense
	es.VectorsTo(&s)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	n := len(q[0])
	out := Eigen{Values: make([]float64, k), Vectors: mat.NewDense(n, k, nil), Residuals: make([]float64, k)}
	col := make([]float64, n)
	for c := 0; c < k; c++ {
		i := order[c]
		out.Values[c] = vals[i]
		out.Residuals[c] = math.Abs(bNext * s.At(m-1, i))
		clear(col)
		for r := 0; r < m; r++ {
			floats.AddScaled(col, s.At(r, i), q[r])
		}
		floats.Scale(1/floats.Norm(col, 2), col)
		out.Vectors.SetCol(c, col)
	}
	return out
}

// TopEigen returns the k largest Hessian eigenpairs at θ by Lanczos on exact Hessian-vector products, for
// networks too large for the full Hessian.
func (ls *Landscape) TopEigen(theta []float64, k int, s *LanczosSettings) (Eigen, error) {
	ls.check("theta", theta)
	return Lanczos(ls.Dim(), func(dst, v []float64) { ls.HessVec(dst, theta, v) }, k, s)
}

// SymEigen returns all eigenpairs of a symmetric matrix in decreasing order (columns of Vectors), via
// gonum's EigenSym.
func SymEigen(a mat.Symmetric) (Eigen, error) {
	var es mat.EigenSym
	if !es.Factorize(a, true) {
		return Eigen{}, errors.New("nn: SymEigen: eigendecomposition did not converge")
	}
	vals := es.Values(nil)
	var v mat.Dense
	es.VectorsTo(&v)
	n := len(vals)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	out := Eigen{Values: make([]float64, n), Vectors: mat.NewDense(n, n, nil), Residuals: make([]float64, n)}
	for c, i := range order {
		out.Values[c] = vals[i]
		for r := 0; r < n; r++ {
			out.Vectors.Set(r, c, v.At(r, i))
		}
	}
	return out, nil
}
