package experiment

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// toyMinimum trains a small network on a random 2-class data set (no mirror needed).
func toyMinimum(t testing.TB) *Minimum {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 0))
	const m = 64
	x := mat.NewDense(m, 2, nil)
	y := make([]int, m)
	for j := 0; j < m; j++ {
		y[j] = j % 2
		x.Set(j, 0, rng.NormFloat64()+float64(y[j]))
		x.Set(j, 1, rng.NormFloat64())
	}
	net, err := nn.NewMLP(nn.Arch{Inputs: 2, Hidden: []int{3}, Classes: 2, Activation: nn.Tanh})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := nn.NewLandscape(net, x, y, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := nn.Train(ls, nil, nn.TrainSettings{GradTol: 1e-10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mn, err := NewMinimum(ls, tm.Theta)
	if err != nil {
		t.Fatal(err)
	}
	return mn
}

func TestEscapeRefusesUnstableLearningRate(t *testing.T) {
	mn := toyMinimum(t)
	eta := 2.01 / mn.LambdaMax
	cfg := Config{Dynamics: SGD, Batch: 4, Eta: eta, Delta: 0.1, Steps: 10, Runs: 2}
	_, err := Escape(context.Background(), mn, cfg)
	if !errors.Is(err, ErrUnstable) {
		t.Fatalf("η·λ_max = 2.01 not refused: %v", err)
	}
	// The sharpness knob counts: η·k·λ_max ≥ 2 is refused too.
	cfg.Eta, cfg.K = 1.01/mn.LambdaMax, 2
	if _, err := Escape(context.Background(), mn, cfg); !errors.Is(err, ErrUnstable) {
		t.Fatalf("k·η·λ_max = 2.02 not refused: %v", err)
	}
	cfg.AllowUnstable = true
	if _, err := Escape(context.Background(), mn, cfg); err != nil && errors.Is(err, ErrUnstable) {
		t.Fatalf("AllowUnstable still refused: %v", err)
	}
	cfg.K, cfg.Eta, cfg.AllowUnstable = 1, 1.9/mn.LambdaMax, false
	if _, err := Escape(context.Background(), mn, cfg); err != nil {
		t.Fatalf("η·λ_max = 1.9 refused: %v", err)
	}
}

func TestEscapeDivergenceNamesStep(t *testing.T) {
	mn := toyMinimum(t)
	for _, d := range []Dynamics{SGD, WhiteNoise} {
		cfg := Config{Dynamics: d, Batch: 4, D: 1, Eta: 1e306, Delta: math.MaxFloat64, Steps: 100, Runs: 3, AllowUnstable: true, CheckEvery: 1}
		_, err := Escape(context.Background(), mn, cfg)
		var de *DivergenceError
		if !errors.As(err, &de) {
			t.Fatalf("%v: want a DivergenceError, got %v", d, err)
		}
		if de.Run != 0 || de.Step < 1 || de.Step > 100 {
			t.Errorf("%v: divergence reported at run %d step %d", d, de.Run, de.Step)
		}
	}
}

func TestEscapeInvalidConfig(t *testing.T) {
	mn := toyMinimum(t)
	good := Config{Dynamics: SGD, Batch: 4, Eta: 0.1, Delta: 0.1, Steps: 10, Runs: 2}
	for i, mod := range []func(*Config){
		func(c *Config) { c.Eta = 0 }, func(c *Config) { c.Eta = math.NaN() }, func(c *Config) { c.Delta = -1 },
		func(c *Config) { c.Steps = 0 }, func(c *Config) { c.Runs = 0 }, func(c *Config) { c.Batch = 0 },
		func(c *Config) { c.K = -2 }, func(c *Config) { c.Dynamics = WhiteNoise }, // D = 0
		func(c *Config) { c.Sampling = nn.WithoutReplacement; c.Batch = 65 },
	} {
		c := good
		mod(&c)
		if _, err := Escape(context.Background(), mn, c); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: want ErrInvalid, got %v", i, err)
		}
	}
}

// Results depend on the seed and run index only, not on the number of goroutines.
func TestEscapeReproducibleAcrossWorkers(t *testing.T) {
	mn := toyMinimum(t)
	for _, d := range []Dynamics{SGD, WhiteNoise} {
		cfg := Config{Dynamics: d, Batch: 4, D: 1e-3, Eta: 0.5, Delta: 0.01, Steps: 300, Runs: 12, Seed: 5, CheckEvery: 3}
		cfg.Workers = 1
		a, err := Escape(context.Background(), mn, cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Workers = 5
		b, err := Escape(context.Background(), mn, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.EscapeStep {
			if a.EscapeStep[i] != b.EscapeStep[i] {
				t.Fatalf("%v: run %d escaped at %d with 1 worker, %d with 5", d, i, a.EscapeStep[i], b.EscapeStep[i])
			}
		}
		if a.Escaped == 0 || a.Escaped == cfg.Runs {
			t.Logf("%v: %d of %d escaped (test still checks reproducibility)", d, a.Escaped, cfg.Runs)
		}
	}
}

// The θ-space shortcut of the sharpness knob (step k·η, white noise k·D) gives the same iterates as running on
// nn.Scaled in φ = θ/√k coordinates.
func TestSharpnessKnobMatchesScaledLandscape(t *testing.T) {
	mn := toyMinimum(t)
	const k, eta = 2.5, 0.05
	s, err := nn.NewScaled(mn.Landscape, k)
	if err != nil {
		t.Fatal(err)
	}
	n := mn.Landscape.Dim()
	theta := append([]float64(nil), mn.Theta...)
	phi := s.ToScaled(mn.Theta)
	g, gs, gj := make([]float64, n), make([]float64, n), make([]float64, n)
	idx := []int{3, 17, 17, 40}
	for step := 0; step < 20; step++ {
		mn.Landscape.BatchGrad(g, theta, idx)
		clear(gs)
		for _, j := range idx {
			s.SampleGrad(gj, phi, j)
			for i := range gs {
				gs[i] += gj[i] / float64(len(idx))
			}
		}
		for i := range theta {
			theta[i] -= k * eta * g[i]
			phi[i] -= eta * gs[i]
		}
	}
	for i := range theta {
		if math.Abs(theta[i]-math.Sqrt(k)*phi[i]) > 1e-12 {
			t.Fatalf("θ_%d = %.15g but √k·φ = %.15g", i, theta[i], math.Sqrt(k)*phi[i])
		}
	}
}

func TestCensoredRateAndFit(t *testing.T) {
	// No events: the upper 95% limit is −ln(0.025)/T.
	r := CensoredRate(0, 10, 0.95)
	if math.Abs(r.Hi-(-math.Log(0.025)/10)) > 1e-12 || r.Lo != 0 || r.Value != 0 {
		t.Errorf("0 events: %+v", r)
	}
	// Garwood interval for 10 events in T = 5 (tabulated 95% limits for a Poisson count 10: 4.7954, 18.3904).
	r = CensoredRate(10, 5, 0.95)
	if math.Abs(r.Lo*5-4.7954) > 1e-3 || math.Abs(r.Hi*5-18.3904) > 1e-3 || r.Value != 2 {
		t.Errorf("10 events: %+v", r)
	}
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{3.1, 4.9, 7.2, 8.8, 11.1}
	f, err := FitLine(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Reference values from the closed-form OLS solution.
	if math.Abs(f.Slope-1.99) > 1e-12 || math.Abs(f.Intercept-1.05) > 1e-12 {
		t.Errorf("fit %v", f)
	}
	if _, err := FitLine([]float64{1, 1, 1}, []float64{1, 2, 3}, nil); err == nil {
		t.Error("degenerate x accepted")
	}
}
