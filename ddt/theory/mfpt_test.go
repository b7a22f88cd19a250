package theory

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

func constD(d float64) func(float64) float64 { return func(float64) float64 { return d } }

// quartic double well L = x⁴/4 − x²/2: minima ±1 (L” = 2), saddle 0 (L” = −1), ΔL = 1/4.
func quarticGrad(x float64) float64 { return x*x*x - x }

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

func TestMFPT1DFreeDiffusion(t *testing.T) {
	// L' = 0, wall at 0, absorbing at c: τ(x0) = (c² − x0²)/(2D).
	for _, tc := range []struct{ d, x0, c float64 }{{1, 0, 1}, {0.3, 0.5, 2}, {2, 1.9, 2}} {
		got, err := MFPT1D(Problem1D{Grad: func(float64) float64 { return 0 }, Diffusion: constD(tc.d),
			Left: 0, Start: tc.x0, Absorb: tc.c})
		if err != nil {
			t.Fatal(err)
		}
		want := (tc.c*tc.c - tc.x0*tc.x0) / (2 * tc.d)
		if relErr(got, want) > 1e-10 {
			t.Errorf("free diffusion %+v: got %.15g want %.15g", tc, got, want)
		}
	}
}

// constant force L' = F, constant D, wall at 0:
// τ(x0) = D/F² (e^{Fc/D} − e^{F x0/D}) − (c − x0)/F.
func TestMFPT1DConstantForceLargeBarrier(t *testing.T) {
	for _, tc := range []struct{ f, d, x0, c float64 }{{1, 1, 0, 1}, {2, 0.1, 0.2, 1}, {1, 0.02, 0, 1}, {-1, 0.5, 0, 1}} {
		got, err := MFPT1D(Problem1D{Grad: func(float64) float64 { return tc.f }, Diffusion: constD(tc.d),
			Left: 0, Start: tc.x0, Absorb: tc.c})
		if err != nil {
			t.Fatal(err)
		}
		want := tc.d/(tc.f*tc.f)*(math.Exp(tc.f*tc.c/tc.d)-math.Exp(tc.f*tc.x0/tc.d)) - (tc.c-tc.x0)/tc.f
		if relErr(got, want) > 1e-9 {
			t.Errorf("constant force %+v: got %.15g want %.15g (rel %.2g)", tc, got, want, relErr(got, want))
		}
	}
	// A barrier of 2000 units of D: τ overflows float64, log τ does not.
	p := Problem1D{Grad: func(float64) float64 { return 1 }, Diffusion: constD(0.0005), Left: 0, Start: 0, Absorb: 1}
	if _, err := MFPT1D(p); !errors.Is(err, ErrOverflow) {
		t.Fatalf("want ErrOverflow, got %v", err)
	}
	lt, err := LogMFPT1D(p)
	if err != nil {
		t.Fatal(err)
	}
	want := math.Log(0.0005) + 2000 // log(D/F² e^{Fc/D}) up to e^{−2000}
	if math.Abs(lt-want) > 1e-9*want {
		t.Errorf("log τ = %.15g want %.15g", lt, want)
	}
}

// State-dependent D(x) = e^x with L' = F·D (so Φ = F x), wall at 0. Closed forms:
// Itô:       τ = [(e^{Fc} − e^{F x0})/F + e^{−c} − e^{−x0}]/(F+1)
// isothermal: τ = [(e^{(F−1)c} − e^{(F−1)x0})/(F−1) + e^{−c} − e^{−x0}]/F
// Stratonovich: D^{−1/2} weights: τ = ∫ e^{(F−½)y} (1 − e^{−(F+½)y})/(F+½) dy.
func TestMFPT1DConventionsStateDependentD(t *testing.T) {
	const f, x0, c = 3.0, 0.25, 2.0
	grad := func(x float64) float64 { return f * math.Exp(x) }
	want := map[Convention]float64{
		Ito:        ((math.Exp(f*c)-math.Exp(f*x0))/f + math.Exp(-c) - math.Exp(-x0)) / (f + 1),
		Isothermal: ((math.Exp((f-1)*c)-math.Exp((f-1)*x0))/(f-1) + math.Exp(-c) - math.Exp(-x0)) / f,
		Stratonovich: ((math.Exp((f-0.5)*c)-math.Exp((f-0.5)*x0))/(f-0.5) +
			math.Exp(-c) - math.Exp(-x0)) / (f + 0.5),
	}
	for conv, w := range want {
		got, err := MFPT1D(Problem1D{Grad: grad, Diffusion: math.Exp, Left: 0, Start: x0, Absorb: c, Convention: conv})
		if err != nil {
			t.Fatal(err)
		}
		if relErr(got, w) > 1e-9 {
			t.Errorf("%v: got %.15g want %.15g", conv, got, w)
		}
	}
}

