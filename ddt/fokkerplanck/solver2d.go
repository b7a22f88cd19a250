package fokkerplanck

import (
	"fmt"
	"math"
)

// Matrix2 is a symmetric 2×2 diffusion matrix [[XX, XY], [XY, YY]].
type Matrix2 struct{ XX, XY, YY float64 }

// Coefficients2D are the function-valued inputs of ∂P/∂t = ∇·[P∇L] + Σ_ij ∂i∂j[D_ij P] (Itô form).
type Coefficients2D struct {
	// Grad returns ∇L(x, y). Required.
	Grad func(x, y float64) (gx, gy float64)
	// Diffusion returns D(x, y), positive semidefinite with XX, YY > 0. Required.
	Diffusion func(x, y float64) Matrix2
	// Loss is L(x, y). Optional (Boltzmann needs it).
	Loss func(x, y float64) float64
}

// Problem2D is a 2-D problem on [XLo, XHi]×[YLo, YHi] with NX×NY equal cells and a condition on each wall.
type Problem2D struct {
	Coefficients2D
	XLo, XHi, YLo, YHi float64
	NX, NY             int
	// Left (x = XLo), Right (x = XHi), Bottom (y = YLo), Top (y = YHi).
	Left, Right, Bottom, Top Boundary
}

// face is one cell face: the flux J = Σ c[m]·P[idx[m]] flows from cell `from` to cell `to` (−1: a wall).
type face struct {
	from, to int32
	n        int32
	idx      [6]int32
	c        [6]float64
	h        float64 // cell width across the face
	sgF, sgT float64 // the Scharfetter–Gummel part alone: coefficients of P[from] and P[to] (for ADI)
}

func (f *face) term(i int, c float64) {
	for m := int32(0); m < f.n; m++ {
		if f.idx[m] == int32(i) {
			f.c[m] += c
			return
		}
	}
	f.idx[f.n], f.c[f.n] = int32(i), c
	f.n++
}

// Solver2D is the finite-volume generator of a Problem2D. Cell (i, j) has index j·NX + i. Immutable after
// construction and safe for concurrent use; steppers are not.
type Solver2D struct {
	p      Problem2D
	hx, hy float64
	x, y   []float64
	faces  []face
	nxf    int       // the first nxf faces are x-faces
	diag   []float64 // A_ii
	band   int       // half-bandwidth of A
	grad   [][2]float64
	maxD   float64
}

