// Package experiment runs the paper's experiments (THEORY.md §5, C1–C8): on real networks, the gradient-noise
// covariance against the Hessian, the per-coordinate Gaussianity of the noise, and the escape of SGD and of GD
// with white noise from a trained minimum; on the toy landscapes of the notebook series, the same comparisons
// where every number has an exact counterpart (WellSweep and the types listed under "The notebooks'
// experiments").
//
// # The double-well sweep
//
// WellSweep makes a double well k times sharper (landscape.Scaled) and escapes it with SGD noise frozen at the
// minimum (D = ηkH_a/2B) and with white noise trace-matched at k = 1, putting each ensemble's censored-MLE rate
// next to the exact mean first-passage time of the same diffusion. SGDFit and WhiteFit fit −ln γ̂ against 1/k
// and ln k, weighted by the rates' intervals; Verdict reads them against DDT's 2BΔL/ηH_a and Kramers' −1. It is
// the quickstart notebook's experiment (TestWellSweepAgainstExact checks it against the exact values).
//
// # Escape experiments
//
// Minimum holds a trained θ* on an nn.Landscape with L(θ*) and λ_max(H(θ*)). Escape runs Config.Runs independent
// runs from θ*, each drawing its randomness from rand.New(rand.NewPCG(Seed, run)) only, so results do not depend
// on the number of goroutines:
//
//   - SGD: θ ← θ − η·g_B(θ), with B rows drawn with or without replacement (true minibatch noise);
//   - GD + white noise: θ ← θ − η∇L(θ) + sqrt(2ηD)·ε, with D from MatchedD: D = (η/2)·tr C_B(θ*)/n, the isotropic
//     diffusion whose trace equals SGD's (η/2)·tr C_B at k = 1, kept fixed across a sharpness sweep.
//
// A run has escaped when its full-batch training loss, evaluated every CheckEvery steps, first exceeds
// L(θ*) + δ; the escape step is that check's step. Runs still inside after Steps are right-censored. The default
// cadence is DefaultCheckEvery(k·η·λ_max) = min(10, ceil(0.1/(k·η·λ_max))), a tenth of the relaxation time of the
// sharpest direction; a coarser cadence only misses excursions (fewer, later escapes, never more).
// The sharpness knob k runs on L_k(φ) = L(√k·φ) from θ*/√k (nn.Scaled), which in θ = √k·φ coordinates is the same
// dynamics with step k·η and white noise k·D; it is simulated that way (test: TestSharpnessKnobMatchesScaledLandscape).
// Rates are censored-exponential MLEs with exact (Garwood) intervals, per unit of continuous time (one step = η),
// computed by stats.EstimateRateCensored; Result.NegLogRate gives −log γ̂ with its interval.
// A configuration with k·η·λ_max ≥ 2 is refused (ErrUnstable) unless AllowUnstable is set; a run whose loss or
// parameters stop being finite stops the ensemble with a *DivergenceError naming the run and the step.
//
// SweepK, SweepBatch and SweepEta run one ensemble per value and fit −log γ against 1/k and log k, B, and 1/η
// (stats.LinearFit over the points with an escape, weighted by the number of escapes). PlanDelta picks δ from a pilot ensemble so that a target fraction (5–80%)
// of runs escapes within the budget at a reference setting; PlanBudget then picks the step budget at which a
// target fraction escapes, from the pilot's escape-step quantile with a Beta interval (ErrPilotTooShort, with the
// pilot length to try, when too few pilot runs escaped).
//
// # Noise against curvature
//
// CompareNoiseHessian puts C for several batch sizes next to H/B in the Hessian eigenbasis (u_iᵀCu_i against
// λ_i/B, a log-log fit, correlation, off-diagonal mass). The fit leaves out flat directions and directions with
// numerically no noise, by a relative floor on both (DefaultFloorRel = 1e-2), and reports how many of each it
// dropped. MeasureNoiseNormality draws real minibatch noise,
// projects it on the top Hessian eigenvectors and reports skewness, excess kurtosis, Jarque–Bera and
// Kolmogorov–Smirnov per coordinate, against the same statistics of the pooled coordinates.
//
// # The notebooks' experiments
//
// Each notebook of the series runs its experiment through one type here, so that its cells only set the study
// up, show the numbers and draw them; every type is tested against exact numbers (closed forms, quadrature,
// Fokker–Planck) and documents its seed scheme.
//
//   - 01, C1: NoiseShapeStudy on the two-moons network (TwoMoonsNet) compares C with H/B at the minimum for every B
//     and at θ₀: the top C/(H/B) ratios, the exact 1/B law (BatchExponent against PredictedBatchExponent), the
//     silent and negative-curvature directions, and a verdict.
//   - 02, C2: NormalitySweep runs the per-coordinate Gaussianity test over batch sizes (batch i uses seed Seed+i),
//     tested against the CLT's exact κ₁/B; ScaleMixture reproduces the heavier pooled histogram
//     (stats.ScaleMixtureExKurtosis gives its excess kurtosis).
//   - 03: StationaryCloud puts the stationary clouds of a rotated 2-D quadratic valley under white noise (D₀H⁻¹)
//     and frozen SGD noise ((η/2B)·I) next to their SDE and discrete-time variances; DensityLeak follows a
//     Fokker–Planck density leaking out of the quartic well and reads its rate from the late slope of ln S, from
//     λ₀ and from the exact MFPT.
//   - 04, C3: KramersSweep compares Monte Carlo, the exact MFPT, the Fokker–Planck 1/λ₀ and Kramers' formula across
//     ΔL/D, with a KS test of the exponential law, slopes and a verdict (the ensemble at Betas[i] uses Seed+i);
//     KramersOverExact is the quadrature-only ratio.
//   - 05, C4: SGDEscapeSweep escapes a double well under frozen and floored-Hessian SGD noise for several B, next
//     to the exact s, the exact Itô MFPT and the Laplace times in both prefactor conventions (seed Seed+10i+j).
//     FloorTrap and LiteralHessianSweep show the inflection-point trap: the exponent diverges like ln(1/ε), yet
//     discrete SGD with the literal noise escapes, at a rate that depends on η at fixed B/η.
//   - 00 and 06, C5: WellSweep (above); TwoExits is 06's valley L = X(x) + Y(y) with a sharp high exit and a flat
//     low one: total and per-exit rates of frozen SGD and white noise against 1/τ_x + 1/τ_y.
//   - 07, C6 and C7: SharpFlatWell, RatioSweep and SelectionSweep: escape times against B/η under floored Hessian
//     noise next to the exact Itô MFPT (ExactTaus), and the flat-valley share after a fixed time against
//     theory.TwoStateShare.
//   - 08, C1 and C8: NetworkEscapeStudy runs the Banknote escape study (δ planned per dynamics, white D matched by
//     trace, sweeps in k, B and 1/η) and reads it (Verdict, WhiteReading, Result.HazardHalves); StandardSubset and
//     TrainMLP prepare the network; NoiseVsHessian.Prefactor and C1Verdict read C1 (slope and prefactor).
//   - 09: LossScaledSweep, HeavyTailSweep and LinearScalingSweep test DDT's assumptions (loss-scaled noise,
//     Student-t kicks, finite η at fixed B/η), each Monte Carlo point next to an exact MFPT.
//
// # Notes
//
// The run loop is written here rather than on ddt/escape's ensembles: that package evaluates its escape criterion
// after every step and builds SGD from a full-batch gradient plus a noise kick, which for a network costs a
// full pass over the data per step; here SGD touches B rows per step and the loss criterion a full pass every
// CheckEvery steps. Rate estimates and line fits come from ddt/stats (TestEscapeRatesAndSweepFitNumbers checks
// them against the closed forms). The sharpness knob on a network is nn.Scaled, the finite-sum version of
// landscape.Scaled. RESULTS.md records the full Banknote study with its seeds and settings; it is regenerated by
// TestRecordBanknoteStudy (DDT_RECORD=path), except its hand-written "Reading" section.
package experiment
