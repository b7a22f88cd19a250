package experiment

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/densitydiffusion/toolkit/ddt/nn"
)

// Column returns the draws of coordinate c (projection on the c-th Hessian eigenvector) in draw order, or nil
// when c is out of range.
func (r *NoiseNormality) Column(c int) []float64 {
	if c < 0 || len(r.Samples) == 0 || c >= len(r.Samples[0]) {
		return nil
	}
	out := make([]float64, len(r.Samples))
	for d := range r.Samples {
		out[d] = r.Samples[d][c]
	}
	return out
}

// Pooled returns every coordinate's draws in one sample, coordinate after coordinate, NOT standardised: the
// pooled histogram whose statistics are PooledExKurt and PooledKS.
func (r *NoiseNormality) Pooled() []float64 {
	var out []float64
	for c := range r.Coords {
		out = append(out, r.Column(c)...)
	}
	return out
}

// NormalitySweep is claim C2 (THEORY.md §2.4, notebook 02) over batch sizes: MeasureNoiseNormality at Theta for
// each B in Batches, Draws minibatch gradients projected on the top Coords Hessian eigenvectors. By the central
// limit theorem over the batch the excess kurtosis of each coordinate is κ₁/B (κ₁ that of one per-sample
// gradient), so B·κ_B should stay constant, while the pooled coordinates (variances spread over decades) keep a
// heavy tail made of Gaussian pieces.
//
// Randomness: batch size i uses the seed Seed + i, and its draw d the stream rand.NewPCG(Seed + i, d)
// (MeasureNoiseNormality), so the numbers do not depend on the number of goroutines.
type NormalitySweep struct {
	Landscape *nn.Landscape
	Theta     []float64
	Batches   []int
	Sampling  nn.Sampling
	// Coords is the number of top Hessian directions (1 ≤ Coords ≤ Dim), Draws the draws per batch size (≥ 20).
	Coords, Draws int
	Seed          uint64
}

// NormalitySweepResult is the outcome of NormalitySweep.Run: one NoiseNormality per batch size, in order.
type NormalitySweepResult struct {
	Sweep   NormalitySweep
	Results []*NoiseNormality
}

// Run measures every batch size.
func (s NormalitySweep) Run(ctx context.Context) (*NormalitySweepResult, error) {
	if len(s.Batches) == 0 {
		return nil, fmt.Errorf("%w: a normality sweep needs at least one batch size", ErrInvalid)
	}
	res := &NormalitySweepResult{Sweep: s}
	for i, b := range s.Batches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := MeasureNoiseNormality(s.Landscape, s.Theta, b, s.Sampling, s.Coords, s.Draws, s.Seed+uint64(i))
		if err != nil {
			return nil, fmt.Errorf("experiment: normality at B = %d: %w", b, err)
		}
		res.Results = append(res.Results, r)
	}
	return res, nil
}

// NormalitySummary condenses a NormalitySweepResult into the numbers of the C2 verdict.
type NormalitySummary struct {
	// MaxAbsExKurt[i] is the largest |excess kurtosis| over the coordinates at batch size i; BKappa[i] is
	// B·(mean excess kurtosis over the coordinates), constant under the CLT's κ₁/B law.
	MaxAbsExKurt, BKappa []float64
	// Heavier counts the batch sizes at which the pooled sample's excess kurtosis exceeds MaxAbsExKurt.
	Heavier int
	// Rejected counts the coordinates at the largest (last) batch size whose Jarque–Bera p-value is below
	// RejectP (0.01).
	Rejected int
	// Verdict is "reproduced" when at the last batch size every |excess kurtosis| is below 0.5 and at most one
	// coordinate is rejected, and the pool is heavier at every batch size; "partly reproduced" when only the
	// pool is heavier everywhere; "not reproduced" otherwise.
	Verdict string
}

// RejectP is the Jarque–Bera level at which Summary counts a coordinate as not Gaussian.
const RejectP = 0.01

