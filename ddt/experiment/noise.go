package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/densitydiffusion/toolkit/ddt/nn"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// DefaultFloorRel is the relative floor CompareNoiseHessian uses when given floorRel ≤ 0: directions whose
// curvature is at most 1e-2·λ_max, or whose noise is at most 1e-2 of the largest noise entry, are left out of
// the log-log fit (the value notebooks 01 and 08 use).
const DefaultFloorRel = 1e-2

// NoiseVsHessian compares the gradient-noise covariance C with H/B in the eigenbasis of the Hessian
// (claim C1, THEORY.md §2.2): for each eigenpair (λ_i, u_i) of H(θ), the diagonal entry u_iᵀCu_i against λ_i/B.
type NoiseVsHessian struct {
	Batch    int
	Sampling nn.Sampling
	// Lambda are the Hessian eigenvalues (decreasing); when Subtract is set they are eigenvalues of
	// H − λ_wd·I, the Hessian of the data term alone (the weight decay adds curvature but no noise).
	Lambda []float64
	// CDiag[i] = u_iᵀ C u_i; HOverB[i] = Lambda[i]/B.
	CDiag, HOverB []float64
	// LogLog is the stats.LinearFit of log CDiag against log(λ/B) over the Used entries with λ_i > Floor and
	// CDiag_i > NoiseFloor (slope 1 and intercept 0 when C = H/B exactly); Corr is Pearson's correlation of
	// the logs.
	LogLog stats.Fit
	Corr   float64
	// FloorRel is the relative floor applied; Floor = FloorRel·λ_max is the curvature floor and
	// NoiseFloor = FloorRel·max_i CDiag_i the noise floor.
	FloorRel, Floor, NoiseFloor float64
	Used                        int
	// DroppedFlat counts the directions left out because λ_i ≤ Floor; DroppedSilent those with curvature above
	// Floor but noise CDiag_i ≤ NoiseFloor (at a confident minimum some directions carry curvature and
	// numerically no noise, ~1e-15, and would dominate a log-log fit). Used + DroppedFlat + DroppedSilent = P.
	DroppedFlat, DroppedSilent int
	// OffDiag is ‖offdiag(UᵀCU)‖_F / ‖diag(UᵀCU)‖ (0 when C is diagonal in the Hessian eigenbasis).
	OffDiag float64
	// RelFrobenius is ‖C − H/B‖_F / ‖H/B‖_F over the whole matrix.
	RelFrobenius float64
	// Subtract reports whether the weight-decay curvature was removed from H.
	Subtract bool
}

