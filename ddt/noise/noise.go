package noise

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Model is the stochastic part of one update of length η (one iteration; continuous time dt = η):
//
//	θ ← θ − η∇L(θ) + kick,   Cov[kick | θ] = 2η·D(θ),
//
// where D(θ) is the diffusion matrix of the continuous-time limit dθ = −∇L dt + [2D(θ)]^{1/2} dW.
// For SGD the kick is −η(g_B − ∇L) = ηξ and D = (η/2)·C with C = Cov[ξ] the gradient-noise covariance
// (THEORY.md §2); for GD with injected white noise of strength D the kick is sqrt(2ηD)·ε.
//
// Implementations are safe for concurrent use: all randomness comes from the rng argument, which belongs to one
// trajectory.
type Model interface {
	// Dim is the number of parameters n.
	Dim() int
	// Kick writes one draw of the random part of an update of length eta at θ into dst.
	Kick(dst, theta []float64, eta float64, rng *rand.Rand)
	// Diffusion writes D(θ) for step length eta into dst (Dim×Dim).
	Diffusion(dst *mat.SymDense, theta []float64, eta float64)
}
