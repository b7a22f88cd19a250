//go:build !unix

package escape

// cpuSeconds is unavailable here; the CPU-time metrics then read 0.
func cpuSeconds() float64 { return 0 }