// NewSolver2D checks the problem and builds the generator.
func NewSolver2D(p Problem2D) (*Solver2D, error) {
	if p.NX < 3 || p.NY < 3 {
		return nil, fmt.Errorf("%w: %d×%d cells (need at least 3×3)", ErrBadGrid, p.NX, p.NY)
	}
	if !finite(p.XLo) || !finite(p.XHi) || !finite(p.YLo) || !finite(p.YHi) || !(p.XHi > p.XLo) || !(p.YHi > p.YLo) {
		return nil, fmt.Errorf("%w: domain [%g, %g]×[%g, %g]", ErrBadGrid, p.XLo, p.XHi, p.YLo, p.YHi)
	}
	for _, b := range []Boundary{p.Left, p.Right, p.Bottom, p.Top} {
		if !b.valid() {
			return nil, fmt.Errorf("%w: boundary %v", ErrBadGrid, b)
		}
	}
	if p.Grad == nil || p.Diffusion == nil {
		return nil, fmt.Errorf("%w: Grad and Diffusion are required", ErrBadCoefficients)
	}
	nx, ny := p.NX, p.NY
	s := &Solver2D{p: p, hx: (p.XHi - p.XLo) / float64(nx), hy: (p.YHi - p.YLo) / float64(ny),
		x: make([]float64, nx), y: make([]float64, ny), grad: make([][2]float64, nx*ny)}
	for i := range s.x {
		s.x[i] = p.XLo + (float64(i)+0.5)*s.hx
	}
	for j := range s.y {
		s.y[j] = p.YLo + (float64(j)+0.5)*s.hy
	}
	dm := make([]Matrix2, nx*ny)
	cross := false
	for j, yv := range s.y {
		for i, xv := range s.x {
			d := p.Diffusion(xv, yv)
			if err := checkMatrix(d, xv, yv); err != nil {
				return nil, err
			}
			if d.XY != 0 {
				cross = true
			}
			dm[j*nx+i] = d
			gx, gy := p.Grad(xv, yv)
			if !finite(gx) || !finite(gy) {
				return nil, fmt.Errorf("%w: ∇L(%g, %g) = (%g, %g)", ErrBadCoefficients, xv, yv, gx, gy)
			}
			s.grad[j*nx+i] = [2]float64{gx, gy}
		}
	}
	g := newGauss(gaussNodes)
	var bad error
	// w along x at height y, along y at abscissa x.
	wx := func(a, b, yv float64) float64 {
		return g.integrate(func(t float64) float64 {
			gx, _ := p.Grad(t, yv)
			d := p.Diffusion(t, yv)
			if bad == nil && (!(d.XX > 0) || !finite(gx) || !finite(d.XX)) {
				bad = fmt.Errorf("%w: at (%g, %g): ∂xL = %g, Dxx = %g", ErrBadCoefficients, t, yv, gx, d.XX)
			}
			return gx / d.XX
		}, a, b)
	}
	wy := func(a, b, xv float64) float64 {
		return g.integrate(func(t float64) float64 {
			_, gy := p.Grad(xv, t)
			d := p.Diffusion(xv, t)
			if bad == nil && (!(d.YY > 0) || !finite(gy) || !finite(d.YY)) {
				bad = fmt.Errorf("%w: at (%g, %g): ∂yL = %g, Dyy = %g", ErrBadCoefficients, xv, t, gy, d.YY)
			}
			return gy / d.YY
		}, a, b)
	}
	idx := func(i, j int) int { return j*nx + i }
	// x-faces: between (i−1, j) and (i, j), i = 0..nx.
	for j := 0; j < ny; j++ {
		for i := 0; i <= nx; i++ {
			f := face{from: -1, to: -1, h: s.hx}
			switch {
			case i == 0:
				if p.Left != Absorbing {
					continue
				}
				w := wx(p.XLo, s.x[0], s.y[j])
				f.to = int32(idx(0, j))
				f.sgT = -2 * bernoulli(-w) * dm[idx(0, j)].XX / s.hx
				f.term(idx(0, j), f.sgT)
			case i == nx:
				if p.Right != Absorbing {
					continue
				}
				w := wx(s.x[nx-1], p.XHi, s.y[j])
				f.from = int32(idx(nx-1, j))
				f.sgF = 2 * bernoulli(w) * dm[idx(nx-1, j)].XX / s.hx
				f.term(idx(nx-1, j), f.sgF)
			default:
				w := wx(s.x[i-1], s.x[i], s.y[j])
				l, r := idx(i-1, j), idx(i, j)
				f.from, f.to = int32(l), int32(r)
				f.sgF, f.sgT = bernoulli(w)*dm[l].XX/s.hx, -bernoulli(-w)*dm[r].XX/s.hx
				f.term(l, f.sgF)
				f.term(r, f.sgT)
				if cross { // −∂y(D_xy P) at the face, centred (one-sided on the first/last row)
					ja, jb, den := j+1, j-1, 2*s.hy
					if j == 0 {
						jb, den = j, s.hy
					} else if j == ny-1 {
						ja, den = j, s.hy
					}
					for _, ii := range []int{i - 1, i} {
						f.term(idx(ii, ja), -0.5*dm[idx(ii, ja)].XY/den)
						f.term(idx(ii, jb), 0.5*dm[idx(ii, jb)].XY/den)
					}
				}
			}
			s.faces = append(s.faces, f)
		}
	}
	s.nxf = len(s.faces)
	// y-faces: between (i, j−1) and (i, j), j = 0..ny.
	for j := 0; j <= ny; j++ {
		for i := 0; i < nx; i++ {
			f := face{from: -1, to: -1, h: s.hy}
			switch {
			case j == 0:
				if p.Bottom != Absorbing {
					continue
				}
				w := wy(p.YLo, s.y[0], s.x[i])
				f.to = int32(idx(i, 0))
				f.sgT = -2 * bernoulli(-w) * dm[idx(i, 0)].YY / s.hy
				f.term(idx(i, 0), f.sgT)
			case j == ny:
				if p.Top != Absorbing {
					continue
				}
				w := wy(s.y[ny-1], p.YHi, s.x[i])
				f.from = int32(idx(i, ny-1))
				f.sgF = 2 * bernoulli(w) * dm[idx(i, ny-1)].YY / s.hy
				f.term(idx(i, ny-1), f.sgF)
			default:
				w := wy(s.y[j-1], s.y[j], s.x[i])
				l, r := idx(i, j-1), idx(i, j)
				f.from, f.to = int32(l), int32(r)
				f.sgF, f.sgT = bernoulli(w)*dm[l].YY/s.hy, -bernoulli(-w)*dm[r].YY/s.hy
				f.term(l, f.sgF)
				f.term(r, f.sgT)
				if cross { // −∂x(D_xy P)
					ia, ib, den := i+1, i-1, 2*s.hx
					if i == 0 {
						ib, den = i, s.hx
					} else if i == nx-1 {
						ia, den = i, s.hx
					}
					for _, jj := range []int{j - 1, j} {
						f.term(idx(ia, jj), -0.5*dm[idx(ia, jj)].XY/den)
						f.term(idx(ib, jj), 0.5*dm[idx(ib, jj)].XY/den)
					}
				}
			}
			s.faces = append(s.faces, f)
		}
	}
	if bad != nil {
		return nil, bad
	}
	s.band = nx
	if cross {
		s.band = nx + 1
	}
	s.diag = make([]float64, nx*ny)
	for _, f := range s.faces {
		for m := int32(0); m < f.n; m++ {
			k := int(f.idx[m])
			if int(f.from) == k {
				s.diag[k] -= f.c[m] / f.h
			}
			if int(f.to) == k {
				s.diag[k] += f.c[m] / f.h
			}
		}
	}
	for k, v := range s.diag {
		if !finite(v) {
			return nil, fmt.Errorf("%w: generator entry not finite at cell %d", ErrBadCoefficients, k)
		}
		s.maxD = math.Max(s.maxD, -v)
	}
	return s, nil
}

