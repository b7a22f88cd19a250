package escape

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// Errors; test with errors.Is. A divergence is reported as a *DivergenceError.
var (
	ErrInvalid   = errors.New("escape: invalid configuration")
	ErrDimension = errors.New("escape: dimension mismatch")
)

// Censored marks a trajectory that had not escaped when its step budget ran out.
const Censored = -1

// DefaultMaxNorm is the runaway threshold on ‖θ‖ used when Config.MaxNorm is zero.
const DefaultMaxNorm = 1e8

// DivergenceError reports a trajectory whose θ became NaN or infinite or left the ball ‖θ‖ ≤ MaxNorm: usually a
// learning rate above the stability limit η·λ_max(H) < 2.
type DivergenceError struct {
	Trajectory int
	Step       int
	Norm       float64 // ‖θ‖ at that step (NaN or +Inf possible)
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("escape: trajectory %d diverged at step %d (‖θ‖ = %g); reduce the learning rate η or the noise", e.Trajectory, e.Step, e.Norm)
}

// Config describes an ensemble of escape runs. Each trajectory starts at Start and takes up to Steps steps
//
//	θ ← θ − η∇L(θ) + kick,   kick from Noise (Cov = 2η·D(θ)),
//
// stopping at the first step after which Escape is met. Trajectory i draws its randomness from
// rand.New(NewStream(Seed, i)) only (xoshiro256**, see Stream), so results do not depend on Workers or
// GOMAXPROCS.
type Config struct {
	Landscape landscape.Landscape
	Noise     noise.Model
	Escape    Criterion
	// Eta is the learning rate (one step is continuous time η).
	Eta   float64
	Start []float64
	// Steps is the step budget per trajectory; trajectories still inside are right-censored.
	Steps        int
	Trajectories int
	Seed         uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// MaxNorm is the runaway threshold on ‖θ‖; 0 means DefaultMaxNorm.
	MaxNorm float64
	// Progress, if set, is called (serially) with the number of finished trajectories, at most about 100
	// times plus once at the end.
	Progress func(done, total int)
	// KeepFinal keeps each trajectory's last θ in Result.Final (for example to see which valley it reached).
	KeepFinal bool
	// DisableFastPath forces the general n-D code path (the results are identical; it exists to test that).
	DisableFastPath bool
}

// Result holds one escape step (or Censored) per trajectory.
type Result struct {
	// EscapeStep[i] is the step after which trajectory i first met the criterion (1-based), or Censored.
	EscapeStep []int
	// Steps is the budget and Eta the learning rate of the run.
	Steps int
	Eta   float64
	// Final[i] is trajectory i's last θ when Config.KeepFinal was set.
	Final [][]float64
}

// Trajectories returns the ensemble size.
func (r *Result) Trajectories() int { return len(r.EscapeStep) }

// Escaped returns the number of trajectories that escaped within the budget.
func (r *Result) Escaped() int {
	n := 0
	for _, s := range r.EscapeStep {
		if s != Censored {
			n++
		}
	}
	return n
}

// AtRiskSteps returns the total number of steps spent inside the valley: Σᵢ min(Tᵢ, budget).
func (r *Result) AtRiskSteps() float64 {
	var s int64
	for _, t := range r.EscapeStep {
		if t == Censored {
			s += int64(r.Steps)
		} else {
			s += int64(t)
		}
	}
	return float64(s)
}

// AtRiskTime returns AtRiskSteps·η, the total continuous time at risk.
func (r *Result) AtRiskTime() float64 { return r.AtRiskSteps() * r.Eta }

// Durations returns, per trajectory, the continuous time t = steps·η at escape or at censoring and whether it
// escaped: the input of a censored-exponential likelihood.
func (r *Result) Durations() (t []float64, escaped []bool) {
	t = make([]float64, len(r.EscapeStep))
	escaped = make([]bool, len(r.EscapeStep))
	for i, s := range r.EscapeStep {
		if s == Censored {
			t[i] = float64(r.Steps) * r.Eta
		} else {
			t[i] = float64(s) * r.Eta
			escaped[i] = true
		}
	}
	return t, escaped
}

