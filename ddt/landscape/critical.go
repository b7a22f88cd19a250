package landscape

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// CriticalPoint is a point where ∇L = 0, with its Hessian eigen-decomposition.
type CriticalPoint struct {
	X    []float64
	Loss float64
	// Hessian is ∇²L at X; Eigenvalues are its eigenvalues in ascending order and the columns of Eigenvectors
	// the matching unit eigenvectors.
	Hessian      *mat.SymDense
	Eigenvalues  []float64
	Eigenvectors *mat.Dense
	// Index is the number of negative eigenvalues: 0 at a minimum, 1 at an index-1 saddle.
	Index int
	// GradNorm is ‖∇L(X)‖ (≈ 0).
	GradNorm float64
}

// Analyze evaluates L at x and decomposes its Hessian; it does not search (x should already be critical).
func Analyze(l Landscape, x []float64) (CriticalPoint, error) {
	n := l.Dim()
	if len(x) != n {
		return CriticalPoint{}, fmt.Errorf("%w: point has length %d, landscape has dimension %d", ErrDimension, len(x), n)
	}
	h := mat.NewSymDense(n, nil)
	l.Hessian(h, x)
	var eig mat.EigenSym
	if !eig.Factorize(h, true) {
		return CriticalPoint{}, fmt.Errorf("%w: Hessian eigen-decomposition failed at %v", ErrNotFound, x)
	}
	vals := eig.Values(nil)
	vecs := mat.NewDense(n, n, nil)
	eig.VectorsTo(vecs)
	idx := 0
	for _, v := range vals {
		if v < 0 {
			idx++
		}
	}
	g := make([]float64, n)
	l.Grad(g, x)
	return CriticalPoint{X: append([]float64(nil), x...), Loss: l.Loss(x), Hessian: h, Eigenvalues: vals,
		Eigenvectors: vecs, Index: idx, GradNorm: floats.Norm(g, 2)}, nil
}

// gradTol is the convergence threshold on ‖∇L‖ relative to the gradient scale at the start.
const gradTol = 1e-10

// FindMinimum minimises L from x0 with gonum's Newton method and polishes the result with Newton steps on
// ∇L = 0. It fails with ErrNotFound if the search does not converge to a point with a positive-definite Hessian.
func FindMinimum(l Landscape, x0 []float64) (CriticalPoint, error) {
	n := l.Dim()
	if len(x0) != n {
		return CriticalPoint{}, fmt.Errorf("%w: start has length %d, landscape has dimension %d", ErrDimension, len(x0), n)
	}
	p := optimize.Problem{
		Func: l.Loss,
		Grad: func(g, x []float64) { l.Grad(g, x) },
		Hess: func(h *mat.SymDense, x []float64) { l.Hessian(h, x) },
	}
	res, err := optimize.Minimize(p, x0, &optimize.Settings{MajorIterations: 1000}, &optimize.Newton{})
	x := x0
	if res != nil && res.X != nil {
		x = res.X
	}
	if err != nil && res == nil {
		return CriticalPoint{}, fmt.Errorf("%w: minimisation from %v: %v", ErrNotFound, x0, err)
	}
	cp, err := FindCritical(l, x)
	if err != nil {
		return CriticalPoint{}, err
	}
	if cp.Index != 0 || cp.Eigenvalues[0] <= 0 {
		return cp, fmt.Errorf("%w: search from %v ended at %v with Hessian eigenvalues %v, not a minimum", ErrNotFound, x0, cp.X, cp.Eigenvalues)
	}
	return cp, nil
}

// FindSaddle looks for an index-1 saddle near x0 by damped Newton iteration on ∇L = 0 (steps accepted when
// ‖∇L‖² decreases). x0 must be in the saddle's basin of Newton attraction: near the barrier top, not near a
// minimum.
func FindSaddle(l Landscape, x0 []float64) (CriticalPoint, error) {
	cp, err := FindCritical(l, x0)
	if err != nil {
		return CriticalPoint{}, err
	}
	if cp.Index != 1 {
		return cp, fmt.Errorf("%w: search from %v ended at %v with %d negative Hessian eigenvalues, not an index-1 saddle", ErrNotFound, x0, cp.X, cp.Index)
	}
	return cp, nil
}

