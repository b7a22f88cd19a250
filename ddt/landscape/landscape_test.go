package landscape

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

func mustDW(t *testing.T, s DoubleWellSpec) *DoubleWell {
	t.Helper()
	w, err := NewDoubleWell(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func zoo(t *testing.T) map[string]Landscape {
	t.Helper()
	dw := mustDW(t, DoubleWellSpec{A: -0.5, Ha: 3, Hb: 1.5, Barrier: 0.4, Hc: 1, BarrierC: 0.8})
	dwWide := mustDW(t, DoubleWellSpec{Ha: 2, Hb: 2, Barrier: 0.3, Width: 1.1, WidthC: 0.75})
	st, err := NewStyblinskiTang(3, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := NewValleys2D(DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.5, Hc: 1}, 5, 2, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQuadratic(mat.NewSymDense(3, []float64{2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 3}), []float64{1, -1, 0.5}, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	sq, _ := Scaled(Quartic{}, 3.7)
	sv, _ := Scaled(v2, 0.4)
	shifts, err := RandomShifts(20, mat.NewSymDense(2, []float64{0.3, 0.1, 0.1, 0.2}), 7, true)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := NewShiftedSum(v2, shifts)
	if err != nil {
		t.Fatal(err)
	}
	sep, err := NewSeparable(dw, Quartic{}, sq.(Scalar))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Landscape{"quartic": Quartic{}, "doublewell": dw, "doublewell-wide": dwWide, "separable": sep,
		"styblinski-tang": st, "valleys2d": v2, "quadratic": q, "scaled-quartic": sq, "scaled-valleys": sv,
		"shifted-sum": fs}
}

// TestDerivativesMatchFiniteDifferences checks every gradient against central differences to 1e-6 relative
// (absolute floor 1e-6) and every Hessian against differences of the analytic gradient to the same tolerance.
func TestDerivativesMatchFiniteDifferences(t *testing.T) {
	points := [][]float64{{-1.3, 0.4, 0.7}, {-0.2, -0.3, 1.1}, {0.35, 0.8, -0.6}, {1.7, -1.2, 0.2}, {0.9, 0.1, -2.1}}
	for name, l := range zoo(t) {
		n := l.Dim()
		for _, p := range points {
			x := p[:n]
			if n > len(p) {
				t.Fatalf("point too short")
			}
			g := make([]float64, n)
			l.Grad(g, x)
			gfd := fd.Gradient(nil, l.Loss, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
			for i := range g {
				if d := math.Abs(g[i] - gfd[i]); d > 1e-6*math.Max(1, math.Abs(g[i])) {
					t.Errorf("%s at %v: ∂%d L = %g, finite difference %g", name, x, i, g[i], gfd[i])
				}
			}
			h := mat.NewSymDense(n, nil)
			l.Hessian(h, x)
			for i := 0; i < n; i++ {
				gi := func(y []float64) float64 { gg := make([]float64, n); l.Grad(gg, y); return gg[i] }
				row := fd.Gradient(nil, gi, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
				for j := 0; j < n; j++ {
					if d := math.Abs(h.At(i, j) - row[j]); d > 1e-6*math.Max(1, math.Abs(row[j])) {
						t.Errorf("%s at %v: H[%d,%d] = %g, finite difference %g", name, x, i, j, h.At(i, j), row[j])
					}
				}
			}
			// Second-difference check of the Hessian on the loss itself (looser: O(h²) and rounding).
			hfd := mat.NewSymDense(n, nil)
			fd.Hessian(hfd, l.Loss, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					if d := math.Abs(h.At(i, j) - hfd.At(i, j)); d > 1e-4*math.Max(1, math.Abs(h.At(i, j))) {
						t.Errorf("%s at %v: H[%d,%d] = %g, fd.Hessian %g", name, x, i, j, h.At(i, j), hfd.At(i, j))
					}
				}
			}
		}
	}
}

// TestDoubleWellExactValues checks that the requested H_a, H_b, ΔL, H_c, ΔL_c and positions hold exactly, that
// L′ has the right sign between the critical points and that L″ is continuous at a, b and c.
func TestDoubleWellExactValues(t *testing.T) {
	specs := []DoubleWellSpec{
		{Ha: 1, Hb: 1, Barrier: 1},
		{A: 2, Ha: 8, Hb: 0.5, Barrier: 0.25, Hc: 0.3, BarrierC: 2},
		{A: -1, Ha: 0.2, Hb: 5, Barrier: 3, Width: 1.2},
		{Ha: 2, Hb: 2, Barrier: 0.5, Width: 0.8, WidthC: 1.5},
	}
	for _, s := range specs {
		w := mustDW(t, s)
		sp := w.Spec()
		a, b, c := w.Minimum(), w.Saddle(), w.Other()
		if a != s.A || (s.Width != 0 && math.Abs(b-a-s.Width) > 1e-15) {
			t.Errorf("%+v: positions a=%g b=%g", s, a, b)
		}
		check := func(what string, got, want float64) {
			if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%+v: %s = %.17g, want %.17g", s, what, got, want)
			}
		}
		check("L(a)", w.Value(a), 0)
		check("L(b)", w.Value(b), sp.Barrier)
		check("L(c)", w.Value(c), sp.Barrier-sp.BarrierC)
		check("L'(a)", w.Deriv(a), 0)
		check("L'(b)", w.Deriv(b), 0)
		check("L'(c)", w.Deriv(c), 0)
		check("L''(a)", w.Deriv2(a), sp.Ha)
		check("L''(b)", w.Deriv2(b), -sp.Hb)
		check("L''(c)", w.Deriv2(c), sp.Hc)
		for _, p := range []float64{a, b, c} {
			if d := w.Deriv2(p+1e-9) - w.Deriv2(p-1e-9); math.Abs(d) > 1e-6 {
				t.Errorf("L'' jumps by %g at %g", d, p)
			}
		}
		for i := 1; i < 200; i++ {
			if x := a + (b-a)*float64(i)/200; w.Deriv(x) <= 0 {
				t.Fatalf("%+v: L'(%g) = %g ≤ 0 between a and b", s, x, w.Deriv(x))
			}
			if x := b + (c-b)*float64(i)/200; w.Deriv(x) >= 0 {
				t.Fatalf("%+v: L'(%g) = %g ≥ 0 between b and c", s, x, w.Deriv(x))
			}
		}
		ex := w.Exit()
		check("exit Hae", ex.Hae, sp.Ha)
		check("exit Hbe", ex.Hbe, -sp.Hb)
		check("exit ΔL", ex.DeltaL, sp.Barrier)
		// The numerical search finds the same points.
		num, err := FindExit(w, []float64{a - 0.3}, []float64{b + 0.05*(c-b)})
		if err != nil {
			t.Fatal(err)
		}
		check("found a", num.Minimum.X[0], a)
		check("found b", num.Saddle.X[0], b)
		check("found ΔL", num.DeltaL, sp.Barrier)
	}
}

func TestDoubleWellInvalid(t *testing.T) {
	bad := []DoubleWellSpec{{Ha: 0, Hb: 1, Barrier: 1}, {Ha: 1, Hb: -1, Barrier: 1}, {Ha: 1, Hb: 1, Barrier: 0},
		{Ha: 1, Hb: 1, Barrier: math.NaN()}, {Ha: 1, Hb: 1, Barrier: 1, Width: 10}, {Ha: 1, Hb: 1, Barrier: 1, Hc: -2}}
	for _, s := range bad {
		if _, err := NewDoubleWell(s); !errors.Is(err, ErrParameter) {
			t.Errorf("%+v: err = %v, want ErrParameter", s, err)
		}
	}
}

// TestScaledKeepsBarriersAndScalesHessians checks Scaled(L, k): critical points at p/√k, Hessians × k, ΔL kept.
func TestScaledKeepsBarriersAndScalesHessians(t *testing.T) {
	v2, err := NewValleys2D(DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.5, Hc: 1}, 5, 2, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	a, b, _ := v2.Points()
	base, err := FindExit(v2, a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []float64{0.25, 1, 3, 10} {
		l, err := Scaled(v2, k)
		if err != nil {
			t.Fatal(err)
		}
		r := math.Sqrt(k)
		ex, err := FindExit(l, []float64{a[0]/r + 0.05, 0.02}, []float64{b[0]/r + 0.01, -0.01})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ScaleExit(base, k)
		for i, v := range []struct{ got, want float64 }{{ex.DeltaL, base.DeltaL}, {ex.Hae, k * 4}, {ex.Hbe, -k},
			{ex.Minimum.X[0], a[0] / r}, {ex.Saddle.X[0], b[0] / r}, {ex.Minimum.Eigenvalues[1], want.Minimum.Eigenvalues[1]},
			{ex.Saddle.Eigenvalues[1], k * 2}} {
			if math.Abs(v.got-v.want) > 1e-9*math.Max(1, math.Abs(v.want)) {
				t.Errorf("k=%g check %d: got %.12g want %.12g", k, i, v.got, v.want)
			}
		}
	}
	for _, k := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, err := Scaled(Quartic{}, k); !errors.Is(err, ErrParameter) {
			t.Errorf("Scaled(k=%g): err = %v", k, err)
		}
	}
}

// TestValleys2DCriticalPoints checks the Hessians at the exact critical points and the numerical search.
func TestValleys2DCriticalPoints(t *testing.T) {
	v2, err := NewValleys2D(DoubleWellSpec{Ha: 6, Hb: 1.5, Barrier: 0.5, Hc: 0.7}, 5, 2, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := v2.Points()
	ex, err := FindExit(v2, []float64{a[0] - 0.1, 0.1}, []float64{b[0] + 0.05, 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ex.Hae-6) > 1e-9 || math.Abs(ex.Hbe+1.5) > 1e-9 || math.Abs(ex.DeltaL-0.5) > 1e-12 {
		t.Errorf("exit Hae=%g Hbe=%g ΔL=%g", ex.Hae, ex.Hbe, ex.DeltaL)
	}
	if math.Abs(ex.Direction[0]-1) > 1e-9 {
		t.Errorf("escape direction %v, want (1, 0)", ex.Direction)
	}
	if math.Abs(ex.Minimum.Eigenvalues[0]-5) > 1e-9 || math.Abs(ex.Saddle.Eigenvalues[1]-2) > 1e-9 {
		t.Errorf("eigenvalues %v %v", ex.Minimum.Eigenvalues, ex.Saddle.Eigenvalues)
	}
	m, err := FindMinimum(v2, []float64{c[0] + 0.2, -0.3})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.X[0]-c[0]) > 1e-9 || math.Abs(m.Eigenvalues[0]-0.5) > 1e-9 || math.Abs(m.Eigenvalues[1]-0.7) > 1e-9 {
		t.Errorf("flat minimum %v eig %v", m.X, m.Eigenvalues)
	}
	if _, err := FindSaddle(v2, []float64{a[0], 0}); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindSaddle at a minimum: err = %v", err)
	}
}

// TestStyblinskiTangMinimum checks the known 1-D minimiser −2.903534 in every coordinate.
func TestStyblinskiTangMinimum(t *testing.T) {
	st, _ := NewStyblinskiTang(2, 0.01)
	m, err := FindMinimum(st, []float64{-2.5, -3.2})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range m.X {
		if math.Abs(x+2.903534) > 1e-6 {
			t.Errorf("minimiser %v", m.X)
		}
	}
	if _, err := NewStyblinskiTang(0, 1); err == nil {
		t.Error("d = 0 accepted")
	}
}

// TestShiftedSumQuadraticNoise checks C = HΣₓH: with Σₓ = H⁻¹ the per-sample gradient covariance at the minimum
// is H up to the sampling error of m shifts.
func TestShiftedSumQuadraticNoise(t *testing.T) {
	h := mat.NewSymDense(2, []float64{4, 1, 1, 2})
	var chol mat.Cholesky
	chol.Factorize(h)
	var hinv mat.SymDense
	if err := chol.InverseTo(&hinv); err != nil {
		t.Fatal(err)
	}
	q, _ := NewQuadratic(h, nil, 0)
	const m = 20000
	shifts, err := RandomShifts(m, &hinv, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := NewShiftedSum(q, shifts)
	c := mat.NewSymDense(2, nil)
	g := make([]float64, 2)
	zero := []float64{0, 0}
	fs.Grad(g, zero)
	if math.Abs(g[0])+math.Abs(g[1]) > 1e-12 {
		t.Errorf("∇L(0) = %v with centred shifts", g)
	}
	for j := 0; j < m; j++ {
		fs.SampleGrad(g, zero, j)
		for i := 0; i < 2; i++ {
			for k := i; k < 2; k++ {
				c.SetSym(i, k, c.At(i, k)+g[i]*g[k]/m)
			}
		}
	}
	for i := 0; i < 2; i++ {
		for k := 0; k < 2; k++ {
			se := math.Sqrt((h.At(i, i)*h.At(k, k) + h.At(i, k)*h.At(i, k)) / m)
			if math.Abs(c.At(i, k)-h.At(i, k)) > 4*se {
				t.Errorf("C[%d,%d] = %g, want %g ± %g", i, k, c.At(i, k), h.At(i, k), se)
			}
		}
	}
}