// EstimateRate is the censored-exponential maximum-likelihood escape rate per unit time, with its interval at
// confidence level (stats.EstimateRate of Durations: Garwood's exact interval, censored runs counted as time at
// risk).
func (r *Result) EstimateRate(level float64) (stats.RateEstimate, error) {
	t, escaped := r.Durations()
	return stats.EstimateRate(t, escaped, level)
}

// EscapeTimes returns the continuous escape times of the trajectories that escaped.
func (r *Result) EscapeTimes() []float64 {
	var out []float64
	for _, s := range r.EscapeStep {
		if s != Censored {
			out = append(out, float64(s)*r.Eta)
		}
	}
	return out
}

// Rate returns the censored-exponential maximum-likelihood escape rate per unit continuous time,
// γ̂ = escaped / time at risk (0 if nothing escaped). Use ddt/stats for its confidence interval.
func (r *Result) Rate() float64 {
	if r.AtRiskTime() == 0 {
		return 0
	}
	return float64(r.Escaped()) / r.AtRiskTime()
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// validateDynamics checks what Run and Stationary share.
func validateDynamics(l landscape.Landscape, m noise.Model, eta float64, start []float64, trajectories int) error {
	if l == nil {
		return fmt.Errorf("%w: no landscape", ErrInvalid)
	}
	if m == nil {
		return fmt.Errorf("%w: no noise model", ErrInvalid)
	}
	if !(eta > 0) || math.IsInf(eta, 0) {
		return fmt.Errorf("%w: learning rate η must be positive and finite (got %g)", ErrInvalid, eta)
	}
	n := l.Dim()
	if m.Dim() != n {
		return fmt.Errorf("%w: noise model has dimension %d, landscape %d", ErrDimension, m.Dim(), n)
	}
	if len(start) != n {
		return fmt.Errorf("%w: start point has length %d, landscape has dimension %d", ErrDimension, len(start), n)
	}
	if !finite(start) {
		return fmt.Errorf("%w: start point %v is not finite", ErrInvalid, start)
	}
	if trajectories < 1 {
		return fmt.Errorf("%w: need at least one trajectory (got %d)", ErrInvalid, trajectories)
	}
	return nil
}

func (c *Config) validate() error {
	if err := validateDynamics(c.Landscape, c.Noise, c.Eta, c.Start, c.Trajectories); err != nil {
		return err
	}
	if c.Steps < 1 {
		return fmt.Errorf("%w: step budget must be at least 1 (got %d)", ErrInvalid, c.Steps)
	}
	if c.Escape == nil {
		return fmt.Errorf("%w: no escape criterion", ErrInvalid)
	}
	if v, ok := c.Escape.(validator); ok {
		if err := v.validate(c.Landscape.Dim()); err != nil {
			return err
		}
	}
	if c.MaxNorm < 0 || math.IsNaN(c.MaxNorm) {
		return fmt.Errorf("%w: MaxNorm must be ≥ 0 (got %g)", ErrInvalid, c.MaxNorm)
	}
	if c.Workers < 0 {
		return fmt.Errorf("%w: Workers must be ≥ 0 (got %d)", ErrInvalid, c.Workers)
	}
	if c.Escape.Escaped(c.Start) {
		return fmt.Errorf("%w: the start point %v already meets the escape criterion: it is outside the valley", ErrInvalid, c.Start)
	}
	return nil
}

// stepper holds one worker's buffers for the general n-D step.
type stepper struct {
	l       landscape.Landscape
	m       noise.Model
	eta     float64
	g, kick []float64
}

func newStepper(l landscape.Landscape, m noise.Model, eta float64) *stepper {
	n := l.Dim()
	return &stepper{l: l, m: m, eta: eta, g: make([]float64, n), kick: make([]float64, n)}
}

// step advances theta by one update and returns ‖θ‖² afterwards.
func (s *stepper) step(theta []float64, rng *rand.Rand) float64 {
	s.l.Grad(s.g, theta)
	s.m.Kick(s.kick, theta, s.eta, rng)
	nn := 0.0
	for i, x := range theta {
		// The explicit conversions forbid fused multiply-adds, so this matches the scalar fast path bit for bit.
		x = float64(x-float64(s.eta*s.g[i])) + s.kick[i]
		theta[i] = x
		nn += x * x
	}
	return nn
}

// Run simulates the ensemble. It returns an error for invalid input (before any work), for a divergence (the
// first diverging trajectory by index among those seen) and when ctx is cancelled (wrapping ctx.Err()).
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	maxNorm := cfg.MaxNorm
	if maxNorm == 0 {
		maxNorm = DefaultMaxNorm
	}
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > cfg.Trajectories {
		workers = cfg.Trajectories
	}
	res := &Result{EscapeStep: make([]int, cfg.Trajectories), Steps: cfg.Steps, Eta: cfg.Eta}
	if cfg.KeepFinal {
		res.Final = make([][]float64, cfg.Trajectories)
	}
	r := &runner{cfg: &cfg, res: res, maxNorm: maxNorm, ctx: ctx}
	r.every = max(1, cfg.Trajectories/100)
	fast := !cfg.DisableFastPath && r.setupFast()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if fast {
				r.workFast()
			} else {
				r.work()
			}
		}()
	}
	wg.Wait()
	if r.err != nil {
		return nil, r.err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("escape: run cancelled after %d of %d trajectories: %w", r.done, cfg.Trajectories, err)
	}
	if cfg.Progress != nil && r.done != r.lastReported {
		cfg.Progress(r.done, cfg.Trajectories)
	}
	return res, nil
}

