package theory

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
)

// Convention is the stochastic interpretation of the 1-D diffusion dθ = −L'(θ) dt + sqrt(2D(θ)) dW when D
// depends on θ (THEORY.md §3.2, "Conventions"). With α the evaluation point of the noise inside a step
// (Itô α = 0, Stratonovich α = 1/2, Hänggi–Klimontovich α = 1), the equivalent Itô drift is −L' + αD', the
// zero-current density is P ∝ e^{−Φ} D^{α−1} and the mean first-passage time is
//
//	τ(x0) = ∫_{x0}^{c} e^{Φ(y)} D(y)^{−α} ∫_{L}^{y} e^{−Φ(z)} D(z)^{α−1} dz dy,   Φ' = L'/D.
//
// For constant D all three coincide.
type Convention int

const (
	// Ito evaluates the noise at the start of a step: what a discrete SGD step with noise taken at θ_t
	// follows. Stationary density ∝ e^{−Φ}/D. The zero value.
	Ito Convention = iota
	// Stratonovich evaluates the noise at the midpoint of a step. Stationary density ∝ e^{−Φ}/sqrt(D).
	Stratonovich
	// Isothermal is the Hänggi–Klimontovich (anti-Itô) reading, J = −P L' − D P'. Stationary density ∝ e^{−Φ}.
	// It is the convention behind the 2π/|H_be| prefactor of THEORY.md §3.2.
	Isothermal
)

// String returns the convention's name.
func (c Convention) String() string {
	switch c {
	case Ito:
		return "Itô"
	case Stratonovich:
		return "Stratonovich"
	case Isothermal:
		return "isothermal (Hänggi–Klimontovich)"
	}
	return fmt.Sprintf("Convention(%d)", int(c))
}

func (c Convention) alpha() (float64, error) {
	switch c {
	case Ito:
		return 0, nil
	case Stratonovich:
		return 0.5, nil
	case Isothermal:
		return 1, nil
	}
	return 0, fmt.Errorf("%w: unknown convention %d", ErrParameter, int(c))
}

// Problem1D is a 1-D first-passage problem for dθ = −L'(θ) dt + sqrt(2D(θ)) dW, given by function values only
// (no landscape type needed): a reflecting wall at Left, the start point Start and an absorbing point Absorb.
//
// Absorb may lie on either side of Start: with Absorb < Start the problem is mirrored internally (then the wall
// Left must be ≥ Start). Left may be infinite (−Inf, or +Inf when mirrored): the wall is then placed where Φ has
// risen 40 units above its lowest value on the way out, which changes τ by a relative e^{−40}.
type Problem1D struct {
	// Grad is L'(θ). Required.
	Grad func(theta float64) float64
	// Diffusion is D(θ) > 0. Required; return a constant for white noise.
	Diffusion func(theta float64) float64
	// Left is the reflecting wall, Start the start point x0, Absorb the absorbing point c.
	Left, Start, Absorb float64
	// Convention is the stochastic interpretation (zero value Itô). It matters only when D varies.
	Convention Convention
	// Panels is the initial number of quadrature panels on [Left, Absorb] (0: 64). Panels are split further
	// wherever Φ changes by more than 1 within a panel, then halved until the result converges.
	Panels int
	// RelTol is the target relative accuracy of τ (0: 1e-9).
	RelTol float64
	// MaxPanels bounds the number of panels (0: 1<<15); exceeding it gives ErrNotConverged.
	MaxPanels int
	// Breaks lists points where L' or D has a kink or a jump (e.g. where a noise floor starts); panels are
	// aligned with them so that the quadrature keeps its high order. Points outside the domain are ignored.
	// Breaks is optional: the quadrature locates kinks and jumps of L'/D and D itself by comparing each
	// panel's Gauss–Legendre rule with the rules on its halves and bisecting where they disagree (see
	// locate.go). Giving them saves that work; for floored Hessian noise D = (η/2B)·max(|L″|, floor),
	// noise.FloorKinks (or HessianSGD.Kinks) lists them.
	Breaks []float64
}

