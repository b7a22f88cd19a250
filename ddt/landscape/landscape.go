package landscape

import "gonum.org/v1/gonum/mat"

// Landscape is a twice-differentiable loss L: R^n → R with an analytic gradient and Hessian.
//
// Implementations are safe for concurrent use by several goroutines: they hold no scratch state that a call
// mutates. dst arguments must have length Dim (and be Dim×Dim for the Hessian); theta is never modified.
type Landscape interface {
	// Dim is the number of parameters n.
	Dim() int
	// Loss returns L(θ).
	Loss(theta []float64) float64
	// Grad writes ∇L(θ) into dst.
	Grad(dst, theta []float64)
	// Hessian writes ∇²L(θ) into dst, which must be Dim×Dim.
	Hessian(dst *mat.SymDense, theta []float64)
}

// FiniteSum is a landscape that is the mean of per-sample losses, L(θ) = (1/m) Σ_j ℓ_j(θ), so that minibatch
// gradients, and with them true minibatch noise, exist.
type FiniteSum interface {
	Landscape
	// Samples is the number of per-sample losses m.
	Samples() int
	// SampleGrad writes ∇ℓ_j(θ) into dst.
	SampleGrad(dst, theta []float64, j int)
}
