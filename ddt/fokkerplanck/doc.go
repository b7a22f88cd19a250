// Package fokkerplanck evolves the parameter density itself: finite-volume Fokker–Planck solvers in 1-D and
// 2-D for the diffusion model of SGD (THEORY.md §2.5 and §4),
//
//	∂P/∂t = ∇·[P ∇L] + Σ_ij ∂i∂j[D_ij(θ) P] = −∇·J,     J = −P∇L − ∇·(D P)        (Itô form),
//
// the equation of dθ = −∇L dt + sqrt(2D(θ)) dW with the noise evaluated at the start of a step, which is what
// a discrete SGD step follows. Users watch a density spread in a valley, leak through a saddle and settle,
// and read the escape rate off the density: an independent check on the Kramers/DDT formulas (ddt/theory),
// the exact 1-D mean first-passage time (theory.MFPT1D) and the Monte Carlo (ddt/escape).
//
// # Inputs
//
// The solvers take function values, so no landscape type is needed: Coefficients1D{Grad: L', Diffusion: D,
// Loss: L (optional)} and Coefficients2D{Grad: ∇L, Diffusion: the 2×2 matrix D(θ), Loss}. FromLandscape1D
// and FromLandscape2D adapt a landscape.Landscape and a noise.Model at a learning rate η (for example
// noise.HessianSGD, D = (η/2B)[H(θ)]⁺ with a floor). Time is continuous time: one SGD iteration is Δt = η.
//
// # The 1-D scheme (Scharfetter–Gummel in the Itô variable u = D P)
//
// Write u = D P and Φ' = L'/D. Then
//
//	J = −P L' − (D P)' = −(L'/D) u − u' = −e^{−Φ} (e^{Φ} u)'
//
// (equivalently J = −D e^{−Ψ}(e^{Ψ}P)' with Ψ = Φ + ln D, Ψ' = (L' + D')/D; the u form needs no D').
// Cells of width h have centres θ_i; on the edge between θ_{k−1} and θ_k take J constant and Φ linear, with
// increment w_k = Φ(θ_k) − Φ(θ_{k−1}) = ∫ L'/D dθ (5-point Gauss–Legendre, exact for L'/D a polynomial of
// degree ≤ 9). Integrating (e^{Φ}u)' = −J e^{Φ} across the edge gives the flux
//
//	J_k = (1/h) [ B(w_k) u_{k−1} − B(−w_k) u_k ],   B(z) = z/(e^z − 1),   u_i = D(θ_i) P_i,
//
// and dP_i/dt = (J_i − J_{i+1})/h. Properties, each tested:
//   - Conservative: mass changes only through the walls (reflecting wall: J = 0; absorbing wall: u = 0 on the
//     wall, half a cell away, J = (2/h)B(w)u for the half-cell increment w).
//   - Exact stationary state: J_k = 0 ⇔ u_k = u_{k−1} e^{−w_k}, so the discrete zero-current density is
//     exactly e^{−Φ}/D at the centres — the Itô stationary density (exp(−L/D) for constant D) — to the
//     accuracy of the quadrature of w (measured: 1e-14). Stationary() solves this recurrence directly.
//   - Positivity: the generator A has positive off-diagonal entries B(±w)D/h² and zero column sums, so
//     I − ΔtA is a column-diagonally-dominant M-matrix with (I − ΔtA)⁻¹ ≥ 0: backward Euler keeps P ≥ 0 for
//     every Δt. The explicit step keeps P ≥ 0 iff Δt ≤ 1/max|A_ii| (MaxStableStep, ≈ h²/(2 max D)); a longer
//     explicit step is refused with ErrUnstableStep.
//   - No oscillations at any cell Péclet number: B interpolates between central differences (|w| ≪ 1) and
//     upwinding (|w| ≫ 1). Second order in h (observed order 2.00 against an exact eigenvalue).
//   - Detailed balance: A_{i,i+1}π_{i+1} = A_{i+1,i}π_i with π = e^{−Φ}/D, so A is similar to a symmetric
//     tridiagonal matrix with off-diagonals sqrt(A_{i,i+1}A_{i+1,i}); its spectrum is real.
//
// # Time stepping
//
// Backward Euler (default; first order, L-stable, positive), Crank–Nicolson (second order; positive only for
// Δt·max|A_ii| ≤ 2, damps stiff modes weakly: for accurate transients) and explicit Euler (checked limit).
// Measured on an Ornstein–Uhlenbeck start (k = 2, D = 0.5, 2,000 cells): Crank–Nicolson with Δt = 1e-3
// matches the exact mean and variance to < 1e-5 at t = 0.05…3; the remaining error is the O(h²) numerical
// diffusion of the Scharfetter–Gummel flux (B(w) + B(−w) = w·coth(w/2) ≈ 2 + w²/6) while the transient lasts.
// The implicit systems are tridiagonal and solved with a hand-written Thomas algorithm, O(n), without
// pivoting, which is backward stable for column-diagonally-dominant matrices. (gonum's lapack Dgtsv would
// pivot and refactor on every call; here one factorisation is reused for every step of a given Δt, and
// gonum/mat has no banded or tridiagonal factorisation to reuse.) Steps are taken in delta form,
// (I − θΔtA)ΔP = Δt·(J_i − J_{i+1})/h, with the right-hand side in flux form: the face fluxes telescope, so
// rounding cannot bias the mass. Measured mass drift with reflecting walls: ≤ 3e-14 after 2,000 steps even
// at Δt·max|A_ii| ≈ 10⁵.
//
// A density never goes negative, and the solvers say so when a scheme makes it: Evolve and SurvivalDecay check
// P after every step and stop with a *NegativeDensityError (wrapping ErrNegativeDensity; it names the step, its
// time, the cell, min P and max P, and Δt·max|A_ii|) when some P_i < −NegativeTol·max P, NegativeTol = 1e-3.
// Without cross terms, backward Euler, Crank–Nicolson with Δt·max|A_ii| ≤ 2 and explicit Euler within
// MaxStableStep never trip it (tested from a point mass at 1e-12·max P); a longer Crank–Nicolson or Douglas
// step rings, slightly from a smooth start (Snapshots.MinRatio records the worst min P/max P, −5e-7 for
// notebook 03's leak) and visibly from a sharp one or with a longer step, which the guard refuses.
// Stepper1D.StepChecked and Stepper2D.StepChecked apply the guard with any tolerance; Step is unchecked.
//
// # Escape rates, two ways
//
// With an absorbing wall, S(t) = ∫P decays like e^{−λ0 t} after a transient, λ0 the smallest eigenvalue of −A.
//   - Solver1D.EscapeRate: λ0 and λ1 from LAPACK Dsterf on the symmetrised matrix (gonum), λ0 refined by
//     inverse iteration (Thomas); also the quasi-stationary density. λ0 = 1/E_QSD[exit time] exactly.
//   - SurvivalDecay: evolve, fit the late-time slope k of ln S, and map it through the scheme's amplification
//     factor (Scheme.RateFromDecay: backward Euler λ = (e^{kΔt} − 1)/Δt), which removes the O(Δt) bias.
//     Agrees with the eigenvalue to 1e-8 in the tests.
//
// 1/λ0 equals the mean first-passage time from the minimum, τ(a), only asymptotically: the two differ by the
// relaxation inside the valley, O(λ0/λ1). Against theory.MFPT1D with the same reflecting wall and absorbing
// point (double well θ⁴/4 − θ²/2, wall −2.5, absorbing at the other minimum, 2,000 cells), λ0·τ(a) − 1 is
// 0.2% at ΔL/D = 6.25, 0.007% at ΔL/D = 10 and 0.1% for D = 0.03(1 + θ²/2) (TestEscapeRateMatchesExactMFPT).
//
// # The 2-D scheme
//
// Dimension by dimension, the same Scharfetter–Gummel flux with u = D_xx P along x (w = ∫ ∂xL/D_xx dx along
// the edge) and u = D_yy P along y, plus the cross-diffusion flux −∂y(D_xy P) (resp. −∂x(D_xy P)) centred at
// the face (one-sided on the first and last row; zero on absorbing walls, where P = 0). Mass is conserved by
// construction. The stationary state is exact whenever the edge increments derive from one potential (white
// noise D = d·I; diagonal separable D), tested to 1e-13; otherwise (e.g. (η/2B)[H]⁺, which is not a gradient
// case) the stationary state carries a circulating current and Stationary finds it all the same.
//
// Time stepping is fully implicit by default (backward Euler / Crank–Nicolson; explicit with its limit),
// solved with a direct banded LU without pivoting (half-bandwidth NX, or NX+1 with cross terms): factor once
// per Δt, O(NX³NY), then O(NX²NY) per step. Why not only ADI (Douglas or Peaceman–Rachford, cross terms
// explicit)? Their amplification factor tends to 1 for modes that are stiff in both directions, so a large
// Δt neither damps them nor reaches the steady state quickly, and their explicit stage loses positivity. The
// fully implicit step is positive for every Δt (without cross terms: M-matrix, as in 1-D), its fixed point
// is exactly the discrete stationary state, and the same factorisation gives the escape rate (inverse
// iteration x ← (−A)⁻¹x) and the stationary density (shifted inverse iteration). With cross terms positivity
// holds while the diagonal dominates (|D_xy| small against D_xx h_y/h_x and D_yy h_x/h_y). Memory is
// 8·NX·NY·(2NX+3) bytes (130 MB at 200×200): above ~250×250 use Douglas or fewer cells.
//
// For animations on large grids the Douglas ADI scheme (θ = ½) is offered as well: ΔP₀ = Δt·A P (the whole
// operator, cross terms included, in flux form), ΔP₁ = (I − ½ΔtA_x)⁻¹ΔP₀, ΔP₂ = (I − ½ΔtA_y)⁻¹ΔP₁,
// P ← P + ΔP₂, where A_x, A_y are the Scharfetter–Gummel parts along x and y (tridiagonal, Thomas). It costs
// O(NX·NY) per step with no factorisation to wait for, conserves mass exactly like the others, keeps the exact
// stationary state as its fixed point, and is second order without cross terms. Von Neumann analysis for
// constant coefficients reports it unconditionally stable in 2-D for θ ≥ ½ even with the mixed term explicit
// (in 't Hout & Welfert, Appl. Numer. Math. 2007); the tests run it with cross terms at Δt·max|A_ii| = 130 and
// see ∫|P| stay at 1. It is not positivity-preserving in general and damps stiff modes weakly, so escape
// rates and stationary states use the implicit path.
//
// # Check against Monte Carlo
//
// TestEscapeRate2DMatchesMonteCarlo runs seeded discrete-SGD ensembles (ddt/escape) on landscape.Valleys2D, a
// sharp valley (H = diag(4, 4)) and a flat one (diag(1, 1)) sharing a saddle, escape = crossing the line
// through the flat minimum, η = 0.005. The censored exponential MLE γ̂ = escapes/time at risk estimates
// γ* = (1 − S(T))/∫₀ᵀS dt for a start at the minimum and a budget T, which the Fokker–Planck survival curve
// gives exactly; λ0 differs from γ* by the time a walker takes to settle in the valley and to travel from
// the saddle to the absorbing line (here ≈ 2.8 time units, −10% at T = 1/λ0), which the solver resolves and a
// plain "λ0 vs Monte Carlo" comparison would miss. Measured (95% Garwood intervals):
//
//	frozen SGD noise D = 0.1·I, 800 runs:          γ* = 0.02047, γ̂ = 0.02038 [0.01862, 0.02225], λ0 = 0.02259
//	Hessian SGD noise (η/2B)[H]⁺, floor 1, 300 runs: γ* = 0.03527, γ̂ = 0.03843 [0.03305, 0.04443], λ0 = 0.04243
//
// and the whole escape-time CDF stays inside the 95% Dvoretzky–Kiefer–Wolfowitz band around 1 − S(t).
//
// # Snapshots
//
// Evolve records frames in Snapshots: cell centres X (and Y), Times and Frames[k] (row-major in 2-D,
// Frames[k][j·len(X)+i]), plain slices the plotting package can animate without this package importing it.
//
// # Speed
//
// Measured on the shared 2-core development machine (AMD EPYC) with
//
//	go test ./ddt/fokkerplanck/ -run '^$' -bench . -benchtime 3x
//
// best of several runs; the machine was shared with other builds (load average 9–20 on 2 cores), so these are
// upper bounds and varied by up to 3× between runs:
//
//	1-D, 2,000 cells (state-dependent D): build + direct stationary solve            0.6 ms
//	  reach the stationary density by backward Euler (Δt = 100, 38 steps, L1 < 1e-8)  1.7 ms
//	  one step, backward Euler / Crank–Nicolson                                       28 µs / 27 µs
//	  escape rate (Dsterf + inverse iteration)                                        70 ms
//	2-D, 200×200 (state-dependent diagonal D): build + stationary (banded LU)         1.2 s
//	  one banded LU (once per Δt)                                                     0.72 s
//	  one step: backward Euler 200×200 / 100×100                                      27 ms / 3.0 ms
//	  one step: Douglas ADI 200×200 / 100×100                                         1.9 ms / 0.35 ms
//	notebook animation, build + 100 frames (500 steps):
//	  100×100 backward Euler                                                          2.1 s
//	  200×200 Douglas ADI                                                             1.4 s
//
// # Errors
//
// Bad input is an error wrapping one of ErrBadGrid, ErrBadCoefficients (non-positive D, a non-positive-definite
// matrix, NaN), ErrUnstableStep, ErrNotCovered (the density peaks at a wall, no minimum of L inside the grid,
// or a region outside it), ErrBoundary, ErrBadDensity and ErrNotConverged; nothing panics on bad input. A step
// that drives the density negative is ErrNegativeDensity (a *NegativeDensityError).
package fokkerplanck