func checkMatrix(d Matrix2, x, y float64) error {
	if !finite(d.XX) || !finite(d.XY) || !finite(d.YY) || !(d.XX > 0) || !(d.YY > 0) ||
		d.XX*d.YY-d.XY*d.XY < -1e-12*d.XX*d.YY {
		return fmt.Errorf("%w: D(%g, %g) = %+v is not positive semidefinite with positive diagonal", ErrBadCoefficients, x, y, d)
	}
	return nil
}

// Problem returns the problem the solver was built from.
func (s *Solver2D) Problem() Problem2D { return s.p }

// X returns the cell centres along x.
func (s *Solver2D) X() []float64 { return append([]float64(nil), s.x...) }

// Y returns the cell centres along y.
func (s *Solver2D) Y() []float64 { return append([]float64(nil), s.y...) }

// Cells returns NX·NY, the length of a density.
func (s *Solver2D) Cells() int { return s.p.NX * s.p.NY }

// CellArea returns hx·hy.
func (s *Solver2D) CellArea() float64 { return s.hx * s.hy }

// MaxStableStep is the largest explicit step, 1/max|A_ii| (of order 1/(2Dxx/hx² + 2Dyy/hy²)).
func (s *Solver2D) MaxStableStep() float64 { return 1 / s.maxD }

