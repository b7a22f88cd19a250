package fokkerplanck

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
)

// bandLU is an LU factorisation without pivoting of an n×n matrix with lower and upper half-bandwidth p,
// stored by rows: element (i, j), |i−j| ≤ p, at a[i*w + j − i + p], w = 2p+1. Without pivoting the factors
// stay inside the band (cost n·p², memory n·(2p+1)). Gaussian elimination without pivoting is backward
// stable for matrices that are diagonally dominant by columns, which I − cA and σI − A are for a
// conservative generator A without cross-diffusion terms (an M-matrix with zero column sums); small cross
// terms keep it dominant. gonum/mat's Banded type has no factorisation, hence this small routine (its inner
// loops are gonum's floats.AddScaled and floats.Dot).
type bandLU struct {
	n, p, w int
	a       []float64
}

func newBand(n, p int) *bandLU {
	return &bandLU{n: n, p: p, w: 2*p + 1, a: make([]float64, n*(2*p+1))}
}

func (b *bandLU) add(i, j int, v float64) { b.a[i*b.w+j-i+b.p] += v }

func (b *bandLU) at(i, j int) float64 { return b.a[i*b.w+j-i+b.p] }

// factor overwrites the band with L (unit diagonal, below) and U.
func (b *bandLU) factor() error {
	n, p, w := b.n, b.p, b.w
	for k := 0; k < n; k++ {
		piv := b.a[k*w+p]
		if piv == 0 || !finite(piv) {
			return fmt.Errorf("%w: zero or non-finite pivot %g at row %d of the banded solve", ErrNotConverged, piv, k)
		}
		q := min(p, n-1-k)
		rowk := b.a[k*w+p+1 : k*w+p+1+q]
		for i := k + 1; i <= k+q; i++ {
			li := i*w + k - i + p
			l := b.a[li] / piv
			b.a[li] = l
			if l != 0 {
				floats.AddScaled(b.a[li+1:li+1+q], -l, rowk)
			}
		}
	}
	return nil
}

// solve overwrites x with M⁻¹x.
func (b *bandLU) solve(x []float64) {
	n, p, w := b.n, b.p, b.w
	for i := 1; i < n; i++ {
		lo := max(0, i-p)
		x[i] -= floats.Dot(b.a[i*w+lo-i+p:i*w+p], x[lo:i])
	}
	for i := n - 1; i >= 0; i-- {
		hi := min(n-1, i+p)
		s := x[i]
		if hi > i {
			s -= floats.Dot(b.a[i*w+p+1:i*w+p+1+hi-i], x[i+1:hi+1])
		}
		x[i] = s / b.a[i*w+p]
	}
}
