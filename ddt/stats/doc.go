// Package stats turns simulated escape times into the numbers the paper's claims are tested with: escape rates
// with exact confidence intervals, a goodness-of-fit check of the exponential law, and the straight-line fits
// of log τ against the sharpness, the batch size and the learning rate. It implements the Monte Carlo part of
// THEORY.md §4 and the fits behind the claims C3–C6 of §5.
//
// # Censored exponential rate (EstimateRate)
//
// Runs stop at a step budget, so escape times are right-censored. With d escapes and total time at risk
// T = Σ (escape or censoring time), the maximum-likelihood rate is γ̂ = d/T and the mean escape time 1/γ̂. The
// default interval (IntervalGarwood) is the standard chi-square interval for type-I censoring,
//
//	γ ∈ [ χ²_{2d}(α/2)/2T , χ²_{2d+2}(1 − α/2)/2T ],
//
// the Poisson-count interval of Cox (1953); 1/γ gets the reciprocal interval. It is conservative; measured
// coverage of the nominal 95% on 2,000 seeded samples is 95.1–96.0% with 30–100 escapes per sample and 97.4%
// with about 3 (TestRateCoverage). IntervalTypeII uses χ²_{2d} for both ends (exact for type-II censoring).
// With zero escapes the result is a one-sided upper bound on γ (a lower bound on 1/γ), flagged OneSided, with
// MeanTime = +Inf by construction rather than a NaN.
//
// # Is it exponential? (KSExponential)
//
// Under type-I censoring at a common time T_c the escape times, given escape, follow the truncated exponential
// F(t) = (1 − e^{−γt})/(1 − e^{−γT_c}); KSExponential runs a one-sample Kolmogorov–Smirnov test of the escapes
// against it. The p-value uses the exact distribution of D_n (Marsaglia, Tsang & Wang 2003) up to n = 1000 and
// the limiting Kolmogorov law with Stephens' correction above (KolmogorovSF, KolmogorovQ). With γ estimated from
// the same data that p-value is conservative; KSExponentialBootstrap gives a calibrated parametric-bootstrap
// p-value (seeded, one stream per replicate).
//
// # Fits (LinearFit, FitLogTau, FitLogMeanTime)
//
// LinearFit is weighted least squares with standard errors, covariance, R², χ² = Σwr² and Student-t intervals
// (SlopeCI, InterceptCI). FitLogTau fits log τ against 1/k, log k, B or 1/η (THEORY.md §3.1–3.3: SGD gives a
// line in 1/k, B and 1/η, white noise a slope −1 in log k); InverseKCorrected fits log(kτ) so that the DDT
// prefactor's 1/k does not bias the exponent. FitLogMeanTime takes RateEstimates directly and weights each point
// by the width of its interval (WeightsFromRates, ≈ d escapes).
//
// # Moments and tails (Standardize, ScaleMixtureExKurtosis, HillIndex)
//
// Standardize rescales a sample to mean 0 and variance 1; ScaleMixtureExKurtosis is the excess kurtosis of a pool
// of Gaussian coordinates with different standard deviations (3·mean σ⁴/mean(σ²)² − 3): why pooled gradient noise
// looks heavier-tailed than each coordinate (THEORY.md §5, C2). HillIndex is Hill's estimator of the tail index α
// from the k largest |x| with its standard error α̂/√k; on samples with a finite variance it still returns a
// finite α̂ that depends on k (ScaleMixtureHillLimit gives its limit for pooled Gaussians), so α̂ < 2 alone does
// not show an infinite variance.
//
// # Errors
//
// Bad input returns an error wrapping ErrInput, ErrLevel, ErrNoEscapes, ErrCensoring or ErrDegenerate; nothing
// panics and nothing returns a silent NaN.
package stats
