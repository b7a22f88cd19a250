package fokkerplanck

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/lapack/gonum"
)

// gaussNodes is the number of Gauss–Legendre nodes per edge for w = ∫ L'/D.
const gaussNodes = 5

// Coefficients1D are the function-valued inputs of the 1-D equation ∂P/∂t = ∂θ[P L'] + ∂θ²[D P].
type Coefficients1D struct {
	// Grad is L'(θ). Required.
	Grad func(theta float64) float64
	// Diffusion is D(θ) > 0 (Itô convention: the SDE is dθ = −L' dt + sqrt(2D(θ)) dW). Required.
	Diffusion func(theta float64) float64
	// Loss is L(θ). Optional: the solver does not need it; Boltzmann reports exp(−L/D) from it.
	Loss func(theta float64) float64
}

// Problem1D is a 1-D Fokker–Planck problem on [Lo, Hi], discretised into Cells equal cells.
type Problem1D struct {
	Coefficients1D
	Lo, Hi      float64
	Cells       int
	Left, Right Boundary
}

// Solver1D is the finite-volume discretisation of a Problem1D: the generator A of dP/dt = A P on cell
// averages. It is immutable after construction and safe for concurrent use; steppers are not.
type Solver1D struct {
	p     Problem1D
	h     float64
	x     []float64 // cell centres
	d     []float64 // D at the centres
	w     []float64 // w[k] = ∫ L'/D over the k-th edge: k=0 [Lo,x0], 1..N−1 [x_{k−1},x_k], N [x_{N−1},Hi]
	a     tridiag   // the generator
	cp    []float64 // J_k = cp[k]·P_{k−1} − cm[k]·P_k at face k (P_{−1} = P_N = 0)
	cm    []float64
	logPi []float64 // log of e^{−Φ}/D at the centres (detailed-balance weights), up to a constant
	maxD  float64   // max |A_ii|
}

// NewSolver1D checks the problem and builds the generator.
func NewSolver1D(p Problem1D) (*Solver1D, error) {
	if p.Cells < 3 {
		return nil, fmt.Errorf("%w: %d cells (need at least 3)", ErrBadGrid, p.Cells)
	}
	if !finite(p.Lo) || !finite(p.Hi) || !(p.Hi > p.Lo) {
		return nil, fmt.Errorf("%w: interval [%g, %g]", ErrBadGrid, p.Lo, p.Hi)
	}
	if !p.Left.valid() || !p.Right.valid() {
		return nil, fmt.Errorf("%w: boundary %v/%v", ErrBadGrid, p.Left, p.Right)
	}
	if p.Grad == nil || p.Diffusion == nil {
		return nil, fmt.Errorf("%w: Grad and Diffusion are required", ErrBadCoefficients)
	}
	n := p.Cells
	s := &Solver1D{p: p, h: (p.Hi - p.Lo) / float64(n), x: make([]float64, n), d: make([]float64, n),
		w: make([]float64, n+1), logPi: make([]float64, n)}
	var bad error
	f := func(t float64) float64 {
		dv := p.Diffusion(t)
		g := p.Grad(t)
		if bad == nil {
			if !(dv > 0) || !finite(dv) {
				bad = fmt.Errorf("%w: D(%g) = %g (must be positive and finite)", ErrBadCoefficients, t, dv)
			} else if !finite(g) {
				bad = fmt.Errorf("%w: L'(%g) = %g", ErrBadCoefficients, t, g)
			}
		}
		return g / dv
	}
	for i := range s.x {
		s.x[i] = p.Lo + (float64(i)+0.5)*s.h
		s.d[i] = p.Diffusion(s.x[i])
		if !(s.d[i] > 0) || !finite(s.d[i]) {
			return nil, fmt.Errorf("%w: D(%g) = %g (must be positive and finite)", ErrBadCoefficients, s.x[i], s.d[i])
		}
	}
	g := newGauss(gaussNodes)
	s.w[0] = g.integrate(f, p.Lo, s.x[0])
	for k := 1; k < n; k++ {
		s.w[k] = g.integrate(f, s.x[k-1], s.x[k])
	}
	s.w[n] = g.integrate(f, s.x[n-1], p.Hi)
	if bad != nil {
		return nil, bad
	}
	// Generator: dP_i/dt = (J_i − J_{i+1})/h with J_k the flux through face k (see doc.go).
	h2 := s.h * s.h
	a := newTridiag(n)
	for k := 1; k < n; k++ { // interior face between cells k−1 and k
		bp, bm := bernoulli(s.w[k]), bernoulli(-s.w[k])
		// J_k = (bp·D_{k−1}P_{k−1} − bm·D_k P_k)/h
		a.diag[k-1] -= bp * s.d[k-1] / h2
		a.sup[k-1] += bm * s.d[k] / h2
		a.sub[k] += bp * s.d[k-1] / h2
		a.diag[k] -= bm * s.d[k] / h2
	}
	if p.Left == Absorbing { // J_0 = −(2/h)·B(−w_0)·D_0 P_0: half a cell to the wall, P = 0 there
		a.diag[0] -= 2 * bernoulli(-s.w[0]) * s.d[0] / h2
	}
	if p.Right == Absorbing { // J_N = (2/h)·B(w_N)·D_{N−1} P_{N−1}
		a.diag[n-1] -= 2 * bernoulli(s.w[n]) * s.d[n-1] / h2
	}
	s.a = a
	s.cp, s.cm = make([]float64, n+1), make([]float64, n+1)
	for k := 1; k < n; k++ {
		s.cp[k] = bernoulli(s.w[k]) * s.d[k-1] / s.h
		s.cm[k] = bernoulli(-s.w[k]) * s.d[k] / s.h
	}
	if p.Left == Absorbing {
		s.cm[0] = 2 * bernoulli(-s.w[0]) * s.d[0] / s.h
	}
	if p.Right == Absorbing {
		s.cp[n] = 2 * bernoulli(s.w[n]) * s.d[n-1] / s.h
	}
	for i, v := range a.diag {
		if !finite(v) {
			return nil, fmt.Errorf("%w: generator entry not finite at θ=%g", ErrBadCoefficients, s.x[i])
		}
		s.maxD = math.Max(s.maxD, -v)
	}
	// Detailed-balance weights: log u_k − log u_{k−1} = −w_k, P = u/D.
	lu := 0.0
	for i := 0; i < n; i++ {
		if i > 0 {
			lu -= s.w[i]
		}
		s.logPi[i] = lu - math.Log(s.d[i])
	}
	return s, nil
}

