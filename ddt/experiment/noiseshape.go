package experiment

import (
	"context"
	"fmt"
	"math"

	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// Relative thresholds of the C1 chart and counts, relative to the top entry (λ_max, or u_1ᵀCu_1):
//
//   - VisibleCurvatureRel: a direction is drawn only when λ_i > VisibleCurvatureRel·λ_max (flatter ones, and
//     negative curvature, have no place on log axes);
//   - SilentNoiseRel: a curved direction is "silent" when u_iᵀCu_i < SilentNoiseRel·u_1ᵀCu_1, i.e. it carries
//     curvature but numerically no noise (round-off);
//   - NegativeCurvatureRel: a direction has negative curvature when λ_i < −NegativeCurvatureRel·λ_max.
const (
	VisibleCurvatureRel  = 1e-4
	SilentNoiseRel       = 1e-12
	NegativeCurvatureRel = 1e-4
)

// NoiseShapeStudy is claim C1 (THEORY.md §2.2, notebook 01) on a trained network: near a minimum the
// gradient-noise covariance has the shape of the Hessian and shrinks like 1/B, C ≈ H/B, while at a random
// initialisation the Fisher–Hessian link that gives C ≈ H/B does not hold. It runs CompareNoiseHessian at
// Minimum for every batch size in Batches and at Initial for the first one, with the weight decay's curvature
// removed from H (it adds curvature but no noise).
//
// The study is deterministic: C and H are computed exactly (no sampling), so there is no seed; the seeds are
// those that produced Minimum and Initial (TwoMoonsNet).
type NoiseShapeStudy struct {
	Landscape *nn.Landscape
	// Minimum is the trained θ*, Initial a random initialisation θ₀ (both of Landscape's dimension).
	Minimum, Initial []float64
	// Batches are the batch sizes (at least two, each ≥ 1); BatchExponent compares the first and the last.
	Batches  []int
	Sampling nn.Sampling
	// FloorRel is CompareNoiseHessian's relative floor of the log–log fit (≤ 0: DefaultFloorRel).
	FloorRel float64
}

// NoiseShapeResult is the outcome of NoiseShapeStudy.Run.
type NoiseShapeResult struct {
	Study NoiseShapeStudy
	// Trained holds one comparison per batch size at the minimum; Initial the comparison at θ₀ for Batches[0].
	Trained []NoiseVsHessian
	Initial NoiseVsHessian
}

func (s *NoiseShapeStudy) validate() error {
	if s.Landscape == nil {
		return fmt.Errorf("%w: the noise-shape study needs a landscape", ErrInvalid)
	}
	if len(s.Minimum) != s.Landscape.Dim() || len(s.Initial) != s.Landscape.Dim() {
		return fmt.Errorf("%w: θ* and θ₀ must have the landscape's dimension %d (got %d and %d)", ErrInvalid,
			s.Landscape.Dim(), len(s.Minimum), len(s.Initial))
	}
	if len(s.Batches) < 2 {
		return fmt.Errorf("%w: the noise-shape study needs at least two batch sizes (got %d)", ErrInvalid, len(s.Batches))
	}
	for _, b := range s.Batches {
		if _, err := nn.NoiseFactor(s.Landscape.Samples(), b, s.Sampling); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	if s.Batches[0] == s.Batches[len(s.Batches)-1] {
		return fmt.Errorf("%w: the first and last batch sizes must differ (both %d)", ErrInvalid, s.Batches[0])
	}
	return nil
}

// Run computes the comparisons (one exact Hessian and one gradient covariance per point).
func (s NoiseShapeStudy) Run(ctx context.Context) (*NoiseShapeResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	trained, err := CompareNoiseHessian(s.Landscape, s.Minimum, s.Batches, s.Sampling, true, s.FloorRel)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	initial, err := CompareNoiseHessian(s.Landscape, s.Initial, s.Batches[:1], s.Sampling, true, s.FloorRel)
	if err != nil {
		return nil, err
	}
	return &NoiseShapeResult{Study: s, Trained: trained, Initial: initial[0]}, nil
}

// TopRatios returns C/(H/B) = u_iᵀCu_i/(λ_i/B) along the n sharpest directions at the minimum for the first
// batch size (fewer when the network has fewer parameters; nil when the result holds no comparison). C = H/B
// exactly gives ones.
func (r *NoiseShapeResult) TopRatios(n int) []float64 {
	if r == nil || len(r.Trained) == 0 {
		return nil
	}
	t := r.Trained[0]
	var out []float64
	for i := 0; i < n && i < len(t.Lambda) && i < len(t.CDiag) && i < len(t.HOverB); i++ {
		out = append(out, t.CDiag[i]/t.HOverB[i])
	}
	return out
}

// batchEnds returns the first and the last comparison at the minimum and their batch sizes; ok is false when
// the result does not hold comparisons at two different batch sizes, each with a sharpest direction.
func (r *NoiseShapeResult) batchEnds() (first, last NoiseVsHessian, b0, b1 int, ok bool) {
	if r == nil || len(r.Trained) < 2 || len(r.Study.Batches) != len(r.Trained) {
		return first, last, 0, 0, false
	}
	first, last = r.Trained[0], r.Trained[len(r.Trained)-1]
	b0, b1 = r.Study.Batches[0], r.Study.Batches[len(r.Study.Batches)-1]
	return first, last, b0, b1, len(first.CDiag) > 0 && len(last.CDiag) > 0 && b0 >= 1 && b1 >= 1 && b0 != b1
}

// BatchExponent is the exponent β of C ∝ B^β along the sharpest direction at the minimum, from the first and
// the last batch size. It is a check of the code more than of the theory: PredictedBatchExponent gives its
// exact value. It returns 0 when the result does not hold comparisons at two different batch sizes (one per
// entry of Study.Batches: a NoiseShapeResult built by hand; Run always gives them).
func (r *NoiseShapeResult) BatchExponent() float64 {
	first, last, b0, b1, ok := r.batchEnds()
	if !ok {
		return 0
	}
	return math.Log(last.CDiag[0]/first.CDiag[0]) / math.Log(float64(b1)/float64(b0))
}

// PredictedBatchExponent is BatchExponent's exact value: −1 with replacement (C = Σ/B), and
// ln(f(B_last)/f(B_first))/ln(B_last/B_first) with f(B) = (m − B)/((m − 1)B) without (the finite-population
// correction; −Inf when B_last = m, where the noise vanishes). It returns 0 without a landscape, or without two
// different valid batch sizes in Study.Batches.
func (r *NoiseShapeResult) PredictedBatchExponent() float64 {
	if r == nil || r.Study.Landscape == nil || len(r.Study.Batches) < 2 {
		return 0
	}
	b, m := r.Study.Batches, r.Study.Landscape.Samples()
	f0, err0 := nn.NoiseFactor(m, b[0], r.Study.Sampling)
	f1, err1 := nn.NoiseFactor(m, b[len(b)-1], r.Study.Sampling)
	if err0 != nil || err1 != nil || b[0] == b[len(b)-1] {
		return 0
	}
	return math.Log(f1/f0) / math.Log(float64(b[len(b)-1])/float64(b[0]))
}

// Verdict reads C1 at the minimum (first batch size): "reproduced" when the log–log slope of u_iᵀCu_i against
// λ_i/B is within 2 SE (or 0.1) of 1, R² > 0.9 and BatchExponent within 0.05 of −1; "partly reproduced"
// otherwise; "not reproduced (no comparison at two batch sizes)" when the result holds none to read. It does not
// look at the prefactor (C/(H/B) along the top directions: TopRatios).
func (r *NoiseShapeResult) Verdict() string {
	if _, _, _, _, ok := r.batchEnds(); !ok {
		return "not reproduced (no comparison at two batch sizes)"
	}
	if slopeNearOne(r.Trained[0].LogLog) && math.Abs(r.BatchExponent()+1) < 0.05 {
		return "reproduced"
	}
	return "partly reproduced"
}

// VisibleDirections returns the points (λ_i/B, u_iᵀCu_i) of the directions with curvature
// (λ_i > VisibleCurvatureRel·λ_max) and noise (u_iᵀCu_i > SilentNoiseRel·u_1ᵀCu_1): those a log–log chart can
// draw. It is r.Points(VisibleCurvatureRel, SilentNoiseRel).
func VisibleDirections(r NoiseVsHessian) (x, y []float64) {
	return r.Points(VisibleCurvatureRel, SilentNoiseRel)
}

// SilentDirections counts the directions with curvature (λ_i > VisibleCurvatureRel·λ_max) but numerically no
// noise (u_iᵀCu_i < SilentNoiseRel·u_1ᵀCu_1).
func SilentDirections(r NoiseVsHessian) int {
	n := 0
	for i := range r.Lambda {
		if r.Lambda[i] > VisibleCurvatureRel*r.Lambda[0] && r.CDiag[i] < SilentNoiseRel*r.CDiag[0] {
			n++
		}
	}
	return n
}

// NegativeCurvature summarises the directions where H/B would give a negative variance while C, positive
// semidefinite, cannot: the reason the theory uses [H]⁺.
type NegativeCurvature struct {
	// N counts the directions with λ_i < −NegativeCurvatureRel·λ_max; MinLambda is the most negative eigenvalue
	// (0 when none is negative).
	N         int
	MinLambda float64
	// RatioMin and RatioMax bound u_iᵀCu_i/(|λ_i|/B) over those N directions ([H]⁺/B exactly gives 1); both
	// are 0 when N = 0.
	RatioMin, RatioMax float64
}

// NegativeCurvatureOf summarises the negative-curvature directions of r.
func NegativeCurvatureOf(r NoiseVsHessian) NegativeCurvature {
	var nc NegativeCurvature
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range r.Lambda {
		nc.MinLambda = math.Min(nc.MinLambda, r.Lambda[i])
		if r.Lambda[i] < -NegativeCurvatureRel*r.Lambda[0] {
			q := r.CDiag[i] / (-r.HOverB[i])
			nc.N, lo, hi = nc.N+1, math.Min(lo, q), math.Max(hi, q)
		}
	}
	if nc.N > 0 {
		nc.RatioMin, nc.RatioMax = lo, hi
	}
	return nc
}
