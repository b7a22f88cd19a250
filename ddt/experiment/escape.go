package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/densitydiffusion/toolkit/ddt/nn"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// ErrInvalid is wrapped by every configuration error.
var ErrInvalid = errors.New("experiment: invalid configuration")

// ErrUnstable is wrapped by the refusal of a learning rate at or above the stability limit.
var ErrUnstable = errors.New("experiment: learning rate above the stability limit")

// Dynamics is the update rule of an escape run.
type Dynamics int

const (
	// SGD: θ ← θ − η·g_B(θ), true minibatch noise.
	SGD Dynamics = iota
	// WhiteNoise: θ ← θ − η∇L(θ) + sqrt(2ηD)·ε, ε ~ N(0, I), full-batch gradient.
	WhiteNoise
)

// String names the dynamics.
func (d Dynamics) String() string {
	if d == WhiteNoise {
		return "GD+white"
	}
	return "SGD"
}

// Minimum is the starting point of an escape experiment: a trained minimum θ* on its landscape, with the
// quantities every run needs computed once.
type Minimum struct {
	Landscape *nn.Landscape
	Theta     []float64 // θ*
	Loss      float64   // L(θ*)
	LambdaMax float64   // largest Hessian eigenvalue at θ* (k = 1)
}

// NewMinimum evaluates L(θ*) and λ_max(H(θ*)) (Lanczos) for the escape experiments.
func NewMinimum(ls *nn.Landscape, theta []float64) (*Minimum, error) {
	if ls == nil {
		return nil, fmt.Errorf("%w: nil landscape", ErrInvalid)
	}
	if len(theta) != ls.Dim() {
		return nil, fmt.Errorf("%w: θ* has %d parameters, landscape %d", ErrInvalid, len(theta), ls.Dim())
	}
	eig, err := ls.TopEigen(theta, 1, &nn.LanczosSettings{Tol: 1e-8})
	if err != nil {
		return nil, fmt.Errorf("experiment: λ_max at the minimum: %w", err)
	}
	return &Minimum{Landscape: ls, Theta: append([]float64(nil), theta...), Loss: ls.Loss(theta), LambdaMax: eig.Values[0]}, nil
}

// Config is one point of an escape sweep.
type Config struct {
	Dynamics Dynamics
	// K is the sharpness factor: runs happen on L_k(φ) = L(√k·φ) from φ* = θ*/√k (every Hessian × k, loss values
	// unchanged; nn.Scaled). They are simulated in θ = √k·φ coordinates, where SGD with step η on L_k is SGD with
	// step k·η on L and white noise D becomes k·D: identical iterates, cheaper. Default 1.
	K float64
	// Batch is B for SGD.
	Batch    int
	Sampling nn.Sampling
	// Eta is the learning rate η.
	Eta float64
	// D is the white-noise diffusion coefficient (WhiteNoise only); see MatchedD.
	D float64
	// Delta: a run has escaped when the full-batch training loss first exceeds L(θ*) + Delta.
	Delta float64
	// Steps is the budget per run (iterations); runs still inside are right-censored.
	Steps int
	// CheckEvery: the full-batch loss is evaluated every CheckEvery steps (and at the last step), so an escape
	// time is known to within CheckEvery steps and is recorded as the step of the first check above the
	// threshold. The bias is one-sided: an excursion above L(θ*) + δ that starts and ends between two checks is
	// missed, so a coarser cadence gives fewer escapes and later escape steps (never more or earlier;
	// TestCheckEveryBiasIsOneSided), and the loss relaxes back along the top direction in about
	// 1/(k·η·λ_max) steps. Default (0): DefaultCheckEvery(K·Eta·λ_max), that is
	// min(10, ceil(0.1/(k·η·λ_max))), a tenth of the fastest relaxation time and never more than 10.
	CheckEvery int
	// Runs is the number of independent runs; run i draws from rand.New(rand.NewPCG(Seed, i)) only.
	Runs int
	Seed uint64
	// AllowUnstable permits k·η·λ_max(θ*) ≥ 2 (refused by default: the minimum is then linearly unstable and
	// "escape" is a numerical blow-up, not a diffusion over a barrier).
	AllowUnstable bool
	// Workers is the number of goroutines (default GOMAXPROCS); results do not depend on it.
	Workers int
}

// DefaultCheckEvery is the check cadence used when Config.CheckEvery is 0, for stiffness s = k·η·λ_max(θ*):
// min(10, ceil(0.1/s)), at least 1. After an excursion the loss relaxes back along the sharpest direction in
// about 1/s steps, so checking ten times per relaxation time misses few excursions above δ; 10 is kept as the
// cap so that flat minima do not pay for a full-batch loss only every few hundred steps with a coarse
// escape-time resolution. A non-positive or non-finite s gives 10.
func DefaultCheckEvery(s float64) int {
	if !(s > 0) || math.IsInf(s, 0) {
		return 10
	}
	c := math.Ceil(0.1 / s)
	if c >= 10 {
		return 10
	}
	return max(int(c), 1)
}

