package theory

import (
	"fmt"
	"math"
)

// Knob is a setting the cost planner can turn. Every knob is applied as a multiplicative factor on the model's
// current value.
type Knob int

const (
	// KnobBatch is the batch size B (SGD).
	KnobBatch Knob = iota + 1
	// KnobEta is the learning rate / step size η.
	KnobEta
	// KnobSharpness is the paper's sharpness k: every Hessian times k, ΔL kept (THEORY.md §5, C5).
	KnobSharpness
	// KnobDiffusion is the white-noise strength D.
	KnobDiffusion
)

// String returns the knob's name.
func (k Knob) String() string {
	switch k {
	case KnobBatch:
		return "batch size B"
	case KnobEta:
		return "learning rate η"
	case KnobSharpness:
		return "sharpness k"
	case KnobDiffusion:
		return "diffusion D"
	}
	return fmt.Sprintf("Knob(%d)", int(k))
}

// EscapeModel is a closed-form escape-time model the planner can query and rescale. SGD and White implement it.
type EscapeModel interface {
	// LogTau returns log τ (continuous time).
	LogTau() (float64, error)
	// LearningRate returns η, the continuous time of one iteration.
	LearningRate() float64
	// Scale returns a copy with knob k multiplied by factor > 0, or ErrParameter if k does not apply.
	Scale(k Knob, factor float64) (EscapeModel, error)
}

// LogIterations returns log(τ/η), the log of the expected number of iterations to escape.
func LogIterations(m EscapeModel) (float64, error) {
	if m == nil {
		return math.NaN(), fmt.Errorf("%w: nil model", ErrParameter)
	}
	l, err := m.LogTau()
	if err != nil {
		return math.NaN(), err
	}
	eta := m.LearningRate()
	if err := positive("η", eta); err != nil {
		return math.NaN(), err
	}
	return l - math.Log(eta), nil
}

// Iterations returns the expected number of iterations to escape τ/η, or ErrOverflow.
func Iterations(m EscapeModel) (float64, error) { return expTau(LogIterations(m)) }

// EscapeFraction returns the probability 1 − exp(−steps·η/τ) that a run escapes within steps iterations under
// the exponential law of escape times.
func EscapeFraction(m EscapeModel, steps float64) (float64, error) {
	if err := positive("steps", steps); err != nil {
		return math.NaN(), err
	}
	l, err := LogIterations(m)
	if err != nil {
		return math.NaN(), err
	}
	return -math.Expm1(-math.Exp(math.Log(steps) - l)), nil
}

// IterationsForFraction returns the expected iterations N = −steps/log(1 − fraction) at which a fraction of runs
// escapes within steps iterations (0 < fraction < 1).
func IterationsForFraction(fraction, steps float64) (float64, error) {
	if !(fraction > 0 && fraction < 1) {
		return math.NaN(), fmt.Errorf("%w: escape fraction %v, need 0 < f < 1", ErrParameter, fraction)
	}
	if err := positive("steps", steps); err != nil {
		return math.NaN(), err
	}
	return -steps / math.Log1p(-fraction), nil
}

// planRange is the search range of a knob factor: [1/planRange, planRange].
const planRange = 1e9

// SolveIterations returns the factor on knob k (and the rescaled model) at which the expected number of
// iterations to escape equals iterations. Every knob moves log(τ/η) monotonically, so the root is unique; it is
// found by bisection in log factor over [1e-9, 1e9]. ErrNoSolution if the target lies outside that range.
func SolveIterations(m EscapeModel, k Knob, iterations float64) (float64, EscapeModel, error) {
	if err := positive("iterations", iterations); err != nil {
		return math.NaN(), nil, err
	}
	target := math.Log(iterations)
	g := func(u float64) (float64, error) {
		s, err := m.Scale(k, math.Exp(u))
		if err != nil {
			return math.NaN(), err
		}
		l, err := LogIterations(s)
		return l - target, err
	}
	lo, hi := -math.Log(planRange), math.Log(planRange)
	glo, err := g(lo)
	if err != nil {
		return math.NaN(), nil, err
	}
	ghi, err := g(hi)
	if err != nil {
		return math.NaN(), nil, err
	}
	if glo == 0 {
		hi = lo
	}
	if (glo > 0) == (ghi > 0) && glo != 0 && ghi != 0 {
		return math.NaN(), nil, fmt.Errorf("%w: %v × [1e-9, 1e9] gives log(iterations) from %.4g to %.4g, "+
			"target %.4g", ErrNoSolution, k, glo+target, ghi+target, target)
	}
	for range 200 {
		mid := 0.5 * (lo + hi)
		gm, err := g(mid)
		if err != nil {
			return math.NaN(), nil, err
		}
		if (gm > 0) == (glo > 0) {
			lo, glo = mid, gm
		} else {
			hi = mid
		}
		if hi-lo < 1e-13 {
			break
		}
	}
	f := math.Exp(0.5 * (lo + hi))
	s, err := m.Scale(k, f)
	return f, s, err
}

// SolveFraction returns the factor on knob k at which a fraction of runs escapes within steps iterations.
func SolveFraction(m EscapeModel, k Knob, fraction, steps float64) (float64, EscapeModel, error) {
	n, err := IterationsForFraction(fraction, steps)
	if err != nil {
		return math.NaN(), nil, err
	}
	return SolveIterations(m, k, n)
}

// FractionWindow returns the range [lo, hi] of factors on knob k for which between fracLo and fracHi of the runs
// escape within steps iterations (e.g. the 5%–80% window of THEORY.md §5 for choosing a sweep).
func FractionWindow(m EscapeModel, k Knob, fracLo, fracHi, steps float64) (lo, hi float64, err error) {
	if !(fracLo < fracHi) {
		return math.NaN(), math.NaN(), fmt.Errorf("%w: need fracLo < fracHi, got %v, %v", ErrParameter, fracLo, fracHi)
	}
	a, _, err := SolveFraction(m, k, fracLo, steps)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	b, _, err := SolveFraction(m, k, fracHi, steps)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	return math.Min(a, b), math.Max(a, b), nil
}
