package experiment

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/escape"
	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// StationaryCloud is the stationary density of a quadratic valley under the two noises (THEORY.md §2,
// notebook 03): the 2-D valley L = ½θᵀHθ with H = R·diag(Eig)·Rᵀ, R the rotation by Angle, holds
//
//   - under white noise D = D₀·I the Gibbs density, a Gaussian of covariance D₀·H⁻¹: an ellipse, long along the
//     flat direction, every direction at the same temperature D₀ in loss units;
//   - under SGD noise frozen at the minimum, D = ηH/2B (noise.NewFrozen), a Gaussian of covariance (η/2B)·I: a
//     ball, so in loss units direction i carries ηλᵢ/4B and the sharp direction is hotter.
//
// The simulator's discrete step corrects the SDE variance D_i/λ_i along eigen-direction i by 1/(1 − ηλᵢ/2)
// (theory.DiscreteStationaryVariance), which is what the Monte Carlo variances should match.
//
// Run starts Runs trajectories at the minimum and keeps their positions after Steps steps of η (no escape
// criterion). Randomness: the white-noise ensemble uses the seed Seed, the SGD ensemble Seed + 1, and trajectory t
// the stream t of its seed (escape.Run), so the numbers do not depend on the number of goroutines.
type StationaryCloud struct {
	// Eig are the Hessian eigenvalues (flat first, then sharp), each > 0 with η·λ < 2.
	Eig [2]float64
	// Angle rotates the eigenbasis (radians): eigenvector i is column i of R = [[cos, −sin], [sin, cos]].
	Angle float64
	// Eta is the learning rate η (one step is time η) and Batch the batch size B of SGD's noise.
	Eta, Batch float64
	// WhiteD is the white-noise strength D₀ > 0.
	WhiteD float64
	// Runs is the number of trajectories per noise (≥ 2).
	Runs int
	// Steps is the number of steps of each trajectory; 0 means 40 relaxation times of the flattest direction,
	// int(40/(η·min Eig)).
	Steps int
	// Seed derives both ensembles' seeds.
	Seed uint64
}

// CloudSample is the stationary cloud of one noise.
type CloudSample struct {
	// Points are the trajectories' final positions θ (one per run).
	Points [][]float64
	// Variance is the sample variance along each eigenvector (column of Basis), in the order of Eig.
	Variance [2]float64
	// SDE is the continuous-time prediction along each eigenvector, D_i/λ_i; Discrete the discrete-time one,
	// D_i/(λ_i(1 − ηλ_i/2)).
	SDE, Discrete [2]float64
}

// Energy returns ½λ_i·Variance_i along each eigenvector: the loss carried by each direction (white noise: D₀/2
// in both; SGD noise: ηλ_i/4B, larger along the sharp direction).
func (c CloudSample) Energy(eig [2]float64) [2]float64 {
	return [2]float64{eig[0] * c.Variance[0] / 2, eig[1] * c.Variance[1] / 2}
}

// Anisotropy returns the sample variance along the flat eigenvector over the variance along the sharp one
// (white noise: λ_sharp/λ_flat in the SDE limit; SGD noise: 1).
func (c CloudSample) Anisotropy() float64 { return c.Variance[0] / c.Variance[1] }

// CloudResult is the outcome of StationaryCloud.Run.
type CloudResult struct {
	// Cloud is the study, with Steps filled in.
	Cloud StationaryCloud
	// Hessian is H = R·diag(Eig)·Rᵀ and Basis is R (its columns are the eigenvectors).
	Hessian *mat.SymDense
	Basis   *mat.Dense
	// White and SGD are the two clouds.
	White, SGD CloudSample
}

func (s *StationaryCloud) validate() error {
	for _, l := range s.Eig {
		if !finitePos(l) {
			return fmt.Errorf("experiment: Hessian eigenvalues must be positive and finite (got %v)", s.Eig)
		}
	}
	if math.IsNaN(s.Angle) || math.IsInf(s.Angle, 0) {
		return fmt.Errorf("experiment: rotation angle must be finite (got %g)", s.Angle)
	}
	if !finitePos(s.Eta) || !finitePos(s.Batch) || !finitePos(s.WhiteD) {
		return fmt.Errorf("experiment: learning rate η, batch size B and white-noise D must be positive and finite (got %g, %g, %g)", s.Eta, s.Batch, s.WhiteD)
	}
	for _, l := range s.Eig {
		if !(s.Eta*l < 2) {
			return fmt.Errorf("experiment: η·λ = %g: the discrete update diverges along that direction (need η·λ < 2)", s.Eta*l)
		}
	}
	if s.Runs < 2 {
		return fmt.Errorf("experiment: a stationary cloud needs at least 2 runs (got %d)", s.Runs)
	}
	if s.Steps < 0 {
		return fmt.Errorf("experiment: negative step count %d", s.Steps)
	}
	return nil
}

