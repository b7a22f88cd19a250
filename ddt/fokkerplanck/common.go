package fokkerplanck

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Errors returned by the solvers. They are wrapped with details; test with errors.Is.
var (
	// ErrBadGrid: fewer than 3 cells, an empty or non-finite interval.
	ErrBadGrid = errors.New("fokkerplanck: bad grid")
	// ErrBadCoefficients: a missing drift or diffusion function, a non-positive (or non-positive-definite)
	// diffusion, or a NaN/Inf in a coefficient on the grid.
	ErrBadCoefficients = errors.New("fokkerplanck: bad coefficients")
	// ErrUnstableStep: a non-positive time step, or an explicit step above its stability limit.
	ErrUnstableStep = errors.New("fokkerplanck: unstable time step")
	// ErrNotCovered: the grid does not cover the valley (the density piles up at a wall, or a region or a
	// point lies outside the grid).
	ErrNotCovered = errors.New("fokkerplanck: grid does not cover the valley")
	// ErrBoundary: the operation needs other boundary conditions (a stationary density needs all walls
	// reflecting; an escape rate needs at least one absorbing wall).
	ErrBoundary = errors.New("fokkerplanck: wrong boundary conditions for this operation")
	// ErrBadDensity: an initial density of the wrong length, negative, non-finite or with zero mass.
	ErrBadDensity = errors.New("fokkerplanck: bad density")
	// ErrNotConverged: an iteration did not converge, or a fit had too few usable points.
	ErrNotConverged = errors.New("fokkerplanck: not converged")
)

// Boundary is the condition at one wall of the grid.
type Boundary int

const (
	// Reflecting: zero probability current through the wall.
	Reflecting Boundary = iota
	// Absorbing: P = 0 on the wall; mass that reaches it leaves the system.
	Absorbing
)

func (b Boundary) String() string {
	switch b {
	case Reflecting:
		return "reflecting"
	case Absorbing:
		return "absorbing"
	}
	return fmt.Sprintf("Boundary(%d)", int(b))
}

func (b Boundary) valid() bool { return b == Reflecting || b == Absorbing }

// Scheme is a time-stepping scheme for dP/dt = A P, A the finite-volume generator.
type Scheme int

const (
	// BackwardEuler: (I − Δt A) P' = P. First order, unconditionally stable; keeps P ≥ 0 for every Δt
	// because I − Δt A is an M-matrix (see the package documentation). The default.
	BackwardEuler Scheme = iota
	// CrankNicolson: (I − Δt A/2) P' = (I + Δt A/2) P. Second order and unconditionally stable, but it keeps
	// P ≥ 0 only for Δt·max|A_ii| ≤ 2 and damps stiff modes weakly: use it for accurate transients.
	CrankNicolson
	// Explicit (forward Euler): P' = P + Δt A P. Stable and positive only for Δt·max|A_ii| ≤ 1; a larger
	// step is rejected with ErrUnstableStep.
	Explicit
	// Douglas is the Douglas ADI scheme with θ = ½ (2-D only; in 1-D it is Crank–Nicolson): one explicit
	// stage with the whole operator, cross terms included, then one implicit tridiagonal sweep along x and one
	// along y. O(NX·NY) per step and no factorisation to wait for, so it suits animations on large grids;
	// second order in Δt without cross terms. It is not positivity-preserving and, like Crank–Nicolson, damps
	// stiff modes weakly (amplification → 1 for modes stiff in both directions): prefer BackwardEuler for
	// long runs to equilibrium and for escape rates.
	Douglas
)

