package theory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Prefactor names the convention behind the prefactor of the DDT SGD escape time (THEORY.md §3.2). The exponent
// is the same in both.
type Prefactor int

const (
	// PrefactorIsothermal is 2π/|H_be|: the flux-over-population result with J = −P L' − D P' (the
	// Hänggi–Klimontovich, "isothermal" reading), as printed in the paper's theorem. The zero value.
	PrefactorIsothermal Prefactor = iota
	// PrefactorIto is 2π/H_ae: the Itô reading, which a discrete SGD step with the noise evaluated at θ_t
	// follows.
	PrefactorIto
)

// String returns the convention's name.
func (p Prefactor) String() string {
	switch p {
	case PrefactorIsothermal:
		return "isothermal 2π/|H_be|"
	case PrefactorIto:
		return "Itô 2π/H_ae"
	}
	return fmt.Sprintf("Prefactor(%d)", int(p))
}

// SGD is the DDT escape-time model for SGD noise D = (η/2B)[H]^+ (THEORY.md §3.2):
//
//	τ = P · exp[ (2BΔL/η) · ( s/H_ae + (1 − s)/|H_be| ) ],   P = 2π/|H_be| (isothermal) or 2π/H_ae (Itô).
//
// τ is in continuous time; one iteration is η, so the expected number of iterations is τ/η. In n dimensions
// H_ae and H_be are the curvatures along the escape direction (EscapeCurvatures): the transverse directions
// cancel from the prefactor. That cancellation needs D ∝ H at both a and b (Hessian-shaped noise). For noise
// frozen at the minimum with an anisotropic H_a the transverse curvatures do not cancel, and only the exponent
// (S = 1) is right: ddt/escape's TestKramers2DApproach measured λ0·τ → about 1.3 (isothermal) and 0.65 (Itô)
// against the Fokker–Planck rate there, while the exponent's slope was −0.993; LaplaceLogTau1D, or the
// Fokker–Planck solver, gives the prefactor for a given D(θ).
type SGD struct {
	// B is the batch size (> 0), Eta the learning rate η (> 0), DeltaL the barrier ΔL (> 0).
	B, Eta, DeltaL float64
	// Hae > 0 is the curvature along e at the minimum; Hbe < 0 the curvature along e at the saddle.
	Hae, Hbe float64
	// S is the path parameter s ∈ [0, 1]: s = 1 is noise frozen at the minimum (D = ηH_a/2B all the way).
	S float64
	// Prefactor selects the convention (zero value PrefactorIsothermal).
	Prefactor Prefactor
}

func (p SGD) validate() error {
	for _, c := range []struct {
		name string
		v    float64
	}{{"B", p.B}, {"η", p.Eta}, {"ΔL", p.DeltaL}, {"H_ae", p.Hae}} {
		if err := positive(c.name, c.v); err != nil {
			return err
		}
	}
	if err := negative("H_be", p.Hbe); err != nil {
		return err
	}
	if !(p.S >= 0 && p.S <= 1) {
		return fmt.Errorf("%w: s = %v, need 0 ≤ s ≤ 1", ErrParameter, p.S)
	}
	if p.Prefactor != PrefactorIsothermal && p.Prefactor != PrefactorIto {
		return fmt.Errorf("%w: unknown prefactor convention %d", ErrParameter, int(p.Prefactor))
	}
	return nil
}

// Exponent returns (2BΔL/η)(s/H_ae + (1−s)/|H_be|), the exponent of τ.
func (p SGD) Exponent() (float64, error) {
	if err := p.validate(); err != nil {
		return math.NaN(), err
	}
	return 2 * p.B * p.DeltaL / p.Eta * (p.S/p.Hae + (1-p.S)/(-p.Hbe)), nil
}

// LogTau returns log τ.
func (p SGD) LogTau() (float64, error) {
	x, err := p.Exponent()
	if err != nil {
		return math.NaN(), err
	}
	pre := -p.Hbe
	if p.Prefactor == PrefactorIto {
		pre = p.Hae
	}
	return math.Log(2*math.Pi) - math.Log(pre) + x, nil
}