// MFPTResult is the outcome of SolveMFPT1D.
type MFPTResult struct {
	// LogTau is log τ, finite even when τ itself overflows float64.
	LogTau float64
	// Tau is τ = exp(LogTau), or +Inf when it overflows (SolveMFPT1D then also returns ErrOverflow).
	Tau float64
	// Panels is the number of Gauss–Legendre panels of the final quadrature.
	Panels int
	// RelErr estimates the relative error of Tau: the change of the result when every panel was halved.
	RelErr float64
	// Left is the wall actually used (differs from Problem1D.Left when that was infinite).
	Left float64
}

// MFPT1D returns the exact mean first-passage time τ(Start) from Start to Absorb with a reflecting wall at Left
// (THEORY.md §4), computed by nested Gauss–Legendre quadrature in log space, so that barriers of hundreds of
// units of D are handled. It returns ErrOverflow if τ exceeds float64; LogMFPT1D has no such limit.
func MFPT1D(p Problem1D) (float64, error) {
	r, err := SolveMFPT1D(p)
	if err != nil {
		return r.Tau, err
	}
	return r.Tau, nil
}

// LogMFPT1D returns log τ for the problem of MFPT1D.
func LogMFPT1D(p Problem1D) (float64, error) {
	r, err := SolveMFPT1D(p)
	if err != nil && !errors.Is(err, ErrOverflow) {
		return math.NaN(), err
	}
	return r.LogTau, nil
}

// SolveMFPT1D is MFPT1D with the details of the quadrature. When τ overflows, LogTau is still valid, Tau is +Inf
// and the error is ErrOverflow; on any other error the result is the zero value.
func SolveMFPT1D(p Problem1D) (MFPTResult, error) {
	if p.Grad == nil || p.Diffusion == nil {
		return MFPTResult{}, fmt.Errorf("%w: Grad and Diffusion must be set", ErrDomain)
	}
	alpha, err := p.Convention.alpha()
	if err != nil {
		return MFPTResult{}, err
	}
	if math.IsNaN(p.Left) || math.IsNaN(p.Start) || math.IsNaN(p.Absorb) ||
		math.IsInf(p.Start, 0) || math.IsInf(p.Absorb, 0) {
		return MFPTResult{}, fmt.Errorf("%w: Start %v and Absorb %v must be finite and Left %v not NaN",
			ErrDomain, p.Start, p.Absorb, p.Left)
	}
	f := &field{grad: p.Grad, diff: p.Diffusion, alpha: alpha}
	left, start, absorb := p.Left, p.Start, p.Absorb
	if absorb < start {
		f.mirror = true
		left, start, absorb = -left, -start, -absorb
	}
	if !(left <= start && start < absorb) {
		return MFPTResult{}, fmt.Errorf("%w: need the start point between the reflecting wall and the absorbing "+
			"point (Left %v, Start %v, Absorb %v)", ErrDomain, p.Left, p.Start, p.Absorb)
	}
	tol, n0, maxPanels := defaults(p.RelTol, p.Panels, p.MaxPanels)
	if math.IsInf(left, -1) {
		left, err = f.findWall(start, absorb-start)
		if err != nil {
			return MFPTResult{}, err
		}
	}
	breaks, err := f.panels(breakPoints(left, absorb, p.Breaks, f.mirror, start), n0, maxPanels)
	if err != nil {
		return MFPTResult{}, err
	}
	wall := left
	if f.mirror {
		wall = -left
	}
	prev := f.logMFPT(breaks, start)
	for {
		if f.err != nil {
			return MFPTResult{}, f.err
		}
		if 2*(len(breaks)-1) > maxPanels {
			return MFPTResult{}, fmt.Errorf("%w: MFPT needs more than %d panels (a D(θ) that "+
				"vanishes, or nearly, makes the integral diverge; kinks the quadrature did not locate can be "+
				"given in Problem1D.Breaks, e.g. from noise.FloorKinks)", ErrNotConverged, maxPanels)
		}
		breaks = halve(breaks)
		cur := f.logMFPT(breaks, start)
		if f.err != nil {
			return MFPTResult{}, f.err
		}
		if math.IsNaN(cur) || math.IsInf(cur, 0) {
			return MFPTResult{}, fmt.Errorf("%w: log τ = %v", ErrDivergent, cur)
		}
		d := math.Abs(cur - prev)
		if d <= tol {
			r := MFPTResult{LogTau: cur, Tau: math.Exp(cur), Panels: len(breaks) - 1, RelErr: d, Left: wall}
			if math.IsInf(r.Tau, 1) {
				return r, fmt.Errorf("%w: log τ = %.6g", ErrOverflow, cur)
			}
			return r, nil
		}
		prev = cur
	}
}

