package nn

import (
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkW2MLPStep is workload W2 of ../shared/peers/README.md (peer: mlp_torch.py): minibatch SGD on a
// float64 network 10 → 32 → 32 → 12, tanh, softmax cross-entropy, B = 32 rows drawn from m = 10000 Gaussian
// rows with random labels; one step = forward + backward + update. Reports steps/s (one goroutine: the peer
// uses 2 threads, but a step this small does not split usefully; independent runs use the cores instead).
func BenchmarkW2MLPStep(b *testing.B) {
	ls, theta := toyLandscape(b, Arch{Inputs: 10, Hidden: []int{32, 32}, Classes: 12, Activation: Tanh}, 10000, 0, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	const B, eta = 32, 0.05
	g := make([]float64, ls.Dim())
	idx := make([]int, B)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for r := range idx {
			idx[r] = rng.IntN(10000)
		}
		ls.BatchGrad(g, theta, idx)
		axpy(-eta, g, theta)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "steps/s")
}

// BenchmarkW3Hessian is workload W3 (peer: hessian_torch.py): the exact P×P Hessian of the mean loss of
// 10 → 16 → 16 → 12 (tanh, P = 652) over m = 2000 rows, and the P×P per-sample gradient covariance.
// Reports hessian_s and covariance_s per evaluation.
func BenchmarkW3Hessian(b *testing.B) {
	ls, theta := toyLandscape(b, Arch{Inputs: 10, Hidden: []int{16, 16}, Classes: 12, Activation: Tanh}, 2000, 0, 1)
	P := ls.Dim()
	h := mat.NewSymDense(P, nil)
	c := mat.NewSymDense(P, nil)
	var th, tc time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		ls.Hessian(h, theta)
		t1 := time.Now()
		ls.GradCovariance(c, theta)
		th += t1.Sub(t0)
		tc += time.Since(t1)
	}
	b.ReportMetric(th.Seconds()/float64(b.N), "hessian_s")
	b.ReportMetric(tc.Seconds()/float64(b.N), "covariance_s")
}
