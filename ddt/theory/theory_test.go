package theory

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestKramersND(t *testing.T) {
	// Diagonal Hessians: τ = 2π/|λ_b1| · sqrt(|Π λ_b| / Π λ_a) · e^{ΔL/D}.
	ha := mat.NewSymDense(3, []float64{2, 0, 0, 0, 3, 0, 0, 0, 5})
	hb := mat.NewSymDense(3, []float64{-1.5, 0, 0, 0, 4, 0, 0, 0, 7})
	const dL, d = 1.0, 0.1
	want := 2 * math.Pi / 1.5 * math.Sqrt(1.5*4*7/(2*3*5)) * math.Exp(dL/d)
	got, err := KramersTau(dL, d, ha, hb)
	if err != nil {
		t.Fatal(err)
	}
	if relErr(got, want) > 1e-12 {
		t.Errorf("n-D Kramers: got %.15g want %.15g", got, want)
	}
	// Invariant under a common rotation.
	c, s := math.Cos(0.7), math.Sin(0.7)
	r := mat.NewDense(3, 3, []float64{c, -s, 0, s, c, 0, 0, 0, 1})
	rot := func(h *mat.SymDense) *mat.SymDense {
		var m mat.Dense
		m.Mul(r, h)
		m.Mul(&m, r.T())
		out := mat.NewSymDense(3, nil)
		for i := range 3 {
			for j := i; j < 3; j++ {
				out.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
			}
		}
		return out
	}
	got2, err := KramersTau(dL, d, rot(ha), rot(hb))
	if err != nil {
		t.Fatal(err)
	}
	if relErr(got2, want) > 1e-10 {
		t.Errorf("rotated n-D Kramers: got %.15g want %.15g", got2, want)
	}
	// 1-D agrees with n-D.
	one, _ := KramersLogTau1D(dL, d, 2, -1.5)
	nd, _ := KramersLogTau(dL, d, mat.NewSymDense(1, []float64{2}), mat.NewSymDense(1, []float64{-1.5}))
	if math.Abs(one-nd) > 1e-12 {
		t.Errorf("1-D %v vs n-D %v", one, nd)
	}
	hae, hbe, e, err := EscapeCurvatures(rot(ha), rot(hb))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(hae-2) > 1e-12 || math.Abs(hbe+1.5) > 1e-12 || math.Abs(math.Abs(e[0])-c) > 1e-12 {
		t.Errorf("EscapeCurvatures: H_ae %v H_be %v e %v", hae, hbe, e)
	}
}

func TestKramersErrors(t *testing.T) {
	good := mat.NewSymDense(2, []float64{1, 0, 0, 2})
	saddle := mat.NewSymDense(2, []float64{-1, 0, 0, 2})
	cases := map[string]struct {
		dL, d  float64
		ha, hb mat.Symmetric
		want   error
	}{
		"D = 0":          {1, 0, good, saddle, ErrParameter},
		"ΔL < 0":         {-1, 1, good, saddle, ErrParameter},
		"NaN D":          {1, math.NaN(), good, saddle, ErrParameter},
		"H_a indefinite": {1, 1, saddle, saddle, ErrHessian},
		"H_b minimum":    {1, 1, good, good, ErrHessian},
		"H_b index 2":    {1, 1, good, mat.NewSymDense(2, []float64{-1, 0, 0, -2}), ErrHessian},
		"H_b singular":   {1, 1, good, mat.NewSymDense(2, []float64{-1, 0, 0, 0}), ErrHessian},
		"dimension":      {1, 1, good, mat.NewSymDense(1, []float64{-1}), ErrHessian},
		"nil":            {1, 1, nil, saddle, ErrHessian},
		"NaN in Hessian": {1, 1, mat.NewSymDense(2, []float64{1, math.NaN(), math.NaN(), 2}), saddle, ErrHessian},
	}
	for name, tc := range cases {
		if _, err := KramersLogTau(tc.dL, tc.d, tc.ha, tc.hb); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", name, err, tc.want)
		}
	}
	if _, err := KramersTau1D(1, 1e-3, 1, -1); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow: got %v", err)
	}
	if _, err := KramersLogTau1D(1, 1, 1, 1); !errors.Is(err, ErrParameter) {
		t.Errorf("H_b > 0: got %v", err)
	}
}

