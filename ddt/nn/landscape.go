package nn

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
)

// Landscape is a network on a labelled data set: the finite-sum loss
//
//	L(θ) = (1/m) Σ_j ℓ_j(θ),   ℓ_j(θ) = CE(f_θ(x_j), y_j) + (λ/2)‖θ‖²,
//
// with cross-entropy CE and an optional weight decay λ ≥ 0 (the same for every sample, so it moves the
// minimum but adds nothing to the gradient noise). A weight decay λ > 0 gives separable data a true minimum;
// without it the loss of a separable data set has none (the weights grow for ever).
//
// Landscape implements landscape.FiniteSum. It is safe for concurrent use: per-goroutine scratch space comes
// from a sync.Pool and no method mutates shared state. Methods taking dst panic, as gonum's mat does, when a
// length does not match Dim (a programming error); everything reachable from data or settings returns errors.
type Landscape struct {
	net  *MLP
	x    []float64 // m × d, row-major
	y    []int
	m, d int
	l2   float64
	pool sync.Pool
}

var _ landscape.FiniteSum = (*Landscape)(nil)

// NewLandscape puts net on the data set x (m rows of net.Arch().Inputs features) with integer labels y in
// [0, Classes) and weight decay l2 ≥ 0. The data are copied.
func NewLandscape(net *MLP, x mat.Matrix, y []int, l2 float64) (*Landscape, error) {
	if net == nil || x == nil {
		return nil, fmt.Errorf("nn: NewLandscape: nil network or data")
	}
	m, d := x.Dims()
	if m == 0 {
		return nil, fmt.Errorf("nn: NewLandscape: empty data set")
	}
	if m != len(y) {
		return nil, fmt.Errorf("nn: NewLandscape: %d rows but %d labels", m, len(y))
	}
	if d != net.arch.Inputs {
		return nil, fmt.Errorf("nn: NewLandscape: %d features but the network takes %d inputs", d, net.arch.Inputs)
	}
	if !(l2 >= 0) || math.IsInf(l2, 0) {
		return nil, fmt.Errorf("nn: NewLandscape: weight decay %v, need a finite value ≥ 0", l2)
	}
	ls := &Landscape{net: net, x: make([]float64, m*d), y: append([]int(nil), y...), m: m, d: d, l2: l2}
	for j := 0; j < m; j++ {
		for i := 0; i < d; i++ {
			v := x.At(j, i)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("nn: NewLandscape: x[%d][%d] = %v is not finite", j, i, v)
			}
			ls.x[j*d+i] = v
		}
		if y[j] < 0 || y[j] >= net.arch.Classes {
			return nil, fmt.Errorf("nn: NewLandscape: label y[%d] = %d outside [0, %d)", j, y[j], net.arch.Classes)
		}
	}
	ls.pool.New = func() any { return net.newWork() }
	return ls, nil
}

// Net returns the network.
func (ls *Landscape) Net() *MLP { return ls.net }

// WeightDecay returns λ.
func (ls *Landscape) WeightDecay() float64 { return ls.l2 }

// Dim is the number of parameters.
func (ls *Landscape) Dim() int { return ls.net.NumParams() }

// Samples is the number of rows m.
func (ls *Landscape) Samples() int { return ls.m }

// Row returns sample j's features (a view; do not modify) and label.
func (ls *Landscape) Row(j int) ([]float64, int) { return ls.x[j*ls.d : (j+1)*ls.d], ls.y[j] }

func (ls *Landscape) check(name string, v []float64) {
	if len(v) != ls.Dim() {
		panic(fmt.Sprintf("nn: %s has length %d, want %d", name, len(v), ls.Dim()))
	}
}

func (ls *Landscape) get() *work  { return ls.pool.Get().(*work) }
func (ls *Landscape) put(w *work) { ls.pool.Put(w) }
func (ls *Landscape) reg(t []float64) float64 {
	if ls.l2 == 0 {
		return 0
	}
	return 0.5 * ls.l2 * dot(t, t)
}

// Loss returns L(θ).
func (ls *Landscape) Loss(theta []float64) float64 {
	ls.check("theta", theta)
	w := ls.get()
	defer ls.put(w)
	var s float64
	for j := 0; j < ls.m; j++ {
		x, y := ls.Row(j)
		s += ls.net.forward(w, theta, x, y)
	}
	return s/float64(ls.m) + ls.reg(theta)
}

// SampleLoss returns ℓ_j(θ).
func (ls *Landscape) SampleLoss(theta []float64, j int) float64 {
	ls.check("theta", theta)
	w := ls.get()
	defer ls.put(w)
	x, y := ls.Row(j)
	return ls.net.forward(w, theta, x, y) + ls.reg(theta)
}

// Accuracy returns the fraction of rows whose largest logit is the label.
func (ls *Landscape) Accuracy(theta []float64) float64 {
	ls.check("theta", theta)
	w := ls.get()
	defer ls.put(w)
	L := ls.net.Layers()
	hit := 0
	for j := 0; j < ls.m; j++ {
		x, y := ls.Row(j)
		ls.net.forward(w, theta, x, y)
		p := w.d[L-1]
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		if best == y {
			hit++
		}
	}
	return float64(hit) / float64(ls.m)
}

