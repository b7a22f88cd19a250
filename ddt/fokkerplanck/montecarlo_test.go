package fokkerplanck

import (
	"context"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// TestEscapeRate2DMatchesMonteCarlo compares the 2-D Fokker–Planck solver with a seeded discrete-SGD ensemble
// (ddt/escape, one PCG stream per trajectory) on the sharp/flat landscape landscape.Valleys2D: a sharp valley
// a (H = diag(4, 4)) and a flat valley c (H = diag(1, 1)) sharing a saddle b. Escape is the first crossing of
// the line x = c_x; the Fokker–Planck problem has its absorbing wall on the same line.
//
// The Monte Carlo rate is the censored exponential MLE γ̂ = escapes / time at risk with a 95% Garwood interval
// (ddt/stats). Its expectation for a start at a and a budget T is γ* = (1 − S(T)) / ∫₀ᵀ S dt, which the
// Fokker–Planck survival S(t) from a point mass at a gives exactly (no exponential assumption); γ* must lie in
// the interval. The slowest eigenvalue λ0 is logged next to it (γ* − λ0 is the relaxation transient, O(λ0/λ1)).
func TestEscapeRate2DMatchesMonteCarlo(t *testing.T) {
	const eta = 0.005
	cases := []struct {
		name        string
		barrier     float64
		model       func(l landscape.Landscape) (noise.Model, error)
		traj, short int
	}{
		// SGD noise frozen at the sharp minimum: D = (η/2B)H_a = 0.1·I (ΔL/D = 3).
		{"frozen", 0.3, func(landscape.Landscape) (noise.Model, error) {
			return noise.NewFrozen(mat.NewSymDense(2, []float64{4, 0, 0, 4}), 20*eta)
		}, 800, 250},
		// Hessian-shaped SGD noise (η/2B)[H(θ)]⁺ with floor 1: state-dependent and anisotropic.
		{"hessian", 0.2, func(l landscape.Landscape) (noise.Model, error) { return noise.NewHessianSGD(l, 10*eta, 1) }, 300, 0},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			n := cs.traj
			if testing.Short() || raceEnabled {
				if cs.short == 0 {
					t.Skip("Monte Carlo with Hessian noise (an eigendecomposition per step) is skipped in -short and under -race")
				}
				n = cs.short
			}
			v, err := landscape.NewValleys2D(landscape.DoubleWellSpec{A: 0, Ha: 4, Hb: 2, Barrier: cs.barrier, Hc: 1}, 4, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			a, _, c := v.Points()
			m, err := cs.model(v)
			if err != nil {
				t.Fatal(err)
			}
			coef, err := FromLandscape2D(v, m, eta)
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewSolver2D(Problem2D{Coefficients2D: coef, XLo: -1, XHi: c[0], YLo: -1.6, YHi: 1.6, NX: 90, NY: 64, Right: Absorbing})
			if err != nil {
				t.Fatal(err)
			}
			fp, err := s.EscapeRate()
			if err != nil {
				t.Fatal(err)
			}
			steps := int(math.Round(1 / fp.Rate / eta)) // budget T ≈ 1/λ0: about 63% escape
			budget := float64(steps) * eta
			p0, err := s.PointMass(a[0], a[1])
			if err != nil {
				t.Fatal(err)
			}
			dec, err := s.SurvivalDecay(p0, nil, DecayOptions{Dt: budget / 1000, End: budget, Samples: 1000})
			if err != nil {
				t.Fatal(err)
			}
			area := 0.0
			for k := 1; k < len(dec.Times); k++ {
				area += (dec.Times[k] - dec.Times[k-1]) * (dec.Survival[k] + dec.Survival[k-1]) / 2
			}
			gammaStar := (1 - dec.Survival[len(dec.Survival)-1]) / area

			res, err := escape.Run(context.Background(), escape.Config{
				Landscape: v, Noise: m, Eta: eta, Start: a,
				Escape: escape.Hyperplane{Point: c, Normal: []float64{1, 0}},
				Steps:  steps, Trajectories: n, Seed: 20261125,
			})
			if err != nil {
				t.Fatal(err)
			}
			times, esc := res.Durations()
			est, err := stats.EstimateRate(times, esc, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: Fokker–Planck λ0 = %.5g (λ1 ≈ %.3g), γ*(T=%.4g) = %.5g; Monte Carlo γ̂ = %.5g, 95%% CI [%.5g, %.5g] (%d of %d escaped); γ̂/γ* = %.3f",
				cs.name, fp.Rate, fp.NextRate, budget, gammaStar, est.Rate, est.RateLower, est.RateUpper, est.Escaped, est.N, est.Rate/gammaStar)
			if gammaStar < est.RateLower || gammaStar > est.RateUpper {
				t.Errorf("%s: Fokker–Planck γ* = %.5g outside the Monte Carlo 95%% interval [%.5g, %.5g]", cs.name, gammaStar, est.RateLower, est.RateUpper)
			}
			// The whole escape-time distribution: the empirical CDF of the ensemble against 1 − S(t) of the
			// Fokker–Planck solution, within the 95% Dvoretzky–Kiefer–Wolfowitz band sqrt(ln(2/0.05)/2n).
			et := res.EscapeTimes()
			sort.Float64s(et)
			worst, at := 0.0, 0.0
			q := 0
			for k, tt := range dec.Times {
				for q < len(et) && et[q] <= tt {
					q++
				}
				if d := math.Abs(float64(q)/float64(n) - (1 - dec.Survival[k])); d > worst {
					worst, at = d, tt
				}
			}
			band := math.Sqrt(math.Log(2/0.05) / (2 * float64(n)))
			t.Logf("%s: sup |F_MC − (1 − S_FP)| = %.4f at t = %.3g (95%% DKW band %.4f)", cs.name, worst, at, band)
			if worst > band {
				t.Errorf("%s: escape-time CDF differs from the Fokker–Planck survival by %.4f > %.4f", cs.name, worst, band)
			}
		})
	}
}