func TestSGDFormula(t *testing.T) {
	p := SGD{B: 10, Eta: 0.1, DeltaL: 0.25, Hae: 2, Hbe: -1, S: 0.3}
	x := 2 * 10 * 0.25 / 0.1 * (0.3/2 + 0.7/1)
	for pre, want := range map[Prefactor]float64{PrefactorIsothermal: math.Log(2*math.Pi/1) + x,
		PrefactorIto: math.Log(2*math.Pi/2) + x} {
		p.Prefactor = pre
		got, err := p.LogTau()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%v: log τ %v want %v", pre, got, want)
		}
	}
	// Overflow is an error from Tau but not from LogTau.
	big := SGD{B: 1000, Eta: 0.01, DeltaL: 1, Hae: 1, Hbe: -1, S: 0.5}
	if _, err := big.Tau(); !errors.Is(err, ErrOverflow) {
		t.Errorf("want ErrOverflow, got %v", err)
	}
	if l, err := big.LogTau(); err != nil || math.Abs(l-(math.Log(2*math.Pi)+2e5)) > 1e-9 {
		t.Errorf("big log τ %v, %v", l, err)
	}
	for name, bad := range map[string]SGD{
		"B = 0":      {B: 0, Eta: 0.1, DeltaL: 1, Hae: 1, Hbe: -1, S: 0.5},
		"η < 0":      {B: 1, Eta: -0.1, DeltaL: 1, Hae: 1, Hbe: -1, S: 0.5},
		"ΔL NaN":     {B: 1, Eta: 0.1, DeltaL: math.NaN(), Hae: 1, Hbe: -1, S: 0.5},
		"H_be > 0":   {B: 1, Eta: 0.1, DeltaL: 1, Hae: 1, Hbe: 1, S: 0.5},
		"H_ae = 0":   {B: 1, Eta: 0.1, DeltaL: 1, Hae: 0, Hbe: -1, S: 0.5},
		"s > 1":      {B: 1, Eta: 0.1, DeltaL: 1, Hae: 1, Hbe: -1, S: 1.5},
		"convention": {B: 1, Eta: 0.1, DeltaL: 1, Hae: 1, Hbe: -1, S: 0.5, Prefactor: 9},
	} {
		if _, err := bad.LogTau(); !errors.Is(err, ErrParameter) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	// n-D: only the escape direction matters.
	ha := mat.NewSymDense(2, []float64{2, 0, 0, 50})
	hb := mat.NewSymDense(2, []float64{-1, 0, 0, 80})
	q, err := NewSGD(10, 0.1, 0.25, 0.3, ha, hb, PrefactorIsothermal)
	if err != nil {
		t.Fatal(err)
	}
	p.Prefactor = PrefactorIsothermal
	l1, _ := p.LogTau()
	l2, _ := q.LogTau()
	if math.Abs(l1-l2) > 1e-12 {
		t.Errorf("n-D SGD %v vs 1-D %v", l2, l1)
	}
}

// sgdLike is D(θ) = (η/2B)·(1 + θ²) on the quartic double well: D = ηH_a/2B at the minima (H_a = 2) and
// η|H_b|/2B at the saddle (|H_b| = 1), smooth and positive everywhere.
func sgdLike(eta, b float64) func(float64) float64 {
	return func(x float64) float64 { return eta / (2 * b) * (1 + x*x) }
}

// The DDT formula with the exact s approaches the exact MFPT as B/η grows, in each convention with its own
// prefactor; the other prefactor stays off by the factor H_a/|H_b| = 2.
func TestDDTApproachesExactMFPTBothConventions(t *testing.T) {
	const eta, dL, ha, hb = 0.1, 0.25, 2.0, -1.0
	for _, tc := range []struct {
		conv Convention
		pre  Prefactor
	}{{Ito, PrefactorIto}, {Isothermal, PrefactorIsothermal}} {
		prev := math.Inf(1)
		for _, b := range []float64{2, 5, 10, 20} {
			d := sgdLike(eta, b)
			ps, err := ExactS(PathProblem{Grad: quarticGrad, Diffusion: d, Minimum: -1, Saddle: 0,
				B: b, Eta: eta, DeltaL: dL, Ha: ha, Hb: hb})
			if err != nil {
				t.Fatal(err)
			}
			if !(ps.S > 0 && ps.S < 1) {
				t.Errorf("s = %v outside (0, 1)", ps.S)
			}
			exact, err := LogMFPT1D(Problem1D{Grad: quarticGrad, Diffusion: d, Left: math.Inf(-1), Start: -1,
				Absorb: 1, Convention: tc.conv})
			if err != nil {
				t.Fatal(err)
			}
			m := SGD{B: b, Eta: eta, DeltaL: dL, Hae: ha, Hbe: hb, S: ps.S, Prefactor: tc.pre}
			lt, err := m.LogTau()
			if err != nil {
				t.Fatal(err)
			}
			e := math.Abs(math.Expm1(lt - exact))
			t.Logf("%v, B/η = %4.0f: s = %.4f, exponent %.2f, exact log τ %.5f, DDT %.5f, rel. error %.4f",
				tc.conv, b/eta, ps.S, ps.Integral, exact, lt, e)
			if e >= prev {
				t.Errorf("%v B = %v: error %.4g did not shrink (previous %.4g)", tc.conv, b, e, prev)
			}
			prev = e
			// The other convention's prefactor is off by H_a/|H_b| = 2 (Itô) or its inverse.
			other := m
			other.Prefactor = 1 - tc.pre
			lo, _ := other.LogTau()
			if b >= 10 && math.Abs(math.Abs(lo-exact)-math.Log(2)) > 0.05 {
				t.Errorf("%v B = %v: other prefactor off by %.4f in log τ, want ≈ log 2", tc.conv, b, lo-exact)
			}
			if b >= 10 && e > 0.05 {
				t.Errorf("%v B = %v: rel. error %.4f > 5%%", tc.conv, b, e)
			}
		}
	}
}