func defaults(tol float64, n0, maxPanels int) (float64, int, int) {
	if !(tol > 0) {
		tol = 1e-9
	}
	if tol < 1e-13 {
		tol = 1e-13
	}
	if n0 <= 0 {
		n0 = 64
	}
	if maxPanels <= 0 {
		maxPanels = 1 << 15
	}
	if n0 > maxPanels {
		n0 = maxPanels
	}
	return tol, n0, maxPanels
}

// glOrder is the number of Gauss–Legendre nodes per panel.
const glOrder = 10

// glRule holds Gauss–Legendre nodes and weights on [0, 1] and the spectral integration matrix
// s[k][j] = ∫_0^{t_k} ℓ_j(t) dt of the Lagrange basis ℓ_j on the nodes, which integrates the degree-9
// interpolant of values at the nodes from 0 to each node.
type glRule struct {
	t, w [glOrder]float64
	s    [glOrder][glOrder]float64
}

func newGLRule() glRule {
	var r glRule
	quad.Legendre{}.FixedLocations(r.t[:], r.w[:], 0, 1)
	lagrange := func(j int, x float64) float64 {
		v := 1.0
		for i := range glOrder {
			if i != j {
				v *= (x - r.t[i]) / (r.t[j] - r.t[i])
			}
		}
		return v
	}
	for k := range glOrder {
		for j := range glOrder {
			// Gauss–Legendre with glOrder nodes is exact for the degree-(glOrder−1) polynomial ℓ_j.
			sum := 0.0
			for m := range glOrder {
				sum += r.w[m] * lagrange(j, r.t[k]*r.t[m])
			}
			r.s[k][j] = r.t[k] * sum
		}
	}
	return r
}

// panelValues holds, at the Gauss–Legendre nodes y_k of one panel [a, a+h], Φ(y_k) − Φ(a) and log D(y_k).
type panelValues struct {
	dphi, logD [glOrder]float64
}

// panel fills v for the panel [a, a+h] with glOrder evaluations and returns Φ(a+h) − Φ(a).
func (f *field) panel(a, h float64, v *panelValues) float64 {
	r := f.gl()
	var pp [glOrder]float64
	inc := 0.0
	for k := range glOrder {
		var d float64
		pp[k], d = f.eval(a + r.t[k]*h)
		v.logD[k] = math.Log(d)
		inc += r.w[k] * pp[k]
	}
	for k := range glOrder {
		s := 0.0
		for j := range glOrder {
			s += r.s[k][j] * pp[j]
		}
		v.dphi[k] = s * h
	}
	return inc * h
}

// field evaluates Φ' = L'/D and D, possibly mirrored (θ → −θ), and remembers the first invalid value.
type field struct {
	grad, diff func(float64) float64
	mirror     bool
	alpha      float64
	rule       glRule
	ruleSet    bool
	err        error
}

func (f *field) gl() *glRule {
	if !f.ruleSet {
		f.rule = newGLRule()
		f.ruleSet = true
	}
	return &f.rule
}

// eval returns Φ'(x) and D(x) in the (possibly mirrored) internal coordinate.
func (f *field) eval(x float64) (phiPrime, d float64) {
	var g float64
	if f.mirror {
		g, d = -f.grad(-x), f.diff(-x)
	} else {
		g, d = f.grad(x), f.diff(x)
	}
	if math.IsNaN(g) || math.IsInf(g, 0) || !(d > 0) || math.IsInf(d, 0) {
		if f.err == nil {
			xo := x
			if f.mirror {
				xo = -x
			}
			f.err = fmt.Errorf("%w: at θ = %v, L' = %v and D = %v (need finite L' and finite D > 0)",
				ErrFunction, xo, g, d)
		}
		return 0, 1
	}
	return g / d, d
}

// phiInc returns Φ(b) − Φ(a) by one Gauss–Legendre panel.
func (f *field) phiInc(a, b float64) float64 {
	r := f.gl()
	h := b - a
	s := 0.0
	for k := range glOrder {
		pp, _ := f.eval(a + r.t[k]*h)
		s += r.w[k] * pp
	}
	return s * h
}