// Harmonic well L = k x²/2, constant D, wall at −∞, start at the minimum, absorbing at c. The inner integral has
// the closed form sqrt(π/(2kD)) erfc(−y sqrt(k/2D)); the outer one is done independently with gonum's fixed
// Legendre rule.
func TestMFPT1DHarmonicAgainstClosedInner(t *testing.T) {
	for _, tc := range []struct{ k, d, c float64 }{{1, 1, 1}, {2, 0.1, 1}, {4, 0.05, 0.8}} {
		got, err := MFPT1D(Problem1D{Grad: func(x float64) float64 { return tc.k * x }, Diffusion: constD(tc.d),
			Left: math.Inf(-1), Start: 0, Absorb: tc.c})
		if err != nil {
			t.Fatal(err)
		}
		outer := func(y float64) float64 {
			return math.Exp(tc.k*y*y/(2*tc.d)) * math.Sqrt(math.Pi/(2*tc.k*tc.d)) * math.Erfc(-y*math.Sqrt(tc.k/(2*tc.d)))
		}
		want := quad.Fixed(outer, 0, tc.c, 400, quad.Legendre{}, 0)
		if relErr(got, want) > 1e-9 {
			t.Errorf("harmonic %+v: got %.15g want %.15g", tc, got, want)
		}
		// The same problem mirrored: start at 0, absorb at −c, wall at +∞.
		m, err := MFPT1D(Problem1D{Grad: func(x float64) float64 { return tc.k * x }, Diffusion: constD(tc.d),
			Left: math.Inf(1), Start: 0, Absorb: -tc.c})
		if err != nil {
			t.Fatal(err)
		}
		if relErr(m, want) > 1e-9 {
			t.Errorf("mirrored harmonic %+v: got %.15g want %.15g", tc, m, want)
		}
	}
}

// Kramers approaches the exact MFPT on the quartic double well as ΔL/D grows, absorbing at the next minimum.
// Absorbing at the saddle gives half of it.
func TestKramersApproachesExactMFPT(t *testing.T) {
	const dL, ha, hb = 0.25, 2.0, -1.0
	prevErr := math.Inf(1)
	for _, ratio := range []float64{5, 10, 15, 20, 30, 100, 1000} {
		d := dL / ratio
		exact, err := LogMFPT1D(Problem1D{Grad: quarticGrad, Diffusion: constD(d), Left: math.Inf(-1), Start: -1, Absorb: 1})
		if err != nil {
			t.Fatal(err)
		}
		k, err := KramersLogTau1D(dL, d, ha, hb)
		if err != nil {
			t.Fatal(err)
		}
		e := math.Abs(math.Expm1(k - exact))
		t.Logf("ΔL/D = %4.0f: exact log τ %.6f, Kramers %.6f, rel. error %.5f", ratio, exact, k, e)
		if ratio >= 10 && e >= 0.05 {
			t.Errorf("ΔL/D = %v: Kramers rel. error %.4f ≥ 5%%", ratio, e)
		}
		if e >= prevErr {
			t.Errorf("ΔL/D = %v: error %.4g did not shrink (previous %.4g)", ratio, e, prevErr)
		}
		prevErr = e
		half, err := LogMFPT1D(Problem1D{Grad: quarticGrad, Diffusion: constD(d), Left: math.Inf(-1), Start: -1, Absorb: 0})
		if err != nil {
			t.Fatal(err)
		}
		if h := math.Abs(math.Expm1(half - (k - math.Log(2)))); ratio >= 10 && h >= 0.05 {
			t.Errorf("ΔL/D = %v: absorbing at the saddle gives log τ %.6g, want ≈ log(τ_K/2) = %.6g", ratio, half,
				k-math.Log(2))
		}
	}
	// At ΔL/D = 1000 the error is O(D/ΔL).
	if prevErr > 2e-3 {
		t.Errorf("ΔL/D = 1000: rel. error %.4g", prevErr)
	}
}

