// Package landscape holds the loss landscapes of the toolkit: functions L: Rⁿ → R with analytic gradients and
// Hessians (the Landscape interface), finite sums of per-sample losses whose minibatch gradients carry real SGD
// noise (FiniteSum), and the critical-point analysis that turns a landscape into the numbers of the escape
// formulas (THEORY.md §1 and §3: H_a, H_b, the escape direction e, H_ae, H_be, ΔL).
//
// Landscapes:
//
//   - Quartic: x⁴/4 − x²/2, the peer workload W1.
//   - DoubleWell: a C² 1-D double well whose H_a, |H_b| and ΔL are set independently, with a second minimum c
//     beyond the barrier (its curvature and depth set too). Every requested number holds exactly.
//   - StyblinskiTang: the d-dimensional test function times a scale factor.
//   - Valleys2D: two valleys and a saddle in 2-D with the curvatures along and across the escape direction set
//     independently in each (a sharp and a flat valley sharing one saddle).
//   - Quadratic: ½(θ − c)ᵀH(θ − c) with a given H.
//   - Scaled(L, k): L(√k·θ), the paper's sharpness knob (every Hessian × k, every barrier kept).
//   - ShiftedSum: the finite-sum toy ℓⱼ(θ) = Base(θ − xⱼ) with seeded shifts (RandomShifts); with shift
//     covariance H⁻¹ its gradient-noise covariance at the minimum is H (the well-specified case).
//
// One-dimensional landscapes also implement Scalar (Value, Deriv, Deriv2 on a float64), which is what
// ddt/theory's function-valued 1-D problems take and what ddt/escape's fast path uses.
//
// Critical points: FindMinimum (gonum optimize's Newton method, then polished), FindSaddle and FindCritical
// (damped Newton on ∇L = 0 with backtracking on ‖∇L‖²), Analyze (Hessian eigen-decomposition with
// mat.EigenSym), and Exit / FindExit / NewExit, which package the minimum, the index-1 saddle, e, H_ae, H_be and
// ΔL for the theory. Exact exits are available without numerics for Quartic and DoubleWell (their Exit methods).
//
// Gradients and Hessians are tested against gonum's diff/fd (central differences, relative tolerance 1e-6 for
// gradients and for Hessians from differences of the gradient; 1e-4 for fd.Hessian on the loss).
//
// All types are safe for concurrent use. Slices passed to Loss, Grad and Hessian must have length Dim (a
// mismatch is a programming error and panics like an index out of range); constructors validate their
// parameters and return errors wrapping ErrParameter or ErrDimension.
package landscape