// HasCrossTerms reports whether D has an off-diagonal part somewhere on the grid. Without cross terms the
// implicit schemes keep P ≥ 0 for every Δt; with them positivity holds only while the diagonal dominates.
func (s *Solver2D) HasCrossTerms() bool { return s.band == s.p.NX+1 }

// rate writes dst = c·A P in flux form.
func (s *Solver2D) rate(dst, p []float64, c float64) {
	clear(dst)
	for k := range s.faces {
		f := &s.faces[k]
		j := 0.0
		for m := int32(0); m < f.n; m++ {
			j += f.c[m] * p[f.idx[m]]
		}
		j *= c / f.h
		if f.from >= 0 {
			dst[f.from] -= j
		}
		if f.to >= 0 {
			dst[f.to] += j
		}
	}
}

// Apply returns A P = dP/dt.
func (s *Solver2D) Apply(p []float64) []float64 {
	out := make([]float64, len(p))
	s.rate(out, p, 1)
	return out
}

// splitOperators returns the Scharfetter–Gummel parts of A along x (a tridiagonal in the natural order
// k = j·NX + i, decoupled between rows) and along y (a tridiagonal in the transposed order k' = i·NY + j).
func (s *Solver2D) splitOperators() (ax, ay tridiag) {
	nx, ny := s.p.NX, s.p.NY
	n := nx * ny
	ax, ay = newTridiag(n), newTridiag(n)
	tr := func(k int) int { return (k%nx)*ny + k/nx }
	for k := range s.faces {
		f := &s.faces[k]
		t, perm := ax, func(i int) int { return i }
		if k >= s.nxf {
			t, perm = ay, tr
		}
		// J = sgF·P[from] + sgT·P[to]; dP[from] −= J/h, dP[to] += J/h.
		if f.from >= 0 {
			a := perm(int(f.from))
			t.diag[a] -= f.sgF / f.h
			if f.to >= 0 {
				b := perm(int(f.to)) // b = a + 1
				t.sup[a] -= f.sgT / f.h
				t.sub[b] += f.sgF / f.h
				t.diag[b] += f.sgT / f.h
			}
		} else if f.to >= 0 {
			b := perm(int(f.to))
			t.diag[b] += f.sgT / f.h
		}
	}
	return ax, ay
}

// factor returns the LU factors of shift·I + c·A.
func (s *Solver2D) factor(shift, c float64) (*bandLU, error) {
	n := s.Cells()
	b := newBand(n, s.band)
	for i := 0; i < n; i++ {
		b.add(i, i, shift)
	}
	for k := range s.faces {
		f := &s.faces[k]
		for m := int32(0); m < f.n; m++ {
			v := c * f.c[m] / f.h
			if f.from >= 0 {
				b.add(int(f.from), int(f.idx[m]), -v)
			}
			if f.to >= 0 {
				b.add(int(f.to), int(f.idx[m]), v)
			}
		}
	}
	if err := b.factor(); err != nil {
		return nil, err
	}
	return b, nil
}

// FaceCurrent returns the current through the x-faces (index j·(NX+1)+i, face at x = XLo + i·hx, height y_j)
// and the y-faces (index j·NX+i, face at y = YLo + j·hy), as the scheme computes it. Reflecting walls carry 0.
func (s *Solver2D) FaceCurrent(p []float64) (jx, jy []float64) {
	nx, ny := s.p.NX, s.p.NY
	jx = make([]float64, (nx+1)*ny)
	jy = make([]float64, nx*(ny+1))
	for k := range s.faces {
		f := &s.faces[k]
		v := 0.0
		for m := int32(0); m < f.n; m++ {
			v += f.c[m] * p[f.idx[m]]
		}
		if k < s.nxf {
			c := int(f.to)
			if c < 0 { // right wall
				c = int(f.from)
				jx[(c/nx)*(nx+1)+nx] = v
				continue
			}
			jx[(c/nx)*(nx+1)+c%nx] = v
		} else {
			c := int(f.to)
			if c < 0 { // top wall
				jy[ny*nx+int(f.from)%nx] = v
				continue
			}
			jy[c] = v
		}
	}
	return jx, jy
}