// Problem returns the problem the solver was built from.
func (s *Solver1D) Problem() Problem1D { return s.p }

// X returns the cell centres θ_i = Lo + (i+½)h.
func (s *Solver1D) X() []float64 { return append([]float64(nil), s.x...) }

// Width returns the cell width h.
func (s *Solver1D) Width() float64 { return s.h }

// Faces returns the cell faces Lo + k h, k = 0..Cells, where Current is reported.
func (s *Solver1D) Faces() []float64 {
	f := make([]float64, s.p.Cells+1)
	for k := range f {
		f[k] = s.p.Lo + float64(k)*s.h
	}
	return f
}

// MaxStableStep is the largest explicit step, 1/max|A_ii|: below it I + ΔtA has no negative entry, so the
// explicit scheme keeps P ≥ 0 and is stable in the L1 norm. It is of order h²/(2 max D).
func (s *Solver1D) MaxStableStep() float64 { return 1 / s.maxD }

func (s *Solver1D) checkDensity(p []float64) error {
	if len(p) != s.p.Cells {
		return fmt.Errorf("%w: length %d, want %d", ErrBadDensity, len(p), s.p.Cells)
	}
	m := 0.0
	for i, v := range p {
		if !finite(v) || v < 0 {
			return fmt.Errorf("%w: P[%d] = %g", ErrBadDensity, i, v)
		}
		m += v
	}
	if m == 0 {
		return fmt.Errorf("%w: zero mass", ErrBadDensity)
	}
	return nil
}

// Mass returns ∫P = h Σ P_i.
func (s *Solver1D) Mass(p []float64) float64 {
	m := 0.0
	for _, v := range p {
		m += v
	}
	return m * s.h
}