func (s Scheme) String() string {
	switch s {
	case BackwardEuler:
		return "backward Euler"
	case CrankNicolson:
		return "Crank–Nicolson"
	case Explicit:
		return "explicit Euler"
	case Douglas:
		return "Douglas ADI"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// RateFromDecay converts the observed per-unit-time decay slope k of a mode (ln S falling as −k t when the
// scheme is stepped with step dt) into the eigenvalue λ of the continuous-time generator that the scheme is
// approximating, by inverting the scheme's amplification factor r = e^{−k dt}:
// backward Euler r = 1/(1+λdt), Crank–Nicolson r = (1−λdt/2)/(1+λdt/2), explicit r = 1−λdt.
// This removes the time-discretisation error from a rate read off a survival curve. Douglas has no such
// inversion in 2-D (its factor is not a function of λ alone); the Crank–Nicolson formula is used, exact in 1-D.
func (s Scheme) RateFromDecay(k, dt float64) float64 {
	switch s {
	case BackwardEuler:
		return math.Expm1(k*dt) / dt
	case CrankNicolson, Douglas:
		return 2 / dt * math.Tanh(k*dt/2)
	case Explicit:
		return -math.Expm1(-k*dt) / dt
	}
	return math.NaN()
}

// bernoulli returns B(z) = z/(e^z − 1), B(0) = 1, accurate for all z.
func bernoulli(z float64) float64 {
	if z == 0 {
		return 1
	}
	if z > 700 {
		return z * math.Exp(-z) // e^z overflows; B is tiny
	}
	return z / math.Expm1(z)
}

// gauss holds Gauss–Legendre nodes and weights on [0, 1]; used for the exponent increments
// w = ∫ L'/D over an edge, exact for polynomials of degree 2·len−1.
type gauss struct{ x, w []float64 }

func newGauss(n int) gauss {
	g := gauss{x: make([]float64, n), w: make([]float64, n)}
	quad.Legendre{}.FixedLocations(g.x, g.w, 0, 1)
	return g
}

// integrate returns ∫_a^b f.
func (g gauss) integrate(f func(float64) float64, a, b float64) float64 {
	s := 0.0
	for k, t := range g.x {
		s += g.w[k] * f(a+(b-a)*t)
	}
	return s * (b - a)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// tridiag is a tridiagonal matrix: row i holds sub[i] (column i−1), diag[i], sup[i] (column i+1).
// sub[0] and sup[n−1] are unused.
type tridiag struct{ sub, diag, sup []float64 }

func newTridiag(n int) tridiag {
	return tridiag{sub: make([]float64, n), diag: make([]float64, n), sup: make([]float64, n)}
}

// mulAdd writes dst = x + c·(T x).
func (t tridiag) mulAdd(dst, x []float64, c float64) {
	n := len(x)
	for i := 0; i < n; i++ {
		v := t.diag[i] * x[i]
		if i > 0 {
			v += t.sub[i] * x[i-1]
		}
		if i < n-1 {
			v += t.sup[i] * x[i+1]
		}
		dst[i] = x[i] + c*v
	}
}

// thomas is an LU factorisation, without pivoting, of a tridiagonal matrix that is diagonally dominant by
// columns (the matrices here: I − cA with A a conservative generator). Gaussian elimination without pivoting
// is backward stable for such matrices, so the O(n) Thomas algorithm needs no pivoting.
type thomas struct {
	l, d, u []float64 // multipliers, pivots, super-diagonal
	inv     []float64 // 1/pivots
}

// factor factors M = I·shift + c·T (shift=1, c=−Δt gives I − ΔtA). It reports a zero or non-finite pivot.
func factorTridiag(t tridiag, shift, c float64) (thomas, error) {
	n := len(t.diag)
	f := thomas{l: make([]float64, n), d: make([]float64, n), u: make([]float64, n)}
	for i := 0; i < n; i++ {
		f.u[i] = c * t.sup[i]
		d := shift + c*t.diag[i]
		if i > 0 {
			l := c * t.sub[i] / f.d[i-1]
			f.l[i] = l
			d -= l * f.u[i-1]
		}
		if d == 0 || !finite(d) {
			return thomas{}, fmt.Errorf("%w: zero pivot in the tridiagonal solve at row %d", ErrNotConverged, i)
		}
		f.d[i] = d
	}
	f.inv = make([]float64, n)
	for i, d := range f.d {
		f.inv[i] = 1 / d
	}
	return f, nil
}

// solve overwrites b with M⁻¹b.
func (f thomas) solve(b []float64) {
	n := len(b)
	l, u, inv := f.l[:n], f.u[:n], f.inv[:n]
	for i := 1; i < n; i++ {
		b[i] -= l[i] * b[i-1]
	}
	b[n-1] *= inv[n-1]
	for i := n - 2; i >= 0; i-- {
		b[i] = (b[i] - u[i]*b[i+1]) * inv[i]
	}
}