// Current returns the current at the cell centres (the mean of the two faces in each direction), a vector
// field for quiver plots: index j·NX+i.
func (s *Solver2D) Current(p []float64) (jx, jy []float64) {
	fx, fy := s.FaceCurrent(p)
	nx, ny := s.p.NX, s.p.NY
	jx, jy = make([]float64, nx*ny), make([]float64, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			jx[j*nx+i] = (fx[j*(nx+1)+i] + fx[j*(nx+1)+i+1]) / 2
			jy[j*nx+i] = (fy[j*nx+i] + fy[(j+1)*nx+i]) / 2
		}
	}
	return jx, jy
}

// Mass returns ∫P.
func (s *Solver2D) Mass(p []float64) float64 {
	m := 0.0
	for _, v := range p {
		m += v
	}
	return m * s.hx * s.hy
}

// RegionMass returns the mass of the cells whose centres satisfy in(x, y).
func (s *Solver2D) RegionMass(p []float64, in func(x, y float64) bool) float64 {
	m := 0.0
	for j, yv := range s.y {
		for i, xv := range s.x {
			if in(xv, yv) {
				m += p[j*s.p.NX+i]
			}
		}
	}
	return m * s.hx * s.hy
}

func (s *Solver2D) checkDensity(p []float64) error {
	if len(p) != s.Cells() {
		return fmt.Errorf("%w: length %d, want %d", ErrBadDensity, len(p), s.Cells())
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

func (s *Solver2D) onRing(k int) bool {
	i, j := k%s.p.NX, k/s.p.NX
	return i == 0 || j == 0 || i == s.p.NX-1 || j == s.p.NY-1
}

// Gaussian returns the cell averages of N((mx, my), diag(sx², sy²)), renormalised on the grid.
func (s *Solver2D) Gaussian(mx, my, sx, sy float64) ([]float64, error) {
	if !finite(mx) || !finite(my) || !(sx > 0) || !(sy > 0) || !finite(sx) || !finite(sy) {
		return nil, fmt.Errorf("%w: Gaussian(%g, %g, %g, %g)", ErrBadDensity, mx, my, sx, sy)
	}
	cell := func(c, h, m, sd float64) float64 {
		a, b := (c-h/2-m)/sd, (c+h/2-m)/sd
		return 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
	}
	p := make([]float64, s.Cells())
	sum := 0.0
	for j, yv := range s.y {
		py := cell(yv, s.hy, my, sy)
		for i, xv := range s.x {
			v := cell(xv, s.hx, mx, sx) * py
			p[j*s.p.NX+i] = v
			sum += v
		}
	}
	if !(sum > 0) {
		return nil, fmt.Errorf("%w: the Gaussian has no mass on the grid", ErrNotCovered)
	}
	for i := range p {
		p[i] /= sum * s.hx * s.hy
	}
	return p, nil
}

// PointMass returns a density with all its mass in the cell that contains (x, y).
func (s *Solver2D) PointMass(x, y float64) ([]float64, error) {
	p := s.p
	if !(x >= p.XLo && x <= p.XHi && y >= p.YLo && y <= p.YHi) {
		return nil, fmt.Errorf("%w: (%g, %g) outside the grid", ErrNotCovered, x, y)
	}
	i := min(int((x-p.XLo)/s.hx), p.NX-1)
	j := min(int((y-p.YLo)/s.hy), p.NY-1)
	out := make([]float64, s.Cells())
	out[j*p.NX+i] = 1 / (s.hx * s.hy)
	return out, nil
}

// Boltzmann returns exp(−L/d)/Z at the cell centres (white noise D = d·I), normalised on the grid.
func (s *Solver2D) Boltzmann(d float64) ([]float64, error) {
	if s.p.Loss == nil {
		return nil, fmt.Errorf("%w: Boltzmann needs Loss", ErrBadCoefficients)
	}
	if !(d > 0) || !finite(d) {
		return nil, fmt.Errorf("%w: D = %g", ErrBadCoefficients, d)
	}
	lp := make([]float64, s.Cells())
	for j, yv := range s.y {
		for i, xv := range s.x {
			lp[j*s.p.NX+i] = -s.p.Loss(xv, yv) / d
		}
	}
	return normalisedExp(lp, s.hx*s.hy), nil
}

// Stepper2D advances a 2-D density by fixed steps, reusing one banded LU factorisation. One per goroutine.
type Stepper2D struct {
	s      *Solver2D
	scheme Scheme
	dt     float64
	lu     *bandLU
	fx, fy thomas // Douglas: I − ½ΔtA_x (natural order), I − ½ΔtA_y (transposed order)
	tmp    []float64
	col    []float64
	steps  int // steps taken, for the positivity guard's report
}

// NewStepper factors the step matrix: O(NX·NY·NX²) time and 8·NX·NY·(2NX+3) bytes (about 1.3 s and 130 MB at
// 200×200). An explicit step above MaxStableStep is ErrUnstableStep.
func (s *Solver2D) NewStepper(scheme Scheme, dt float64) (*Stepper2D, error) {
	if !(dt > 0) || !finite(dt) {
		return nil, fmt.Errorf("%w: Δt = %g", ErrUnstableStep, dt)
	}
	st := &Stepper2D{s: s, scheme: scheme, dt: dt, tmp: make([]float64, s.Cells())}
	var err error
	switch scheme {
	case BackwardEuler:
		st.lu, err = s.factor(1, -dt)
	case CrankNicolson:
		st.lu, err = s.factor(1, -dt/2)
	case Explicit:
		if lim := s.MaxStableStep(); dt > lim {
			return nil, fmt.Errorf("%w: explicit Δt = %g exceeds the stability limit 1/max|A_ii| = %g", ErrUnstableStep, dt, lim)
		}
	case Douglas:
		ax, ay := s.splitOperators()
		if st.fx, err = factorTridiag(ax, 1, -dt/2); err == nil {
			st.fy, err = factorTridiag(ay, 1, -dt/2)
		}
		st.col = make([]float64, s.Cells())
	default:
		return nil, fmt.Errorf("%w: unknown scheme %v", ErrUnstableStep, scheme)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Dt returns the step.
func (st *Stepper2D) Dt() float64 { return st.dt }

// Step advances p by Δt in place (delta form, as Stepper1D.Step). It does not check positivity; StepChecked
// does.
func (st *Stepper2D) Step(p []float64) {
	st.steps++
	st.s.rate(st.tmp, p, st.dt)
	switch st.scheme {
	case BackwardEuler, CrankNicolson:
		st.lu.solve(st.tmp)
	case Douglas: // Δ1 = (I − ½ΔtA_x)⁻¹ΔtAP, Δ2 = (I − ½ΔtA_y)⁻¹Δ1
		st.fx.solve(st.tmp)
		nx, ny := st.s.p.NX, st.s.p.NY
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				st.col[i*ny+j] = st.tmp[j*nx+i]
			}
		}
		st.fy.solve(st.col)
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				st.tmp[j*nx+i] = st.col[i*ny+j]
			}
		}
	}
	for i := range p {
		p[i] += st.tmp[i]
	}
}

