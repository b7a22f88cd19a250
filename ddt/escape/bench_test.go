package escape

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
)

// W1 of /work/shared/peers/README.md (escape_numpy.py defaults): N runs on x⁴/4 − x²/2 from x = −1,
// x ← x − η(x³ − x) + sqrt(2ηD)·N(0,1), first passage to x ≥ +1, T steps, D = 0.05, η = 0.01.
const (
	w1N   = 100_000
	w1T   = 2_000
	w1D   = 0.05
	w1Eta = 0.01
)

func w1Config(tb testing.TB) Config {
	wn, err := noise.NewWhite(1, w1D)
	if err != nil {
		tb.Fatal(err)
	}
	return Config{Landscape: landscape.Quartic{}, Noise: wn, Escape: Threshold1D(1, true), Eta: w1Eta,
		Start: []float64{-1}, Steps: w1T, Trajectories: w1N, Seed: 1}
}

// BenchmarkW1EscapeEnsemble runs workload W1 and reports particle-steps/s (steps actually taken: a trajectory
// stops at its escape, about 1% fewer steps than N·T) and, for comparison with the peer, N·T/s.
func BenchmarkW1EscapeEnsemble(b *testing.B) {
	cfg := w1Config(b)
	var steps float64
	var escaped int
	start := time.Now()
	for b.Loop() {
		res, err := Run(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		steps += res.AtRiskSteps()
		escaped = res.Escaped()
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(steps/el, "particle-steps/s")
	b.ReportMetric(float64(b.N)*w1N*w1T/el, "NT/s")
	b.ReportMetric(float64(escaped), "escaped")
}

// BenchmarkW1GaussianBaseline draws one standard normal per particle-step of W1 (N·T draws) with
// rand.New(rand.NewPCG(seed, i)).NormFloat64, one stream per trajectory, on GOMAXPROCS goroutines: the cost
// floor the issue compares the ensemble against.
func BenchmarkW1GaussianBaseline(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	start := time.Now()
	var total float64
	for b.Loop() {
		var wg sync.WaitGroup
		sums := make([]float64, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				s := 0.0
				for i := w; i < w1N; i += workers {
					rng := rand.New(rand.NewPCG(1, uint64(i)))
					for t := 0; t < w1T; t++ {
						s += rng.NormFloat64()
					}
				}
				sums[w] = s
			}(w)
		}
		wg.Wait()
		total += w1N * w1T
	}
	b.ReportMetric(total/time.Since(start).Seconds(), "gaussians/s")
}

// BenchmarkW1SingleWorker is W1 on one goroutine (ns/op = one particle-step).
func BenchmarkW1SingleWorker(b *testing.B) {
	cfg := w1Config(b)
	cfg.Workers = 1
	cfg.Trajectories = max(1, b.N/w1T)
	b.ResetTimer()
	if _, err := Run(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
}
