package datasets

import (
	"fmt"
	"math/rand/v2"
)

// Sampling selects how a Sampler draws minibatches.
type Sampling int

const (
	// WithReplacement draws each index of each batch independently and
	// uniformly from [0, n): a batch may repeat an index.
	WithReplacement Sampling = iota
	// WithoutReplacement draws each batch as batch distinct indices chosen
	// uniformly, independently of earlier batches (the minibatch model of
	// SGD-noise analyses: Cov = (n−B)/(B(n−1)) · per-sample covariance).
	WithoutReplacement
	// Epochs walks through a fresh random permutation of [0, n) each epoch,
	// in consecutive batches (random reshuffling). A remainder smaller than
	// batch is dropped, so every batch has exactly batch indices.
	Epochs
)

func (s Sampling) String() string {
	switch s {
	case WithReplacement:
		return "with replacement"
	case WithoutReplacement:
		return "without replacement"
	case Epochs:
		return "epochs (random reshuffling)"
	}
	return fmt.Sprintf("Sampling(%d)", int(s))
}

// Sampler draws minibatches of row indices from a seeded PCG stream: the
// same seed gives the same sequence of batches.
type Sampler struct {
	n, batch int
	mode     Sampling
	rng      *rand.Rand
	perm     []int
	pos      int
	out      []int
	epoch    int
}

// NewSampler returns a Sampler of batches of size batch from [0, n). stream
// separates independent samplers with the same seed (for example one per
// trajectory).
func NewSampler(n, batch int, mode Sampling, seed, stream uint64) (*Sampler, error) {
	if n <= 0 || batch <= 0 {
		return nil, fmt.Errorf("%w: sampler with n=%d, batch=%d", ErrInvalid, n, batch)
	}
	if mode != WithReplacement && batch > n {
		return nil, fmt.Errorf("%w: batch %d larger than n=%d %s", ErrInvalid, batch, n, mode)
	}
	if mode < WithReplacement || mode > Epochs {
		return nil, fmt.Errorf("%w: unknown sampling mode %d", ErrInvalid, int(mode))
	}
	s := &Sampler{n: n, batch: batch, mode: mode, rng: rand.New(rand.NewPCG(seed, streamSampler^(stream*0x9E3779B97F4A7C15))), out: make([]int, batch)}
	if mode != WithReplacement {
		s.perm = span(0, n)
		s.pos = n // forces a shuffle at the first Epochs batch
	}
	return s, nil
}

// Next returns the next batch of indices. The slice is reused by the next
// call; copy it to keep it.
func (s *Sampler) Next() []int {
	switch s.mode {
	case WithReplacement:
		for i := range s.out {
			s.out[i] = s.rng.IntN(s.n)
		}
	case WithoutReplacement:
		// Partial Fisher–Yates; perm stays a permutation, so later batches
		// are again uniform.
		for i := 0; i < s.batch; i++ {
			j := i + s.rng.IntN(s.n-i)
			s.perm[i], s.perm[j] = s.perm[j], s.perm[i]
		}
		copy(s.out, s.perm[:s.batch])
	case Epochs:
		if s.pos+s.batch > s.n {
			s.rng.Shuffle(s.n, func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
			s.pos = 0
			s.epoch++
		}
		copy(s.out, s.perm[s.pos:s.pos+s.batch])
		s.pos += s.batch
	}
	return s.out
}

// Epoch is the number of epochs started so far (Epochs mode; 0 otherwise).
func (s *Sampler) Epoch() int { return s.epoch }