// Evolve advances p0 with one stepper and records frames at the given times (ascending, ≥ 0), each rounded
// to the nearest whole number of steps; Snapshots.Times holds the times actually reached. Every step is guarded
// as in Solver1D.Evolve: a density below −NegativeTol·max P stops the run with a *NegativeDensityError and the
// frames so far; Snapshots.MinRatio reports the most negative min P/max P seen.
func (s *Solver2D) Evolve(p0 []float64, times []float64, scheme Scheme, dt float64) (*Snapshots, error) {
	if err := s.checkDensity(p0); err != nil {
		return nil, err
	}
	if err := checkTimes(times); err != nil {
		return nil, err
	}
	st, err := s.NewStepper(scheme, dt)
	if err != nil {
		return nil, err
	}
	snap := &Snapshots{X: s.X(), Y: s.Y()}
	p := append([]float64(nil), p0...)
	done := 0
	for _, tk := range times {
		n := int(math.Round(tk / dt))
		for done < n {
			st.Step(p)
			done++
			r, e := guard(p, NegativeTol)
			snap.MinRatio = math.Min(snap.MinRatio, r)
			if e != nil {
				e.Step, e.Time = done, float64(done)*dt
				st.fill(e)
				return snap, e
			}
		}
		if m := s.Mass(p); !finite(m) {
			return snap, fmt.Errorf("%w: the density diverged before step %d (t = %g)", ErrUnstableStep, done, float64(done)*dt)
		}
		snap.Times = append(snap.Times, float64(done)*dt)
		snap.Frames = append(snap.Frames, append([]float64(nil), p...))
	}
	return snap, nil
}