// logInner returns log ∫_a^y e^{−(Φ(z)−Φ(a))} D(z)^{α−1} dz.
func (f *field) logInner(a, y float64) float64 {
	r := f.gl()
	h := y - a
	var acc logSum
	for k := range glOrder {
		z := a + r.t[k]*h
		_, d := f.eval(z)
		acc.add(math.Log(r.w[k]*h) - f.phiInc(a, z) + (f.alpha-1)*math.Log(d))
	}
	return acc.log()
}

// panels returns sorted break points covering [pts[0], pts[last]] that include every point of pts, with at
// least n0 panels in all and no panel across which Φ changes by more than maxPhiStep.
func (f *field) panels(pts []float64, n0, maxPanels int) ([]float64, error) {
	const maxPhiStep = 1.0
	lo, hi := pts[0], pts[len(pts)-1]
	h := (hi - lo) / float64(n0)
	var breaks []float64
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		if b <= a {
			continue
		}
		m := int(math.Ceil((b - a) / h))
		if m < 1 {
			m = 1
		}
		for j := range m {
			breaks = append(breaks, a+(b-a)*float64(j)/float64(m))
		}
	}
	breaks = append(breaks, hi)
	r := f.gl()
	out := []float64{breaks[0]}
	// Refine each panel until max |Φ'|·h ≤ maxPhiStep.
	for i := 0; i+1 < len(breaks); i++ {
		stack := [][2]float64{{breaks[i], breaks[i+1]}}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			w := p[1] - p[0]
			mx := 0.0
			for k := range glOrder {
				pp, _ := f.eval(p[0] + r.t[k]*w)
				mx = math.Max(mx, math.Abs(pp))
			}
			if f.err != nil {
				return nil, f.err
			}
			if mx*w > maxPhiStep && w <= 1e-10*math.Max(1, math.Abs(p[0])) {
				x := p[0]
				if f.mirror {
					x = -x
				}
				return nil, fmt.Errorf("%w: Φ' = L'/D is unbounded near θ = %.10g (does D vanish there? see "+
					"THEORY.md §3.2, \"a trap\")", ErrDivergent, x)
			}
			if mx*w <= maxPhiStep {
				out = append(out, p[1])
				if len(out)-1 > maxPanels {
					return nil, fmt.Errorf("%w: more than %d panels needed to resolve Φ", ErrNotConverged, maxPanels)
				}
				continue
			}
			m := int(math.Ceil(mx * w / maxPhiStep))
			if m < 2 {
				m = 2
			}
			if m > 64 {
				m = 64
			}
			// Push in reverse so that panels come out in order.
			for j := m - 1; j >= 0; j-- {
				stack = append(stack, [2]float64{p[0] + w*float64(j)/float64(m), p[0] + w*float64(j+1)/float64(m)})
			}
		}
	}
	out = f.locateKinks(out)
	if f.err != nil {
		return nil, f.err
	}
	if len(out)-1 > maxPanels {
		return nil, fmt.Errorf("%w: more than %d panels needed to resolve Φ", ErrNotConverged, maxPanels)
	}
	return out, nil
}

