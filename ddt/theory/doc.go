// Package theory computes escape times from a minimum three ways that can be checked against each other:
// closed-form low-temperature formulas (Kramers–Eyring, the DDT SGD time), exact 1-D quadrature (mean
// first-passage time, stationary density, the path parameter s), and planning helpers built on them. It
// implements THEORY.md §3 (escape: the Kramers problem) and §4 (exact numbers to check the approximations
// against). It needs no landscape type: 1-D problems are given by function values L'(θ) and D(θ).
//
// # Closed forms (THEORY.md §3.1, §3.2)
//
// White noise of constant strength D (KramersLogTau, KramersLogTau1D, White):
//
//	τ = (2π/|H_be|) · sqrt(|det H_b| / det H_a) · exp(ΔL/D),    1-D: τ = 2π/sqrt(H_a|H_b|) · exp(ΔL/D).
//
// SGD noise D = (η/2B)[H]^+ (SGD, NewSGD, EscapeCurvatures):
//
//	τ = P · exp[(2BΔL/η)(s/H_ae + (1−s)/|H_be|)],   P = 2π/|H_be| (PrefactorIsothermal) or 2π/H_ae (PrefactorIto).
//
// The isothermal (Hänggi–Klimontovich) prefactor is the flux-over-population result for J = −PL' − DP'; the Itô
// prefactor is what a discrete SGD step with the noise taken at θ_t follows. The exponent is the same.
// LaplaceLogTau1D gives the general 1-D Laplace result 2π (D_a/D_b)^{α−1/2}/sqrt(H_a|H_b|)·e^{ΔΦ} for any D(θ),
// of which both are special cases. Note that for noise frozen at the minimum (s = 1, D constant) the exact
// prefactor is Kramers' 2π/sqrt(H_a|H_b|), not either DDT prefactor: the DDT prefactors assume D = η|H_b|/2B at
// the saddle.
//
// Every time has a log form (LogTau); Tau returns ErrOverflow instead of a silent +Inf, since
// exp(2BΔL/(ηH)) leaves float64 for quite ordinary settings.
//
// # Exact 1-D numbers (THEORY.md §4)
//
// MFPT1D solves the mean first-passage time of dθ = −L' dt + sqrt(2D(θ)) dW from Start to Absorb with a
// reflecting wall at Left:
//
//	τ(x0) = ∫_{x0}^{c} e^{Φ(y)} D(y)^{−α} ∫_{L}^{y} e^{−Φ(z)} D(z)^{α−1} dz dy,   Φ' = L'/D,
//
// with α = 0 for Itô (the default Convention; the formula of THEORY.md §4), 1/2 for Stratonovich and 1 for the
// isothermal reading. The integrals are done on adaptive Gauss–Legendre panels (10 nodes each, gonum
// integrate/quad), with Φ accumulated panel by panel (and to the nodes inside a panel by the spectral integration
// matrix of the nodes), every panel small enough that Φ changes by at most 1 across it, all sums in log space (so
// barriers of thousands of D are fine), and the panels halved until τ changes by less than RelTol (default 1e-9).
// A double-well problem takes about 1.4 ms (BenchmarkMFPT1DQuartic). Kinks and jumps of L'/D and D (a noise
// floor, a piecewise landscape) are located automatically (each panel's rule is compared with the rules on its
// halves, and disagreeing panels are bisected); listing them in Breaks (e.g. from noise.FloorKinks) saves that
// work. Left may be −Inf for a confining landscape. Absorbing exactly at the saddle gives half the Kramers time; absorb well beyond
// it (e.g. at the next minimum) to compare with the formulas.
//
// NewStationary1D gives the normalised zero-current density P ∝ e^{−Φ} D^{α−1} on [Left, Right] (Itô: e^{−Φ}/D),
// with its CDF. ExactS (and PhiIncrement) gives the path parameter s implied by a D(θ),
// ∫_a^b L'/D = (2BΔL/η)(s/H_a + (1−s)/|H_b|); when D vanishes on the path (D ∝ |L″| at an inflection point, the
// "trap" of §3.2) the integral diverges and the error is ErrDivergent.
//
// # Minima selection and planning (THEORY.md §3.3, §5)
//
// LogOccupancyRatio and OccupancyFraction give P(V_a)/P(V_c) = τ_a/τ_c for any two EscapeModels (SGD or White).
// The planner predicts iterations to escape τ/η (Iterations, LogIterations), the escape fraction within T steps
// under the exponential law 1 − exp(−Tη/τ) (EscapeFraction), and inverts them: SolveIterations and SolveFraction
// find the factor on a Knob (batch size, learning rate, sharpness k, diffusion D) that meets a budget, and
// FractionWindow the factor range that gives, say, 5%–80% escapes within T steps.
//
// # Errors
//
// Invalid input returns an error wrapping one of the package's error values (ErrParameter, ErrHessian,
// ErrDomain, ErrFunction, ErrOverflow, ErrDivergent, ErrNotConverged, ErrNoSolution); test with errors.Is.
// Nothing panics on bad input and no function returns a silent NaN or +Inf.
package theory
