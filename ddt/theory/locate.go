package theory

import "math"

// Locating kinks. A D(θ) with a kink (a jump of D′, e.g. where a noise floor starts) or a jump makes Φ′ = L′/D
// and D^{α−1} non-smooth there; the Gauss–Legendre panels then lose their high order and uniform halving
// converges only slowly (the quadrature may need far more panels than MaxPanels). locateKinks finds such
// points itself, so that Breaks is an optimisation, not a requirement: on every panel it compares one
// Gauss–Legendre rule with the sum of the rules on the two halves, for ∫Φ′ and ∫log D. Where they disagree by
// more than the tolerances below, the panel is bisected towards the disagreeing half (or halves) until both
// halves agree, so that what is left of the kink costs less than the tolerance, or the panel is 1e-13
// (relative) wide; the midpoint then becomes a break point. A smooth integrand adds no points; at most kinkMax
// points are added per call.

const (
	kinkPhiTol  = 1e-12 // absolute tolerance on a panel's ∫Φ′ (an error δ in Φ is a relative error δ in τ)
	kinkLogDTol = 1e-11 // tolerance on a panel's ∫log D, relative to h + ∫|log D| over the panel
	kinkDepth   = 64    // bisection levels per kink
	kinkMax     = 256   // at most this many located points per call
)

// glSums returns the Gauss–Legendre integrals of Φ′, log D and |log D| over [a, b].
func (f *field) glSums(a, b float64) (phi, logD, absLogD float64) {
	r := f.gl()
	h := b - a
	for k := range glOrder {
		pp, d := f.eval(a + r.t[k]*h)
		ld := math.Log(d)
		phi += r.w[k] * pp
		logD += r.w[k] * ld
		absLogD += r.w[k] * math.Abs(ld)
	}
	return phi * h, logD * h, absLogD * h
}

// smooth reports whether the rules on [a, b] and on its halves agree; whole holds the rule on [a, b], and the
// halves' sums are returned for reuse.
func (f *field) smooth(a, b float64, whole [3]float64) (ok bool, left, right [3]float64) {
	m := 0.5 * (a + b)
	left[0], left[1], left[2] = f.glSums(a, m)
	right[0], right[1], right[2] = f.glSums(m, b)
	dPhi := math.Abs(whole[0] - left[0] - right[0])
	dLogD := math.Abs(whole[1] - left[1] - right[1])
	h := b - a
	ok = dPhi <= kinkPhiTol && dLogD <= kinkLogDTol*(h+whole[2])
	return ok, left, right
}

// locateKinks returns breaks with the non-smooth points found inside its panels added (sorted).
func (f *field) locateKinks(breaks []float64) []float64 {
	var found []float64
	var walk func(a, b float64, whole [3]float64, depth int)
	walk = func(a, b float64, whole [3]float64, depth int) {
		if len(found) >= kinkMax || f.err != nil {
			return
		}
		ok, left, right := f.smooth(a, b, whole)
		if ok {
			return
		}
		m := 0.5 * (a + b)
		if depth >= kinkDepth || b-a <= 1e-13*math.Max(1, math.Abs(m)) {
			found = append(found, m)
			return
		}
		okL, _, _ := f.smooth(a, m, left)
		okR, _, _ := f.smooth(m, b, right)
		switch {
		case okL && okR:
			// Both halves are smooth: the offending point is the midpoint.
			found = append(found, m)
		default:
			if !okL {
				walk(a, m, left, depth+1)
			}
			if !okR {
				walk(m, b, right, depth+1)
			}
		}
	}
	for i := 0; i+1 < len(breaks); i++ {
		var w [3]float64
		w[0], w[1], w[2] = f.glSums(breaks[i], breaks[i+1])
		walk(breaks[i], breaks[i+1], w, 0)
	}
	if len(found) == 0 {
		return breaks
	}
	out := make([]float64, 0, len(breaks)+len(found))
	j := 0
	for _, x := range breaks {
		for j < len(found) && found[j] < x {
			if found[j] > out[len(out)-1] {
				out = append(out, found[j])
			}
			j++
		}
		if len(out) == 0 || x > out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}