func TestExactS(t *testing.T) {
	const b, eta, dL, ha, hb = 4.0, 0.1, 0.25, 2.0, -1.0
	// Noise frozen at the minimum: s = 1 exactly.
	ps, err := ExactS(PathProblem{Grad: quarticGrad, Diffusion: constD(eta * ha / (2 * b)), Minimum: -1, Saddle: 0,
		B: b, Eta: eta, DeltaL: dL, Ha: ha, Hb: hb})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ps.S-1) > 1e-10 {
		t.Errorf("frozen noise: s = %.15g, want 1", ps.S)
	}
	// Piecewise D switching where L = L(a) + s0·ΔL gives s = s0 (the definition in THEORY.md §3.2 step 6).
	for _, s0 := range []float64{0.2, 0.5, 0.9} {
		// x⁴/4 − x²/2 + 1/4 = s0/4  ⇒  (x² − 1)² = s0  ⇒  x = −sqrt(1 − sqrt(s0)).
		xs := -math.Sqrt(1 - math.Sqrt(s0))
		d := func(x float64) float64 {
			if x < xs {
				return eta * ha / (2 * b)
			}
			return eta * -hb / (2 * b)
		}
		ps, err := ExactS(PathProblem{Grad: quarticGrad, Diffusion: d, Minimum: -1, Saddle: 0, B: b, Eta: eta,
			DeltaL: dL, Ha: ha, Hb: hb, Breaks: []float64{xs}})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(ps.S-s0) > 1e-9 {
			t.Errorf("switch at s0 = %v: s = %.15g", s0, ps.S)
		}
		// Same from the other side: minimum at +1.
		ps2, err := ExactS(PathProblem{Grad: quarticGrad, Diffusion: func(x float64) float64 { return d(-x) },
			Minimum: 1, Saddle: 0, B: b, Eta: eta, DeltaL: dL, Ha: ha, Hb: hb, Breaks: []float64{-xs}})
		if err != nil || math.Abs(ps2.S-s0) > 1e-9 {
			t.Errorf("mirrored switch at s0 = %v: s = %.15g, %v", s0, ps2.S, err)
		}
	}
	// The trap: D ∝ |L''| vanishes at the inflection point x = −1/√3 and ∫L'/D diverges.
	trap := func(x float64) float64 { return eta / (2 * b) * math.Abs(3*x*x-1) }
	if _, err := ExactS(PathProblem{Grad: quarticGrad, Diffusion: trap, Minimum: -1, Saddle: 0, B: b, Eta: eta,
		DeltaL: dL, Ha: ha, Hb: hb}); !errors.Is(err, ErrDivergent) && !errors.Is(err, ErrFunction) {
		t.Errorf("trap: got %v, want ErrDivergent", err)
	}
	if _, err := ExactS(PathProblem{Grad: quarticGrad, Diffusion: trap, Minimum: -1, Saddle: 0, B: b, Eta: eta,
		DeltaL: dL, Ha: 1, Hb: -1}); !errors.Is(err, ErrParameter) {
		t.Errorf("H_a = |H_b|: got %v", err)
	}
}

// LaplaceLogTau1D with the exact exponent reduces to Kramers for constant D and tracks the exact MFPT for a
// state-dependent D.
func TestLaplaceLogTau1D(t *testing.T) {
	k, _ := KramersLogTau1D(0.25, 0.01, 2, -1)
	l, err := LaplaceLogTau1D(25, 0.01, 0.01, 2, -1, Ito)
	if err != nil || math.Abs(k-l) > 1e-12 {
		t.Errorf("constant D: Laplace %v Kramers %v (%v)", l, k, err)
	}
	d := sgdLike(0.1, 20)
	dphi, err := PhiIncrement(quarticGrad, d, -1, 0, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, conv := range []Convention{Ito, Stratonovich, Isothermal} {
		exact, err := LogMFPT1D(Problem1D{Grad: quarticGrad, Diffusion: d, Left: -3, Start: -1, Absorb: 1, Convention: conv})
		if err != nil {
			t.Fatal(err)
		}
		l, err := LaplaceLogTau1D(dphi, d(-1), d(0), 2, -1, conv)
		if err != nil {
			t.Fatal(err)
		}
		if e := math.Abs(math.Expm1(l - exact)); e > 0.03 {
			t.Errorf("%v: Laplace rel. error %.4f", conv, e)
		}
	}
}
