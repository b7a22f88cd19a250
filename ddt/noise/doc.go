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
//     (THEORY.md §3.2). Kick and Diffusion allocate nothing once warm (TestHessianSGDNoAllocations): the
//     Hessian and its eigen-decomposition live in scratch space from a sync.Pool; in 2-D the decomposition is
//     the closed form of a symmetric 2×2 matrix (TestSym2EigenMatchesLAPACK), in more dimensions LAPACK dsyev on
//     a reused workspace. A 2-D Kick costs about 160 ns (BenchmarkHessianSGDKick2D; 1.4 µs and 10 allocations
//     with mat.EigenSym before).
//   - NewFrozen: the same noise frozen at a minimum, D = (η/2B)H_a (a constant Gaussian, the s = 1 limit).
//   - Gaussian: any constant gradient-noise covariance C.
//   - Minibatch: true minibatch noise from a landscape.FiniteSum, kick = −η(g_B − ∇L), batches drawn with or
//     without replacement; its Diffusion is the exact (η/2)C(θ), including the (m − B)/(m − 1) factor without
//     replacement.
//   - Rescaled / ScaleToTrace: any model with D multiplied by a factor, e.g. to give two noise shapes the same
//     trace tr D at a reference point (fair comparisons).
//
// Beyond the paper (THEORY.md §6), for the notebooks that test where DDT's assumptions break:
//
//   - NewLossScaled: loss-scaled noise after Mori et al. (2022), D = (η/B)·max(L(θ) + L₀, 0)·[H]⁺ (H frozen or
//     taken where the particle is, with a floor): the noise vanishes with the loss, and escape follows a power
//     law in the loss ratio instead of exp(ΔL).
//   - NewHeavyTailed: multivariate Student-t kicks with ν degrees of freedom, a stand-in for α-stable noise;
//     for ν > 2 the kick covariance is 2ηD, for ν ≤ 2 (infinite variance) D is the scale, and
//     FiniteVariance says which.
//
// FloorKinks and HessianSGD.Kinks list the points where a floored |L″| switches branch (where D(θ) has kinks);
// ddt/theory locates such kinks by itself, and Problem1D.Breaks accepts them for speed. DiffusionFunc turns a
// 1-D model into the θ ↦ D(θ) that ddt/theory and ddt/fokkerplanck take.
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
