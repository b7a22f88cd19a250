package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Hessian writes the exact ∇²L(θ) into dst (Dim×Dim).
//
// Method (exact, no finite differences): for layers k ≤ l, the parameter W_k[o',i'] enters only through the
// pre-activation z_k[o'], so
//
//	∂²ℓ/∂W_l[o,i]∂W_k[o',i'] = ā_k[i'] · T_{l,k}[o,i,o'],   T = ∂(δ_l[o]·ā_l[i]) / ∂z_k[o'],
//
// where ā is a layer's input with a trailing 1 (bias) and δ_l = ∂ℓ/∂z_l. T comes from one forward-over-reverse
// (R-operator) pass per hidden or output unit, seeded with a unit tangent at z_k[o']. Summing over samples,
// each block is a matrix product (gonum blas64.Gemm over chunks of samples), so the whole Hessian costs about
// m·Dim² multiply-adds, the cost of accumulating it, rather than Dim Hessian-vector products.
// Rows are processed in parallel chunks of 64; the number of goroutines changes the result only by rounding.
func (ls *Landscape) Hessian(dst *mat.SymDense, theta []float64) {
	ls.check("theta", theta)
	P := ls.Dim()
	if dst.SymmetricDim() != P {
		panic(fmt.Sprintf("nn: Hessian: dst is %d×%d, want %d×%d", dst.SymmetricDim(), dst.SymmetricDim(), P, P))
	}
	const chunk = 64
	nChunks := (ls.m + chunk - 1) / chunk
	workers := min(workerCount(ls.m, chunk), nChunks)
	accs := make([][]float64, workers)
	parallelChunks(nChunks, workers, func(wk, lo, hi int) {
		acc := make([]float64, P*P)
		hb := newHessBuf(ls.net, chunk)
		w := ls.get()
		defer ls.put(w)
		for c := lo; c < hi; c++ {
			r0, r1 := c*chunk, min((c+1)*chunk, ls.m)
			ls.hessChunk(w, hb, theta, r0, r1, acc)
		}
		accs[wk] = acc
	})
	acc := accs[0]
	for k := 1; k < workers; k++ {
		axpy(1, accs[k], acc)
	}
	inv := 1 / float64(ls.m)
	net := ls.net
	layerOf := make([]int, P)
	for l := 0; l < net.Layers(); l++ {
		for p := net.off[l]; p < net.off[l+1]; p++ {
			layerOf[p] = l
		}
	}
	for r := 0; r < P; r++ {
		for c := r; c < P; c++ {
			// Computed blocks have row layer ≥ column layer.
			var v float64
			switch {
			case layerOf[c] > layerOf[r]:
				v = acc[c*P+r]
			case layerOf[c] == layerOf[r]:
				v = 0.5 * (acc[r*P+c] + acc[c*P+r])
			default:
				v = acc[r*P+c]
			}
			v *= inv
			if r == c {
				v += ls.l2
			}
			dst.SetSym(r, c, v)
		}
	}
}

type hessBuf struct {
	abar [][]float64   // abar[k]: chunk × (in_k+1), layer k's inputs with a trailing 1
	x    [][][]float64 // x[k][o']: chunk × (P − off[k]), T rows for the seed z_k[o']
}

func newHessBuf(net *MLP, chunk int) *hessBuf {
	L := net.Layers()
	P := net.NumParams()
	hb := &hessBuf{abar: make([][]float64, L), x: make([][][]float64, L)}
	for k := 0; k < L; k++ {
		hb.abar[k] = make([]float64, chunk*(net.sizes[k]+1))
		hb.x[k] = make([][]float64, net.sizes[k+1])
		for o := range hb.x[k] {
			hb.x[k][o] = make([]float64, chunk*(P-net.off[k]))
		}
	}
	return hb
}

// hessChunk adds Σ_{j∈[r0,r1)} (lower layer blocks of) ∇²CE_j(θ) into acc (P×P row-major).
func (ls *Landscape) hessChunk(w *work, hb *hessBuf, theta []float64, r0, r1 int, acc []float64) {
	net := ls.net
	L := net.Layers()
	P := net.NumParams()
	cs := r1 - r0
	for j := r0; j < r1; j++ {
		jj := j - r0
		x, y := ls.Row(j)
		net.forward(w, theta, x, y)
		net.backward(w, theta, y, 0, w.g)
		for k := 0; k < L; k++ {
			in := net.sizes[k]
			ab := hb.abar[k][jj*(in+1) : (jj+1)*(in+1)]
			copy(ab, w.act[k][:in])
			ab[in] = 1
		}
		for k := 0; k < L; k++ {
			for o := 0; o < net.sizes[k+1]; o++ {
				net.seedR(w, theta, k, o)
				width := P - net.off[k]
				row := hb.x[k][o][jj*width : (jj+1)*width]
				for l := k; l < L; l++ {
					in, out := net.sizes[l], net.sizes[l+1]
					base := net.off[l] - net.off[k]
					a := w.act[l][:in]
					d, rd := w.d[l], w.rd[l]
					for oo := 0; oo < out; oo++ {
						seg := row[base+oo*(in+1) : base+(oo+1)*(in+1)]
						r := rd[oo]
						if l > k {
							ra := w.ra[l]
							dv := d[oo]
							for i := 0; i < in; i++ {
								seg[i] = r*a[i] + dv*ra[i]
							}
						} else {
							for i := 0; i < in; i++ {
								seg[i] = r * a[i]
							}
						}
						seg[in] = r
					}
				}
			}
		}
	}
	impl := blas64.Implementation()
	for k := 0; k < L; k++ {
		ink := net.sizes[k] + 1
		width := P - net.off[k]
		for o := 0; o < net.sizes[k+1]; o++ {
			col := net.off[k] + o*ink
			for l := k; l < L; l++ {
				base := net.off[l] - net.off[k]
				pl := net.off[l+1] - net.off[l]
				// acc[off[l]:off[l+1], col:col+ink] += X[:, base:base+pl]ᵀ · Ā_k
				impl.Dgemm(blas.Trans, blas.NoTrans, pl, ink, cs, 1,
					hb.x[k][o][base:], width,
					hb.abar[k], ink,
					1, acc[net.off[l]*P+col:], P)
			}
		}
	}
}

// seedR runs the R-operator pass (after forward and backward on one sample) for the tangent that is a unit
// perturbation of z_k[o] and zero elsewhere, leaving rz, ra and rd for layers ≥ k.
func (n *MLP) seedR(w *work, theta []float64, k, o int) {
	L := n.Layers()
	rz := w.rz[k]
	clear(rz)
	rz[o] = 1
	for l := k + 1; l < L; l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		W := theta[n.off[l]:n.off[l+1]]
		ra := w.ra[l][:in]
		prev := w.rz[l-1]
		for i := range ra {
			s1, _ := n.sigma12(w, l, i)
			ra[i] = s1 * prev[i]
		}
		rzl := w.rz[l][:out]
		for oo := range rzl {
			rzl[oo] = dot(ra, W[oo*(in+1):oo*(in+1)+in])
		}
	}
	n.rSoftmaxError(w)
	for l := L - 1; l > k; l-- {
		in, out := n.sizes[l], n.sizes[l+1]
		W := theta[n.off[l]:n.off[l+1]]
		re := w.re[l][:in]
		clear(re)
		rd := w.rd[l][:out]
		for oo := range rd {
			axpy(rd[oo], W[oo*(in+1):oo*(in+1)+in], re)
		}
		n.rBackActivation(w, l)
	}
}
