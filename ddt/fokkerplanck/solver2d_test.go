package fokkerplanck

import (
	"errors"
	"math"
	"testing"
)

// tilted: L = x⁴/4 − x²/2 + ky²/2 + c·x·y, a double well in x coupled to y.
func tilted(k, c float64) Coefficients2D {
	return Coefficients2D{
		Grad: func(x, y float64) (float64, float64) { return x*x*x - x + c*y, k*y + c*x },
		Loss: func(x, y float64) float64 { return x*x*x*x/4 - x*x/2 + k*y*y/2 + c*x*y },
	}
}

func TestStationary2DBoltzmann(t *testing.T) {
	const d = 0.15
	c := tilted(2, 0.3)
	c.Diffusion = ConstantDiffusion2D(Matrix2{XX: d, YY: d})
	s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2.2, XHi: 2.2, YLo: -1.8, YHi: 1.8, NX: 56, NY: 48})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Stationary()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.Boltzmann(d)
	e := maxRelErr(p, want)
	t.Logf("2-D stationary vs exp(−L/D)/Z: max relative error %.3g", e)
	if e > 1e-7 {
		t.Errorf("max relative error %.3g > 1e-7", e)
	}
}

func TestStationary2DStateDependent(t *testing.T) {
	// Separable: L = x²/2 + y²/2, D = diag(d0(1+x²), d1(1+y²/2)): the stationary density is the product of the
	// 1-D Itô densities (1+x²)^{−1/(2d0)−1} · (1+y²/2)^{−1/d1−1}.
	const d0, d1 = 0.25, 0.3
	c := Coefficients2D{
		Grad:      func(x, y float64) (float64, float64) { return x, y },
		Diffusion: func(x, y float64) Matrix2 { return Matrix2{XX: d0 * (1 + x*x), YY: d1 * (1 + y*y/2)} },
	}
	s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -6, XHi: 6, YLo: -6, YHi: 6, NX: 61, NY: 61})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Stationary()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(p))
	for j, y := range s.Y() {
		for i, x := range s.X() {
			want[j*61+i] = math.Pow(1+x*x, -1/(2*d0)-1) * math.Pow(1+y*y/2, -1/d1-1)
		}
	}
	m := s.Mass(want)
	for i := range want {
		want[i] /= m
	}
	e := maxRelErr(p, want)
	t.Logf("2-D Itô stationary density, state-dependent D: max relative error %.3g", e)
	if e > 1e-7 {
		t.Errorf("max relative error %.3g > 1e-7", e)
	}
}

func TestOrnsteinUhlenbeck2DWithCrossDiffusion(t *testing.T) {
	// L = ½θᵀHθ, constant D with an off-diagonal part: mean e^{−Ht}m0, covariance Σ' = −HΣ − ΣH + 2D.
	h := [2][2]float64{{2, 0.5}, {0.5, 1}}
	dm := Matrix2{XX: 0.3, XY: 0.1, YY: 0.2}
	c := Coefficients2D{
		Grad:      func(x, y float64) (float64, float64) { return h[0][0]*x + h[0][1]*y, h[1][0]*x + h[1][1]*y },
		Diffusion: ConstantDiffusion2D(dm),
	}
	s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -3.5, XHi: 3.5, YLo: -3.5, YHi: 3.5, NX: 100, NY: 100})
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := s.Gaussian(1, -0.8, 0.25, 0.25)
	mom := func(p []float64) (mx, my, sxx, sxy, syy float64) {
		a := s.CellArea()
		var m0 float64
		for j, y := range s.Y() {
			for i, x := range s.X() {
				v := p[j*100+i] * a
				m0 += v
				mx += v * x
				my += v * y
				sxx += v * x * x
				sxy += v * x * y
				syy += v * y * y
			}
		}
		mx, my = mx/m0, my/m0
		return mx, my, sxx/m0 - mx*mx, sxy/m0 - mx*my, syy/m0 - my*my
	}
	// Reference: integrate the moment ODEs with small RK4 steps from the grid's own initial moments.
	mx, my, sxx, sxy, syy := mom(p0)
	state := [5]float64{mx, my, sxx, sxy, syy}
	f := func(u [5]float64) [5]float64 {
		var r [5]float64
		r[0] = -(h[0][0]*u[0] + h[0][1]*u[1])
		r[1] = -(h[1][0]*u[0] + h[1][1]*u[1])
		// Σ' = −HΣ − ΣH + 2D
		S := [2][2]float64{{u[2], u[3]}, {u[3], u[4]}}
		var hs [2][2]float64
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				hs[i][j] = h[i][0]*S[0][j] + h[i][1]*S[1][j]
			}
		}
		r[2] = -2*hs[0][0] + 2*dm.XX
		r[3] = -hs[0][1] - hs[1][0] + 2*dm.XY
		r[4] = -2*hs[1][1] + 2*dm.YY
		return r
	}
	times := []float64{0.1, 0.3, 0.8, 2}
	var ref [][5]float64
	tc, dt := 0.0, 1e-4
	for _, tt := range times {
		for tc < tt-1e-12 {
			step := math.Min(dt, tt-tc)
			k1 := f(state)
			var u [5]float64
			for q := range u {
				u[q] = state[q] + step/2*k1[q]
			}
			k2 := f(u)
			for q := range u {
				u[q] = state[q] + step/2*k2[q]
			}
			k3 := f(u)
			for q := range u {
				u[q] = state[q] + step*k3[q]
			}
			k4 := f(u)
			for q := range state {
				state[q] += step / 6 * (k1[q] + 2*k2[q] + 2*k3[q] + k4[q])
			}
			tc += step
		}
		ref = append(ref, state)
	}
	for _, sch := range []Scheme{CrankNicolson, Douglas} {
		snap, err := s.Evolve(p0, times, sch, 1e-2)
		if err != nil {
			t.Fatal(err)
		}
		for k, tt := range snap.Times {
			gx, gy, gxx, gxy, gyy := mom(snap.Frames[k])
			got := [5]float64{gx, gy, gxx, gxy, gyy}
			worst := 0.0
			for q := range got {
				worst = math.Max(worst, math.Abs(got[q]-ref[k][q]))
			}
			t.Logf("%v t=%.2f: moments %.5f, exact %.5f, worst abs error %.2g", sch, tt, got, ref[k], worst)
			if worst > 2e-3 {
				t.Errorf("%v t=%g: moments off by %.3g (> 2e-3)", sch, tt, worst)
			}
		}
	}
	// Douglas with cross terms far beyond any explicit limit stays bounded and conserves mass.
	st, err := s.NewStepper(Douglas, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	p := append([]float64(nil), p0...)
	for range 200 {
		st.Step(p)
	}
	l1 := 0.0
	for _, v := range p {
		l1 += math.Abs(v) * s.CellArea()
	}
	t.Logf("Douglas Δt=0.5 (Δt·max|A_ii| = %.0f), 200 steps: ∫|P| = %.6f, |mass−1| = %.2g", 0.5/s.MaxStableStep(), l1, math.Abs(s.Mass(p)-1))
	if l1 > 1.01 || math.Abs(s.Mass(p)-1) > 1e-10 {
		t.Errorf("Douglas at a large step: ∫|P| = %g, mass %g", l1, s.Mass(p))
	}
}

