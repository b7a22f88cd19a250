package experiment

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
)

// parallelChunks splits [0, n) into `workers` contiguous chunks, one goroutine each.
func parallelChunks(n, workers int, f func(lo, hi int)) {
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		lo, hi := k*n/workers, (k+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

func workers() int { return runtime.GOMAXPROCS(0) }

// drawBatch fills idx with a minibatch of row indices out of m: independent uniform draws when perm is nil
// (with replacement), otherwise distinct rows by a partial Fisher–Yates shuffle of perm (len m, a permutation
// of 0…m−1 that the caller resets to the identity where it wants a reproducible stream to start).
func drawBatch(idx, perm []int, m int, rng *rand.Rand) {
	if perm == nil {
		for i := range idx {
			idx[i] = rng.IntN(m)
		}
		return
	}
	for i := range idx {
		q := i + rng.IntN(m-i)
		perm[i], perm[q] = perm[q], perm[i]
		idx[i] = perm[i]
	}
}

// checkLevel accepts a confidence level in (0, 1), or 0 for the default 0.95 of every sweep here.
func checkLevel(level float64) error {
	if level != 0 && !(level > 0 && level < 1) {
		return fmt.Errorf("%w: confidence level must be in (0, 1) (got %g)", ErrInvalid, level)
	}
	return nil
}