// FindCritical solves ∇L = 0 from x0 by damped Newton steps (pseudo-inverse of the Hessian, backtracking on
// ‖∇L‖²) and analyses the point it converges to, whatever its index.
func FindCritical(l Landscape, x0 []float64) (CriticalPoint, error) {
	n := l.Dim()
	if len(x0) != n {
		return CriticalPoint{}, fmt.Errorf("%w: start has length %d, landscape has dimension %d", ErrDimension, len(x0), n)
	}
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	trial := make([]float64, n)
	gt := make([]float64, n)
	step := make([]float64, n)
	h := mat.NewSymDense(n, nil)
	var eig mat.EigenSym
	vecs := mat.NewDense(n, n, nil)
	l.Grad(g, x)
	gn := floats.Norm(g, 2)
	scale := math.Max(gn, 1)
	for it := 0; it < 200 && gn > gradTol*scale; it++ {
		l.Hessian(h, x)
		if !eig.Factorize(h, true) {
			return CriticalPoint{}, fmt.Errorf("%w: Hessian eigen-decomposition failed at %v", ErrNotFound, x)
		}
		vals := eig.Values(nil)
		eig.VectorsTo(vecs)
		big := 0.0
		for _, v := range vals {
			big = math.Max(big, math.Abs(v))
		}
		for i := range step {
			step[i] = 0
		}
		for k, v := range vals {
			if math.Abs(v) <= 1e-12*big {
				continue
			}
			c := 0.0
			for i := 0; i < n; i++ {
				c += vecs.At(i, k) * g[i]
			}
			for i := 0; i < n; i++ {
				step[i] -= c / v * vecs.At(i, k)
			}
		}
		t := 1.0
		accepted := false
		for ls := 0; ls < 40; ls++ {
			for i := range x {
				trial[i] = x[i] + t*step[i]
			}
			l.Grad(gt, trial)
			if gtn := floats.Norm(gt, 2); gtn < gn || gtn <= gradTol*scale {
				copy(x, trial)
				copy(g, gt)
				gn = gtn
				accepted = true
				break
			}
			t /= 2
		}
		if !accepted {
			break
		}
	}
	if !(gn <= 1e-7*scale) || math.IsNaN(gn) {
		return CriticalPoint{}, fmt.Errorf("%w: Newton on ∇L = 0 from %v stalled at %v with ‖∇L‖ = %g", ErrNotFound, x0, x, gn)
	}
	return Analyze(l, x)
}

// Exit describes one way out of a valley: the minimum a, the index-1 saddle b on its boundary, the escape
// direction e (the eigenvector of H_b with its negative eigenvalue, oriented from a towards b), the curvatures
// along e, H_ae = eᵀH_a e > 0 and H_be = eᵀH_b e < 0, and the barrier ΔL = L(b) − L(a). These are the inputs
// of the Kramers and DDT formulas (THEORY.md §3).
type Exit struct {
	Minimum, Saddle CriticalPoint
	Direction       []float64
	Hae, Hbe        float64
	DeltaL          float64
}

// NewExit builds the exit from a minimum and an index-1 saddle of the same landscape.
func NewExit(minimum, saddle CriticalPoint) (Exit, error) {
	n := len(minimum.X)
	if n == 0 || len(saddle.X) != n {
		return Exit{}, fmt.Errorf("%w: minimum and saddle have lengths %d and %d", ErrDimension, n, len(saddle.X))
	}
	if minimum.Index != 0 {
		return Exit{}, fmt.Errorf("%w: the minimum has %d negative eigenvalues", ErrParameter, minimum.Index)
	}
	if saddle.Index != 1 {
		return Exit{}, fmt.Errorf("%w: the saddle has %d negative eigenvalues, want 1", ErrParameter, saddle.Index)
	}
	e := make([]float64, n)
	for i := range e {
		e[i] = saddle.Eigenvectors.At(i, 0)
	}
	d := 0.0
	for i := range e {
		d += e[i] * (saddle.X[i] - minimum.X[i])
	}
	if d < 0 {
		floats.Scale(-1, e)
	}
	ev := mat.NewVecDense(n, e)
	return Exit{Minimum: minimum, Saddle: saddle, Direction: e,
		Hae: mat.Inner(ev, minimum.Hessian, ev), Hbe: saddle.Eigenvalues[0], DeltaL: saddle.Loss - minimum.Loss}, nil
}

// FindExit locates the minimum near aGuess and the saddle near bGuess and returns their Exit.
func FindExit(l Landscape, aGuess, bGuess []float64) (Exit, error) {
	a, err := FindMinimum(l, aGuess)
	if err != nil {
		return Exit{}, err
	}
	b, err := FindSaddle(l, bGuess)
	if err != nil {
		return Exit{}, err
	}
	return NewExit(a, b)
}

// ScaleExit maps an exit of L to the matching exit of Scaled(L, k): points divided by √k, curvatures
// multiplied by k, barrier unchanged.
func ScaleExit(ex Exit, k float64) (Exit, error) {
	if !(k > 0) || math.IsInf(k, 0) {
		return Exit{}, paramErr("sharpness factor k must be positive and finite (got %g)", k)
	}
	r := math.Sqrt(k)
	sc := func(c CriticalPoint) CriticalPoint {
		out := c
		out.X = append([]float64(nil), c.X...)
		floats.Scale(1/r, out.X)
		out.Eigenvalues = append([]float64(nil), c.Eigenvalues...)
		floats.Scale(k, out.Eigenvalues)
		if c.Hessian != nil {
			out.Hessian = mat.NewSymDense(c.Hessian.SymmetricDim(), nil)
			out.Hessian.ScaleSym(k, c.Hessian)
		}
		out.GradNorm = c.GradNorm * r
		return out
	}
	out := ex
	out.Minimum, out.Saddle = sc(ex.Minimum), sc(ex.Saddle)
	out.Direction = append([]float64(nil), ex.Direction...)
	out.Hae, out.Hbe = k*ex.Hae, k*ex.Hbe
	return out, nil
}