func TestMassAndPositivity2D(t *testing.T) {
	// Diagonal, state-dependent D with a floor (the shape of (η/2B)[H]⁺): no cross terms, so the implicit
	// matrix is an M-matrix and P stays ≥ 0.
	c := tilted(2, 0)
	c.Diffusion = func(x, y float64) Matrix2 {
		return Matrix2{XX: 0.05 * math.Max(math.Abs(3*x*x-1), 0.2), YY: 0.05 * 2}
	}
	s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2.2, XHi: 2.2, YLo: -2, YHi: 2, NX: 50, NY: 40})
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := s.Gaussian(1.5, 1, 0.05, 0.05)
	for _, cs := range []struct {
		sch Scheme
		dt  float64
	}{{BackwardEuler, 5}, {BackwardEuler, 0.01}, {CrankNicolson, 0.01}, {Douglas, 0.01}, {Explicit, s.MaxStableStep()}} {
		st, err := s.NewStepper(cs.sch, cs.dt)
		if err != nil {
			t.Fatal(err)
		}
		p := append([]float64(nil), p0...)
		minP := 0.0
		for range 300 {
			st.Step(p)
			for _, v := range p {
				minP = math.Min(minP, v)
			}
		}
		dm := math.Abs(s.Mass(p) - 1)
		t.Logf("%v Δt=%.3g: |mass−1| = %.2g, min P = %.2g", cs.sch, cs.dt, dm, minP)
		if dm > 1e-10 {
			t.Errorf("%v: mass drift %.3g", cs.sch, dm)
		}
		if (cs.sch == BackwardEuler || cs.sch == Explicit) && minP < 0 {
			t.Errorf("%v Δt=%g: P negative (%g)", cs.sch, cs.dt, minP)
		}
	}
}

