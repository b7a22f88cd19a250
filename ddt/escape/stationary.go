package escape

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"gonum.org/v1/gonum/mat"
)

// SampleConfig describes runs that sample the quasi-stationary density inside a valley: each trajectory
// starts at Start, takes Burn steps, then Steps more steps and records θ after every Every-th of them.
// Trajectory i uses rand.New(NewStream(Seed, i)); results do not depend on Workers.
type SampleConfig struct {
	Landscape    landscape.Landscape
	Noise        noise.Model
	Eta          float64
	Start        []float64
	Burn, Steps  int
	Every        int // 0 means 1
	Trajectories int
	Seed         uint64
	Workers      int
	MaxNorm      float64
}

// Moments are the sample mean and covariance of θ, pooled over trajectories, with a standard error per
// covariance entry taken from the spread of the per-trajectory covariances (so it accounts for the
// autocorrelation within a trajectory; it needs at least two trajectories).
type Moments struct {
	Mean    []float64
	Cov     *mat.SymDense
	CovSE   *mat.SymDense
	Samples int // recorded points in all
}

// Stationary runs the sampling ensemble and returns the moments of θ.
func Stationary(ctx context.Context, cfg SampleConfig) (*Moments, error) {
	if err := validateDynamics(cfg.Landscape, cfg.Noise, cfg.Eta, cfg.Start, cfg.Trajectories); err != nil {
		return nil, err
	}
	if cfg.Trajectories < 2 {
		return nil, fmt.Errorf("%w: need at least two trajectories for standard errors (got %d)", ErrInvalid, cfg.Trajectories)
	}
	if cfg.Steps < 1 || cfg.Burn < 0 || cfg.Every < 0 {
		return nil, fmt.Errorf("%w: need Steps ≥ 1, Burn ≥ 0 and Every ≥ 0 (got %d, %d, %d)", ErrInvalid, cfg.Steps, cfg.Burn, cfg.Every)
	}
	every := max(cfg.Every, 1)
	if cfg.Steps/every < 2 {
		return nil, fmt.Errorf("%w: fewer than two recorded points per trajectory", ErrInvalid)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	maxNorm := cfg.MaxNorm
	if maxNorm == 0 {
		maxNorm = DefaultMaxNorm
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := cfg.Landscape.Dim()
	// Per trajectory: Σθ and Σθθᵀ (row-major), summed in trajectory order afterwards.
	sums := make([][]float64, cfg.Trajectories)
	counts := make([]int, cfg.Trajectories)
	var next atomic.Int64
	var stop atomic.Bool
	var mu sync.Mutex
	var firstErr error
	errTraj := math.MaxInt
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newStepper(cfg.Landscape, cfg.Noise, cfg.Eta)
			theta := make([]float64, n)
			max2 := maxNorm * maxNorm
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= cfg.Trajectories {
					return
				}
				rng := rand.New(NewStream(cfg.Seed, uint64(i)))
				copy(theta, cfg.Start)
				acc := make([]float64, n+n*n)
				cnt := 0
				for s := 1; s <= cfg.Burn+cfg.Steps; s++ {
					if nn := st.step(theta, rng); !(nn <= max2) {
						mu.Lock()
						if i < errTraj {
							firstErr, errTraj = &DivergenceError{Trajectory: i, Step: s, Norm: math.Sqrt(nn)}, i
						}
						mu.Unlock()
						stop.Store(true)
						return
					}
					if s%checkEvery == 0 && ctx.Err() != nil {
						stop.Store(true)
						return
					}
					if s <= cfg.Burn || (s-cfg.Burn)%every != 0 {
						continue
					}
					cnt++
					for a := 0; a < n; a++ {
						acc[a] += theta[a]
						for b := 0; b < n; b++ {
							acc[n+a*n+b] += theta[a] * theta[b]
						}
					}
				}
				sums[i], counts[i] = acc, cnt
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("escape: sampling cancelled: %w", err)
	}
	total := 0
	mean := make([]float64, n)
	for i, acc := range sums {
		total += counts[i]
		for a := 0; a < n; a++ {
			mean[a] += acc[a]
		}
	}
	for a := range mean {
		mean[a] /= float64(total)
	}
	// Per-trajectory covariance about the pooled mean; pooled covariance = their count-weighted mean.
	r := float64(cfg.Trajectories)
	cov := mat.NewSymDense(n, nil)
	sq := mat.NewSymDense(n, nil)
	for i, acc := range sums {
		c := float64(counts[i])
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				v := acc[n+a*n+b]/c - mean[a]*acc[b]/c - mean[b]*acc[a]/c + mean[a]*mean[b]
				cov.SetSym(a, b, cov.At(a, b)+v/r)
				sq.SetSym(a, b, sq.At(a, b)+v*v/r)
			}
		}
	}
	se := mat.NewSymDense(n, nil)
	for a := 0; a < n; a++ {
		for b := a; b < n; b++ {
			v := (sq.At(a, b) - cov.At(a, b)*cov.At(a, b)) * r / (r - 1)
			se.SetSym(a, b, math.Sqrt(math.Max(v, 0)/r))
		}
	}
	return &Moments{Mean: mean, Cov: cov, CovSE: se, Samples: total}, nil
}
