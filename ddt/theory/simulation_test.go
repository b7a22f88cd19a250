package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A discrete Euler–Maruyama simulation with the noise evaluated at θ_t (what an SGD step does) follows the Itô
// MFPT, not the isothermal one, for a state-dependent D(θ). Independent of the quadrature: plain Monte Carlo.
func TestEulerMaruyamaFollowsIto(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	const dt, runs = 0.005, 400
	d := func(x float64) float64 { return 0.04 * (1 + x*x) }
	var sum, sum2 float64
	for r := range runs {
		rng := rand.New(rand.NewPCG(2026, uint64(r)))
		x, n := -1.0, 0
		for x < 1 {
			x += -(x*x*x-x)*dt + math.Sqrt(2*d(x)*dt)*rng.NormFloat64()
			n++
		}
		tau := float64(n) * dt
		sum += tau
		sum2 += tau * tau
	}
	mean := sum / runs
	se := math.Sqrt((sum2/runs - mean*mean) / runs)
	ito, err := MFPT1D(Problem1D{Grad: quarticGrad, Diffusion: d, Left: math.Inf(-1), Start: -1, Absorb: 1})
	if err != nil {
		t.Fatal(err)
	}
	iso, err := MFPT1D(Problem1D{Grad: quarticGrad, Diffusion: d, Left: math.Inf(-1), Start: -1, Absorb: 1,
		Convention: Isothermal})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Euler–Maruyama (dt = %v, %d runs): τ = %.2f ± %.2f; exact Itô %.2f, isothermal %.2f", dt, runs, mean,
		se, ito, iso)
	if math.Abs(mean-ito) > 4*se+0.02*ito {
		t.Errorf("simulation %.2f ± %.2f vs Itô MFPT %.2f", mean, se, ito)
	}
	if math.Abs(mean-iso) < 8*se {
		t.Errorf("simulation %.2f ± %.2f cannot tell Itô %.2f from isothermal %.2f", mean, se, ito, iso)
	}
}
