package experiment

import (
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