func TestMFPT1DErrors(t *testing.T) {
	g := func(x float64) float64 { return x }
	cases := map[string]struct {
		p    Problem1D
		want error
	}{
		"nil grad":           {Problem1D{Diffusion: constD(1), Left: -1, Start: 0, Absorb: 1}, ErrDomain},
		"start beyond":       {Problem1D{Grad: g, Diffusion: constD(1), Left: -1, Start: 2, Absorb: 1}, ErrDomain},
		"start left of wall": {Problem1D{Grad: g, Diffusion: constD(1), Left: 0.5, Start: 0, Absorb: 1}, ErrDomain},
		"start at absorb":    {Problem1D{Grad: g, Diffusion: constD(1), Left: -1, Start: 1, Absorb: 1}, ErrDomain},
		"NaN start":          {Problem1D{Grad: g, Diffusion: constD(1), Left: -1, Start: math.NaN(), Absorb: 1}, ErrDomain},
		"zero D":             {Problem1D{Grad: g, Diffusion: constD(0), Left: -1, Start: 0, Absorb: 1}, ErrFunction},
		"negative D":         {Problem1D{Grad: g, Diffusion: func(x float64) float64 { return x }, Left: -1, Start: 0, Absorb: 1}, ErrFunction},
		"NaN grad":           {Problem1D{Grad: func(float64) float64 { return math.NaN() }, Diffusion: constD(1), Left: -1, Start: 0, Absorb: 1}, ErrFunction},
		"not confining":      {Problem1D{Grad: func(float64) float64 { return 0 }, Diffusion: constD(1), Left: math.Inf(-1), Start: 0, Absorb: 1}, ErrDomain},
		"trap: D ∝ |L''|": {Problem1D{Grad: quarticGrad, Diffusion: func(x float64) float64 { return 0.01 * math.Abs(3*x*x-1) },
			Left: -2, Start: -1, Absorb: 1}, ErrDivergent},
		"bad convention": {Problem1D{Grad: g, Diffusion: constD(1), Left: -1, Start: 0, Absorb: 1, Convention: 7}, ErrParameter},
	}
	for name, tc := range cases {
		_, err := MFPT1D(tc.p)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}

func TestStationary1D(t *testing.T) {
	// Harmonic well, constant D: Gaussian with variance D/k (truncated at ±8 sd, negligible).
	const k, d = 2.0, 0.3
	sd := math.Sqrt(d / k)
	s, err := NewStationary1D(StationaryProblem1D{Grad: func(x float64) float64 { return k * x }, Diffusion: constD(d),
		Left: -8 * sd, Right: 8 * sd})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{-2 * sd, 0, 0.3 * sd, 3 * sd} {
		want := math.Exp(-x*x/(2*sd*sd)) / (sd * math.Sqrt(2*math.Pi))
		if got := s.Density(x); relErr(got, want) > 1e-9 {
			t.Errorf("Gaussian density at %v: got %.15g want %.15g", x, got, want)
		}
		wantC := 0.5 * math.Erfc(-x/(sd*math.Sqrt2))
		if got := s.CDF(x); math.Abs(got-wantC) > 1e-9 {
			t.Errorf("Gaussian CDF at %v: got %.15g want %.15g", x, got, wantC)
		}
	}
	// D(x) = e^x, L' = F D on [0, 1]: Itô P ∝ e^{−(F+1)x}; isothermal P ∝ e^{−F x}.
	const f = 3.0
	for conv, a := range map[Convention]float64{Ito: f + 1, Isothermal: f, Stratonovich: f + 0.5} {
		s, err := NewStationary1D(StationaryProblem1D{Grad: func(x float64) float64 { return f * math.Exp(x) },
			Diffusion: math.Exp, Left: 0, Right: 1, Convention: conv})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []float64{0, 0.4, 1} {
			want := a * math.Exp(-a*x) / (1 - math.Exp(-a))
			if got := s.Density(x); relErr(got, want) > 1e-9 {
				t.Errorf("%v density at %v: got %.15g want %.15g", conv, x, got, want)
			}
		}
	}
	if _, err := NewStationary1D(StationaryProblem1D{Grad: quarticGrad, Diffusion: constD(1), Left: 1, Right: 0}); !errors.Is(err, ErrDomain) {
		t.Errorf("reversed domain: got %v", err)
	}
	if _, err := s.LogDensity(100); !errors.Is(err, ErrDomain) {
		t.Errorf("outside domain: got %v", err)
	}
}

func BenchmarkMFPT1DQuartic(b *testing.B) {
	p := Problem1D{Grad: quarticGrad, Diffusion: func(x float64) float64 { return 0.0125 * (1 + x*x) },
		Left: math.Inf(-1), Start: -1, Absorb: 1}
	for b.Loop() {
		if _, err := MFPT1D(p); err != nil {
			b.Fatal(err)
		}
	}
}
