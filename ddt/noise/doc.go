// Package noise holds the noise models of one update of length η (THEORY.md §2), all behind the Model
// interface:
//
//	θ ← θ − η∇L(θ) + kick,   Cov[kick | θ] = 2η·D(θ),   D = (η/2)·C for SGD (C the gradient-noise covariance).
//
// Models:
//
//   - White: GD with injected isotropic noise, D constant (independent of η).
//   - HessianSGD: the paper's SGD noise evaluated where the particle is, D(θ) = (η/2B)[H(θ)]⁺, with each
//     eigenvalue replaced by max(|λ|, Floor). The floor avoids the vanishing-noise trap at inflection points
//     (THEORY.md §3.2).
//   - NewFrozen: the same noise frozen at a minimum, D = (η/2B)H_a (a constant Gaussian, the s = 1 limit).
//   - Gaussian: any constant gradient-noise covariance C.
//   - Minibatch: true minibatch noise from a landscape.FiniteSum, kick = −η(g_B − ∇L), batches drawn with or
//     without replacement; its Diffusion is the exact (η/2)C(θ), including the (m − B)/(m − 1) factor without
//     replacement.
//   - Rescaled / ScaleToTrace: any model with D multiplied by a factor, e.g. to give two noise shapes the same
//     trace tr D at a reference point (fair comparisons).
//
// Covariance reports C = 2D/η for any model. Sampler draws N(0, Σ) with the factor of Σ computed once
// (Cholesky, or the eigen-decomposition for a semidefinite Σ); Gaussian and NewFrozen use it.
//
// All randomness comes from the *rand.Rand passed to Kick, which belongs to one trajectory; standard normals
// are drawn with rng.NormFloat64 in a documented order. One-dimensional models implement Scalar (kick =
// Amplitude(θ, η)·rng.NormFloat64()), which ddt/escape's fast path uses to give bit-identical results without
// interface calls per coordinate.
//
// Models are safe for concurrent use; constructors return errors wrapping ErrParameter or ErrDimension for
// non-positive strengths, batch sizes, factors or traces, indefinite covariances and dimension mismatches.
package noise