// RegionMass returns ∫_a^b P, counting partial cells in proportion to their overlap. [a, b] must lie within
// the grid (ErrNotCovered otherwise).
func (s *Solver1D) RegionMass(p []float64, a, b float64) (float64, error) {
	if !(a < b) || a < s.p.Lo-1e-12*s.h || b > s.p.Hi+1e-12*s.h {
		return 0, fmt.Errorf("%w: region [%g, %g] not inside the grid [%g, %g]", ErrNotCovered, a, b, s.p.Lo, s.p.Hi)
	}
	if len(p) != s.p.Cells {
		return 0, fmt.Errorf("%w: length %d, want %d", ErrBadDensity, len(p), s.p.Cells)
	}
	m := 0.0
	for i, v := range p {
		lo, hi := math.Max(a, s.x[i]-s.h/2), math.Min(b, s.x[i]+s.h/2)
		if hi > lo {
			m += v * (hi - lo)
		}
	}
	return m, nil
}

// Current returns the probability current J = −P L' − ∂θ(D P) at the Cells+1 faces (see Faces), as the
// scheme computes it: dP_i/dt = (J_i − J_{i+1})/h exactly. Walls: 0 when reflecting, the outflow when
// absorbing (negative on the left wall, positive on the right).
func (s *Solver1D) Current(p []float64) []float64 {
	j := make([]float64, s.p.Cells+1)
	s.current(j, p)
	return j
}

func (s *Solver1D) current(j, p []float64) {
	n := s.p.Cells
	j[0] = -s.cm[0] * p[0]
	for k := 1; k < n; k++ {
		j[k] = s.cp[k]*p[k-1] - s.cm[k]*p[k]
	}
	j[n] = s.cp[n] * p[n-1]
}

// rate writes dst = c·A P in flux form, c·(J_i − J_{i+1})/h: the face fluxes telescope, so no rounding
// defect in the diagonal of A can bias the mass.
func (s *Solver1D) rate(dst, j, p []float64, c float64) {
	s.current(j, p)
	for i := range dst {
		dst[i] = c * (j[i] - j[i+1]) / s.h
	}
}

// Apply returns A P, the right-hand side dP/dt of the semi-discrete equation.
func (s *Solver1D) Apply(p []float64) []float64 {
	out := make([]float64, len(p))
	s.rate(out, make([]float64, len(p)+1), p, 1)
	return out
}

// Stationary returns the zero-current density, normalised to ∫P = 1, by a direct solve of J = 0:
// D_{k}P_{k} = D_{k−1}P_{k−1}·e^{−w_k}, w_k = ∫_{θ_{k−1}}^{θ_k} L'/D. At the cell centres it equals the Itô
// stationary density ∝ exp(−∫L'/D)/D up to the quadrature error of w (5-point Gauss–Legendre per cell).
// Both walls must be reflecting (ErrBoundary); a density whose maximum sits in a wall cell means the grid
// misses the valley (ErrNotCovered).
func (s *Solver1D) Stationary() ([]float64, error) {
	if s.p.Left != Reflecting || s.p.Right != Reflecting {
		return nil, fmt.Errorf("%w: a stationary density needs both walls reflecting", ErrBoundary)
	}
	p := normalisedExp(s.logPi, s.h)
	if im := argmax(p); im == 0 || im == len(p)-1 {
		return nil, fmt.Errorf("%w: stationary density peaks at the wall θ=%g; widen the grid", ErrNotCovered, s.x[im])
	}
	return p, nil
}

// Boltzmann returns exp(−L(θ_i)/D)/Z at the cell centres for a constant D (the white-noise stationary
// density), normalised on the grid. It needs Loss and takes D explicitly.
func (s *Solver1D) Boltzmann(d float64) ([]float64, error) {
	if s.p.Loss == nil {
		return nil, fmt.Errorf("%w: Boltzmann needs Loss", ErrBadCoefficients)
	}
	if !(d > 0) || !finite(d) {
		return nil, fmt.Errorf("%w: D = %g", ErrBadCoefficients, d)
	}
	lp := make([]float64, len(s.x))
	for i, t := range s.x {
		lp[i] = -s.p.Loss(t) / d
	}
	return normalisedExp(lp, s.h), nil
}

