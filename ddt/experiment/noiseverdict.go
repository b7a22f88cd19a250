package experiment

import (
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// Prefactor reads the log–log fit ln u_iᵀCu_i = a + b·ln(λ_i/B) as C ≈ e^a·(H/B)^b and returns the prefactor
// p = e^a with its standard error by the delta method, e^a·SE(a). C1 (C ≈ H/B) needs b ≈ 1 and p ≈ 1; C ∝ H/B
// with p ≠ 1 is proportionality without the paper's constant.
func (r NoiseVsHessian) Prefactor() (p, se float64) {
	p = math.Exp(r.LogLog.Intercept)
	return p, p * r.LogLog.SEIntercept
}

// slopeNearOne is the slope test of both C1 readings (C1Verdict, NoiseShapeResult.Verdict): the log–log slope
// lies within 2 standard errors or 0.1 of 1, and R² > 0.9.
func slopeNearOne(fit stats.Fit) bool {
	return (math.Abs(fit.Slope-1) < 2*fit.SESlope || math.Abs(fit.Slope-1) < 0.1) && fit.R2 > 0.9
}

// C1Verdict reads claim C1 from the log–log fit: the slope is "1" when it lies within 2 standard errors or 0.1
// of 1 with R² > 0.9, the prefactor (Prefactor) is "1" within 25 %. It returns "reproduced: C ≈ H/B (…)" when both
// hold, "partly reproduced: C ∝ H/B (…), but C ≈ (p ± se)·H/B" when only the slope does, "not reproduced" when
// R² < 0.5, and "partly reproduced: C grows with H/B (…) but not in proportion (…)" otherwise, with the numbers.
func (r NoiseVsHessian) C1Verdict() string {
	fit := r.LogLog
	pref, prefSE := r.Prefactor()
	slopeOK := slopeNearOne(fit)
	prefOK := math.Abs(pref-1) <= 0.25
	switch {
	case slopeOK && prefOK:
		return fmt.Sprintf("reproduced: C ≈ H/B (slope %.3f ± %.3f, prefactor %.2f ± %.2f)", fit.Slope, fit.SESlope, pref, prefSE)
	case slopeOK:
		return fmt.Sprintf("partly reproduced: C ∝ H/B (slope %.3f ± %.3f), but C ≈ (%.2f ± %.2f)·H/B", fit.Slope, fit.SESlope, pref, prefSE)
	case fit.R2 < 0.5:
		return "not reproduced"
	}
	return fmt.Sprintf("partly reproduced: C grows with H/B (R² = %.3f) but not in proportion (slope %.3f ± %.3f)", fit.R2, fit.Slope, fit.SESlope)
}

// PrefactorExplains reports whether the whole-matrix gap RelFrobenius = ‖C − H/B‖/‖H/B‖ is of the size that the
// prefactor alone gives: for C = p·H/B exactly it is |1 − p|. ok is true when RelFrobenius lies within 20 % of
// gap = |1 − p|.
func (r NoiseVsHessian) PrefactorExplains() (gap float64, ok bool) {
	p, _ := r.Prefactor()
	gap = math.Abs(1 - p)
	return gap, math.Abs(r.RelFrobenius-gap) <= 0.2*gap
}

// Points returns (λ_i/B, u_iᵀCu_i) for the directions a log–log chart can draw: λ_i > lambdaRel·λ_1 and
// u_iᵀCu_i > noiseRel·u_1ᵀCu_1, relative to the sharpest direction (index 0).
func (r NoiseVsHessian) Points(lambdaRel, noiseRel float64) (x, y []float64) {
	if len(r.Lambda) == 0 || len(r.CDiag) != len(r.Lambda) || len(r.HOverB) != len(r.Lambda) {
		return nil, nil
	}
	for i := range r.Lambda {
		if r.Lambda[i] > lambdaRel*r.Lambda[0] && r.CDiag[i] > noiseRel*r.CDiag[0] {
			x, y = append(x, r.HOverB[i]), append(y, r.CDiag[i])
		}
	}
	return x, y
}
