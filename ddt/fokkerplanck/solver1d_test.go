package fokkerplanck

import (
	"errors"
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// doubleWell: L = θ⁴/4 − θ²/2, minima at ±1, saddle at 0, ΔL = 1/4.
func doubleWell(d func(float64) float64) Coefficients1D {
	return Coefficients1D{
		Grad:      func(t float64) float64 { return t*t*t - t },
		Diffusion: d,
		Loss:      func(t float64) float64 { return t*t*t*t/4 - t*t/2 },
	}
}

func constD(d float64) func(float64) float64 { return func(float64) float64 { return d } }

// mfptRef is an independent reference for the Itô mean first-passage time from x0 to the absorbing point c
// with a reflecting wall at lo: τ = ∫_{x0}^{c} e^{Φ(y)} ∫_{lo}^{y} e^{−Φ(z)}/D(z) dz dy, Φ' = L'/D, by
// composite trapezoid sums on n intervals (error O(1/n²)).
func mfptRef(c Coefficients1D, lo, x0, b float64, n int) float64 {
	h := (b - lo) / float64(n)
	phi := make([]float64, n+1)
	f := func(t float64) float64 { return c.Grad(t) / c.Diffusion(t) }
	for k := 1; k <= n; k++ {
		a := lo + float64(k-1)*h
		// Simpson on each interval keeps Φ accurate to O(h⁴).
		phi[k] = phi[k-1] + h/6*(f(a)+4*f(a+h/2)+f(a+h))
	}
	inner := make([]float64, n+1)
	g := func(k int) float64 { t := lo + float64(k)*h; return math.Exp(-phi[k]) / c.Diffusion(t) }
	for k := 1; k <= n; k++ {
		inner[k] = inner[k-1] + h/2*(g(k-1)+g(k))
	}
	k0 := int(math.Round((x0 - lo) / h))
	tau := 0.0
	for k := k0 + 1; k <= n; k++ {
		tau += h / 2 * (math.Exp(phi[k-1])*inner[k-1] + math.Exp(phi[k])*inner[k])
	}
	return tau
}

func maxRelErr(got, want []float64) float64 {
	m := 0.0
	for i := range got {
		m = math.Max(m, math.Abs(got[i]-want[i])/want[i])
	}
	return m
}

func TestStationaryWhiteNoiseIsBoltzmann(t *testing.T) {
	const d = 0.1
	s, err := NewSolver1D(Problem1D{Coefficients1D: doubleWell(constD(d)), Lo: -2.5, Hi: 2.5, Cells: 400})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Stationary()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.Boltzmann(d)
	if e := maxRelErr(p, want); e > 1e-9 {
		t.Errorf("stationary vs exp(−L/D)/Z: max relative error %.3g > 1e-9", e)
	}
	// The generator annihilates it: zero current everywhere.
	for k, j := range s.Current(p) {
		if math.Abs(j) > 1e-12 {
			t.Fatalf("current %g at face %d of the stationary density", j, k)
		}
	}
	// And the dynamics relax to it: a Gaussian start under backward Euler with a large step.
	p0, _ := s.Gaussian(1.5, 0.1)
	snap, err := s.Evolve(p0, []float64{2000}, BackwardEuler, 5)
	if err != nil {
		t.Fatal(err)
	}
	end := snap.Frames[0]
	l1 := 0.0
	for i := range end {
		l1 += math.Abs(end[i]-want[i]) * s.Width()
	}
	if l1 > 1e-6 {
		t.Errorf("L1 distance to Boltzmann after t=2000: %.3g", l1)
	}
}

func TestStationaryItoStateDependent(t *testing.T) {
	// L = θ²/2, D = d0(1+θ²): Itô stationary ∝ exp(−∫θ/D)/D = (1+θ²)^{−1/(2d0) − 1}.
	const d0 = 0.1
	c := Coefficients1D{Grad: func(x float64) float64 { return x }, Diffusion: func(x float64) float64 { return d0 * (1 + x*x) }}
	s, err := NewSolver1D(Problem1D{Coefficients1D: c, Lo: -8, Hi: 8, Cells: 801})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Stationary()
	if err != nil {
		t.Fatal(err)
	}
	ito := make([]float64, len(p))
	iso := make([]float64, len(p)) // the "isothermal" reading, (1+θ²)^{−1/(2d0)}: must NOT match
	for i, x := range s.X() {
		ito[i] = math.Pow(1+x*x, -1/(2*d0)-1)
		iso[i] = math.Pow(1+x*x, -1/(2*d0))
	}
	norm := func(v []float64) {
		m := s.Mass(v)
		for i := range v {
			v[i] /= m
		}
	}
	norm(ito)
	norm(iso)
	eIto, eIso := maxRelErr(p, ito), maxRelErr(p, iso)
	t.Logf("max relative error: Itô %.3g, isothermal %.3g", eIto, eIso)
	if eIto > 1e-8 {
		t.Errorf("Itô stationary density: max relative error %.3g > 1e-8", eIto)
	}
	if eIso < 0.1 {
		t.Errorf("the isothermal density should differ; max relative difference only %.3g", eIso)
	}
	// Time stepping reaches the same density.
	p0, _ := s.Gaussian(-1, 0.3)
	snap, err := s.Evolve(p0, []float64{300}, BackwardEuler, 2)
	if err != nil {
		t.Fatal(err)
	}
	l1 := 0.0
	for i, v := range snap.Frames[0] {
		l1 += math.Abs(v-p[i]) * s.Width()
	}
	if l1 > 1e-6 {
		t.Errorf("L1 distance to the stationary density after t=300: %.3g", l1)
	}
}

func moments(x, p []float64, h float64) (mean, variance float64) {
	m0, m1, m2 := 0.0, 0.0, 0.0
	for i, v := range p {
		m0 += v * h
		m1 += v * x[i] * h
		m2 += v * x[i] * x[i] * h
	}
	mean = m1 / m0
	return mean, m2/m0 - mean*mean
}

func TestOrnsteinUhlenbeckMoments(t *testing.T) {
	// L = kθ²/2, constant D: mean m0 e^{−kt}, variance D/k + (v0 − D/k) e^{−2kt}.
	const k, d, m0, s0 = 2.0, 0.5, 1.5, 0.2
	c := Coefficients1D{Grad: func(x float64) float64 { return k * x }, Diffusion: constD(d)}
	s, err := NewSolver1D(Problem1D{Coefficients1D: c, Lo: -5, Hi: 5, Cells: 2000})
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := s.Gaussian(m0, s0)
	_, v0 := moments(s.X(), p0, s.Width()) // s0² + h²/12 on the grid
	times := []float64{0.05, 0.2, 0.5, 1, 3}
	for _, sch := range []Scheme{CrankNicolson, BackwardEuler} {
		dt := 1e-3
		tolM, tolV := 1e-5, 1e-5
		if sch == BackwardEuler {
			dt, tolM, tolV = 5e-4, 6e-4, 6e-4 // first order in time
		}
		snap, err := s.Evolve(p0, times, sch, dt)
		if err != nil {
			t.Fatal(err)
		}
		for n, tt := range snap.Times {
			mean, v := moments(s.X(), snap.Frames[n], s.Width())
			wm := m0 * math.Exp(-k*tt)
			wv := d/k + (v0-d/k)*math.Exp(-2*k*tt)
			t.Logf("%v t=%.2f: mean %.7f (exact %.7f), var %.7f (exact %.7f)", sch, tt, mean, wm, v, wv)
			if math.Abs(mean-wm) > tolM || math.Abs(v-wv) > tolV {
				t.Errorf("%v t=%g: mean %.7g var %.7g, want %.7g %.7g", sch, tt, mean, v, wm, wv)
			}
		}
	}
}

func TestMassAndPositivity(t *testing.T) {
	c := doubleWell(func(x float64) float64 { return 0.05 + 0.1*x*x })
	s, err := NewSolver1D(Problem1D{Coefficients1D: c, Lo: -2.5, Hi: 2.5, Cells: 500})
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := s.PointMass(1.7) // a spike is the hardest start for positivity
	cases := []struct {
		sch Scheme
		dt  float64
	}{{BackwardEuler, 10}, {BackwardEuler, 1e-3}, {CrankNicolson, 1e-3}, {Explicit, s.MaxStableStep()}}
	for _, cs := range cases {
		st, err := s.NewStepper(cs.sch, cs.dt)
		if err != nil {
			t.Fatal(err)
		}
		p := append([]float64(nil), p0...)
		minP := 0.0
		for range 2000 {
			st.Step(p)
			for _, v := range p {
				minP = math.Min(minP, v)
			}
		}
		dm := math.Abs(s.Mass(p) - 1)
		t.Logf("%v Δt=%g: |mass−1| = %.2g, min P = %.2g", cs.sch, cs.dt, dm, minP)
		if dm > 1e-10 {
			t.Errorf("%v Δt=%g: mass drift %.3g > 1e-10", cs.sch, cs.dt, dm)
		}
		if cs.sch != CrankNicolson && minP < 0 {
			t.Errorf("%v Δt=%g: P went negative (%g)", cs.sch, cs.dt, minP)
		}
	}
}

func TestEscapeRateMatchesExactMFPT(t *testing.T) {
	// Reflecting wall at −2.5, absorbing at c = 1 (the other minimum): λ0 ≈ 1/τ(a=−1 → c).
	cases := []struct {
		name string
		c    Coefficients1D
	}{
		{"white D=0.04 (ΔL/D=6.25)", doubleWell(constD(0.04))},
		{"white D=0.025 (ΔL/D=10)", doubleWell(constD(0.025))},
		{"state-dependent D=0.03(1+θ²/2)", doubleWell(func(x float64) float64 { return 0.03 * (1 + x*x/2) })},
	}
	for _, cs := range cases {
		s, err := NewSolver1D(Problem1D{Coefficients1D: cs.c, Lo: -2.5, Hi: 1, Cells: 2000, Right: Absorbing})
		if err != nil {
			t.Fatal(err)
		}
		esc, err := s.EscapeRate()
		if err != nil {
			t.Fatal(err)
		}
		tau, err := theory.MFPT1D(theory.Problem1D{Grad: cs.c.Grad, Diffusion: cs.c.Diffusion, Left: -2.5, Start: -1, Absorb: 1})
		if err != nil {
			t.Fatal(err)
		}
		// Independent cross-check of the reference itself (trapezoid double integral).
		if own := mfptRef(cs.c, -2.5, -1, 1, 400000); math.Abs(own/tau-1) > 1e-6 {
			t.Fatalf("theory.MFPT1D = %.9g but the trapezoid double integral gives %.9g", tau, own)
		}
		rel := esc.Rate*tau - 1
		t.Logf("%s: λ0 = %.6g, 1/MFPT = %.6g, λ0·MFPT−1 = %.2g, λ1/λ0 = %.3g", cs.name, esc.Rate, 1/tau, rel, esc.NextRate/esc.Rate)
		if math.Abs(rel) > 0.02 {
			t.Errorf("%s: λ0·MFPT − 1 = %.3g, want within 2%%", cs.name, rel)
		}
		// The survival curve gives the same rate.
		p0, _ := s.Gaussian(-1, 0.1)
		dec, err := s.SurvivalDecay(p0, DecayOptions{Dt: 0.05 / esc.Rate, End: 5 / esc.Rate, FitFrom: 1 / esc.Rate})
		if err != nil {
			t.Fatal(err)
		}
		rd := dec.Rate/esc.Rate - 1
		t.Logf("%s: survival-decay rate %.6g (raw slope %.6g), relative to eigenvalue %.2g", cs.name, dec.Rate, dec.Slope, rd)
		if math.Abs(rd) > 1e-4 {
			t.Errorf("%s: decay rate %.6g vs eigenvalue %.6g", cs.name, dec.Rate, esc.Rate)
		}
		// The survival of the valley itself, [−2.5, b = 0], decays at the same rate.
		dv, err := s.SurvivalDecay(p0, DecayOptions{Dt: 0.05 / esc.Rate, End: 5 / esc.Rate, FitFrom: 1 / esc.Rate, RegionLo: -2.5, RegionHi: 0})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(dv.Rate/esc.Rate-1) > 1e-4 {
			t.Errorf("%s: valley-survival rate %.6g vs eigenvalue %.6g", cs.name, dv.Rate, esc.Rate)
		}
	}
}

func TestGridConvergence(t *testing.T) {
	// Constant drift v on [0,1], absorbing both walls: λ0 = Dπ² + v²/(4D) exactly.
	const v, d = 1.0, 0.1
	exact := d*math.Pi*math.Pi + v*v/(4*d)
	c := Coefficients1D{Grad: func(float64) float64 { return -v }, Diffusion: constD(d)}
	var prev float64
	var orders []float64
	for _, n := range []int{25, 50, 100, 200, 400} {
		s, err := NewSolver1D(Problem1D{Coefficients1D: c, Lo: 0, Hi: 1, Cells: n, Left: Absorbing, Right: Absorbing})
		if err != nil {
			t.Fatal(err)
		}
		sym := s.a // reuse EscapeRate without the valley check: no minimum of L here
		_ = sym
		lam, err := s.lowestRate()
		if err != nil {
			t.Fatal(err)
		}
		e := math.Abs(lam - exact)
		if prev > 0 {
			orders = append(orders, math.Log2(prev/e))
		}
		t.Logf("N=%d: λ0 = %.9g, error %.3g", n, lam, e)
		prev = e
	}
	t.Logf("observed orders %.3f", orders)
	for _, o := range orders {
		if o < 1.8 {
			t.Errorf("observed order %.3f < 1.8", o)
		}
	}
}

func TestBadInput1D(t *testing.T) {
	ok := doubleWell(constD(0.1))
	bad := []struct {
		name string
		p    Problem1D
		want error
	}{
		{"too few cells", Problem1D{Coefficients1D: ok, Lo: -2, Hi: 2, Cells: 2}, ErrBadGrid},
		{"empty interval", Problem1D{Coefficients1D: ok, Lo: 2, Hi: 2, Cells: 10}, ErrBadGrid},
		{"NaN bound", Problem1D{Coefficients1D: ok, Lo: math.NaN(), Hi: 2, Cells: 10}, ErrBadGrid},
		{"no drift", Problem1D{Coefficients1D: Coefficients1D{Diffusion: constD(1)}, Lo: -2, Hi: 2, Cells: 10}, ErrBadCoefficients},
		{"zero D", Problem1D{Coefficients1D: doubleWell(constD(0)), Lo: -2, Hi: 2, Cells: 10}, ErrBadCoefficients},
		{"D negative somewhere", Problem1D{Coefficients1D: doubleWell(func(x float64) float64 { return x }), Lo: -2, Hi: 2, Cells: 10}, ErrBadCoefficients},
		{"NaN gradient", Problem1D{Coefficients1D: Coefficients1D{Grad: func(float64) float64 { return math.NaN() }, Diffusion: constD(1)}, Lo: -2, Hi: 2, Cells: 10}, ErrBadCoefficients},
	}
	for _, b := range bad {
		if _, err := NewSolver1D(b.p); !errors.Is(err, b.want) {
			t.Errorf("%s: err = %v, want %v", b.name, err, b.want)
		}
	}
	s, _ := NewSolver1D(Problem1D{Coefficients1D: ok, Lo: -2, Hi: 2, Cells: 100})
	if _, err := s.NewStepper(Explicit, 1.01*s.MaxStableStep()); !errors.Is(err, ErrUnstableStep) {
		t.Errorf("explicit step above the limit: %v", err)
	}
	if _, err := s.NewStepper(BackwardEuler, -1); !errors.Is(err, ErrUnstableStep) {
		t.Errorf("negative step: %v", err)
	}
	if _, err := s.EscapeRate(); !errors.Is(err, ErrBoundary) {
		t.Errorf("escape rate with reflecting walls: %v", err)
	}
	if _, err := s.Evolve([]float64{1, 2}, []float64{1}, BackwardEuler, 0.1); !errors.Is(err, ErrBadDensity) {
		t.Errorf("short density: %v", err)
	}
	if _, err := s.RegionMass(make([]float64, 100), -3, 0); !errors.Is(err, ErrNotCovered) {
		t.Errorf("region outside the grid: %v", err)
	}
	// A grid that misses the valley: the minimum of (θ−5)²/2 is outside [−2, 2].
	far := Coefficients1D{Grad: func(x float64) float64 { return x - 5 }, Diffusion: constD(0.1)}
	s2, _ := NewSolver1D(Problem1D{Coefficients1D: far, Lo: -2, Hi: 2, Cells: 100})
	if _, err := s2.Stationary(); !errors.Is(err, ErrNotCovered) {
		t.Errorf("stationary with the valley outside the grid: %v", err)
	}
	s3, _ := NewSolver1D(Problem1D{Coefficients1D: far, Lo: -2, Hi: 2, Cells: 100, Right: Absorbing})
	if _, err := s3.EscapeRate(); !errors.Is(err, ErrNotCovered) {
		t.Errorf("escape rate with the valley outside the grid: %v", err)
	}
}