type runner struct {
	cfg     *Config
	res     *Result
	maxNorm float64
	ctx     context.Context
	next    atomic.Int64
	stop    atomic.Bool

	mu           sync.Mutex
	done         int
	lastReported int
	every        int
	err          error
	errTraj      int

	// fast path
	scalarL  landscape.Scalar
	scalarN  noise.Scalar
	quartic  bool
	white    bool
	constAmp bool
	amp      float64
	p, nrm   float64
	margin   float64
}

// claim returns the next trajectory index, or −1 when all are taken or the run is stopping.
func (r *runner) claim() int {
	if r.stop.Load() {
		return -1
	}
	i := int(r.next.Add(1) - 1)
	if i >= r.cfg.Trajectories {
		return -1
	}
	return i
}

func (r *runner) finish(i, step int, final []float64) {
	r.res.EscapeStep[i] = step
	if r.res.Final != nil {
		r.res.Final[i] = final
	}
	r.mu.Lock()
	r.done++
	if r.cfg.Progress != nil && (r.done%r.every == 0) {
		r.lastReported = r.done
		r.cfg.Progress(r.done, r.cfg.Trajectories)
	}
	r.mu.Unlock()
}

func (r *runner) fail(err error, traj int) {
	r.mu.Lock()
	if r.err == nil || traj < r.errTraj {
		r.err, r.errTraj = err, traj
	}
	r.mu.Unlock()
	r.stop.Store(true)
}

const checkEvery = 4096

func (r *runner) work() {
	cfg := r.cfg
	st := newStepper(cfg.Landscape, cfg.Noise, cfg.Eta)
	theta := make([]float64, len(cfg.Start))
	max2 := r.maxNorm * r.maxNorm
	var src Stream
	rng := rand.New(&src)
	for {
		i := r.claim()
		if i < 0 {
			return
		}
		src.reset(cfg.Seed, uint64(i))
		copy(theta, cfg.Start)
		out := Censored
		for s := 1; s <= cfg.Steps; s++ {
			nn := st.step(theta, rng)
			if !(nn <= max2) {
				r.fail(&DivergenceError{Trajectory: i, Step: s, Norm: math.Sqrt(nn)}, i)
				return
			}
			if cfg.Escape.Escaped(theta) {
				out = s
				break
			}
			if s%checkEvery == 0 && (r.stop.Load() || r.ctx.Err() != nil) {
				r.stop.Store(true)
				return
			}
		}
		var final []float64
		if r.res.Final != nil {
			final = append([]float64(nil), theta...)
		}
		r.finish(i, out, final)
	}
}
