package theory

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPlannerRoundTrip(t *testing.T) {
	sgd := SGD{B: 8, Eta: 0.05, DeltaL: 0.25, Hae: 2, Hbe: -1, S: 0.5}
	white := NewWhite1D(0.25, 0.04, 0.05, 2, -1)
	const steps = 20000.0
	for _, tc := range []struct {
		m    EscapeModel
		knob Knob
	}{{sgd, KnobBatch}, {sgd, KnobEta}, {sgd, KnobSharpness}, {white, KnobDiffusion}, {white, KnobEta},
		{white, KnobSharpness}} {
		for _, frac := range []float64{0.05, 0.5, 0.8} {
			f, scaled, err := SolveFraction(tc.m, tc.knob, frac, steps)
			if err != nil {
				t.Fatalf("%T %v %v: %v", tc.m, tc.knob, frac, err)
			}
			got, err := EscapeFraction(scaled, steps)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-frac) > 1e-9 {
				t.Errorf("%T %v: factor %.6g gives fraction %.12g, want %v", tc.m, tc.knob, f, got, frac)
			}
		}
		lo, hi, err := FractionWindow(tc.m, tc.knob, 0.05, 0.8, steps)
		if err != nil || !(lo < hi) {
			t.Errorf("%T %v window [%v, %v], %v", tc.m, tc.knob, lo, hi, err)
		}
	}
	// Batch size closed form: log(τ/η) = log(2π/|H_b|) − log η + B·c, c = (2ΔL/η)(s/H_a + (1−s)/|H_b|).
	target := 1e6
	f, _, err := SolveIterations(sgd, KnobBatch, target)
	if err != nil {
		t.Fatal(err)
	}
	c := 2 * 0.25 / 0.05 * (0.5/2 + 0.5/1)
	wantB := (math.Log(target) - math.Log(2*math.Pi) + math.Log(0.05)) / c
	if relErr(f*sgd.B, wantB) > 1e-10 {
		t.Errorf("B for 1e6 iterations: %.12g want %.12g", f*sgd.B, wantB)
	}
	// White noise, sharpness: τ ∝ 1/k, so doubling the iterations halves k.
	k1, _, _ := SolveIterations(white, KnobSharpness, 1e5)
	k2, _, _ := SolveIterations(white, KnobSharpness, 2e5)
	if relErr(k1/k2, 2) > 1e-9 {
		t.Errorf("white noise k ratio %v, want 2", k1/k2)
	}
	n, err := Iterations(sgd)
	if err != nil {
		t.Fatal(err)
	}
	lt, _ := sgd.LogTau()
	if relErr(n, math.Exp(lt)/0.05) > 1e-12 {
		t.Errorf("iterations %v", n)
	}
}

func TestPlannerErrors(t *testing.T) {
	sgd := SGD{B: 8, Eta: 0.05, DeltaL: 0.25, Hae: 2, Hbe: -1, S: 0.5}
	if _, _, err := SolveIterations(sgd, KnobDiffusion, 1e4); !errors.Is(err, ErrParameter) {
		t.Errorf("wrong knob: %v", err)
	}
	if _, _, err := SolveIterations(sgd, KnobBatch, 0); !errors.Is(err, ErrParameter) {
		t.Errorf("zero budget: %v", err)
	}
	if _, _, err := SolveFraction(sgd, KnobBatch, 1.2, 100); !errors.Is(err, ErrParameter) {
		t.Errorf("fraction > 1: %v", err)
	}
	if _, err := EscapeFraction(sgd, 0); !errors.Is(err, ErrParameter) {
		t.Errorf("zero steps: %v", err)
	}
	// White noise at fixed η: the sharpness moves τ only polynomially, so 1e300 iterations is out of reach.
	if _, _, err := SolveIterations(NewWhite1D(0.25, 0.04, 0.05, 2, -1), KnobSharpness, 1e300); !errors.Is(err, ErrNoSolution) {
		t.Errorf("unreachable: %v", err)
	}
	if _, err := LogIterations(SGD{}); !errors.Is(err, ErrParameter) {
		t.Errorf("zero model: %v", err)
	}
}

func TestOccupancy(t *testing.T) {
	// SGD, equal barriers and saddles, s = 1: log ratio = (2BΔL/η)(1/H_sharp − 1/H_flat).
	const b, eta, dL = 10.0, 0.1, 0.2
	sharp := SGD{B: b, Eta: eta, DeltaL: dL, Hae: 8, Hbe: -1, S: 1}
	flat := SGD{B: b, Eta: eta, DeltaL: dL, Hae: 2, Hbe: -1, S: 1}
	l, err := LogOccupancyRatio(sharp, flat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * b * dL / eta * (1.0/8 - 1.0/2); math.Abs(l-want) > 1e-12 {
		t.Errorf("SGD log ratio %v want %v", l, want)
	}
	// White noise: ratio of square roots of determinants, independent of D.
	ha := mat.NewSymDense(2, []float64{8, 0, 0, 8})
	hc := mat.NewSymDense(2, []float64{2, 0, 0, 2})
	hb := mat.NewSymDense(2, []float64{-1, 0, 0, 3})
	wl, err := LogOccupancyRatio(White{DeltaL: dL, D: 0.01, Eta: eta, Ha: ha, Hb: hb},
		White{DeltaL: dL, D: 0.01, Eta: eta, Ha: hc, Hb: hb})
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.5 * math.Log(4.0/64); math.Abs(wl-want) > 1e-12 {
		t.Errorf("white log ratio %v want %v", wl, want)
	}
	fr, _ := OccupancyFraction(sharp, flat)
	if want := 1 / (1 + math.Exp(-l)); math.Abs(fr-want) > 1e-15 {
		t.Errorf("fraction %v want %v", fr, want)
	}
}

// In quasi-equilibrium the exact stationary masses of two valleys are in the ratio of the exact mean escape times
// (P_a γ_a = P_c γ_c), here for a tilted double well with a state-dependent D (Itô).
func TestOccupancyMatchesStationaryMasses(t *testing.T) {
	const eps = 0.05
	grad := func(x float64) float64 { return x*x*x - x + eps }
	d := func(x float64) float64 { return 0.012 * (1 + 0.5*x*x) }
	// Critical points by Newton.
	root := func(x float64) float64 {
		for range 100 {
			x -= grad(x) / (3*x*x - 1)
		}
		return x
	}
	a, s, c := root(-1.1), root(0), root(1.1)
	st, err := NewStationary1D(StationaryProblem1D{Grad: grad, Diffusion: d, Left: -2.5, Right: 2.5})
	if err != nil {
		t.Fatal(err)
	}
	massA := st.CDF(s)
	massRatio := massA / (1 - massA)
	ta, err := MFPT1D(Problem1D{Grad: grad, Diffusion: d, Left: -2.5, Start: a, Absorb: c})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := MFPT1D(Problem1D{Grad: grad, Diffusion: d, Left: 2.5, Start: c, Absorb: a})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("P(V_a)/P(V_c) = %.5g, τ_a/τ_c = %.5g", massRatio, ta/tc)
	if relErr(ta/tc, massRatio) > 0.01 {
		t.Errorf("mass ratio %.5g vs τ ratio %.5g", massRatio, ta/tc)
	}
}
