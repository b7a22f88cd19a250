package experiment

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// LineTest is the goodness-of-fit test of one of a sweep's lines against the Monte Carlo errors of its points.
// The fit's weights are the numbers of escapes n_e, and for a censored exponential MLE Var[ln γ̂] ≈ 1/n_e to
// leading order, so when −ln γ is exactly linear in the fit's variable, ChiSquare = Σ n_e·r² (r the residuals)
// is approximately χ²-distributed with DoF = N − 2 degrees of freedom, and P = Pr[χ²_DoF ≥ ChiSquare] is the
// test's p-value: a small P says the line does not describe the points within their errors. A large P says only
// that the points cannot reject it; with few points and few escapes, several laws can pass at once.
type LineTest struct {
	// Key is the fit tested: "1/k", "log k", "B" or "1/eta" (Sweep.Fits).
	Key       string
	ChiSquare float64
	DoF       int
	P         float64
}

// LineTest tests Fits[key] against the points' Monte Carlo errors. The error says why there is no such fit (an
// unknown key, too few points with an escape) or that the fit has no degree of freedom left to test.
func (s *Sweep) LineTest(key string) (LineTest, error) {
	if s == nil {
		return LineTest{}, fmt.Errorf("%w: nil sweep", ErrInvalid)
	}
	fit, ok := s.Fits[key]
	if !ok {
		why := s.FitErrors[key]
		if why == "" {
			why = "not a fit of a sweep in " + s.Param
		}
		return LineTest{}, fmt.Errorf("%w: no fit in %s to test: %s", ErrInvalid, key, why)
	}
	if fit.DoF < 1 || !fit.Weighted || math.IsNaN(fit.ChiSquare) || fit.ChiSquare < 0 {
		return LineTest{}, fmt.Errorf("%w: fit in %s has %d degrees of freedom and χ² = %v (weighted: %v); need ≥ 1 and a finite χ² ≥ 0",
			ErrInvalid, key, fit.DoF, fit.ChiSquare, fit.Weighted)
	}
	return LineTest{Key: key, ChiSquare: fit.ChiSquare, DoF: fit.DoF,
		P: distuv.ChiSquared{K: float64(fit.DoF)}.Survival(fit.ChiSquare)}, nil
}

// SharpnessForm is the reading of a sharpness sweep that tells DDT's exponential law (−ln γ linear in 1/k,
// THEORY.md §3.2) from a power law in k (−ln γ linear in ln k, the white-noise form): each line is tested at
// level Alpha, and the sweep resolves the form only when exactly one of the two is rejected.
type SharpnessForm struct {
	InvK, LogK LineTest
	Alpha      float64
}

// SharpnessForm tests the SGD sharpness sweep's lines in 1/k and in ln k at level alpha, in (0, 0.5].
func (r *NetworkEscapeResult) SharpnessForm(alpha float64) (SharpnessForm, error) {
	if r == nil || r.SGDK == nil {
		return SharpnessForm{}, fmt.Errorf("%w: no SGD sharpness sweep", ErrInvalid)
	}
	return SweepForm(r.SGDK, alpha)
}

// SweepForm tests the lines in 1/k and in ln k of a sharpness sweep (Param "k") at level alpha, in (0, 0.5].
func SweepForm(s *Sweep, alpha float64) (SharpnessForm, error) {
	if !(alpha > 0 && alpha <= 0.5) {
		return SharpnessForm{}, fmt.Errorf("%w: test level %v outside (0, 0.5]", ErrInvalid, alpha)
	}
	if s == nil || s.Param != "k" {
		return SharpnessForm{}, fmt.Errorf("%w: need a sharpness sweep (Param k)", ErrInvalid)
	}
	inv, err := s.LineTest("1/k")
	if err != nil {
		return SharpnessForm{}, err
	}
	lg, err := s.LineTest("log k")
	if err != nil {
		return SharpnessForm{}, err
	}
	return SharpnessForm{InvK: inv, LogK: lg, Alpha: alpha}, nil
}

// Resolved reports whether exactly one of the two lines is rejected at level Alpha.
func (f SharpnessForm) Resolved() bool { return (f.InvK.P < f.Alpha) != (f.LogK.P < f.Alpha) }

// String states the outcome with both tests' χ², degrees of freedom and p-values.
func (f SharpnessForm) String() string {
	tests := fmt.Sprintf("a line in 1/k: χ² = %.2f on %d d.o.f., p = %.2g; a line in ln k: χ² = %.2f on %d d.o.f., p = %.2g; "+
		"errors Var[ln γ̂] ≈ 1/escapes", f.InvK.ChiSquare, f.InvK.DoF, f.InvK.P, f.LogK.ChiSquare, f.LogK.DoF, f.LogK.P)
	lvl := fmt.Sprintf("%g %%", 100*f.Alpha)
	invRej, logRej := f.InvK.P < f.Alpha, f.LogK.P < f.Alpha
	switch {
	case !invRej && !logRej:
		return fmt.Sprintf("at the %s level neither form is rejected (%s), so this sweep does not resolve the exponential form from a power law", lvl, tests)
	case invRej && logRej:
		return fmt.Sprintf("at the %s level both forms are rejected (%s): neither line describes the points within their errors", lvl, tests)
	case logRej:
		return fmt.Sprintf("at the %s level the power law is rejected and the exponential form is not (%s): the sweep resolves the exponential form", lvl, tests)
	}
	return fmt.Sprintf("at the %s level the exponential form is rejected and the power law is not (%s): the sweep favours a power law", lvl, tests)
}