func (c *Config) defaults(min *Minimum) {
	if c.K == 0 {
		c.K = 1
	}
	if c.CheckEvery == 0 {
		s := math.NaN()
		if min != nil {
			s = c.K * c.Eta * min.LambdaMax
		}
		c.CheckEvery = DefaultCheckEvery(s)
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
}

func finitePos(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

func (c *Config) validate(min *Minimum) error {
	switch {
	case !finitePos(c.K):
		return fmt.Errorf("%w: sharpness factor K = %v, need a finite K > 0", ErrInvalid, c.K)
	case !finitePos(c.Eta):
		return fmt.Errorf("%w: learning rate η = %v, need a finite η > 0", ErrInvalid, c.Eta)
	case !finitePos(c.Delta):
		return fmt.Errorf("%w: loss threshold δ = %v, need a finite δ > 0", ErrInvalid, c.Delta)
	case c.Steps < 1:
		return fmt.Errorf("%w: step budget %d < 1", ErrInvalid, c.Steps)
	case c.Runs < 1:
		return fmt.Errorf("%w: %d runs < 1", ErrInvalid, c.Runs)
	case c.CheckEvery < 1:
		return fmt.Errorf("%w: CheckEvery = %d < 1", ErrInvalid, c.CheckEvery)
	case c.Dynamics != SGD && c.Dynamics != WhiteNoise:
		return fmt.Errorf("%w: unknown dynamics %d", ErrInvalid, int(c.Dynamics))
	}
	m := min.Landscape.Samples()
	if c.Dynamics == SGD {
		if c.Batch < 1 || (c.Sampling == nn.WithoutReplacement && c.Batch > m) {
			return fmt.Errorf("%w: batch size %d for %d samples (%v)", ErrInvalid, c.Batch, m, c.Sampling)
		}
	} else if !finitePos(c.D) {
		return fmt.Errorf("%w: white-noise D = %v, need a finite D > 0", ErrInvalid, c.D)
	}
	if s := c.K * c.Eta * min.LambdaMax; s >= 2 && !c.AllowUnstable {
		return fmt.Errorf("%w: k·η·λ_max = %g·%g·%.4g = %.3g ≥ 2, so gradient descent is linearly unstable at the "+
			"minimum (THEORY.md §6: the diffusion picture needs η·λ_max(H) < 2); lower η or k, or set AllowUnstable",
			ErrUnstable, c.K, c.Eta, min.LambdaMax, s)
	}
	return nil
}

// DivergenceError reports a run whose loss or parameters stopped being finite.
type DivergenceError struct {
	Run, Step int
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("experiment: run %d diverged at step %d (non-finite loss or parameters); lower the learning rate", e.Run, e.Step)
}

// Result is an escape ensemble at one Config.
type Result struct {
	Config Config
	// EscapeStep[i] is the step at which run i was first seen above the threshold, or −1 (censored at Steps).
	EscapeStep []int
	Escaped    int
	// Rate is the censored-exponential MLE of the escape rate per unit continuous time (one step = η of time,
	// as in THEORY.md §2: the k-scaled problem keeps that clock), with its exact (Garwood) 95% interval, from
	// stats.EstimateRateCensored (escape times EscapeStep·η, censored at Steps·η).
	Rate stats.RateEstimate
	// RatePerStep is the same per iteration.
	RatePerStep stats.RateEstimate
	// Fraction is Escaped/Runs.
	Fraction float64
	Elapsed  time.Duration
}

// MatchedD returns the white-noise strength matched to SGD's noise at k = 1: D = (η/2)·tr C_B(θ*)/n, the
// isotropic D whose trace equals that of SGD's diffusion matrix (η/2)·C_B (THEORY.md §2), with C_B the
// gradient-noise covariance for batch size b.
func MatchedD(min *Minimum, eta float64, b int, s nn.Sampling) (float64, error) {
	f, err := nn.NoiseFactor(min.Landscape.Samples(), b, s)
	if err != nil {
		return 0, err
	}
	ls := min.Landscape
	g := make([]float64, ls.Dim())
	mean := make([]float64, ls.Dim())
	ls.Grad(mean, min.Theta)
	var tr float64
	for j := 0; j < ls.Samples(); j++ {
		ls.SampleGrad(g, min.Theta, j)
		for i := range g {
			d := g[i] - mean[i]
			tr += d * d
		}
	}
	tr *= f / float64(ls.Samples())
	return eta / 2 * tr / float64(ls.Dim()), nil
}

// Escape runs the ensemble of cfg from the minimum. It fails before any work on invalid settings or an
// unstable learning rate, and stops with a *DivergenceError (the lowest-indexed diverging run seen) or when
// ctx is cancelled.
func Escape(ctx context.Context, mn *Minimum, cfg Config) (*Result, error) {
	if mn == nil {
		return nil, fmt.Errorf("%w: nil minimum", ErrInvalid)
	}
	cfg.defaults(mn)
	if err := cfg.validate(mn); err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res := &Result{Config: cfg, EscapeStep: make([]int, cfg.Runs)}
	var (
		mu     sync.Mutex
		first  *DivergenceError
		next   = make(chan int)
		wg     sync.WaitGroup
		cancel = make(chan struct{})
		once   sync.Once
	)
	workers := min(cfg.Workers, cfg.Runs)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRunner(mn, &cfg)
			for i := range next {
				step, err := r.run(i)
				if err != nil {
					mu.Lock()
					if first == nil || i < first.Run {
						first = err
					}
					mu.Unlock()
					once.Do(func() { close(cancel) })
					continue
				}
				res.EscapeStep[i] = step
			}
		}()
	}
feed:
	for i := 0; i < cfg.Runs; i++ {
		select {
		case next <- i:
		case <-cancel:
			break feed
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("experiment: escape ensemble cancelled: %w", err)
	}
	var steps, times []float64
	for _, s := range res.EscapeStep {
		if s >= 0 {
			steps = append(steps, float64(s))
			times = append(times, float64(s)*cfg.Eta)
		}
	}
	res.Escaped = len(steps)
	res.Fraction = float64(res.Escaped) / float64(cfg.Runs)
	censored := cfg.Runs - res.Escaped
	var err error
	if res.RatePerStep, err = stats.EstimateRateCensored(steps, censored, float64(cfg.Steps), 0.95); err != nil {
		return nil, fmt.Errorf("experiment: escape rate: %w", err)
	}
	if res.Rate, err = stats.EstimateRateCensored(times, censored, float64(cfg.Steps)*cfg.Eta, 0.95); err != nil {
		return nil, fmt.Errorf("experiment: escape rate: %w", err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// NegLogRate returns −log γ̂ (γ per unit continuous time), the quantity the sweeps fit, and its 95% interval
// (−log RateUpper, −log RateLower); with no escape the value and the upper end are +Inf.
func (r *Result) NegLogRate() (v, lo, hi float64) {
	return -math.Log(r.Rate.Rate), -math.Log(r.Rate.RateUpper), -math.Log(r.Rate.RateLower)
}

type runner struct {
	min       *Minimum
	cfg       *Config
	theta, g  []float64
	idx, perm []int
	thresh    float64
	stepEta   float64 // k·η
	kickSD    float64 // √k·sqrt(2ηD)
	maxExc    float64 // largest L(θ_t) − L(θ*) seen at the checks of the last run
}

func newRunner(min *Minimum, cfg *Config) *runner {
	n := min.Landscape.Dim()
	r := &runner{min: min, cfg: cfg, theta: make([]float64, n), g: make([]float64, n),
		thresh: min.Loss + cfg.Delta, stepEta: cfg.K * cfg.Eta}
	if cfg.Dynamics == SGD {
		r.idx = make([]int, cfg.Batch)
		if cfg.Sampling == nn.WithoutReplacement {
			r.perm = make([]int, min.Landscape.Samples())
		}
	} else {
		r.kickSD = math.Sqrt(cfg.K) * math.Sqrt(2*cfg.Eta*cfg.D)
	}
	return r
}

// run simulates run i and returns its escape step or −1.
func (r *runner) run(i int) (int, *DivergenceError) {
	cfg := r.cfg
	ls := r.min.Landscape
	m := ls.Samples()
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
	copy(r.theta, r.min.Theta)
	r.maxExc = math.Inf(-1)
	if r.perm != nil {
		for j := range r.perm {
			r.perm[j] = j
		}
	}
	for t := 1; t <= cfg.Steps; t++ {
		var l float64
		if cfg.Dynamics == SGD {
			drawBatch(r.idx, r.perm, m, rng)
			l = ls.BatchGrad(r.g, r.theta, r.idx)
			for p, gp := range r.g {
				r.theta[p] -= r.stepEta * gp
			}
		} else {
			ls.Grad(r.g, r.theta)
			for p, gp := range r.g {
				r.theta[p] += -r.stepEta*gp + r.kickSD*rng.NormFloat64()
			}
		}
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, &DivergenceError{Run: i, Step: t}
		}
		if t%cfg.CheckEvery == 0 || t == cfg.Steps {
			full := ls.Loss(r.theta)
			if math.IsNaN(full) || math.IsInf(full, 0) {
				return 0, &DivergenceError{Run: i, Step: t}
			}
			r.maxExc = max(r.maxExc, full-r.min.Loss)
			if full > r.thresh {
				return t, nil
			}
		}
	}
	return -1, nil
}
