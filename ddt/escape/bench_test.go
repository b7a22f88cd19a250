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
// stops at its escape, about 1% fewer steps than N·T), for comparison with the peer N·T/s, and the CPU time
// (user + system, all goroutines) per particle-step.
func BenchmarkW1EscapeEnsemble(b *testing.B) {
	cfg := w1Config(b)
	var steps float64
	var escaped int
	start, cpu0 := time.Now(), cpuSeconds()
	for b.Loop() {
		res, err := Run(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		steps += res.AtRiskSteps()
		escaped = res.Escaped()
	}
	el, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	b.ReportMetric(steps/el, "particle-steps/s")
	b.ReportMetric(float64(b.N)*w1N*w1T/el, "NT/s")
	b.ReportMetric(cpu/steps*1e9, "cpu-ns/particle-step")
	b.ReportMetric(float64(escaped), "escaped")
}

// BenchmarkW1GaussianBaseline draws one standard normal per particle-step of W1 (N·T draws), one stream per
// trajectory, on GOMAXPROCS goroutines: the cost floor the issue compares the ensemble against. PCG draws with
// rand.New(rand.NewPCG(1, i)).NormFloat64 (the library's default generator), Stream with
// rand.New(NewStream(1, i)).NormFloat64 (the generator the ensembles use, through the library's call chain),
// Inline with normalStream on a Stream held by value (the ensembles' own ziggurat, called in a loop). It
// reports Gaussians/s and the CPU time per Gaussian.
func BenchmarkW1GaussianBaseline(b *testing.B) {
	for _, g := range []struct {
		name string
		draw func(i int) float64 // the sum of w1T normals from trajectory i's stream
	}{
		{"PCG", func(i int) float64 {
			rng, s := rand.New(rand.NewPCG(1, uint64(i))), 0.0
			for t := 0; t < w1T; t++ {
				s += rng.NormFloat64()
			}
			return s
		}},
		{"Stream", func(i int) float64 {
			rng, s := rand.New(NewStream(1, uint64(i))), 0.0
			for t := 0; t < w1T; t++ {
				s += rng.NormFloat64()
			}
			return s
		}},
		{"Inline", func(i int) float64 {
			var st Stream
			st.reset(1, uint64(i))
			s := 0.0
			for t := 0; t < w1T; t++ {
				s += normalStream(&st)
			}
			return s
		}},
	} {
		b.Run(g.name, func(b *testing.B) {
			workers := runtime.GOMAXPROCS(0)
			start, cpu0 := time.Now(), cpuSeconds()
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
							s += g.draw(i)
						}
						sums[w] = s
					}(w)
				}
				wg.Wait()
				total += w1N * w1T
			}
			el, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
			b.ReportMetric(total/el, "gaussians/s")
			b.ReportMetric(cpu/total*1e9, "cpu-ns/gaussian")
		})
	}
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