// Grad writes ∇L(θ) into dst.
func (ls *Landscape) Grad(dst, theta []float64) {
	ls.check("dst", dst)
	ls.check("theta", theta)
	w := ls.get()
	defer ls.put(w)
	clear(dst)
	s := 1 / float64(ls.m)
	for j := 0; j < ls.m; j++ {
		x, y := ls.Row(j)
		ls.net.forward(w, theta, x, y)
		ls.net.backward(w, theta, y, s, dst)
	}
	if ls.l2 != 0 {
		axpy(ls.l2, theta, dst)
	}
}

// SampleGrad writes ∇ℓ_j(θ) into dst.
func (ls *Landscape) SampleGrad(dst, theta []float64, j int) {
	ls.check("dst", dst)
	ls.check("theta", theta)
	w := ls.get()
	defer ls.put(w)
	ls.sampleGrad(w, dst, theta, j)
}

// sampleGrad overwrites dst with ∇ℓ_j(θ) (data term and weight decay), using the workspace w.
func (ls *Landscape) sampleGrad(w *work, dst, theta []float64, j int) {
	clear(dst)
	x, y := ls.Row(j)
	ls.net.forward(w, theta, x, y)
	ls.net.backward(w, theta, y, 1, dst)
	if ls.l2 != 0 {
		axpy(ls.l2, theta, dst)
	}
}

// BatchGrad writes the minibatch gradient g_B(θ) = (1/|idx|) Σ_{j∈idx} ∇ℓ_j(θ) into dst and returns the
// minibatch loss. Rows may repeat (sampling with replacement). It does not allocate.
func (ls *Landscape) BatchGrad(dst, theta []float64, idx []int) float64 {
	ls.check("dst", dst)
	ls.check("theta", theta)
	w := ls.get()
	defer ls.put(w)
	clear(dst)
	s := 1 / float64(len(idx))
	var loss float64
	for _, j := range idx {
		x, y := ls.Row(j)
		loss += ls.net.forward(w, theta, x, y)
		ls.net.backward(w, theta, y, s, dst)
	}
	if ls.l2 != 0 {
		axpy(ls.l2, theta, dst)
	}
	return loss*s + ls.reg(theta)
}

// PerSampleGrads writes ∇ℓ_j(θ) into row j of dst (m × Dim). The rows are computed in parallel.
func (ls *Landscape) PerSampleGrads(dst *mat.Dense, theta []float64) {
	ls.check("theta", theta)
	r, c := dst.Dims()
	if r != ls.m || c != ls.Dim() {
		panic(fmt.Sprintf("nn: PerSampleGrads: dst is %d×%d, want %d×%d", r, c, ls.m, ls.Dim()))
	}
	raw := dst.RawMatrix()
	parallelRange(ls.m, func(lo, hi int) {
		w := ls.get()
		defer ls.put(w)
		for j := lo; j < hi; j++ {
			ls.sampleGrad(w, raw.Data[j*raw.Stride:j*raw.Stride+c], theta, j)
		}
	})
}

// HessVec writes ∇²L(θ)·v into dst, exactly (Pearlmutter's R-operator), in O(m·Dim) time.
func (ls *Landscape) HessVec(dst, theta, v []float64) {
	ls.check("dst", dst)
	ls.check("theta", theta)
	ls.check("v", v)
	workers := workerCount(ls.m, 64)
	parts := make([][]float64, workers)
	parallelChunks(ls.m, workers, func(k, lo, hi int) {
		w := ls.get()
		defer ls.put(w)
		acc := dst
		if k > 0 {
			acc = make([]float64, ls.Dim())
		} else {
			clear(acc)
		}
		s := 1 / float64(ls.m)
		for j := lo; j < hi; j++ {
			x, y := ls.Row(j)
			ls.net.forward(w, theta, x, y)
			ls.net.backward(w, theta, y, 0, w.g) // fills d and e; scale 0 leaves w.g unchanged
			ls.net.hvp(w, theta, v, s, acc)
		}
		parts[k] = acc
	})
	for k := 1; k < workers; k++ {
		axpy(1, parts[k], dst)
	}
	if ls.l2 != 0 {
		axpy(ls.l2, v, dst)
	}
}

func workerCount(n, minPer int) int {
	w := min(runtime.GOMAXPROCS(0), max(1, n/minPer))
	return max(w, 1)
}

// parallelChunks splits [0, n) into `workers` contiguous chunks and runs f on each in its own goroutine.
func parallelChunks(n, workers int, f func(k, lo, hi int)) {
	if workers <= 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		lo, hi := k*n/workers, (k+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(k, lo, hi)
		}()
	}
	wg.Wait()
}

func parallelRange(n int, f func(lo, hi int)) {
	parallelChunks(n, workerCount(n, 32), func(_, lo, hi int) { f(lo, hi) })
}
