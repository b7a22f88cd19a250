package fokkerplanck

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// pureDiffusion is ∂P/∂t = D ∂²P/∂θ² on [0, 1] with reflecting walls: every interior A_ii = −2D/h² exactly
// (B(0) = 1), the wall cells −D/h², so max|A_ii| = 2D/h² = 2D·n².
func pureDiffusion(t *testing.T, d float64, n int) *Solver1D {
	t.Helper()
	s, err := NewSolver1D(Problem1D{Coefficients1D: Coefficients1D{Grad: func(float64) float64 { return 0 }, Diffusion: constD(d)},
		Lo: 0, Hi: 1, Cells: n})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Crank–Nicolson keeps P ≥ 0 for Δt·max|A_ii| ≤ 2 (I + ½ΔtA ≥ 0 entrywise, (I − ½ΔtA)⁻¹ ≥ 0): from a point mass,
// the hardest start, 2,000 guarded steps at exactly that limit stay ≥ −1e-12·max P, on pure diffusion and on the
// double well with state-dependent D. Backward Euler at Δt·max|A_ii| ≈ 10⁵ never trips the strictest guard.
func TestCrankNicolsonPositiveWithinLimit(t *testing.T) {
	dw, err := NewSolver1D(Problem1D{Coefficients1D: doubleWell(func(x float64) float64 { return 0.05 + 0.1*x*x }),
		Lo: -2.5, Hi: 2.5, Cells: 500, Right: Absorbing})
	if err != nil {
		t.Fatal(err)
	}
	pd := pureDiffusion(t, 1, 101)
	if want := 2 * 101.0 * 101.0; math.Abs(1/pd.MaxStableStep()-want) > 1e-9*want {
		t.Fatalf("pure diffusion: max|A_ii| = %.17g, want 2D/h² = %g", 1/pd.MaxStableStep(), want)
	}
	for _, c := range []struct {
		name   string
		s      *Solver1D
		x0     float64
		scheme Scheme
		dt     float64
	}{
		{"pure diffusion", pd, 0.5, CrankNicolson, 2 * pd.MaxStableStep()},
		{"double well", dw, 1.7, CrankNicolson, 2 * dw.MaxStableStep()},
		{"double well", dw, 1.7, BackwardEuler, 1e5 * dw.MaxStableStep()},
	} {
		st, err := c.s.NewStepper(c.scheme, c.dt)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := c.s.PointMass(c.x0)
		worst := 0.0
		for range 2000 {
			if err := st.StepChecked(p, 1e-12); err != nil {
				t.Fatalf("%s, %v at Δt·max|A_ii| = %g: %v", c.name, c.scheme, c.dt/c.s.MaxStableStep(), err)
			}
			_, lo, hi := extremes(p)
			worst = math.Min(worst, minRatio(lo, hi))
		}
		t.Logf("%s, %v at Δt·max|A_ii| = %g: worst min P/max P = %.2g", c.name, c.scheme, c.dt/c.s.MaxStableStep(), worst)
	}
}

// Past the limit the guard reports the step, the cell and the value: one Crank–Nicolson step of a point mass at
// Δt·max|A_ii| = 200 on pure diffusion gives P' = (I − ½ΔtA)⁻¹(I + ½ΔtA)P₀, negative at the centre; the
// reported minimum equals a dense LU solve of the same system (gonum mat) to 1e-10 relative.
func TestCrankNicolsonHugeStepReported(t *testing.T) {
	const n, i0 = 101, 50
	s := pureDiffusion(t, 1, n)
	dt := 200 * s.MaxStableStep()
	p0, err := s.PointMass(0.5)
	if err != nil {
		t.Fatal(err)
	}
	// Dense reference: A from Apply on the unit vectors, then solve (I − ½ΔtA) x = (I + ½ΔtA) P₀.
	a := mat.NewDense(n, n, nil)
	e := make([]float64, n)
	for j := range n {
		clear(e)
		e[j] = 1
		a.SetCol(j, s.Apply(e))
	}
	lhs, rhs := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	lhs.Scale(-dt/2, a)
	rhs.Scale(dt/2, a)
	for j := range n {
		lhs.Set(j, j, lhs.At(j, j)+1)
		rhs.Set(j, j, rhs.At(j, j)+1)
	}
	var b, want mat.VecDense
	b.MulVec(rhs, mat.NewVecDense(n, append([]float64(nil), p0...)))
	if err := want.SolveVec(lhs, &b); err != nil {
		t.Fatal(err)
	}
	st, err := s.NewStepper(CrankNicolson, dt)
	if err != nil {
		t.Fatal(err)
	}
	p := append([]float64(nil), p0...)
	err = st.StepChecked(p, NegativeTol)
	var ne *NegativeDensityError
	if !errors.As(err, &ne) || !errors.Is(err, ErrNegativeDensity) {
		t.Fatalf("Δt·max|A_ii| = 200 from a point mass: want a NegativeDensityError, got %v", err)
	}
	wmin := want.AtVec(i0)
	if ne.Step != 1 || ne.Cell != i0 || math.Abs(ne.X-0.5) > 1e-12 || math.Abs(ne.Min-wmin) > 1e-10*math.Abs(wmin) ||
		math.Abs(ne.Stiffness-200) > 1e-9 || ne.Scheme != CrankNicolson || ne.Tol != NegativeTol {
		t.Errorf("reported %+v; want step 1, cell %d at θ = 0.5, min %.12g (dense solve), stiffness 200", *ne, i0, wmin)
	}
	for j := range n {
		if math.Abs(p[j]-want.AtVec(j)) > 1e-10*math.Abs(wmin) {
			t.Fatalf("P'[%d] = %.12g, dense %.12g", j, p[j], want.AtVec(j))
		}
	}
	msg := err.Error()
	for _, w := range []string{"Crank–Nicolson step 1", "Δt·max|A_ii| = 200", "cell 50", "θ = 0.5", "≤ 2"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	t.Logf("%v", err)
}

// Evolve and SurvivalDecay apply the guard with NegativeTol. Notebook 03's leak (D = 0.05, 600 cells on
// [−2.5, 0.5], Crank–Nicolson Δt = 0.01, Δt·max|A_ii| ≈ 60, from N(−1.6, 0.1²)) rings to about −5e-7·max P and
// passes, with MinRatio reporting it; ten times the step rings visibly (−0.23·max P at its worst) and is refused,
// in 1-D (Evolve, SurvivalDecay) and in 2-D (Douglas from a point mass, pure diffusion, Δt·max|A_ii| = 100).
func TestEvolveGuard(t *testing.T) {
	s, err := NewSolver1D(Problem1D{Coefficients1D: doubleWell(constD(0.05)), Lo: -2.5, Hi: 0.5, Cells: 600, Right: Absorbing})
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := s.Gaussian(-1.6, 0.1)
	snap, err := s.Evolve(p0, []float64{0, 0.3, 1}, CrankNicolson, 0.01)
	if err != nil {
		t.Fatalf("notebook 03's setting refused: %v", err)
	}
	if !(snap.MinRatio < 0 && snap.MinRatio > -1e-6) {
		t.Errorf("MinRatio = %g, want the measured ringing in (−1e-6, 0)", snap.MinRatio)
	}
	t.Logf("Δt = 0.01 (Δt·max|A_ii| = %.3g): MinRatio = %.3g", 0.01/s.MaxStableStep(), snap.MinRatio)

	snap, err = s.Evolve(p0, []float64{0, 1}, CrankNicolson, 0.1)
	var ne *NegativeDensityError
	if !errors.As(err, &ne) {
		t.Fatalf("Δt = 0.1: want a NegativeDensityError, got %v", err)
	}
	// The frame at t = 0 is kept; the error names a step within the 10 steps to t = 1, at its time.
	if ne.Step < 1 || ne.Step > 10 || ne.Min >= -NegativeTol*ne.Max || snap == nil || len(snap.Frames) != 1 ||
		math.Abs(ne.Time-0.1*float64(ne.Step)) > 1e-12 || ne.X != s.X()[ne.Cell] {
		t.Errorf("Δt = 0.1: reported %+v with %d frames", *ne, len(snap.Frames))
	}
	t.Logf("%v", err)
	if _, err := s.SurvivalDecay(p0, DecayOptions{Scheme: CrankNicolson, Dt: 0.1, End: 10}); !errors.Is(err, ErrNegativeDensity) {
		t.Errorf("SurvivalDecay with Crank–Nicolson Δt = 0.1: want ErrNegativeDensity, got %v", err)
	}
	if _, err := s.SurvivalDecay(p0, DecayOptions{Dt: 0.1, End: 10}); err != nil && errors.Is(err, ErrNegativeDensity) {
		t.Errorf("SurvivalDecay with backward Euler Δt = 0.1 tripped the guard: %v", err)
	}

	s2, err := NewSolver2D(Problem2D{Coefficients2D: Coefficients2D{Grad: func(x, y float64) (float64, float64) { return 0, 0 },
		Diffusion: func(x, y float64) Matrix2 { return Matrix2{XX: 1, YY: 1} }}, XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 21, NY: 21})
	if err != nil {
		t.Fatal(err)
	}
	q0, _ := s2.PointMass(0.5, 0.5)
	if _, err = s2.Evolve(q0, []float64{0, 1}, Douglas, 100*s2.MaxStableStep()); !errors.As(err, &ne) || ne.Step != 1 {
		t.Errorf("2-D Douglas at Δt·max|A_ii| = 100 from a point mass: want a NegativeDensityError at step 1, got %v", err)
	}
	// The same step by hand: the report names the most negative cell of the stepped density and its centre.
	sd, err := s2.NewStepper(Douglas, 100*s2.MaxStableStep())
	if err != nil {
		t.Fatal(err)
	}
	q := append([]float64(nil), q0...)
	err = sd.StepChecked(q, NegativeTol)
	imin, lo, hi := extremes(q)
	if !errors.As(err, &ne) || ne.Cell != imin || ne.Min != lo || ne.Max != hi || ne.X != s2.X()[imin%21] ||
		ne.Y != s2.Y()[imin/21] || math.Abs(ne.Stiffness-100) > 1e-9 || !strings.Contains(err.Error(), "Douglas ADI step 1") {
		t.Errorf("2-D report %v; want cell %d (min %g, max %g)", err, imin, lo, hi)
	}
	// Within the limit Douglas (no cross terms) stays positive: (I + ½ΔtA_x)(I + ½ΔtA_y) ≥ 0.
	st, err := s2.NewStepper(Douglas, 2*s2.MaxStableStep())
	if err != nil {
		t.Fatal(err)
	}
	q = append(q[:0], q0...)
	for range 200 {
		if err := st.StepChecked(q, 1e-12); err != nil {
			t.Fatalf("Douglas at Δt·max|A_ii| = 2: %v", err)
		}
	}
}

func TestStepCheckedBadTolerance(t *testing.T) {
	s := pureDiffusion(t, 1, 11)
	st, err := s.NewStepper(BackwardEuler, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.PointMass(0.5)
	for _, tol := range []float64{-1e-3, math.NaN(), math.Inf(1)} {
		if err := st.StepChecked(p, tol); !errors.Is(err, ErrBadDensity) {
			t.Errorf("tol %g: want ErrBadDensity, got %v", tol, err)
		}
	}
	s2, _ := NewSolver2D(Problem2D{Coefficients2D: Coefficients2D{Grad: func(x, y float64) (float64, float64) { return 0, 0 },
		Diffusion: func(x, y float64) Matrix2 { return Matrix2{XX: 1, YY: 1} }}, XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 5, NY: 5})
	st2, err := s2.NewStepper(BackwardEuler, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := s2.PointMass(0.5, 0.5)
	if err := st2.StepChecked(q, -1); !errors.Is(err, ErrBadDensity) {
		t.Errorf("2-D tol −1: want ErrBadDensity, got %v", err)
	}
}