func normalisedExp(lp []float64, h float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range lp {
		mx = math.Max(mx, v)
	}
	p := make([]float64, len(lp))
	sum := 0.0
	for i, v := range lp {
		p[i] = math.Exp(v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum * h
	}
	return p
}

func argmax(p []float64) int {
	im := 0
	for i, v := range p {
		if v > p[im] {
			im = i
		}
	}
	return im
}

// Gaussian returns the cell averages of the normal density N(mean, sd²), renormalised to mass 1 on the grid.
func (s *Solver1D) Gaussian(mean, sd float64) ([]float64, error) {
	if !finite(mean) || !(sd > 0) || !finite(sd) {
		return nil, fmt.Errorf("%w: Gaussian(%g, %g)", ErrBadDensity, mean, sd)
	}
	p := make([]float64, len(s.x))
	sum := 0.0
	for i, t := range s.x {
		a, b := (t-s.h/2-mean)/sd, (t+s.h/2-mean)/sd
		p[i] = 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
		sum += p[i]
	}
	if !(sum > 0) {
		return nil, fmt.Errorf("%w: N(%g, %g²) has no mass on the grid", ErrNotCovered, mean, sd)
	}
	for i := range p {
		p[i] /= sum * s.h
	}
	return p, nil
}

// PointMass returns a density with all its mass in the cell that contains θ0.
func (s *Solver1D) PointMass(theta0 float64) ([]float64, error) {
	if !(theta0 >= s.p.Lo && theta0 <= s.p.Hi) {
		return nil, fmt.Errorf("%w: θ0 = %g outside [%g, %g]", ErrNotCovered, theta0, s.p.Lo, s.p.Hi)
	}
	i := min(int((theta0-s.p.Lo)/s.h), s.p.Cells-1)
	p := make([]float64, s.p.Cells)
	p[i] = 1 / s.h
	return p, nil
}

// Stepper1D advances a density by one time step of a fixed scheme and Δt, reusing one factorisation.
// It holds scratch space: use one stepper per goroutine.
type Stepper1D struct {
	s      *Solver1D
	scheme Scheme
	dt     float64
	f      thomas
	tmp, j []float64
	steps  int // steps taken, for the positivity guard's report
}

// NewStepper returns a stepper for the scheme and step dt. An explicit step above MaxStableStep, a
// non-positive or non-finite dt is ErrUnstableStep. In 1-D Douglas is Crank–Nicolson.
func (s *Solver1D) NewStepper(scheme Scheme, dt float64) (*Stepper1D, error) {
	if scheme == Douglas {
		scheme = CrankNicolson
	}
	if !(dt > 0) || !finite(dt) {
		return nil, fmt.Errorf("%w: Δt = %g", ErrUnstableStep, dt)
	}
	st := &Stepper1D{s: s, scheme: scheme, dt: dt, tmp: make([]float64, s.p.Cells), j: make([]float64, s.p.Cells+1)}
	var err error
	switch scheme {
	case BackwardEuler:
		st.f, err = factorTridiag(s.a, 1, -dt)
	case CrankNicolson:
		st.f, err = factorTridiag(s.a, 1, -dt/2)
	case Explicit:
		if lim := s.MaxStableStep(); dt > lim {
			return nil, fmt.Errorf("%w: explicit Δt = %g exceeds the stability limit 1/max|A_ii| = %g", ErrUnstableStep, dt, lim)
		}
	default:
		return nil, fmt.Errorf("%w: unknown scheme %v", ErrUnstableStep, scheme)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Dt returns the step length.
func (st *Stepper1D) Dt() float64 { return st.dt }

// Scheme returns the scheme.
func (st *Stepper1D) Scheme() Scheme { return st.scheme }

// Step advances p (length Cells) by Δt in place.
//
// The implicit schemes are solved in delta form, (I − θΔt A) ΔP = Δt A P, P ← P + ΔP (θ = 1 backward Euler,
// ½ Crank–Nicolson): the rounding of the solve then scales with |ΔP|, which vanishes near equilibrium, so the
// mass stays at its initial value to ~1e-13 even for Δt·max|A_ii| ~ 10⁶.
//
// Step itself does not check positivity (Crank–Nicolson with Δt·max|A_ii| > 2 can drive P below zero); use
// StepChecked for a guarded step.
func (st *Stepper1D) Step(p []float64) {
	st.steps++
	st.s.rate(st.tmp, st.j, p, st.dt)
	if st.scheme != Explicit {
		st.f.solve(st.tmp)
	}
	for i := range p {
		p[i] += st.tmp[i]
	}
}

// Evolve advances p0 and records snapshots at the given times (ascending, ≥ 0; time 0 is the start).
// Each interval between frames is split into equal steps no longer than dt, so the frames fall exactly on
// the requested times. p0 is not modified.
//
// After every step the positivity guard runs: a step that leaves some P_i < −NegativeTol·max P stops the run
// with a *NegativeDensityError (wrapping ErrNegativeDensity) naming the step, its time, the cell and the value,
// and the frames recorded so far. Snapshots.MinRatio reports the most negative min P/max P seen.
func (s *Solver1D) Evolve(p0 []float64, times []float64, scheme Scheme, dt float64) (*Snapshots, error) {
	if err := s.checkDensity(p0); err != nil {
		return nil, err
	}
	if err := checkTimes(times); err != nil {
		return nil, err
	}
	if _, err := s.NewStepper(scheme, dt); err != nil {
		return nil, err
	}
	snap := &Snapshots{X: s.X(), Times: make([]float64, 0, len(times)), Frames: make([][]float64, 0, len(times))}
	p := append([]float64(nil), p0...)
	t := 0.0
	steps := 0
	var st *Stepper1D
	for _, tk := range times {
		if span := tk - t; span > 0 {
			n := int(math.Ceil(span/dt - 1e-9))
			h := span / float64(n)
			if st == nil || st.dt != h {
				var err error
				if st, err = s.NewStepper(scheme, h); err != nil {
					return nil, err
				}
			}
			for k := range n {
				st.Step(p)
				steps++
				r, e := guard(p, NegativeTol)
				snap.MinRatio = math.Min(snap.MinRatio, r)
				if e != nil {
					e.Step, e.Time = steps, t+float64(k+1)*h
					st.fill(e)
					return snap, e
				}
			}
			t = tk
			if m := s.Mass(p); !finite(m) {
				return snap, fmt.Errorf("%w: the density diverged before t = %g", ErrUnstableStep, tk)
			}
		}
		snap.Times = append(snap.Times, tk)
		snap.Frames = append(snap.Frames, append([]float64(nil), p...))
	}
	return snap, nil
}

func checkTimes(times []float64) error {
	if len(times) == 0 {
		return fmt.Errorf("%w: no snapshot times", ErrBadGrid)
	}
	if !sort.Float64sAreSorted(times) || times[0] < 0 {
		return fmt.Errorf("%w: snapshot times must be ascending and ≥ 0", ErrBadGrid)
	}
	for _, t := range times {
		if !finite(t) {
			return fmt.Errorf("%w: snapshot time %g", ErrBadGrid, t)
		}
	}
	return nil
}

// Escape is the escape rate read off the spectrum of the absorbing generator.
type Escape struct {
	// Rate is the smallest decay rate λ0 = −(largest eigenvalue of A): at late times S(t) ∝ e^{−λ0 t},
	// and λ0 = 1/(mean exit time started from QSD) exactly.
	Rate float64
	// NextRate is λ1, the next decay rate. λ1/λ0 ≫ 1 means a clean separation of time scales
	// (quasi-equilibrium, THEORY.md §3 Assumption 2). Exact (Dsterf) in 1-D; in 2-D a rough estimate from the
	// convergence factor of the inverse iteration (within ~10% in the tests), NaN when not measurable.
	NextRate float64
	// QSD is the quasi-stationary density (the slowest mode, positive, ∫ = 1).
	QSD []float64
}

// EscapeRate returns the smallest eigenvalue λ0 of −A (at least one wall absorbing) and the quasi-stationary
// density. A is similar to a symmetric tridiagonal matrix (detailed balance: S = Π^{−1/2} A Π^{1/2} with
// off-diagonals sqrt(A_{i,i+1}A_{i+1,i})); λ0 and λ1 come from LAPACK's Dsterf (gonum), λ0 is then refined
// to full relative precision by inverse iteration on −S (SPD, Thomas algorithm). If the slowest mode peaks in
// a wall cell the grid misses the valley (ErrNotCovered).
func (s *Solver1D) EscapeRate() (Escape, error) {
	if s.p.Left != Absorbing && s.p.Right != Absorbing {
		return Escape{}, fmt.Errorf("%w: an escape rate needs an absorbing wall", ErrBoundary)
	}
	if err := s.hasMinimum(); err != nil {
		return Escape{}, err
	}
	return s.spectrum()
}

// lowestRate is λ0 without the valley checks (for problems with no minimum, e.g. pure drift).
func (s *Solver1D) lowestRate() (float64, error) {
	e, err := s.spectrum()
	if errors.Is(err, ErrNotCovered) {
		err = nil
	}
	return e.Rate, err
}

func (s *Solver1D) spectrum() (Escape, error) {
	n := s.p.Cells
	sym := newTridiag(n)
	copy(sym.diag, s.a.diag)
	for i := 0; i < n-1; i++ {
		e := math.Sqrt(s.a.sup[i] * s.a.sub[i+1])
		sym.sup[i], sym.sub[i+1] = e, e
	}
	d := make([]float64, n)
	e := make([]float64, n)
	for i := range d {
		d[i] = -sym.diag[i]
		if i < n-1 {
			e[i] = sym.sup[i]
		}
	}
	if !(gonum.Implementation{}).Dsterf(n, d, e[:n-1]) {
		return Escape{}, fmt.Errorf("%w: Dsterf did not converge", ErrNotConverged)
	}
	lam0, lam1 := d[0], d[1]
	// Inverse iteration on M = −S (positive definite).
	f, err := factorTridiag(sym, 0, -1)
	if err != nil {
		return Escape{}, err
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	mv := make([]float64, n)
	rq := lam0
	for it := 0; it < 500; it++ {
		normalise2(v)
		x := append([]float64(nil), v...)
		f.solve(x)
		// Rayleigh quotient of M at x: xᵀMx/xᵀx = xᵀv/xᵀx.
		num, den := 0.0, 0.0
		for i := range x {
			num += x[i] * v[i]
			den += x[i] * x[i]
		}
		next := num / den
		copy(v, x)
		if math.Abs(next-rq) <= 1e-15*math.Abs(next) && it > 2 {
			rq = next
			break
		}
		rq = next
	}
	normalise2(v)
	sym.mulAdd(mv, v, 1)
	res := 0.0
	for i := range mv {
		r := -(mv[i] - v[i]) - rq*v[i]
		res += r * r
	}
	if math.Sqrt(res) > 1e-6*math.Max(rq, 1e-300)+1e-12*s.maxD || !(rq > 0) {
		rq = lam0 // inverse iteration stalled (no gap): keep the QR value
	}
	// Eigenvector of A: Π^{1/2} v.
	q := make([]float64, n)
	mx := math.Inf(-1)
	for _, l := range s.logPi {
		mx = math.Max(mx, l)
	}
	sum := 0.0
	for i := range q {
		q[i] = math.Abs(v[i]) * math.Exp(0.5*(s.logPi[i]-mx))
		sum += q[i]
	}
	for i := range q {
		q[i] /= sum * s.h
	}
	if im := argmax(q); im == 0 || im == n-1 {
		return Escape{Rate: rq, NextRate: lam1, QSD: q}, fmt.Errorf("%w: the slowest mode peaks at the wall θ=%g (no valley inside the grid)", ErrNotCovered, s.x[im])
	}
	return Escape{Rate: rq, NextRate: lam1, QSD: q}, nil
}

func normalise2(v []float64) {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	s = math.Sqrt(s)
	for i := range v {
		v[i] /= s
	}
}

// DecayOptions set up a survival run: S(t) = mass left (in a region) while the density leaks through
// absorbing walls, and the rate read off the late-time slope of ln S.
type DecayOptions struct {
	Scheme Scheme  // time stepping (BackwardEuler if zero)
	Dt     float64 // step
	End    float64 // final time
	// FitFrom is the start of the fit window [FitFrom, End]; 0 means End/2.
	FitFrom float64
	// Samples is the number of recorded points of S(t) (default 200).
	Samples int
	// RegionLo, RegionHi: S is the mass in [RegionLo, RegionHi]; both zero means the whole grid.
	RegionLo, RegionHi float64
}

// Decay is a survival curve and the rate read off it.
type Decay struct {
	Times, Survival []float64
	// Slope is −d ln S/dt from a least-squares line over the fit window.
	Slope float64
	// Rate is Slope mapped through Scheme.RateFromDecay: the continuous-time eigenvalue the scheme's
	// discrete decay corresponds to (removes the O(Δt) bias of backward Euler).
	Rate float64
}

// SurvivalDecay evolves p0 and fits the exponential decay of the survival probability. Every step is guarded
// as in Evolve: a density below −NegativeTol·max P stops it with a *NegativeDensityError.
func (s *Solver1D) SurvivalDecay(p0 []float64, o DecayOptions) (Decay, error) {
	if err := s.checkDensity(p0); err != nil {
		return Decay{}, err
	}
	if s.p.Left != Absorbing && s.p.Right != Absorbing {
		return Decay{}, fmt.Errorf("%w: survival decay needs an absorbing wall", ErrBoundary)
	}
	if err := s.hasMinimum(); err != nil {
		return Decay{}, err
	}
	region := func(p []float64) (float64, error) { return s.Mass(p), nil }
	if o.RegionLo != 0 || o.RegionHi != 0 {
		if _, err := s.RegionMass(p0, o.RegionLo, o.RegionHi); err != nil {
			return Decay{}, err
		}
		region = func(p []float64) (float64, error) { return s.RegionMass(p, o.RegionLo, o.RegionHi) }
	}
	st, err := s.NewStepper(o.Scheme, o.Dt)
	if err != nil {
		return Decay{}, err
	}
	return decay(st.StepChecked, region, append([]float64(nil), p0...), o, st.scheme, st.dt)
}

func decay(step func([]float64, float64) error, region func([]float64) (float64, error), p []float64, o DecayOptions, scheme Scheme, dt float64) (Decay, error) {
	if !(o.End > 0) || !finite(o.End) {
		return Decay{}, fmt.Errorf("%w: End = %g", ErrBadGrid, o.End)
	}
	samples := o.Samples
	if samples <= 0 {
		samples = 200
	}
	nsteps := max(int(math.Round(o.End/dt)), 3)
	every := max(nsteps/samples, 1)
	nsteps = every * (nsteps / every)
	var out Decay
	m0, _ := region(p)
	out.Times = append(out.Times, 0)
	out.Survival = append(out.Survival, m0)
	for k := 1; k <= nsteps; k++ {
		if err := step(p, NegativeTol); err != nil {
			return out, err
		}
		if k%every == 0 {
			m, _ := region(p)
			out.Times = append(out.Times, float64(k)*dt)
			out.Survival = append(out.Survival, m)
		}
	}
	from := o.FitFrom
	if from <= 0 {
		from = out.Times[len(out.Times)-1] / 2
	}
	k, err := FitDecay(out.Times, out.Survival, from)
	if err != nil {
		return out, err
	}
	out.Slope = k
	out.Rate = scheme.RateFromDecay(k, dt)
	return out, nil
}

// FitDecay returns k, the least-squares slope of −ln S against t over the points with t ≥ from and S > 0.
// It needs at least 3 such points (ErrNotConverged otherwise).
func FitDecay(times, surv []float64, from float64) (float64, error) {
	var sx, sy, sxx, sxy, n float64
	for i, t := range times {
		if t < from || !(surv[i] > 0) {
			continue
		}
		y := math.Log(surv[i])
		sx += t
		sy += y
		sxx += t * t
		sxy += t * y
		n++
	}
	if n < 3 {
		return 0, fmt.Errorf("%w: %v usable points in the fit window", ErrNotConverged, n)
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0, fmt.Errorf("%w: degenerate fit window", ErrNotConverged)
	}
	return -(n*sxy - sx*sy) / den, nil
}

// hasMinimum reports ErrNotCovered unless L' changes sign from − to + between two cell centres, i.e. a
// minimum of L (the bottom of a valley) lies inside the grid.
func (s *Solver1D) hasMinimum() error {
	for i := 1; i < len(s.x); i++ {
		if s.p.Grad(s.x[i-1]) < 0 && s.p.Grad(s.x[i]) >= 0 {
			return nil
		}
	}
	return fmt.Errorf("%w: no minimum of L inside [%g, %g]", ErrNotCovered, s.p.Lo, s.p.Hi)
}