// breakPoints returns the sorted, distinct points lo, hi and every extra point inside (lo, hi), mirrored
// first if needed.
func breakPoints(lo, hi float64, user []float64, mirror bool, extra ...float64) []float64 {
	pts := []float64{lo, hi}
	add := func(x float64) {
		if mirror {
			x = -x
		}
		if x > lo && x < hi {
			pts = append(pts, x)
		}
	}
	for _, x := range user {
		add(x)
	}
	for _, x := range extra {
		if mirror {
			x = -x // extra points are already internal
		}
		add(x)
	}
	sort.Float64s(pts)
	out := pts[:1]
	for _, x := range pts[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// halve splits every panel in two.
func halve(b []float64) []float64 {
	out := make([]float64, 0, 2*len(b)-1)
	for i := 0; i+1 < len(b); i++ {
		out = append(out, b[i], 0.5*(b[i]+b[i+1]))
	}
	return append(out, b[len(b)-1])
}

// cumulative returns Φ at every break point (Φ(breaks[0]) = 0) and the log of the cumulative inner integral
// log ∫_{breaks[0]}^{breaks[i]} e^{−Φ} D^{α−1} (−Inf at i = 0).
func (f *field) cumulative(breaks []float64) (phi, logI []float64) {
	n := len(breaks)
	phi = make([]float64, n)
	logI = make([]float64, n)
	logI[0] = math.Inf(-1)
	r := f.gl()
	var v panelValues
	for i := 0; i+1 < n; i++ {
		h := breaks[i+1] - breaks[i]
		phi[i+1] = phi[i] + f.panel(breaks[i], h, &v)
		var acc logSum
		for k := range glOrder {
			acc.add(math.Log(r.w[k]*h) - v.dphi[k] + (f.alpha-1)*v.logD[k])
		}
		logI[i+1] = logAdd(logI[i], -phi[i]+acc.log())
	}
	return phi, logI
}

// logMFPT evaluates log τ(start) on the given panels (start must be a break point, the last break point the
// absorbing point, the first the wall).
func (f *field) logMFPT(breaks []float64, start float64) float64 {
	phi, logI := f.cumulative(breaks)
	r := f.gl()
	i0 := sort.SearchFloat64s(breaks, start)
	var acc logSum
	var v panelValues
	var g [glOrder]float64
	for i := i0; i+1 < len(breaks); i++ {
		a, h := breaks[i], breaks[i+1]-breaks[i]
		f.panel(a, h, &v)
		// Inner integrand at the nodes, scaled by its largest value.
		shift := math.Inf(-1)
		for j := range glOrder {
			g[j] = -v.dphi[j] + (f.alpha-1)*v.logD[j]
			shift = math.Max(shift, g[j])
		}
		for j := range glOrder {
			g[j] = math.Exp(g[j] - shift)
		}
		for k := range glOrder {
			// ∫_a^{y_k} e^{−(Φ−Φ(a))} D^{α−1} by the spectral integration matrix; fall back to nested
			// quadrature if cancellation leaves it non-positive.
			part := 0.0
			for j := range glOrder {
				part += r.s[k][j] * g[j]
			}
			var lpart float64
			if part > 0 {
				lpart = math.Log(part*h) + shift
			} else {
				lpart = f.logInner(a, a+r.t[k]*h)
			}
			ly := logAdd(logI[i], -phi[i]+lpart)
			acc.add(math.Log(r.w[k]*h) + phi[i] + v.dphi[k] + ly - f.alpha*v.logD[k])
		}
	}
	return acc.log()
}

// findWall walks left from start until Φ has risen 40 above the lowest value met, and returns that point.
func (f *field) findWall(start, scale float64) (float64, error) {
	const rise = 40
	h := scale / 16
	if !(h > 0) {
		h = 1e-3
	}
	x, phi, minPhi := start, 0.0, 0.0
	for step := 0; step < 20000; step++ {
		if step > 0 && step%64 == 0 {
			h *= 2
		}
		nx := x - h
		phi -= f.phiInc(nx, x)
		x = nx
		if f.err != nil {
			return 0, f.err
		}
		minPhi = math.Min(minPhi, phi)
		if pp, _ := f.eval(x); phi-minPhi >= rise && pp < 0 {
			return x, nil
		}
		if math.IsInf(x, 0) {
			break
		}
	}
	return 0, fmt.Errorf("%w: Left is infinite but Φ = ∫L'/D does not grow to the left of the start point "+
		"(the landscape does not confine); give a finite reflecting wall", ErrDomain)
}

// logSum accumulates log Σ exp(v) without overflow.
type logSum struct {
	m, s float64
	set  bool
}

func (a *logSum) add(v float64) {
	if math.IsInf(v, -1) {
		return
	}
	if !a.set {
		a.m, a.s, a.set = v, 1, true
		return
	}
	if v <= a.m {
		a.s += math.Exp(v - a.m)
		return
	}
	a.s = a.s*math.Exp(a.m-v) + 1
	a.m = v
}

func (a *logSum) log() float64 {
	if !a.set {
		return math.Inf(-1)
	}
	return a.m + math.Log(a.s)
}

// logAdd returns log(e^a + e^b).
func logAdd(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}
