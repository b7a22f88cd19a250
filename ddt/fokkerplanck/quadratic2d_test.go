package fokkerplanck

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// rotatedHessian is R·diag(l1, l2)·Rᵀ, R the rotation by angle a (the valley of notebook 03).
func rotatedHessian(l1, l2, a float64) Matrix2 {
	c, s := math.Cos(a), math.Sin(a)
	return Matrix2{XX: l1*c*c + l2*s*s, XY: (l1 - l2) * c * s, YY: l1*s*s + l2*c*c}
}

// lyapunovResidual is ‖HΣ + ΣH − 2D‖/‖2D‖.
func lyapunovResidual(h, s, d Matrix2) float64 {
	r := Matrix2{
		XX: 2*(h.XX*s.XX+h.XY*s.XY) - 2*d.XX,
		XY: h.XX*s.XY + h.XY*s.YY + s.XX*h.XY + s.XY*h.YY - 2*d.XY,
		YY: 2*(h.XY*s.XY+h.YY*s.YY) - 2*d.YY,
	}
	return r.Norm() / d.Scale(2).Norm()
}

func TestStationaryCovariance2DClosedForms(t *testing.T) {
	h := rotatedHessian(1, 16, math.Pi/6)
	det := h.XX*h.YY - h.XY*h.XY
	const d0, c = 0.01, 0.01 // white noise D₀; SGD noise (η/2B)H with η/2B = 0.01
	cases := []struct {
		name string
		d    Matrix2
		want Matrix2
	}{
		// D₀H⁻¹, with H⁻¹ = [[H_yy, −H_xy], [−H_xy, H_xx]]/det.
		{"white D₀·I → D₀H⁻¹", Matrix2{XX: d0, YY: d0}, Matrix2{XX: d0 * h.YY / det, XY: -d0 * h.XY / det, YY: d0 * h.XX / det}},
		{"SGD (η/2B)H → (η/2B)I", h.Scale(c), Matrix2{XX: c, YY: c}},
	}
	for _, k := range cases {
		got, err := StationaryCovariance2D(h, k.d)
		if err != nil {
			t.Fatal(err)
		}
		if e := got.Sub(k.want).Norm() / k.want.Norm(); e > 1e-14 {
			t.Errorf("%s: %+v, want %+v (relative error %.3g > 1e-14)", k.name, got, k.want, e)
		}
	}
	// D not commuting with H: the Lyapunov equation holds to rounding, and Σ ≠ D·H⁻¹.
	h2, d2 := Matrix2{XX: 2, XY: 0.5, YY: 1}, Matrix2{XX: 0.3, XY: 0.1, YY: 0.2}
	s2, err := StationaryCovariance2D(h2, d2)
	if err != nil {
		t.Fatal(err)
	}
	if r := lyapunovResidual(h2, s2, d2); r > 1e-15 {
		t.Errorf("non-commuting D: Lyapunov residual %.3g > 1e-15", r)
	}
	for _, bad := range []struct{ h, d Matrix2 }{
		{Matrix2{XX: 1, XY: 2, YY: 1}, d2},       // H indefinite
		{Matrix2{XX: 0, YY: 1}, d2},              // H singular
		{h2, Matrix2{XX: 0.1, XY: 0.5, YY: 0.1}}, // D indefinite
		{h2, Matrix2{XX: math.NaN(), YY: 0.1}},   // NaN
		{Matrix2{XX: math.Inf(1), YY: 1}, d2},    // Inf
	} {
		if _, err := StationaryCovariance2D(bad.h, bad.d); !errors.Is(err, ErrBadCoefficients) {
			t.Errorf("StationaryCovariance2D(%+v, %+v): %v, want ErrBadCoefficients", bad.h, bad.d, err)
		}
		if _, err := Quadratic2D(bad.h, bad.d); !errors.Is(err, ErrBadCoefficients) {
			t.Errorf("Quadratic2D(%+v, %+v): %v, want ErrBadCoefficients", bad.h, bad.d, err)
		}
	}
}

