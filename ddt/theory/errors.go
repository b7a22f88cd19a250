package theory

import "errors"

// Error values returned (wrapped with details) by the functions of this package. Test with errors.Is.
var (
	// ErrParameter reports an invalid scalar input: a non-positive or non-finite D, η, B, ΔL, curvature,
	// fraction or budget, or an s outside its allowed range.
	ErrParameter = errors.New("theory: invalid parameter")
	// ErrHessian reports a Hessian that is not what the formula needs: H_a not positive definite, H_b without
	// exactly one negative eigenvalue, a singular direction, or mismatched dimensions.
	ErrHessian = errors.New("theory: invalid Hessian")
	// ErrOverflow reports an escape time too large for float64; use the LogTau form instead.
	ErrOverflow = errors.New("theory: escape time overflows float64 (use the log form)")
	// ErrDomain reports an invalid 1-D domain: the start point outside [Left, Absorb), Left == Absorb,
	// non-finite end points, or a missing function.
	ErrDomain = errors.New("theory: invalid 1-D domain")
	// ErrFunction reports a user function that returned a non-finite value or a non-positive diffusion.
	ErrFunction = errors.New("theory: invalid function value")
	// ErrNotConverged reports a quadrature that did not reach its tolerance within its panel budget.
	ErrNotConverged = errors.New("theory: quadrature did not converge")
	// ErrDivergent reports an integral that diverges, e.g. ∫ L'/D when D(θ) vanishes inside the path
	// (THEORY.md §3.2, "a trap").
	ErrDivergent = errors.New("theory: divergent integral")
	// ErrNoSolution reports a planner target that no value of the knob reaches within its search range.
	ErrNoSolution = errors.New("theory: no knob value reaches the target")
)
