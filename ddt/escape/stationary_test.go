package escape_test

import (
	"context"
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"gonum.org/v1/gonum/mat"
)

// stationaryCheck samples the stationary density at the minimum of a quadratic and compares every covariance
// entry with want within 4 standard errors (from the spread across trajectories). η·λ_max = 0.0086, so the
// discrete-time correction (I − ηH/2)⁻¹ is under 0.5%, below one standard error.
func stationaryCheck(t *testing.T, name string, m noise.Model, want *mat.SymDense, traj, steps int) {
	t.Helper()
	h := mat.NewSymDense(2, []float64{4, 0.8, 0.8, 1})
	q, err := landscape.NewQuadratic(h, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	const eta = 0.002
	mo, err := escape.Stationary(context.Background(), escape.SampleConfig{Landscape: q, Noise: m, Eta: eta,
		Start: []float64{0, 0}, Burn: 5000, Steps: steps, Every: 10, Trajectories: traj, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			got, se, w := mo.Cov.At(i, j), mo.CovSE.At(i, j), want.At(i, j)
			t.Logf("%s: Cov[%d,%d] = %.5g ± %.2g, want %.5g", name, i, j, got, se, w)
			if math.Abs(got-w) > 4*se || se > 0.08*math.Abs(want.At(i, i)) {
				t.Errorf("%s: Cov[%d,%d] = %.5g ± %.2g, want %.5g", name, i, j, got, se, w)
			}
		}
	}
}

// TestStationaryCovarianceHessianNoise: with D = (η/2B)H at a quadratic minimum the density is isotropic,
// Cov θ = (η/2B)·I, whatever the Hessian (THEORY.md §2, local density under SGD noise). Checked for the
// noise frozen at the minimum and for HessianSGD (which evaluates H at θ each step).
func TestStationaryCovarianceHessianNoise(t *testing.T) {
	h := mat.NewSymDense(2, []float64{4, 0.8, 0.8, 1})
	const eta, b = 0.002, 2.0
	want := mat.NewSymDense(2, []float64{eta / (2 * b), 0, 0, eta / (2 * b)})
	frozen, err := noise.NewFrozen(h, b)
	if err != nil {
		t.Fatal(err)
	}
	traj, steps := 32, 200_000
	if light() {
		traj, steps = 16, 100_000
	}
	stationaryCheck(t, "frozen", frozen, want, traj, steps)
	q, _ := landscape.NewQuadratic(h, nil, 0)
	hs, err := noise.NewHessianSGD(q, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	stationaryCheck(t, "HessianSGD", hs, want, 8, 60_000)
}

// TestStationaryCovarianceWhiteNoise: white noise gives Cov θ = D·H⁻¹.
func TestStationaryCovarianceWhiteNoise(t *testing.T) {
	h := mat.NewSymDense(2, []float64{4, 0.8, 0.8, 1})
	const d = 0.01
	var chol mat.Cholesky
	chol.Factorize(h)
	want := mat.NewSymDense(2, nil)
	if err := chol.InverseTo(want); err != nil {
		t.Fatal(err)
	}
	want.ScaleSym(d, want)
	m, err := noise.NewWhite(2, d)
	if err != nil {
		t.Fatal(err)
	}
	traj, steps := 32, 200_000
	if light() {
		traj, steps = 16, 100_000
	}
	stationaryCheck(t, "white", m, want, traj, steps)
}
