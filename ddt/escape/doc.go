// Package escape simulates the discrete dynamics of THEORY.md §2 and measures escape from a valley (§3, §4
// "Monte Carlo"):
//
//	θ ← θ − η∇L(θ) + kick,   kick from a noise.Model (SGD: −η(g_B − ∇L); white noise: sqrt(2ηD)·ε),
//
// for ensembles of trajectories run in parallel, each right-censored at a step budget.
//
// # Ensembles
//
// Run takes a Config (landscape, noise model, escape criterion, η, start point, step budget, number of
// trajectories, seed) and returns a Result with one escape step per trajectory (or Censored). Trajectory i
// draws all of its randomness from rand.New(rand.NewPCG(Seed, i)), and trajectories are handed to worker
// goroutines one at a time, so the result is the same for any number of workers and any GOMAXPROCS (tested).
// Result.Escaped, AtRiskSteps and AtRiskTime (= steps·η) are the sufficient statistics of the censored
// exponential likelihood; Result.Durations hands times and censoring flags to ddt/stats:
//
//	t, escaped := res.Durations()
//	est, err := stats.EstimateRate(t, escaped, 0.99) // γ̂ = escaped / time at risk, with an exact interval
//
// Escape criteria: Hyperplane (crossing the dividing plane ⟨θ − b, e⟩ ≥ margin; BeyondSaddle builds it from a
// landscape.Exit, Threshold1D in 1-D), NearPoint (reached another valley), LossAbove (loss threshold, as for
// networks), Predicate (any function) and AnyOf (several exits). Run rejects invalid input with errors wrapping
// ErrInvalid or ErrDimension: non-positive or non-finite η, a zero step budget, no trajectories, dimension
// mismatches between landscape, noise, start point and criterion, and a start point that already meets the
// criterion (outside the valley). A trajectory whose θ becomes NaN or infinite or leaves ‖θ‖ ≤ MaxNorm stops
// the run with a *DivergenceError naming the trajectory and the step. Run honours context cancellation (within
// a few thousand steps) and calls Config.Progress about a hundred times.
//
// Stationary samples the quasi-stationary cloud in a valley and returns the mean and covariance of θ, with
// standard errors from the spread across trajectories: under Hessian-shaped SGD noise at a quadratic minimum
// the covariance is (η/2B)·I, under white noise D·H⁻¹ (both tested).
//
// # Tests against theory
//
// The Monte Carlo is checked against ddt/theory (exact mean first-passage times by quadrature) and the DDT
// exponents, with ddt/stats' censored-exponential intervals and least-squares fits:
//
//   - TestMonteCarloMatchesExactMFPTWhite and ...StateDependent: on a double well (H_a = 2, |H_b| = 1, ΔL = 1,
//     η = 0.005, absorbed at the second minimum) the exact MFPT lies inside the 99% interval of the Monte Carlo
//     mean escape time for ΔL/D = 3, 4.5, 6 (white noise) and for D(θ) = (η/2B)·max(|L″|, 0.5) with exact
//     exponent Φ(b) − Φ(a) = 3, 4.5, 6 (Itô convention, as the discrete step).
//   - TestFrozenSGDExponent: with the noise frozen at the minimum, the slope of log τ + log k on 1/k and of
//     log τ on B are within 10% of 2BΔL/(ηH_a) and 2ΔL/(ηkH_a) (the exact MFPT's own slopes, logged beside
//     them, sit 2–4% below the asymptotic exponent at these moderate barriers).
//   - TestWhiteNoiseSharpnessSlope: under white noise the slope of log τ on log k is −1 within 10%.
//   - TestStationaryCovariance*: the stationary covariances above, within four standard errors.
//
// In -short mode the same tests run with fewer settings and trajectories.
//
// # Speed
//
// A 1-D Scalar landscape with a Scalar noise model and a Hyperplane criterion takes a fast path: each worker
// steps several trajectories side by side with their PCG streams and a ziggurat normal written out inline (the
// same 128-layer Marsaglia–Tsang ziggurat as math/rand/v2, computed from its recursion), which reproduces the
// general path bit for bit (TestIdenticalForAnyGOMAXPROCS, TestNormalMatchesStdlib, TestPCGMatchesStdlib); for W1
// two trajectories are kept in registers per worker.
// Workload W1 of the peers (x⁴/4 − x²/2, N = 100,000, T = 2,000, D = 0.05, η = 0.01, first passage to x ≥ 1)
// is BenchmarkW1EscapeEnsemble; BenchmarkW1GaussianBaseline draws one rand/v2 NormFloat64 per particle-step
// on the same number of goroutines (the cost floor). Reproduce side by side with
//
//	go test -c -o /tmp/escape.test ./ddt/escape
//	for i in 1 2 3; do
//	  /usr/bin/python3 /work/shared/peers/escape_numpy.py
//	  /tmp/escape.test -test.run '^$' -test.bench 'W1EscapeEnsemble|W1GaussianBaseline' -test.benchtime 2x
//	done
//
// and, for CPU time, the same commands under /usr/bin/time -f "%U+%S". Measured on the project's shared 2-core
// machine (AMD EPYC), 25 November 2026, three back-to-back rounds while other engineers' jobs kept the load
// average at 15–17 (wall-clock figures on this machine are only meaningful as ratios within a round):
//
//	round   numpy peer           BenchmarkW1EscapeEnsemble   ratio   BenchmarkW1GaussianBaseline
//	1       1.24e7 steps/s       2.86e7 particle-steps/s     2.3×    3.34e7 Gaussians/s
//	2       1.18e7               2.49e7                      2.1×    4.38e7
//	3       2.38e7               6.59e7                      2.8×    4.37e7
//
// CPU time per particle-step, which the other jobs disturb far less: numpy 16.2 ns (3.38 s for 2·10⁸ steps,
// less 0.13 s of start-up), this package 6.7 ns (2.67 s for two runs of 1.98·10⁸ steps), 2.4× less. With both
// cores to itself the ensemble (two independent workers) would therefore run at about 2 × 2.4 ≈ 4.8× the
// peer: short of the 5× goal, which could not be demonstrated by wall clock on the loaded machine (measured:
// 2.1–2.8×). The ensemble costs 0.6–1.7× as much as drawing one rand/v2 NormFloat64 per particle-step on the
// same goroutines (goal: within 3×): its inlined PCG and ziggurat are cheaper than the library's call chain.
// In a quieter moment earlier the same day (load ≈ 2) one worker took 7.7 ns per particle-step with the
// earlier eight-lane kernel against 15.9 ns for numpy.
package escape