// Summary computes the NormalitySummary (Verdict "not reproduced" when there is no measurement).
func (r *NormalitySweepResult) Summary() NormalitySummary {
	s := NormalitySummary{Verdict: "not reproduced"}
	if r == nil || len(r.Results) == 0 {
		return s
	}
	for _, n := range r.Results {
		mk, mean := 0.0, 0.0
		for _, cn := range n.Coords {
			mk = math.Max(mk, math.Abs(cn.ExKurt))
			mean += cn.ExKurt / float64(len(n.Coords))
		}
		if n.PooledExKurt > mk {
			s.Heavier++
		}
		s.MaxAbsExKurt = append(s.MaxAbsExKurt, mk)
		s.BKappa = append(s.BKappa, float64(n.Batch)*mean)
	}
	last := r.Last()
	for _, cn := range last.Coords {
		if cn.JBP < RejectP {
			s.Rejected++
		}
	}
	switch {
	case s.MaxAbsExKurt[len(s.MaxAbsExKurt)-1] < 0.5 && s.Rejected <= 1 && s.Heavier == len(r.Results):
		s.Verdict = "reproduced"
	case s.Heavier == len(r.Results):
		s.Verdict = "partly reproduced"
	}
	return s
}

// Last returns the measurement at the last (largest) batch size, or nil when the result holds none (a
// NormalitySweepResult built by hand; Run never returns an empty one).
func (r *NormalitySweepResult) Last() *NoiseNormality {
	if r == nil || len(r.Results) == 0 {
		return nil
	}
	return r.Results[len(r.Results)-1]
}

// ScaleMixture is the pooled-histogram effect in its purest form (THEORY.md §2.4): Draws vectors of Coords
// independent, exactly Gaussian coordinates with standard deviations log-uniform over Decades decades,
// σ_i = 10^(−Decades·i/(Coords − 1)). Pooled into one histogram they follow the scale mixture
// (1/n)Σ N(0, σ_i²), whose excess kurtosis stats.ScaleMixtureExKurtosis gives; each coordinate alone has 0.
//
// Randomness: one stream, rand.NewPCG(Seed, 0), drawn vector after vector, coordinate after coordinate.
type ScaleMixture struct {
	// Coords ≥ 2, Decades ≥ 0 and finite, Draws ≥ 2.
	Coords  int
	Decades float64
	Draws   int
	Seed    uint64
}

// SD returns the coordinates' standard deviations σ_i, from 1 down to 10^−Decades; it needs Coords ≥ 2 and
// 0 ≤ Decades ≤ 100 (ErrInvalid otherwise: one coordinate has no spread to spread over, 0/0 in the exponent).
func (s ScaleMixture) SD() ([]float64, error) {
	if s.Coords < 2 || !(s.Decades >= 0) || s.Decades > 100 {
		return nil, fmt.Errorf("%w: a scale mixture needs ≥ 2 coordinates and 0 ≤ decades ≤ 100 (got %d, %g)",
			ErrInvalid, s.Coords, s.Decades)
	}
	sd := make([]float64, s.Coords)
	for i := range sd {
		sd[i] = math.Pow(10, -s.Decades*float64(i)/float64(s.Coords-1))
	}
	return sd, nil
}

// ScaleMixtureSample is the outcome of ScaleMixture.Sample.
type ScaleMixtureSample struct {
	SD []float64
	// Samples[d][i] is coordinate i of draw d.
	Samples [][]float64
}

// Sample draws the vectors.
func (s ScaleMixture) Sample() (*ScaleMixtureSample, error) {
	sd, err := s.SD()
	if err != nil {
		return nil, err
	}
	if s.Draws < 2 {
		return nil, fmt.Errorf("%w: a scale mixture needs ≥ 2 draws (got %d)", ErrInvalid, s.Draws)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0))
	out := &ScaleMixtureSample{SD: sd, Samples: make([][]float64, s.Draws)}
	for d := range out.Samples {
		row := make([]float64, s.Coords)
		for i, sd := range out.SD {
			row[i] = sd * rng.NormFloat64()
		}
		out.Samples[d] = row
	}
	return out, nil
}

// Pooled returns every draw's coordinates in one sample, draw after draw.
func (s *ScaleMixtureSample) Pooled() []float64 {
	var out []float64
	for _, row := range s.Samples {
		out = append(out, row...)
	}
	return out
}

// Column returns coordinate i of every draw (nil when i is out of range).
func (s *ScaleMixtureSample) Column(i int) []float64 {
	if i < 0 || i >= len(s.SD) {
		return nil
	}
	out := make([]float64, len(s.Samples))
	for d, row := range s.Samples {
		out[d] = row[i]
	}
	return out
}
