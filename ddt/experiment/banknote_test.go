package experiment

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/densitydiffusion/toolkit/datasets"
	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// banknote loads the Banknote Authentication data (standardised; rows > 0 keeps a seeded stratified subset of
// about that many rows, 0 keeps all 1,372) from the offline mirror:
// DDT_DATA_MIRROR, or the project's ../shared/datasets next to the repository. Without a mirror the test is
// skipped with a message, except under CI (env CI set), where it fails.
func banknote(t testing.TB, rows int) *datasets.Dataset {
	t.Helper()
	var opts []datasets.Option
	if os.Getenv(datasets.EnvMirror) == "" {
		_, file, _, _ := runtime.Caller(0)
		dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "datasets")
		if _, err := os.Stat(filepath.Join(dir, "banknote")); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("Banknote mirror not found: set %s (CI must provide ../shared/datasets)", datasets.EnvMirror)
			}
			t.Skipf("skipping: no data mirror (set %s to a folder laid out like /work/shared/datasets)", datasets.EnvMirror)
		}
		opts = append(opts, datasets.WithMirrorDir(dir))
	}
	opts = append(opts, datasets.WithCacheDir(t.TempDir()), datasets.Offline())
	d, err := datasets.Load(context.Background(), "banknote", opts...)
	if err != nil {
		t.Fatalf("loading Banknote from the mirror: %v", err)
	}
	if rows > 0 && rows < d.Len() {
		_, sub, err := d.Split(float64(rows)/float64(d.Len()), 7)
		if err != nil {
			t.Fatal(err)
		}
		d = sub
	}
	s, err := datasets.FitStandardizer(d)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Transform(d)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// banknoteMinimum trains arch on standardised Banknote with weight decay l2 to ‖∇L‖_∞ ≤ 1e-9.
func banknoteMinimum(t testing.TB, rows int, hidden []int, l2 float64, seed uint64) (*nn.Landscape, *nn.Minimum) {
	t.Helper()
	d := banknote(t, rows)
	net, err := nn.NewMLP(nn.Arch{Inputs: d.Dim(), Hidden: hidden, Classes: d.NumClasses(), Activation: nn.Tanh})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := nn.NewLandscape(net, d.X, d.Y, l2)
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.Train(ls, nil, nn.TrainSettings{Epochs: 20, Batch: 32, LearningRate: 0.1, GradTol: 1e-9, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return ls, m
}

// whiteReference is the white-noise reference of the Banknote studies: GD + white noise at η = 0.1 with D matched
// to SGD at B = 8 (MatchedD), loss checked every 20 steps, δ planned for a 30% escape fraction.
func whiteReference(t testing.TB, ctx context.Context, mn *Minimum, steps, runs int, seed uint64) (Config, *Plan) {
	t.Helper()
	white := Config{Dynamics: WhiteNoise, Eta: 0.1, Steps: steps, Runs: runs, Seed: seed, CheckEvery: 20}
	var err error
	if white.D, err = MatchedD(mn, 0.1, 8, nn.WithReplacement); err != nil {
		t.Fatal(err)
	}
	wp, err := PlanDelta(ctx, mn, white, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	white.Delta = wp.Delta
	return white, wp
}