// CompareNoiseHessian measures NoiseVsHessian at θ for each batch size in bs. The Hessian is computed in full
// (networks up to a few thousand parameters). With subtractWeightDecay the weight decay's λ_wd·I is removed from
// H before the comparison (C does not contain it).
//
// The log-log fit uses only the directions with λ_i > floorRel·λ_max and u_iᵀCu_i > floorRel·max_j u_jᵀCu_j;
// floorRel ≤ 0 means DefaultFloorRel (1e-2). Flat directions (λ ≈ 0, or negative) have no logarithm, and
// directions with curvature but numerically zero noise (round-off, ~1e-15 of the top entry) would put points
// many decades below the line and decide the slope by themselves. The counts of both kinds are reported
// (DroppedFlat, DroppedSilent). Note that a floor on the noise selects on the fitted variable: it removes the
// low-noise tail, so when many directions are silent the slope describes the directions that do carry noise,
// and DroppedSilent must be read next to it.
func CompareNoiseHessian(ls *nn.Landscape, theta []float64, bs []int, s nn.Sampling, subtractWeightDecay bool, floorRel float64) ([]NoiseVsHessian, error) {
	if ls == nil || len(theta) != ls.Dim() {
		return nil, fmt.Errorf("%w: CompareNoiseHessian needs a landscape and a θ of its dimension", ErrInvalid)
	}
	if !(floorRel > 0) {
		floorRel = DefaultFloorRel
	}
	if floorRel >= 1 {
		return nil, fmt.Errorf("%w: relative floor %v, need 0 < floorRel < 1 (or ≤ 0 for the default %g)", ErrInvalid, floorRel, DefaultFloorRel)
	}
	P := ls.Dim()
	h := mat.NewSymDense(P, nil)
	ls.Hessian(h, theta)
	if subtractWeightDecay && ls.WeightDecay() != 0 {
		for i := 0; i < P; i++ {
			h.SetSym(i, i, h.At(i, i)-ls.WeightDecay())
		}
	}
	eig, err := nn.SymEigen(h)
	if err != nil {
		return nil, err
	}
	sigma := mat.NewSymDense(P, nil)
	ls.GradCovariance(sigma, theta)
	// Σ in the eigenbasis: UᵀΣU.
	var tmp, rot mat.Dense
	tmp.Mul(sigma, eig.Vectors)
	rot.Mul(eig.Vectors.T(), &tmp)
	var out []NoiseVsHessian
	for _, b := range bs {
		f, err := nn.NoiseFactor(ls.Samples(), b, s)
		if err != nil {
			return nil, err
		}
		r := NoiseVsHessian{Batch: b, Sampling: s, Lambda: eig.Values, CDiag: make([]float64, P), HOverB: make([]float64, P), Subtract: subtractWeightDecay}
		var diag2, off2 float64
		for i := 0; i < P; i++ {
			for j := 0; j < P; j++ {
				v := f * rot.At(i, j)
				if i == j {
					diag2 += v * v
				} else {
					off2 += v * v
				}
			}
			r.CDiag[i] = f * rot.At(i, i)
			r.HOverB[i] = eig.Values[i] / float64(b)
		}
		r.OffDiag = math.Sqrt(off2 / diag2)
		var num, den float64
		for i := 0; i < P; i++ {
			for j := 0; j < P; j++ {
				d := f*sigma.At(i, j) - h.At(i, j)/float64(b)
				num += d * d
				hv := h.At(i, j) / float64(b)
				den += hv * hv
			}
		}
		r.RelFrobenius = math.Sqrt(num / den)
		r.FloorRel = floorRel
		r.Floor = floorRel * eig.Values[0]
		r.NoiseFloor = floorRel * max(floats.Max(r.CDiag), 0)
		var lx, ly []float64
		for i := 0; i < P; i++ {
			switch {
			case !(eig.Values[i] > r.Floor):
				r.DroppedFlat++
			case !(r.CDiag[i] > r.NoiseFloor):
				r.DroppedSilent++
			default:
				lx = append(lx, math.Log(r.HOverB[i]))
				ly = append(ly, math.Log(r.CDiag[i]))
			}
		}
		r.Used = len(lx)
		if fit, err := stats.LinearFit(lx, ly, nil); err == nil {
			r.LogLog = fit
			r.Corr = stat.Correlation(lx, ly, nil)
		}
		out = append(out, r)
	}
	return out, nil
}

// CoordinateNormality is the normality check of one coordinate of the gradient noise.
type CoordinateNormality struct {
	Lambda    float64 // Hessian eigenvalue of the direction
	Std       float64 // standard deviation of the coordinate
	Skew      float64
	ExKurt    float64 // excess kurtosis (0 for a normal)
	JB, JBP   float64 // Jarque–Bera statistic and its χ²₂ p-value
	KS, KSP   float64 // Kolmogorov–Smirnov distance to N(mean, std²) and its asymptotic p-value
	Quantiles []float64
}

// NoiseNormality is claim C2 (THEORY.md §2.4): per-coordinate normality of the minibatch noise ξ = g_B − ∇L in
// the Hessian eigenbasis, against the pooled histogram of all coordinates (which mixes very different variances
// and so looks heavy-tailed even when every coordinate is Gaussian).
type NoiseNormality struct {
	Batch    int
	Sampling nn.Sampling
	Draws    int
	Coords   []CoordinateNormality // the top-q eigendirections, decreasing λ
	// Pooled statistics of all q coordinates pooled into one sample, each coordinate NOT standardised.
	PooledExKurt, PooledKS, PooledKSP float64
	// Samples[d][c] is draw d projected on direction c (for QQ plots and histograms).
	Samples [][]float64
	// Probs are the probabilities of CoordinateNormality.Quantiles (standardised sample quantiles, to plot
	// against the normal quantiles NormalQuantiles).
	Probs, NormalQuantiles []float64
}

