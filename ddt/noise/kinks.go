package noise

import (
	"math"
	"sort"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
)

// kinkCells is the number of grid cells FloorKinks scans for sign changes of |L″| − floor.
const kinkCells = 1 << 14

// FloorKinks returns, in increasing order, the points of [lo, hi] where the floored Hessian noise
// D(θ) = (η/2B)·max(|L″(θ)|, floor) of a 1-D landscape is not smooth, so that quadratures over D — the exact
// MFPT (theory.Problem1D.Breaks) and the path parameter s (theory.PathProblem.Breaks) — can align their panels
// with them and keep their high order:
//
//   - the points where |L″| crosses the floor, located by scanning 2¹⁴ grid cells of [lo, hi] for a sign change
//     of |L″| − floor and bisecting each to machine precision (two crossings closer than (hi − lo)/2¹⁴, and
//     points where |L″| touches the floor without crossing it, are not reported; neither gives a kink that
//     matters to the quadrature);
//   - when the landscape is landscape.Piecewise (DoubleWell, a scaled DoubleWell), its break points in
//     [lo, hi], where L‴ jumps and so D has a kink wherever |L″| is above the floor.
//
// With floor = 0 the crossings are the zeros of L″, where D vanishes: the MFPT integral then diverges (the
// trap of THEORY.md §3.2), and no break point helps. It returns an error for a nil or non-1-D landscape, a
// negative or non-finite floor, or an interval that is not finite with lo < hi.
func FloorKinks(s landscape.Scalar, floor, lo, hi float64) ([]float64, error) {
	if s == nil {
		return nil, paramErr("FloorKinks needs a 1-D landscape")
	}
	if d := s.Dim(); d != 1 {
		return nil, paramErr("FloorKinks needs a 1-D landscape (got dimension %d)", d)
	}
	if !(floor >= 0) || math.IsInf(floor, 0) {
		return nil, paramErr("eigenvalue floor must be ≥ 0 and finite (got %g)", floor)
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo < hi) {
		return nil, paramErr("FloorKinks needs a finite interval lo < hi (got [%g, %g])", lo, hi)
	}
	g := func(x float64) float64 { return math.Abs(s.Deriv2(x)) - floor }
	var out []float64
	x0, g0 := lo, g(lo)
	if g0 == 0 {
		out = append(out, lo)
	}
	for i := 1; i <= kinkCells; i++ {
		x1 := lo + (hi-lo)*float64(i)/kinkCells
		if i == kinkCells {
			x1 = hi
		}
		g1 := g(x1)
		switch {
		case math.IsNaN(g1):
			return nil, paramErr("L″(%g) is NaN", x1)
		case g1 == 0:
			out = append(out, x1)
		case g0 != 0 && (g0 < 0) != (g1 < 0):
			a, b, ga := x0, x1, g0
			for {
				m := 0.5 * (a + b)
				if m <= a || m >= b {
					break
				}
				gm := g(m)
				if gm == 0 {
					a, b = m, m
					break
				}
				if (gm < 0) == (ga < 0) {
					a, ga = m, gm
				} else {
					b = m
				}
			}
			out = append(out, 0.5*(a+b))
		}
		x0, g0 = x1, g1
	}
	var breaks []float64
	if p, ok := s.(landscape.Piecewise); ok {
		for _, x := range p.Breaks() {
			if x >= lo && x <= hi {
				breaks = append(breaks, x)
			}
		}
	}
	// A crossing within rounding of a break point (|L″| = floor exactly there) is the break point itself.
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-12*math.Max(1, math.Abs(x)) }
	for _, x := range out {
		dup := false
		for _, y := range breaks {
			dup = dup || near(x, y)
		}
		if !dup {
			breaks = append(breaks, x)
		}
	}
	out = breaks
	sort.Float64s(out)
	k := 0
	for i, x := range out {
		if i == 0 || !near(x, out[k-1]) {
			out[k] = x
			k++
		}
	}
	return out[:k], nil
}

// Kinks returns FloorKinks of the landscape with this model's floor on [lo, hi]: the break points that the
// 1-D quadratures of theory need for D(θ) of this model. It fails for a landscape that is not a 1-D Scalar.
func (h *HessianSGD) Kinks(lo, hi float64) ([]float64, error) {
	if h.s == nil {
		return nil, paramErr("Kinks needs a 1-D Scalar landscape (dimension %d)", h.l.Dim())
	}
	return FloorKinks(h.s, h.floor, lo, hi)
}

// DiffusionFunc returns θ ↦ D(θ) of a 1-D model at step length eta, the form theory.Problem1D and
// theory.PathProblem take (Diffusion: noise.DiffusionFunc(m, eta)). The returned function reuses one buffer:
// it is not safe for concurrent use (call DiffusionFunc once per goroutine). It fails for a nil model, a model
// of dimension other than 1, or a non-positive or non-finite eta.
func DiffusionFunc(m Model, eta float64) (func(theta float64) float64, error) {
	if m == nil {
		return nil, paramErr("DiffusionFunc needs a noise model")
	}
	if d := m.Dim(); d != 1 {
		return nil, paramErr("DiffusionFunc needs a 1-D model (got dimension %d)", d)
	}
	if err := positive("step length η", eta); err != nil {
		return nil, err
	}
	dst := mat.NewSymDense(1, nil)
	theta := []float64{0}
	return func(x float64) float64 {
		theta[0] = x
		m.Diffusion(dst, theta, eta)
		return dst.At(0, 0)
	}, nil
}