// TestStationaryCovariance2DMonteCarlo checks the closed form against an Euler–Maruyama ensemble of the OU process
// with a D that does not commute with H: each entry of Σ inside a 99.9% normal interval of the sample covariance
// (Δt = 0.002 biases Σ by O(Δt·H) ≈ 0.3%, far inside the interval).
func TestStationaryCovariance2DMonteCarlo(t *testing.T) {
	h, d := Matrix2{XX: 2, XY: 0.5, YY: 1}, Matrix2{XX: 0.3, XY: 0.1, YY: 0.2}
	want, err := StationaryCovariance2D(h, d)
	if err != nil {
		t.Fatal(err)
	}
	runs := 4000
	if testing.Short() || raceEnabled {
		runs = 1000
	}
	const dt, steps = 0.002, 4000 // t = 8: eight relaxation times of the slowest direction (λ_min ≈ 0.79)
	// sqrt(2DΔt) via the Cholesky factor of D.
	l11 := math.Sqrt(d.XX)
	l21 := d.XY / l11
	l22 := math.Sqrt(d.YY - l21*l21)
	sq := math.Sqrt(2 * dt)
	rng := rand.New(rand.NewPCG(20210103, 1))
	xs, ys := make([]float64, runs), make([]float64, runs)
	for r := range runs {
		x, y := 0.0, 0.0
		for range steps {
			z1, z2 := rng.NormFloat64(), rng.NormFloat64()
			x, y = x-dt*(h.XX*x+h.XY*y)+sq*l11*z1, y-dt*(h.XY*x+h.YY*y)+sq*(l21*z1+l22*z2)
		}
		xs[r], ys[r] = x, y
	}
	n := float64(runs)
	var sxx, sxy, syy float64
	for r := range runs { // the mean is 0 exactly
		sxx += xs[r] * xs[r]
		sxy += xs[r] * ys[r]
		syy += ys[r] * ys[r]
	}
	got := Matrix2{XX: sxx / n, XY: sxy / n, YY: syy / n}
	// Var of a product of jointly Gaussian centred variables: Var(XY) = Σ_xxΣ_yy + Σ_xy².
	se := Matrix2{XX: want.XX * math.Sqrt(2/n), XY: math.Sqrt((want.XX*want.YY + want.XY*want.XY) / n), YY: want.YY * math.Sqrt(2/n)}
	t.Logf("%d runs: Σ Monte Carlo %+v, closed form %+v, SE %+v", runs, got, want, se)
	for _, c := range []struct {
		name          string
		got, want, se float64
	}{{"xx", got.XX, want.XX, se.XX}, {"xy", got.XY, want.XY, se.XY}, {"yy", got.YY, want.YY, se.YY}} {
		if z := (c.got - c.want) / c.se; math.Abs(z) > 3.29 {
			t.Errorf("Σ_%s: Monte Carlo %.5f, closed form %.5f: z = %.2f outside the 99.9%% interval", c.name, c.got, c.want, z)
		}
	}
}