func TestEscape2DSeparableMatches1D(t *testing.T) {
	// L = W(x) + ky²/2 with isotropic white noise is separable: the 2-D escape rate through the absorbing
	// line x = 1 equals the 1-D rate on the same x-grid (the y-part contributes eigenvalue 0).
	const d = 0.05
	c := tilted(1.5, 0)
	c.Diffusion = ConstantDiffusion2D(Matrix2{XX: d, YY: d})
	s2, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2.2, XHi: 1, YLo: -2, YHi: 2, NX: 64, NY: 40, Right: Absorbing})
	if err != nil {
		t.Fatal(err)
	}
	e2, err := s2.EscapeRate()
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := NewSolver1D(Problem1D{Coefficients1D: doubleWell(constD(d)), Lo: -2.2, Hi: 1, Cells: 64, Right: Absorbing})
	e1, err := s1.EscapeRate()
	if err != nil {
		t.Fatal(err)
	}
	rel := e2.Rate/e1.Rate - 1
	t.Logf("2-D λ0 = %.9g, 1-D λ0 = %.9g, relative difference %.2g; 2-D λ1 estimate %.3g (1-D %.3g)", e2.Rate, e1.Rate, rel, e2.NextRate, e1.NextRate)
	if math.Abs(rel) > 1e-8 {
		t.Errorf("2-D and 1-D rates differ by %.3g", rel)
	}
	// The survival decay of the 2-D density gives the same rate.
	p0, _ := s2.Gaussian(-1, 0, 0.2, 0.2)
	dec, err := s2.SurvivalDecay(p0, nil, DecayOptions{Dt: 0.1 / e2.Rate, End: 6 / e2.Rate, FitFrom: 2 / e2.Rate, Samples: 60})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2-D survival-decay rate %.9g (raw slope %.9g)", dec.Rate, dec.Slope)
	if math.Abs(dec.Rate/e2.Rate-1) > 1e-6 {
		t.Errorf("decay rate %.9g vs eigenvalue %.9g", dec.Rate, e2.Rate)
	}
}

func TestGridConvergence2D(t *testing.T) {
	// Non-separable landscape with state-dependent diagonal D: the escape rate converges with an observed
	// order close to 2 (errors against the next finer grid, Richardson style).
	c := tilted(1.5, 0.3)
	c.Diffusion = func(x, y float64) Matrix2 { return Matrix2{XX: 0.06 * (1 + 0.3*x*x), YY: 0.06} }
	var rates []float64
	for _, n := range []int{12, 24, 48, 96} {
		s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2.2, XHi: 1, YLo: -2, YHi: 2, NX: n, NY: n, Right: Absorbing})
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.EscapeRate()
		if err != nil {
			t.Fatal(err)
		}
		rates = append(rates, e.Rate)
		t.Logf("N=%d×%d: λ0 = %.9g", n, n, e.Rate)
	}
	for k := 0; k+2 < len(rates); k++ {
		order := math.Log2(math.Abs(rates[k]-rates[k+1]) / math.Abs(rates[k+1]-rates[k+2]))
		t.Logf("observed order from N=%d: %.3f", 12<<k, order)
		if order < 1.7 {
			t.Errorf("observed order %.3f < 1.7", order)
		}
	}
}

func TestBadInput2D(t *testing.T) {
	ok := tilted(1, 0)
	ok.Diffusion = ConstantDiffusion2D(Matrix2{XX: 0.1, YY: 0.1})
	base := Problem2D{Coefficients2D: ok, XLo: -2, XHi: 2, YLo: -2, YHi: 2, NX: 20, NY: 20}
	mod := func(f func(*Problem2D)) Problem2D { p := base; f(&p); return p }
	bad := []struct {
		name string
		p    Problem2D
		want error
	}{
		{"too few cells", mod(func(p *Problem2D) { p.NY = 2 }), ErrBadGrid},
		{"empty domain", mod(func(p *Problem2D) { p.XHi = p.XLo }), ErrBadGrid},
		{"zero D", mod(func(p *Problem2D) { p.Diffusion = ConstantDiffusion2D(Matrix2{XX: 0, YY: 1}) }), ErrBadCoefficients},
		{"indefinite D", mod(func(p *Problem2D) { p.Diffusion = ConstantDiffusion2D(Matrix2{XX: 1, XY: 2, YY: 1}) }), ErrBadCoefficients},
		{"NaN D", mod(func(p *Problem2D) { p.Diffusion = ConstantDiffusion2D(Matrix2{XX: math.NaN(), YY: 1}) }), ErrBadCoefficients},
		{"no gradient", mod(func(p *Problem2D) { p.Grad = nil }), ErrBadCoefficients},
	}
	for _, b := range bad {
		if _, err := NewSolver2D(b.p); !errors.Is(err, b.want) {
			t.Errorf("%s: err = %v, want %v", b.name, err, b.want)
		}
	}
	s, _ := NewSolver2D(base)
	if _, err := s.NewStepper(Explicit, 1.01*s.MaxStableStep()); !errors.Is(err, ErrUnstableStep) {
		t.Errorf("explicit step above the limit: %v", err)
	}
	if _, err := s.EscapeRate(); !errors.Is(err, ErrBoundary) {
		t.Errorf("escape rate without absorbing walls: %v", err)
	}
	// The valley (both minima at x = ±1) is outside [1.5, 3]×[−2, 2].
	off := mod(func(p *Problem2D) { p.XLo, p.XHi = 1.5, 3 })
	s2, _ := NewSolver2D(off)
	if _, err := s2.Stationary(); !errors.Is(err, ErrNotCovered) {
		t.Errorf("stationary with the valley outside: %v", err)
	}
	off.Right = Absorbing
	s3, _ := NewSolver2D(off)
	if _, err := s3.EscapeRate(); !errors.Is(err, ErrNotCovered) {
		t.Errorf("escape rate with the valley outside: %v", err)
	}
}
