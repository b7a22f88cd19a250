package experiment

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// powerLaw is a NoiseVsHessian whose noise is exactly C_ii = p·(λ_i/B)^b, diagonal in the Hessian eigenbasis, with
// RelFrobenius the exact ‖C − H/B‖/‖H/B‖ of that C.
func powerLaw(t *testing.T, p, b float64) NoiseVsHessian {
	t.Helper()
	r := NoiseVsHessian{Batch: 2, Lambda: []float64{8, 4, 2, 1, 0.5, 1e-9}}
	var lx, ly []float64
	var num, den float64
	for _, l := range r.Lambda {
		h := l / 2
		c := p * math.Pow(h, b)
		r.HOverB, r.CDiag = append(r.HOverB, h), append(r.CDiag, c)
		num, den = num+(c-h)*(c-h), den+h*h
		if l > 1e-3 {
			lx, ly = append(lx, math.Log(h)), append(ly, math.Log(c))
		}
	}
	fit, err := stats.LinearFit(lx, ly, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.LogLog, r.RelFrobenius, r.Used = fit, math.Sqrt(num/den), len(lx)
	return r
}

// TestC1Reading: for C = p·(H/B)^b exactly the prefactor is p (1e-12) with SE 0, and the verdict follows the
// thresholds: p = 1, b = 1 reproduced; p = 0.5 proportional only; b = 0.5 not in proportion; random scatter not
// reproduced. For b = 1 the whole-matrix gap is exactly |1 − p| (so the prefactor explains it, 0 = 0 included).
func TestC1Reading(t *testing.T) {
	for _, c := range []struct {
		p, b    float64
		verdict string
		gapOK   bool
	}{
		{1, 1, "reproduced: C ≈ H/B (slope 1.000 ± 0.000, prefactor 1.00 ± 0.00)", true},
		{0.5, 1, "partly reproduced: C ∝ H/B (slope 1.000 ± 0.000), but C ≈ (0.50 ± 0.00)·H/B", true},
		{1.2, 1, "reproduced: C ≈ H/B (slope 1.000 ± 0.000, prefactor 1.20 ± 0.00)", true},
		{1, 0.5, "partly reproduced: C grows with H/B (R² = 1.000) but not in proportion (slope 0.500 ± 0.000)", false},
	} {
		r := powerLaw(t, c.p, c.b)
		p, se := r.Prefactor()
		if math.Abs(p-c.p) > 1e-12 || se > 1e-12 {
			t.Errorf("p = %g, b = %g: prefactor %g ± %g", c.p, c.b, p, se)
		}
		if got := r.C1Verdict(); got != c.verdict {
			t.Errorf("p = %g, b = %g: verdict %q, want %q", c.p, c.b, got, c.verdict)
		}
		gap, ok := r.PrefactorExplains()
		if math.Abs(gap-math.Abs(1-c.p)) > 1e-12 || ok != c.gapOK {
			t.Errorf("p = %g, b = %g: gap %g (%v), RelFrobenius %g", c.p, c.b, gap, ok, r.RelFrobenius)
		}
		if c.b == 1 && math.Abs(r.RelFrobenius-math.Abs(1-c.p)) > 1e-12 {
			t.Errorf("p = %g: ‖C − H/B‖/‖H/B‖ = %g, want |1 − p|", c.p, r.RelFrobenius)
		}
	}
	noisy := powerLaw(t, 1, 1)
	noisy.LogLog = stats.Fit{Slope: 0.3, SESlope: 0.4, R2: 0.1}
	if got := noisy.C1Verdict(); got != "not reproduced" {
		t.Errorf("R² = 0.1: verdict %q", got)
	}
	// The chart's points: the flat direction (λ = 1e-9 < 1e-4·λ_1) is left out.
	x, y := powerLaw(t, 0.5, 1).Points(1e-4, 1e-12)
	if len(x) != 5 || x[0] != 4 || y[0] != 2 {
		t.Errorf("points %v, %v: want the five curved directions, first (4, 2)", x, y)
	}
	if x, _ := (NoiseVsHessian{}).Points(1e-4, 1e-12); x != nil {
		t.Errorf("an empty comparison has points %v", x)
	}
}

// ExampleNoiseVsHessian_C1Verdict reads a noise that is exactly half of H/B.
func ExampleNoiseVsHessian_C1Verdict() {
	r := NoiseVsHessian{LogLog: stats.Fit{Slope: 1, SESlope: 0.01, Intercept: math.Log(0.5), SEIntercept: 0.02, R2: 0.99}, RelFrobenius: 0.5}
	gap, ok := r.PrefactorExplains()
	fmt.Println(strings.ReplaceAll(r.C1Verdict(), "·", "*"))
	fmt.Printf("gap |1 − p| = %.2f, explains ‖C − H/B‖/‖H/B‖: %v\n", gap, ok)
	// Output:
	// partly reproduced: C ∝ H/B (slope 1.000 ± 0.010), but C ≈ (0.50 ± 0.01)*H/B
	// gap |1 − p| = 0.50, explains ‖C − H/B‖/‖H/B‖: true
}