// Stationary returns the stationary density (all walls reflecting), ∫P = 1: the null vector of A by inverse
// iteration with the shifted matrix σI − A, σ = 1e-13·max|A_ii| (one banded LU, a few solves). With a
// state-dependent D matrix the stationary state may carry a circulating current; this finds it too.
// A maximum on the outer ring of cells means the grid misses the valley (ErrNotCovered).
func (s *Solver2D) Stationary() ([]float64, error) {
	if s.p.Left != Reflecting || s.p.Right != Reflecting || s.p.Bottom != Reflecting || s.p.Top != Reflecting {
		return nil, fmt.Errorf("%w: a stationary density needs all walls reflecting", ErrBoundary)
	}
	lu, err := s.factor(1e-13*s.maxD, -1)
	if err != nil {
		return nil, err
	}
	n := s.Cells()
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	area := s.hx * s.hy
	norm := func(v []float64) {
		m := 0.0
		for _, u := range v {
			m += u
		}
		for i := range v {
			v[i] /= m * area
		}
	}
	norm(x)
	prev := append([]float64(nil), x...)
	converged := false
	for it := 0; it < 200; it++ {
		lu.solve(x)
		norm(x)
		d := 0.0
		for i := range x {
			d += math.Abs(x[i]-prev[i]) * area
		}
		copy(prev, x)
		if d < 1e-12 && it > 0 {
			converged = true
			break
		}
	}
	if !converged {
		return nil, fmt.Errorf("%w: stationary inverse iteration", ErrNotConverged)
	}
	for i, v := range x {
		if v < 0 {
			if v < -1e-12*x[argmax(x)] {
				return nil, fmt.Errorf("%w: stationary density negative (%g) at cell %d; cross-diffusion too strong for this grid", ErrNotConverged, v, i)
			}
			x[i] = 0
		}
	}
	if k := argmax(x); s.onRing(k) {
		return nil, fmt.Errorf("%w: stationary density peaks at the wall cell (%g, %g); widen the grid", ErrNotCovered, s.x[k%s.p.NX], s.y[k/s.p.NX])
	}
	return x, nil
}