// MeasureNoiseNormality draws `draws` minibatch gradients at θ (seeded: draw d uses rand.NewPCG(seed, d)),
// projects ξ = g_B − ∇L on the top q Hessian eigenvectors and tests each coordinate for normality.
func MeasureNoiseNormality(ls *nn.Landscape, theta []float64, b int, s nn.Sampling, q, draws int, seed uint64) (*NoiseNormality, error) {
	if ls == nil || len(theta) != ls.Dim() {
		return nil, fmt.Errorf("%w: MeasureNoiseNormality needs a landscape and a θ of its dimension", ErrInvalid)
	}
	P, m := ls.Dim(), ls.Samples()
	if q < 1 || q > P || draws < 20 {
		return nil, fmt.Errorf("%w: need 1 ≤ q ≤ %d and at least 20 draws (q = %d, draws = %d)", ErrInvalid, P, q, draws)
	}
	if _, err := nn.NoiseFactor(m, b, s); err != nil {
		return nil, err
	}
	eig, err := ls.TopEigen(theta, q, &nn.LanczosSettings{Seed: seed, Tol: 1e-8})
	if err != nil {
		return nil, err
	}
	g := make([]float64, P)
	ls.Grad(g, theta)
	res := &NoiseNormality{Batch: b, Sampling: s, Draws: draws, Samples: make([][]float64, draws)}
	parallelChunks(draws, workers(), func(lo, hi int) {
		gb := make([]float64, P)
		idx := make([]int, b)
		var perm []int
		if s == nn.WithoutReplacement {
			perm = make([]int, m)
		}
		for d := lo; d < hi; d++ {
			rng := rand.New(rand.NewPCG(seed, uint64(d)))
			for i := range perm {
				perm[i] = i
			}
			drawBatch(idx, perm, m, rng)
			ls.BatchGrad(gb, theta, idx)
			row := make([]float64, q)
			for c := 0; c < q; c++ {
				var v float64
				for p := 0; p < P; p++ {
					v += eig.Vectors.At(p, c) * (gb[p] - g[p])
				}
				row[c] = v
			}
			res.Samples[d] = row
		}
	})
	res.Probs = []float64{0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999}
	res.NormalQuantiles = make([]float64, len(res.Probs))
	for i, p := range res.Probs {
		res.NormalQuantiles[i] = distuv.UnitNormal.Quantile(p)
	}
	col := make([]float64, draws)
	var pooled []float64
	for c := 0; c < q; c++ {
		for d := range col {
			col[d] = res.Samples[d][c]
		}
		pooled = append(pooled, col...)
		cn := normality(col)
		cn.Lambda = eig.Values[c]
		sorted := append([]float64(nil), col...)
		sort.Float64s(sorted)
		mean := stat.Mean(col, nil)
		for _, p := range res.Probs {
			cn.Quantiles = append(cn.Quantiles, (stat.Quantile(p, stat.Empirical, sorted, nil)-mean)/cn.Std)
		}
		res.Coords = append(res.Coords, cn)
	}
	pc := normality(pooled)
	res.PooledExKurt, res.PooledKS, res.PooledKSP = pc.ExKurt, pc.KS, pc.KSP
	return res, nil
}

func normality(x []float64) CoordinateNormality {
	n := float64(len(x))
	mean, std := stat.MeanStdDev(x, nil)
	c := CoordinateNormality{Std: std, Skew: stat.Skew(x, nil), ExKurt: stat.ExKurtosis(x, nil)}
	c.JB = n / 6 * (c.Skew*c.Skew + c.ExKurt*c.ExKurt/4)
	c.JBP = 1 - distuv.ChiSquared{K: 2}.CDF(c.JB)
	sorted := append([]float64(nil), x...)
	sort.Float64s(sorted)
	var d float64
	for i, v := range sorted {
		f := distuv.Normal{Mu: mean, Sigma: std}.CDF(v)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	c.KS = d
	c.KSP = kolmogorovP(d * (math.Sqrt(n) + 0.12 + 0.11/math.Sqrt(n)))
	return c
}

// kolmogorovP is P(K > t) for the Kolmogorov distribution (Stephens' small-sample correction applied by the
// caller). With the mean and variance estimated from the data it is conservative (a Lilliefors test would
// reject more often).
func kolmogorovP(t float64) float64 {
	if t < 0.2 {
		return 1
	}
	var s float64
	for k := 1; k <= 100; k++ {
		term := 2 * math.Exp(-2*float64(k*k)*t*t)
		if k%2 == 0 {
			s -= term
		} else {
			s += term
		}
		if term < 1e-16 {
			break
		}
	}
	return min(max(s, 0), 1)
}