// Valley returns H = R·diag(Eig)·Rᵀ and R.
func (s *StationaryCloud) Valley() (*mat.SymDense, *mat.Dense) {
	c, sn := math.Cos(s.Angle), math.Sin(s.Angle)
	r := mat.NewDense(2, 2, []float64{c, -sn, sn, c})
	var h mat.Dense
	h.Mul(r, mat.NewDiagDense(2, s.Eig[:]))
	h.Mul(&h, r.T())
	return mat.NewSymDense(2, []float64{h.At(0, 0), h.At(0, 1), h.At(1, 0), h.At(1, 1)}), r
}

// Run runs the two ensembles (white noise, then SGD noise).
func (s StationaryCloud) Run(ctx context.Context) (*CloudResult, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Steps == 0 {
		s.Steps = int(40 / (s.Eta * math.Min(s.Eig[0], s.Eig[1])))
	}
	h, r := s.Valley()
	q, err := landscape.NewQuadratic(h, nil, 0)
	if err != nil {
		return nil, err
	}
	white, err := noise.NewWhite(2, s.WhiteD)
	if err != nil {
		return nil, err
	}
	sgd, err := noise.NewFrozen(h, s.Batch)
	if err != nil {
		return nil, err
	}
	res := &CloudResult{Cloud: s, Hessian: h, Basis: r}
	for j, m := range []noise.Model{white, sgd} {
		out, err := escape.Run(ctx, escape.Config{Landscape: q, Noise: m,
			Escape: escape.Predicate(func([]float64) bool { return false }), Eta: s.Eta, Start: []float64{0, 0},
			Steps: s.Steps, Trajectories: s.Runs, Seed: s.Seed + uint64(j), KeepFinal: true})
		if err != nil {
			return nil, fmt.Errorf("experiment: stationary cloud (%s): %w", []string{"white noise", "SGD"}[j], err)
		}
		c := CloudSample{Points: out.Final, Variance: eigenVariances(out.Final, r)}
		for k, l := range s.Eig {
			d := s.WhiteD // white: D₀ in every direction; SGD: ηλ/2B along eigenvector k
			if j == 1 {
				d = s.Eta * l / (2 * s.Batch)
			}
			c.SDE[k] = d / l
			if c.Discrete[k], err = theory.DiscreteStationaryVariance(d, l, s.Eta); err != nil {
				return nil, err
			}
		}
		if j == 0 {
			res.White = c
		} else {
			res.SGD = c
		}
	}
	return res, nil
}

// eigenVariances returns the sample variances (divided by n) of the 2-D points projected on the two columns of r.
func eigenVariances(pts [][]float64, r mat.Matrix) [2]float64 {
	var v [2]float64
	for k := 0; k < 2; k++ {
		var m, m2 float64
		for _, p := range pts {
			z := p[0]*r.At(0, k) + p[1]*r.At(1, k)
			m += z
			m2 += z * z
		}
		n := float64(len(pts))
		v[k] = m2/n - (m/n)*(m/n)
	}
	return v
}

// Ellipse returns `segments`+1 points of the 2σ contour of a centred Gaussian with variances v along the columns
// of the result's Basis (closed: the last point is the first; segments < 1 means 100), for drawing a predicted covariance next to a cloud.
func (r *CloudResult) Ellipse(v [2]float64, segments int) (xs, ys []float64) {
	if segments < 1 {
		segments = 100
	}
	b := r.Basis
	for i := 0; i <= segments; i++ {
		t := 2 * math.Pi * float64(i) / float64(segments)
		u, w := 2*math.Sqrt(v[0])*math.Cos(t), 2*math.Sqrt(v[1])*math.Sin(t)
		xs, ys = append(xs, b.At(0, 0)*u+b.At(0, 1)*w), append(ys, b.At(1, 0)*u+b.At(1, 1)*w)
	}
	return xs, ys
}
