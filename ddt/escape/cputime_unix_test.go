//go:build unix

package escape

import "syscall"

// cpuSeconds returns the user + system CPU time of this process so far (getrusage), for the benchmarks'
// CPU-time metrics: on a shared machine CPU time per particle-step is disturbed far less than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
