package experiment

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

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

// The rates of an ensemble are the censored-exponential MLE d/T with the Garwood interval, computed here by hand
// from the escape steps; the sweep fits are weighted least squares by escapes over the points that escaped.
func TestEscapeRatesAndSweepFitNumbers(t *testing.T) {
	mn := toyMinimum(t)
	ctx := context.Background()
	base := Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Delta: 0.01, Steps: 300, Runs: 24, Seed: 5, CheckEvery: 3}
	// k = 0.002 is chosen so that no run escapes: that point must be left out of the fit.
	s, err := SweepK(ctx, mn, base, []float64{0.002, 0.8, 1, 1.3})
	if err != nil {
		t.Fatal(err)
	}
	if s.Results[0].Escaped != 0 {
		t.Fatalf("k = 0.002: %d escapes, the test needs a point without escapes", s.Results[0].Escaped)
	}
	var xs, ys, ws []float64
	for i, r := range s.Results {
		d, T := 0, 0.0
		for _, st := range r.EscapeStep {
			if st >= 0 {
				d++
				T += float64(st)
			} else {
				T += float64(base.Steps)
			}
		}
		T *= base.Eta
		if d != r.Escaped || math.Abs(r.Rate.TimeAtRisk-T) > 1e-9*T {
			t.Fatalf("k=%g: escaped %d (want %d), time at risk %g (want %g)", s.Values[i], r.Escaped, d, r.Rate.TimeAtRisk, T)
		}
		wantLo, wantHi := 0.0, distuv.ChiSquared{K: float64(2*d + 2)}.Quantile(0.975)/(2*T)
		if d > 0 {
			wantLo = distuv.ChiSquared{K: float64(2 * d)}.Quantile(0.025) / (2 * T)
		}
		for _, p := range [][2]float64{{r.Rate.Rate, float64(d) / T}, {r.Rate.RateLower, wantLo}, {r.Rate.RateUpper, wantHi},
			{r.RatePerStep.Rate, float64(d) / T * base.Eta}} {
			if math.Abs(p[0]-p[1]) > 1e-12*math.Max(1, math.Abs(p[1])) {
				t.Errorf("k=%g: rate %+v, want γ = %g in [%g, %g]", s.Values[i], r.Rate, float64(d)/T, wantLo, wantHi)
				break
			}
		}
		v, lo, hi := r.NegLogRate()
		if v != s.NegLogRate[i] || lo != -math.Log(wantHi) || (d > 0 && math.Abs(hi+math.Log(wantLo)) > 1e-12) || (d == 0 && !math.IsInf(hi, 1)) {
			t.Errorf("k=%g: NegLogRate = %g [%g, %g]", s.Values[i], v, lo, hi)
		}
		if d > 0 {
			xs, ys, ws = append(xs, 1/s.Values[i]), append(ys, -math.Log(float64(d)/T)), append(ws, float64(d))
		}
	}
	// Weighted least squares in closed form.
	var sw, sx, sy float64
	for i := range xs {
		sw, sx, sy = sw+ws[i], sx+ws[i]*xs[i], sy+ws[i]*ys[i]
	}
	var sxx, sxy float64
	for i := range xs {
		sxx += ws[i] * (xs[i] - sx/sw) * (xs[i] - sx/sw)
		sxy += ws[i] * (xs[i] - sx/sw) * (ys[i] - sy/sw)
	}
	f, ok := s.Fits["1/k"]
	if !ok {
		t.Fatalf("no 1/k fit: %v", s.FitErrors)
	}
	if f.N != len(xs) || math.Abs(f.Slope-sxy/sxx) > 1e-9*math.Abs(sxy/sxx) || math.Abs(f.Intercept-(sy-f.Slope*sx)/sw) > 1e-9 {
		t.Errorf("fit %+v, want slope %g over %d points", f, sxy/sxx, len(xs))
	}
}

// A coarser check cadence can only miss excursions: with the same runs, checking every 12 steps instead of every 3
// gives no more escapes and never an earlier escape step.
func TestCheckEveryBiasIsOneSided(t *testing.T) {
	mn := toyMinimum(t)
	ctx := context.Background()
	fine := Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Delta: 0.1, Steps: 300, Runs: 24, Seed: 5, CheckEvery: 3}
	coarse := fine
	coarse.CheckEvery = 12
	a, err := Escape(ctx, mn, fine)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Escape(ctx, mn, coarse)
	if err != nil {
		t.Fatal(err)
	}
	if a.Escaped == 0 {
		t.Fatal("no escapes at the fine cadence: the test is vacuous")
	}
	missed := 0
	for i := range a.EscapeStep {
		switch {
		case b.EscapeStep[i] >= 0 && (a.EscapeStep[i] < 0 || a.EscapeStep[i] > b.EscapeStep[i]):
			t.Errorf("run %d: escape step %d with CheckEvery 12 but %d with 3", i, b.EscapeStep[i], a.EscapeStep[i])
		case b.EscapeStep[i] != a.EscapeStep[i]:
			missed++
		}
	}
	t.Logf("CheckEvery 3: %d/%d escaped; CheckEvery 12: %d/%d; %d runs later or censored", a.Escaped, fine.Runs, b.Escaped, coarse.Runs, missed)
	if missed == 0 {
		t.Error("the coarse cadence changed no run: the test does not exercise the bias")
	}
	if b.Rate.Rate > a.Rate.Rate {
		t.Errorf("coarser checks raised the rate: %g > %g", b.Rate.Rate, a.Rate.Rate)
	}
}

func TestDefaultCheckEvery(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want int
	}{{0.021, 5}, {0.1, 1}, {0.05, 2}, {0.009, 10}, {1e-6, 10}, {1.9, 1}, {0, 10}, {math.NaN(), 10}, {math.Inf(1), 10}} {
		if got := DefaultCheckEvery(c.s); got != c.want {
			t.Errorf("DefaultCheckEvery(%g) = %d, want %d", c.s, got, c.want)
		}
	}
	// Escape fills it in from k·η·λ_max.
	mn := toyMinimum(t)
	cfg := Config{Dynamics: SGD, Batch: 4, Eta: 0.5, Delta: 0.01, Steps: 5, Runs: 1}
	r, err := Escape(context.Background(), mn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultCheckEvery(0.5 * mn.LambdaMax); r.Config.CheckEvery != want {
		t.Errorf("CheckEvery filled in as %d, want %d (η·λ_max = %g)", r.Config.CheckEvery, want, 0.5*mn.LambdaMax)
	}
}