// gaussianMoments returns the moments of the Gaussian N(0, Σ) sampled at the cell centres of s: the prediction
// with the same reflecting walls and the same cells, so that comparing it with s.Stationary() isolates the
// scheme's error from the truncation at the walls.
func gaussianMoments(t *testing.T, s *Solver2D, sig Matrix2) Moments2D {
	det := sig.XX*sig.YY - sig.XY*sig.XY
	x, y := s.X(), s.Y()
	p := make([]float64, s.Cells())
	for j, yv := range y {
		for i, xv := range x {
			p[j*len(x)+i] = math.Exp(-(sig.YY*xv*xv - 2*sig.XY*xv*yv + sig.XX*yv*yv) / (2 * det))
		}
	}
	m, err := s.Moments(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStationary2DQuadraticCovariance: the covariance of Solver2D's stationary density of Quadratic2D against the
// closed form, on notebook 03's valley (eigenvalues 1 and 16 rotated by 30°, D₀ = η/2B = 0.01) and for a D that
// does not commute with H, 120² cells. Against the Gaussian sampled on the same cells: white noise has no
// cross-diffusion, so the scheme's stationary state is the Gibbs density at the cell centres to rounding; D ∝ H
// or a general D adds the cross-diffusion stencil, second order in h (measured 1.1e-3 and 7.4e-4). Against the
// closed form itself the walls also count: at ±0.4 they cut the SGD ball (σ = 0.1) at 4σ, −0.11% of each
// variance (1 − 2aφ(a)/(2Φ(a) − 1), a = 4).
func TestStationary2DQuadraticCovariance(t *testing.T) {
	h := rotatedHessian(1, 16, math.Pi/6)
	n := 120
	cases := []struct {
		name          string
		h, d          Matrix2
		half          float64
		tolGrid, tolΣ float64
		noCross       bool
	}{
		{"white noise D₀·I", h, Matrix2{XX: 0.01, YY: 0.01}, 0.4, 1e-10, 3e-4, true},
		{"SGD noise (η/2B)H", h, h.Scale(0.01), 0.4, 3e-3, 3e-3, false},
		{"non-commuting D", Matrix2{XX: 2, XY: 0.5, YY: 1}, Matrix2{XX: 0.03, XY: 0.01, YY: 0.02}, 0.8, 1.5e-3, 1.5e-3, false},
	}
	for _, c := range cases {
		co, err := Quadratic2D(c.h, c.d)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSolver2D(Problem2D{Coefficients2D: co, XLo: -c.half, XHi: c.half, YLo: -c.half, YHi: c.half, NX: n, NY: n})
		if err != nil {
			t.Fatal(err)
		}
		if s.HasCrossTerms() == c.noCross {
			t.Errorf("%s: HasCrossTerms = %v", c.name, s.HasCrossTerms())
		}
		p, err := s.Stationary()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		m, err := s.Moments(p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := StationaryCovariance2D(c.h, c.d)
		onGrid := gaussianMoments(t, s, want).Cov
		eGrid := m.Cov.Sub(onGrid).Norm() / onGrid.Norm()
		eΣ := m.Cov.Sub(want).Norm() / want.Norm()
		t.Logf("%s, %d² cells on ±%g: Σ %+v; closed form %+v (relative error %.2g); Gaussian on the same cells %+v (%.2g)",
			c.name, n, c.half, m.Cov, want, eΣ, onGrid, eGrid)
		if eGrid > c.tolGrid || eΣ > c.tolΣ {
			t.Errorf("%s: covariance relative error %.3g against the Gaussian on the grid (tolerance %g), %.3g against the closed form (tolerance %g)",
				c.name, eGrid, c.tolGrid, eΣ, c.tolΣ)
		}
		if math.Abs(m.Mass-1) > 1e-12 || math.Hypot(m.MeanX, m.MeanY) > 1e-12 {
			t.Errorf("%s: mass %g, mean (%g, %g); want 1, (0, 0)", c.name, m.Mass, m.MeanX, m.MeanY)
		}
	}
}

func TestMoments2D(t *testing.T) {
	c, err := Quadratic2D(Matrix2{XX: 1, YY: 1}, Matrix2{XX: 0.1, YY: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	// Quadratic2D's coefficients against the hand-computed values at (0.3, −0.2), H = [[1, 0], [0, 1]].
	gx, gy := c.Grad(0.3, -0.2)
	if gx != 0.3 || gy != -0.2 || math.Abs(c.Loss(0.3, -0.2)-0.065) > 1e-16 {
		t.Errorf("∇L = (%g, %g), L = %g; want (0.3, −0.2), 0.065", gx, gy, c.Loss(0.3, -0.2))
	}
	c2, _ := Quadratic2D(Matrix2{XX: 2, XY: 0.5, YY: 1}, Matrix2{XX: 0.1, YY: 0.1})
	if gx, gy := c2.Grad(1, 2); gx != 3 || gy != 2.5 || c2.Loss(1, 2) != 4 {
		t.Errorf("H = [[2, ½], [½, 1]] at (1, 2): ∇L = (%g, %g), L = %g; want (3, 2.5), 4", gx, gy, c2.Loss(1, 2))
	}
	s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2.8, XHi: 3.2, YLo: -2.1, YHi: 2.9, NX: 80, NY: 50})
	if err != nil {
		t.Fatal(err)
	}
	// Cell averages of N((0.2, 0.4), diag(0.3², 0.25²)), walls 10σ away: covariance σ² + h²/12 per axis
	// (Sheppard), exact up to terms of order e^{−2π²σ²/h²} ≤ e^{−120}; the mean is exact.
	p, err := s.Gaussian(0.2, 0.4, 0.3, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Moments(p)
	if err != nil {
		t.Fatal(err)
	}
	hx, hy := 6.0/80, 5.0/50
	want := Matrix2{XX: 0.09 + hx*hx/12, YY: 0.0625 + hy*hy/12}
	if e := m.Cov.Sub(want).Norm(); e > 1e-10 || math.Abs(m.MeanX-0.2) > 1e-12 || math.Abs(m.MeanY-0.4) > 1e-12 || math.Abs(m.Mass-1) > 1e-12 {
		t.Errorf("moments %+v, want mean (0.2, 0.4), Σ %+v (|ΔΣ| = %.3g)", m, want, e)
	}
	for name, bad := range map[string][]float64{
		"short":     p[:10],
		"NaN":       append(append([]float64{}, p[:len(p)-1]...), math.NaN()),
		"zero mass": make([]float64, len(p)),
	} {
		if _, err := s.Moments(bad); !errors.Is(err, ErrBadDensity) {
			t.Errorf("Moments(%s): %v, want ErrBadDensity", name, err)
		}
	}
	if got := (Matrix2{XX: 1, XY: 2, YY: 2}).Norm(); got != math.Sqrt(13) { // 1 + 2·2² + 2²
		t.Errorf("Norm = %.16g, want sqrt(13)", got)
	}
	if got := (Matrix2{XX: 1, XY: 2, YY: 2}).Scale(0.5).Sub(Matrix2{XX: 0.5, XY: 0.25, YY: 1}); got != (Matrix2{XY: 0.75}) {
		t.Errorf("Scale/Sub: %+v, want {0 0.75 0}", got)
	}
}