// EscapeRate returns the smallest decay rate λ0 of the absorbing generator (at least one wall absorbing) and
// the quasi-stationary density, by inverse iteration x ← (−A)⁻¹x with one banded LU: the estimate
// λ = Σx/Σ(−A)⁻¹x converges like (λ0/λ1)^k. NextRate is λ1 estimated from that convergence factor
// (NaN when it converged too fast to measure). ErrNotCovered if no minimum of L lies inside the grid or
// the slowest mode peaks on the outer ring of cells.
func (s *Solver2D) EscapeRate() (Escape, error) {
	p := s.p
	if p.Left != Absorbing && p.Right != Absorbing && p.Bottom != Absorbing && p.Top != Absorbing {
		return Escape{}, fmt.Errorf("%w: an escape rate needs an absorbing wall", ErrBoundary)
	}
	if err := s.hasMinimum(); err != nil {
		return Escape{}, err
	}
	lu, err := s.factor(0, -1)
	if err != nil {
		return Escape{}, err
	}
	n := s.Cells()
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	sum := func(v []float64) float64 {
		t := 0.0
		for _, u := range v {
			t += u
		}
		return t
	}
	var lams []float64
	lam := math.NaN()
	converged := false
	for it := 0; it < 500; it++ {
		s0 := sum(x)
		lu.solve(x)
		s1 := sum(x)
		if !(s1 > 0) {
			return Escape{}, fmt.Errorf("%w: inverse iteration lost positivity", ErrNotConverged)
		}
		next := s0 / s1
		for i := range x {
			x[i] /= s1
		}
		lams = append(lams, next)
		if math.Abs(next-lam) <= 1e-13*next {
			lam = next
			converged = true
			break
		}
		lam = next
	}
	if !converged {
		return Escape{}, fmt.Errorf("%w: escape-rate inverse iteration (no clear gap λ1 ≫ λ0)", ErrNotConverged)
	}
	next := math.NaN()
	for k := 2; k < len(lams); k++ { // deepest pair of differences still above rounding
		d1, d2 := lams[k-1]-lams[k-2], lams[k]-lams[k-1]
		if rho := d2 / d1; rho > 0 && rho < 1 && math.Abs(d2) > 1e-11*lam {
			next = lam / rho
		}
	}
	area := s.hx * s.hy
	for i := range x {
		x[i] /= area
	}
	out := Escape{Rate: lam, NextRate: next, QSD: x}
	if k := argmax(x); s.onRing(k) {
		return out, fmt.Errorf("%w: the slowest mode peaks at the wall cell (%g, %g)", ErrNotCovered, s.x[k%p.NX], s.y[k/p.NX])
	}
	return out, nil
}

// hasMinimum looks for an interior cell where ∂xL changes sign from − to + along x and ∂yL along y.
func (s *Solver2D) hasMinimum() error {
	nx, ny := s.p.NX, s.p.NY
	for j := 1; j < ny-1; j++ {
		for i := 1; i < nx-1; i++ {
			if s.grad[j*nx+i-1][0] < 0 && s.grad[j*nx+i+1][0] > 0 && s.grad[(j-1)*nx+i][1] < 0 && s.grad[(j+1)*nx+i][1] > 0 {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: no minimum of L inside [%g, %g]×[%g, %g]", ErrNotCovered, s.p.XLo, s.p.XHi, s.p.YLo, s.p.YHi)
}

// SurvivalDecay evolves p0 and fits the exponential decay of the mass in a region (region nil: the whole
// grid); see DecayOptions (RegionLo/RegionHi are ignored in 2-D). Every step is guarded as in Evolve.
func (s *Solver2D) SurvivalDecay(p0 []float64, region func(x, y float64) bool, o DecayOptions) (Decay, error) {
	if err := s.checkDensity(p0); err != nil {
		return Decay{}, err
	}
	p := s.p
	if p.Left != Absorbing && p.Right != Absorbing && p.Bottom != Absorbing && p.Top != Absorbing {
		return Decay{}, fmt.Errorf("%w: survival decay needs an absorbing wall", ErrBoundary)
	}
	if err := s.hasMinimum(); err != nil {
		return Decay{}, err
	}
	mass := func(q []float64) (float64, error) { return s.Mass(q), nil }
	if region != nil {
		mass = func(q []float64) (float64, error) { return s.RegionMass(q, region), nil }
	}
	st, err := s.NewStepper(o.Scheme, o.Dt)
	if err != nil {
		return Decay{}, err
	}
	return decay(st.StepChecked, mass, append([]float64(nil), p0...), o, st.scheme, st.dt)
}