// Tau returns τ, or ErrOverflow when it exceeds float64 (use LogTau).
func (p SGD) Tau() (float64, error) { return expTau(p.LogTau()) }

// LearningRate returns η (one iteration of continuous time).
func (p SGD) LearningRate() float64 { return p.Eta }

// Scale returns a copy with one knob multiplied by factor: KnobBatch (B), KnobEta (η) or KnobSharpness
// (H_ae and H_be, ΔL kept: the paper's θ → √k θ).
func (p SGD) Scale(k Knob, factor float64) (EscapeModel, error) {
	if err := positive("factor", factor); err != nil {
		return nil, err
	}
	switch k {
	case KnobBatch:
		p.B *= factor
	case KnobEta:
		p.Eta *= factor
	case KnobSharpness:
		p.Hae *= factor
		p.Hbe *= factor
	default:
		return nil, fmt.Errorf("%w: knob %v does not apply to the SGD model", ErrParameter, k)
	}
	return p, nil
}

// NewSGD builds the n-D SGD model from the Hessians at the minimum and at the saddle (H_ae and H_be along the
// escape direction, see EscapeCurvatures).
func NewSGD(b, eta, deltaL, s float64, ha, hb mat.Symmetric, pre Prefactor) (SGD, error) {
	hae, hbe, _, err := EscapeCurvatures(ha, hb)
	if err != nil {
		return SGD{}, err
	}
	p := SGD{B: b, Eta: eta, DeltaL: deltaL, Hae: hae, Hbe: hbe, S: s, Prefactor: pre}
	return p, p.validate()
}

// White is the Eyring–Kramers model for gradient descent with injected white noise of constant strength D
// (THEORY.md §3.1), in n dimensions; Eta is the step size used to convert τ into iterations.
type White struct {
	// DeltaL > 0 is the barrier, D > 0 the diffusion constant, Eta > 0 the step size.
	DeltaL, D, Eta float64
	// Ha is the Hessian at the minimum (positive definite), Hb at the saddle (one negative eigenvalue).
	Ha, Hb mat.Symmetric
}

// NewWhite1D returns the 1-D white-noise model with curvatures ha > 0 and hb < 0.
func NewWhite1D(deltaL, d, eta, ha, hb float64) White {
	return White{DeltaL: deltaL, D: d, Eta: eta,
		Ha: mat.NewSymDense(1, []float64{ha}), Hb: mat.NewSymDense(1, []float64{hb})}
}

// LogTau returns log τ (KramersLogTau).
func (w White) LogTau() (float64, error) {
	if err := positive("η", w.Eta); err != nil {
		return math.NaN(), err
	}
	return KramersLogTau(w.DeltaL, w.D, w.Ha, w.Hb)
}

// Tau returns τ, or ErrOverflow.
func (w White) Tau() (float64, error) { return expTau(w.LogTau()) }

// LearningRate returns the step size η.
func (w White) LearningRate() float64 { return w.Eta }

// Scale returns a copy with one knob multiplied by factor: KnobDiffusion (D), KnobEta (η, D kept) or
// KnobSharpness (both Hessians, ΔL kept).
func (w White) Scale(k Knob, factor float64) (EscapeModel, error) {
	if err := positive("factor", factor); err != nil {
		return nil, err
	}
	switch k {
	case KnobDiffusion:
		w.D *= factor
	case KnobEta:
		w.Eta *= factor
	case KnobSharpness:
		if w.Ha == nil || w.Hb == nil {
			return nil, fmt.Errorf("%w: nil Hessian", ErrHessian)
		}
		var a, b mat.SymDense
		a.ScaleSym(factor, w.Ha)
		b.ScaleSym(factor, w.Hb)
		w.Ha, w.Hb = &a, &b
	default:
		return nil, fmt.Errorf("%w: knob %v does not apply to the white-noise model", ErrParameter, k)
	}
	return w, nil
}
