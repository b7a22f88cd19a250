package theory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// KramersLogTau1D returns log τ of the 1-D Eyring–Kramers time (THEORY.md §3.1)
//
//	τ = 2π / sqrt(H_a |H_b|) · exp(ΔL/D)
//
// for a minimum of curvature ha > 0, a barrier top of curvature hb < 0, barrier height deltaL > 0 and constant
// diffusion d > 0.
func KramersLogTau1D(deltaL, d, ha, hb float64) (float64, error) {
	if err := positive("ΔL", deltaL); err != nil {
		return math.NaN(), err
	}
	if err := positive("D", d); err != nil {
		return math.NaN(), err
	}
	if err := positive("H_a", ha); err != nil {
		return math.NaN(), err
	}
	if err := negative("H_b", hb); err != nil {
		return math.NaN(), err
	}
	return math.Log(2*math.Pi) - 0.5*(math.Log(ha)+math.Log(-hb)) + deltaL/d, nil
}

// KramersTau1D is exp(KramersLogTau1D); it returns ErrOverflow rather than +Inf.
func KramersTau1D(deltaL, d, ha, hb float64) (float64, error) {
	return expTau(KramersLogTau1D(deltaL, d, ha, hb))
}

func expTau(l float64, err error) (float64, error) {
	if err != nil {
		return math.NaN(), err
	}
	t := math.Exp(l)
	if math.IsInf(t, 1) {
		return t, fmt.Errorf("%w: log τ = %.6g", ErrOverflow, l)
	}
	return t, nil
}

func positive(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 1) {
		return fmt.Errorf("%w: %s = %v, need finite and > 0", ErrParameter, name, v)
	}
	return nil
}

func negative(name string, v float64) error {
	if !(v < 0) || math.IsInf(v, -1) {
		return fmt.Errorf("%w: %s = %v, need finite and < 0", ErrParameter, name, v)
	}
	return nil
}

// KramersLogTau returns log τ of the n-D Eyring–Kramers time for white noise of constant strength d
// (THEORY.md §3.1):
//
//	τ = (2π / |H_be|) · sqrt(|det H_b| / det H_a) · exp(ΔL/D),
//
// where H_be is the one negative eigenvalue of H_b. H_a must be positive definite and H_b must have exactly one
// negative eigenvalue and no zero one (ErrHessian otherwise). Determinants are taken as sums of log eigenvalues, so
// large dimensions do not overflow.
func KramersLogTau(deltaL, d float64, ha, hb mat.Symmetric) (float64, error) {
	if err := positive("ΔL", deltaL); err != nil {
		return math.NaN(), err
	}
	if err := positive("D", d); err != nil {
		return math.NaN(), err
	}
	la, lb, err := checkHessians(ha, hb)
	if err != nil {
		return math.NaN(), err
	}
	logDetA, logDetB := 0.0, 0.0
	for _, v := range la {
		logDetA += math.Log(v)
	}
	for _, v := range lb {
		logDetB += math.Log(math.Abs(v))
	}
	return math.Log(2*math.Pi) - math.Log(-lb[0]) + 0.5*(logDetB-logDetA) + deltaL/d, nil
}

// KramersTau is exp(KramersLogTau); it returns ErrOverflow rather than +Inf.
func KramersTau(deltaL, d float64, ha, hb mat.Symmetric) (float64, error) {
	return expTau(KramersLogTau(deltaL, d, ha, hb))
}

