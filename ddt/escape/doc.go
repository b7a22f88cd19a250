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
// draws all of its randomness from rand.New(NewStream(Seed, i)): Stream is the xoroshiro128** generator
// (Blackman & Vigna 2021) seeded by SplitMix64 from (Seed, i), an equivalent of rand.NewPCG(Seed, i) without
// its 128-bit multiply (TestStreamReference, TestNormalDistribution: moments, tail mass, correlations and a
// Kolmogorov–Smirnov test of its normals against N(0, 1)). Trajectories are handed to worker goroutines one
// at a time, so the result is the same for any number of workers and any GOMAXPROCS (tested).
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
//
//   - TestFrozenSGDExponent: with the noise frozen at the minimum, the slope of log τ + log k on 1/k and of
//     log τ on B are within 10% of 2BΔL/(ηH_a) and 2ΔL/(ηkH_a) (the exact MFPT's own slopes, logged beside
//     them, sit 2–4% below the asymptotic exponent at these moderate barriers).
//
//   - TestWhiteNoiseSharpnessSlope: under white noise the slope of log τ on log k is −1 within 10%.
//
//   - TestStationaryCovariance*: the stationary covariances above, within four standard errors.
//
//   - TestMonteCarlo2DMatchesFokkerPlanck: on the 2-D sharp/flat landscape.Valleys2D the exact Fokker–Planck
//     escape rate λ0 (ddt/fokkerplanck) lies in the 99% interval of the Monte Carlo rate, for white noise at
//     ΔL/D = 4 and for SGD noise frozen at the sharp minimum with an anisotropic Hessian; the white-noise rate
//     is also within 1.5·D/ΔL (plus its interval) of the n-D Eyring–Kramers rate 1/theory.KramersTau.
//
//   - TestKramers2DApproach: λ0·τ_Kramers rises monotonically to 1 as ΔL/D grows (0.71, 0.85, 0.89, 0.92 at
//     ΔL/D = 3, 8, 12, 16, within 1.5·D/ΔL); under frozen SGD noise the slope of log λ0 on the DDT exponent
//     2BΔL/(ηH_ae) is −1 within 2% (measured −0.993), but the prefactor is that of the adiabatic formula
//     2π/sqrt(H_ae|H_be|)·(K_b/K_a)^(D_yy/2D_xx) — with anisotropic noise the transverse curvatures do not cancel,
//     unlike in theory.SGD's n-D prefactor (λ0·τ_SGD → about 1.3 in the isothermal convention, 0.65 in Itô's).
//
// In -short mode and under the race detector the same tests run with fewer settings and trajectories.
//
// # Speed
//
// A 1-D Scalar landscape with a Scalar noise model and a Hyperplane criterion takes a fast path: each worker
// steps several trajectories side by side, each with its own Stream held by value and the 128-layer
// Marsaglia–Tsang ziggurat of math/rand/v2 written out inline; for W1 two trajectories live in registers. It
// reproduces the general path bit for bit (TestIdenticalForAnyGOMAXPROCS; TestNormalMatchesStdlib: the inline
// ziggurat returns exactly rand.New(stream).NormFloat64()). Switching the per-trajectory generator from
// rand.PCG (a 128-bit multiply per draw) to xoroshiro128** and keeping two lanes in registers took one worker
// from about 6.2 to about 4.5 ns of CPU per particle-step (best of eight runs of BenchmarkW1SingleWorker on a
// loaded machine).
//
// Workload W1 of the peers (x⁴/4 − x²/2, N = 100,000, T = 2,000, D = 0.05, η = 0.01, first passage to x ≥ 1)
// is BenchmarkW1EscapeEnsemble: it reports N·T/s (the peer's figure), particle-steps/s (steps actually taken)
// and cpu-ns/particle-step (getrusage, all goroutines). BenchmarkW1GaussianBaseline draws one standard normal
// per particle-step on the same number of goroutines, with rand/v2 over PCG, rand/v2 over Stream, and the
// inline ziggurat over Stream (Inline). Reproduce side by side, alternating peer and ours:
//
//	go test -c -o /tmp/escape.test ./ddt/escape
//	for i in 1 2 3 4 5; do
//	  /usr/bin/time -f "peer CPU %U+%S s" /usr/bin/python3 /work/shared/peers/escape_numpy.py
//	  /tmp/escape.test -test.run '^$' -test.bench 'W1EscapeEnsemble|W1GaussianBaseline' -test.benchtime 2x
//	done
//
// (the peer's CPU time per step is (user + system − 0.11 s of Python and numpy start-up) / 2·10⁸).
//
// Measured on the project's shared 2-core machine (AMD EPYC, KVM), 25 November 2026, in rounds of one peer
// run and one two-run benchmark, alternating. Until 21:10 other engineers' jobs (a headless Chromium kept one
// core busy) were running, so wall-clock ratios depended on the load of the moment; at 21:16 the machine was
// idle:
//
//	time (UTC)  load     rounds  numpy CPU/step  ours CPU/step  CPU ratio (median)  wall ratio (median, range)
//	20:41 (a)   4.9–6.0  5       13.4–16.5 ns    5.1–6.3 ns     2.5×                4.6× (3.8–5.4×)
//	20:51       2.7–3.0  6       14.3–15.9 ns    4.8–5.8 ns     2.9×                3.5× (3.2–4.0×)
//	21:00       2.4–2.9  6       13.8–15.7 ns    4.6–5.0 ns     3.0×                3.2× (2.4–4.6×)
//	21:16       0.1–0.7  14      14.1–17.1 ns    4.9–7.1 ns     2.6×                5.3× (4.2–6.6×)
//
// (a) the same generator and two-lane kernel before two small refinements that changed nothing measurable.
//
// On the idle machine the median wall-clock ratio over 14 rounds is 5.3×, meeting the 5× goal in the median
// but not in every round (8 of 14 rounds at 5× or more; the lowest was 4.2×); under load the ratio fell to
// 3.2–4.6×. Per core the ensemble is 2.6–3× cheaper than the numpy peer. One worker alone takes 4.6–4.9 ns per
// particle-step (BenchmarkW1SingleWorker, idle machine); with both cores busy each takes 5–7 ns, so two
// workers gain less than 2×. (Before this version, with rand.PCG, the same ensemble took 6.6–9.1 ns of CPU per
// particle-step in alternating runs at 20:52 under load.) The ensemble costs about as much as drawing the
// Gaussians alone with the same inline ziggurat (Inline: 5.2–5.8 ns of CPU, 3.2·10⁸ Gaussians/s against
// 3.5–3.9·10⁸ particle-steps/s on the idle machine) and 0.5–0.75× as much as rand/v2's NormFloat64 over PCG
// (7.1–9.9 ns) on the same goroutines: within the goal of 3× the cost of one Gaussian per particle-step.
//
// `make bench` (go run ./cmd/peerbench) repeats the side-by-side rounds; on the quiet machine at 21:40 its three
// W1 rounds gave 5.75× in the median (5.20–5.83×; 4.1·10⁸ against 7.2·10⁷ particle-steps/s).
package escape