// checkHessians validates H_a (positive definite) and H_b (exactly one negative eigenvalue, none zero) and returns
// their eigenvalues in ascending order.
func checkHessians(ha, hb mat.Symmetric) (la, lb []float64, err error) {
	if ha == nil || hb == nil {
		return nil, nil, fmt.Errorf("%w: nil Hessian", ErrHessian)
	}
	n := ha.SymmetricDim()
	if n == 0 || hb.SymmetricDim() != n {
		return nil, nil, fmt.Errorf("%w: dimensions %d (H_a) and %d (H_b)", ErrHessian, n, hb.SymmetricDim())
	}
	la, err = eigenvalues(ha, "H_a")
	if err != nil {
		return nil, nil, err
	}
	lb, err = eigenvalues(hb, "H_b")
	if err != nil {
		return nil, nil, err
	}
	if !(la[0] > 0) {
		return nil, nil, fmt.Errorf("%w: H_a is not positive definite (smallest eigenvalue %v)", ErrHessian, la[0])
	}
	neg := 0
	for _, v := range lb {
		if v < 0 {
			neg++
		}
		if v == 0 {
			return nil, nil, fmt.Errorf("%w: H_b is singular (a zero eigenvalue): the saddle is degenerate", ErrHessian)
		}
	}
	if neg != 1 {
		return nil, nil, fmt.Errorf("%w: H_b has %d negative eigenvalues, need exactly 1 (an index-1 saddle)",
			ErrHessian, neg)
	}
	return la, lb, nil
}

func eigenvalues(h mat.Symmetric, name string) ([]float64, error) {
	n := h.SymmetricDim()
	for i := range n {
		for j := i; j < n; j++ {
			if v := h.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: %s[%d,%d] = %v", ErrHessian, name, i, j, v)
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		return nil, fmt.Errorf("%w: eigen-decomposition of %s failed", ErrHessian, name)
	}
	return es.Values(nil), nil
}

// EscapeCurvatures returns the escape direction e (the unit eigenvector of H_b's negative eigenvalue), the
// curvature along it at the saddle H_be < 0 and at the minimum H_ae = eᵀ H_a e > 0 (THEORY.md §1). H_ae is the
// Rayleigh quotient, which equals an eigenvalue of H_a when H_a and H_b share the eigenvector e, as in the paper.
func EscapeCurvatures(ha, hb mat.Symmetric) (hae, hbe float64, e []float64, err error) {
	if _, _, err := checkHessians(ha, hb); err != nil {
		return math.NaN(), math.NaN(), nil, err
	}
	var es mat.EigenSym
	if !es.Factorize(hb, true) {
		return math.NaN(), math.NaN(), nil, fmt.Errorf("%w: eigen-decomposition of H_b failed", ErrHessian)
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	n := hb.SymmetricDim()
	e = make([]float64, n)
	for i := range n {
		e[i] = vecs.At(i, 0)
	}
	hbe = es.Values(nil)[0]
	ev := mat.NewVecDense(n, e)
	hae = mat.Inner(ev, ha, ev)
	if !(hae > 0) {
		return math.NaN(), math.NaN(), nil, fmt.Errorf("%w: H_ae = eᵀH_a e = %v", ErrHessian, hae)
	}
	return hae, hbe, e, nil
}

// LaplaceLogTau1D returns the low-temperature (Laplace) approximation of log τ for a 1-D diffusion with any
// D(θ) > 0, given the exact exponent ΔΦ = ∫_a^b L'/D (PhiIncrement), the diffusion at the minimum (da) and at
// the saddle (db), and the curvatures ha > 0, hb < 0 (THEORY.md §3.2, derivation steps 1–4):
//
//	τ ≈ 2π (D_a/D_b)^{α−1/2} / sqrt(H_a |H_b|) · e^{ΔΦ},
//
// with α = 0 (Itô), 1/2 (Stratonovich), 1 (isothermal). Constant D gives Kramers; D = η|H|/2B at a and b gives
// the DDT prefactors 2π/H_ae (Itô) and 2π/|H_be| (isothermal). τ is the time to cross well beyond b; absorbing
// exactly at b halves it.
func LaplaceLogTau1D(deltaPhi, da, db, ha, hb float64, c Convention) (float64, error) {
	alpha, err := c.alpha()
	if err != nil {
		return math.NaN(), err
	}
	if err := positive("ΔΦ", deltaPhi); err != nil {
		return math.NaN(), err
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"D_a", da}, {"D_b", db}, {"H_a", ha}} {
		if err := positive(v.name, v.v); err != nil {
			return math.NaN(), err
		}
	}
	if err := negative("H_b", hb); err != nil {
		return math.NaN(), err
	}
	return math.Log(2*math.Pi) + (alpha-0.5)*(math.Log(da)-math.Log(db)) - 0.5*(math.Log(ha)+math.Log(-hb)) +
		deltaPhi, nil
}
