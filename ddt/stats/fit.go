package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Fit is a weighted least-squares straight line y = Intercept + Slope·x.
type Fit struct {
	Slope, Intercept float64
	// SESlope and SEIntercept are the standard errors, from the residual scatter (weights are relative); Cov is
	// the covariance of the slope and intercept estimates.
	SESlope, SEIntercept, Cov float64
	// SESlopeFromWeights and SEInterceptFromWeights treat the weights as exact inverse variances 1/σ² (no
	// rescaling by the residual scatter): SE(b) = 1/√S_xx. Use them when the weights come from known errors
	// (WeightsFromRates) and there are few points; they are meaningless for unweighted fits.
	SESlopeFromWeights, SEInterceptFromWeights float64
	// R2 is the (weighted) coefficient of determination.
	R2 float64
	// ResidualSE is sqrt(ChiSquare/DoF); ChiSquare = Σ w r². When the weights are 1/σ² of each y, ChiSquare
	// should be about DoF.
	ResidualSE, ChiSquare float64
	// N is the number of points with positive weight, DoF = N − 2.
	N, DoF int
	// Weighted is true when weights were given.
	Weighted bool
}

// LinearFit fits y = a + b·x by (weighted) least squares. w may be nil (equal weights); otherwise w[i] ≥ 0 is
// the weight of point i, typically 1/σ_i², and points with zero weight are left out. It needs at least 3 points
// with positive weight and two distinct x, and finite values (ErrInput, ErrDegenerate).
//
//	b = S_xy/S_xx,  a = ȳ − b x̄,  s² = Σ w r²/(n − 2),  SE(b) = s/√S_xx,  SE(a) = s·√(1/Σw + x̄²/S_xx),
//
// with weighted means and sums.
func LinearFit(x, y, w []float64) (Fit, error) {
	if len(x) != len(y) || (w != nil && len(w) != len(x)) {
		return Fit{}, fmt.Errorf("%w: lengths %d (x), %d (y), %d (w)", ErrInput, len(x), len(y), len(w))
	}
	weight := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	var f Fit
	f.Weighted = w != nil
	var sw, sx, sy float64
	for i := range x {
		wi := weight(i)
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return Fit{}, fmt.Errorf("%w: point %d is (%v, %v)", ErrInput, i, x[i], y[i])
		}
		if !(wi >= 0) || math.IsInf(wi, 1) {
			return Fit{}, fmt.Errorf("%w: weight %d = %v, need finite and ≥ 0", ErrInput, i, wi)
		}
		if wi == 0 {
			continue
		}
		f.N++
		sw += wi
		sx += wi * x[i]
		sy += wi * y[i]
	}
	if f.N < 3 {
		return Fit{}, fmt.Errorf("%w: %d points with positive weight, need at least 3", ErrInput, f.N)
	}
	xm, ym := sx/sw, sy/sw
	var sxx, sxy, syy float64
	for i := range x {
		wi := weight(i)
		dx, dy := x[i]-xm, y[i]-ym
		sxx += wi * dx * dx
		sxy += wi * dx * dy
		syy += wi * dy * dy
	}
	if !(sxx > 0) || sxx <= 1e-14*sw*math.Max(xm*xm, 1e-300) {
		return Fit{}, fmt.Errorf("%w: all x equal (%v)", ErrDegenerate, xm)
	}
	f.Slope = sxy / sxx
	f.Intercept = ym - f.Slope*xm
	for i := range x {
		r := y[i] - f.Intercept - f.Slope*x[i]
		f.ChiSquare += weight(i) * r * r
	}
	f.DoF = f.N - 2
	s2 := f.ChiSquare / float64(f.DoF)
	f.ResidualSE = math.Sqrt(s2)
	f.SESlope = math.Sqrt(s2 / sxx)
	f.SEIntercept = math.Sqrt(s2 * (1/sw + xm*xm/sxx))
	f.Cov = -xm * s2 / sxx
	f.SESlopeFromWeights = math.Sqrt(1 / sxx)
	f.SEInterceptFromWeights = math.Sqrt(1/sw + xm*xm/sxx)
	if syy > 0 {
		f.R2 = 1 - f.ChiSquare/syy
	} else {
		f.R2 = 1
	}
	return f, nil
}

// SlopeCI returns the Student-t confidence interval of the slope at the given level (N − 2 degrees of freedom).
func (f Fit) SlopeCI(level float64) (lo, hi float64, err error) {
	return f.ci(f.Slope, f.SESlope, level)
}

// InterceptCI returns the Student-t confidence interval of the intercept.
func (f Fit) InterceptCI(level float64) (lo, hi float64, err error) {
	return f.ci(f.Intercept, f.SEIntercept, level)
}

func (f Fit) ci(v, se, level float64) (float64, float64, error) {
	if err := checkLevel(level); err != nil {
		return math.NaN(), math.NaN(), err
	}
	if f.DoF < 1 {
		return math.NaN(), math.NaN(), fmt.Errorf("%w: fit has %d degrees of freedom", ErrInput, f.DoF)
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(f.DoF)}.Quantile(0.5 + level/2)
	return v - t*se, v + t*se, nil
}

// Predict returns Intercept + Slope·x.
func (f Fit) Predict(x float64) float64 { return f.Intercept + f.Slope*x }

// Predictor is the x of a log τ fit (THEORY.md §5, claims C4–C6).
type Predictor int

const (
	// InverseK fits log τ against 1/k (SGD: the slope is the DDT exponent 2BΔL·s/(ηH_a) at k = 1, plus the
	// prefactor's log k drift).
	InverseK Predictor = iota + 1
	// InverseKCorrected fits log(k·τ) against 1/k: the prefactor 2π/(k|H_be|) of the DDT time is accounted
	// for, so the slope is exactly the exponent's coefficient (2BΔL/η)(s/H_a + (1−s)/|H_b|) at k = 1.
	InverseKCorrected
	// LogK fits log τ against log k (white noise: slope −1).
	LogK
	// Batch fits log τ against the batch size B.
	Batch
	// InverseEta fits log τ against 1/η.
	InverseEta
)

// String returns the fit's axes.
func (p Predictor) String() string {
	switch p {
	case InverseK:
		return "log τ vs 1/k"
	case InverseKCorrected:
		return "log(kτ) vs 1/k"
	case LogK:
		return "log τ vs log k"
	case Batch:
		return "log τ vs B"
	case InverseEta:
		return "log τ vs 1/η"
	}
	return fmt.Sprintf("Predictor(%d)", int(p))
}

// FitLogTau fits log τ (or log kτ for InverseKCorrected) against the transformed knob values. knob values must be
// > 0 (except B, which must only be finite) and τ > 0. w are optional weights for the log τ values, e.g. from
// WeightsFromRates.
func FitLogTau(p Predictor, knob, tau, w []float64) (Fit, error) {
	if len(knob) != len(tau) {
		return Fit{}, fmt.Errorf("%w: %d knob values but %d times", ErrInput, len(knob), len(tau))
	}
	x := make([]float64, len(knob))
	y := make([]float64, len(knob))
	for i, k := range knob {
		if !(tau[i] > 0) || math.IsInf(tau[i], 1) {
			return Fit{}, fmt.Errorf("%w: τ[%d] = %v, need finite and > 0", ErrInput, i, tau[i])
		}
		if p != Batch && !(k > 0) {
			return Fit{}, fmt.Errorf("%w: knob[%d] = %v, need > 0 for %v", ErrInput, i, k, p)
		}
		y[i] = math.Log(tau[i])
		switch p {
		case InverseK, InverseEta:
			x[i] = 1 / k
		case InverseKCorrected:
			x[i] = 1 / k
			y[i] += math.Log(k)
		case LogK:
			x[i] = math.Log(k)
		case Batch:
			x[i] = k
		default:
			return Fit{}, fmt.Errorf("%w: unknown predictor %d", ErrInput, int(p))
		}
	}
	return LinearFit(x, y, w)
}

// FitLogMeanTime is FitLogTau on censored rate estimates: τ̂ = 1/γ̂ for each setting, weighted by
// WeightsFromRates when weighted is true. Every estimate needs at least one escape (ErrNoEscapes).
func FitLogMeanTime(p Predictor, knob []float64, est []RateEstimate, weighted bool) (Fit, error) {
	if len(knob) != len(est) {
		return Fit{}, fmt.Errorf("%w: %d knob values but %d estimates", ErrInput, len(knob), len(est))
	}
	tau := make([]float64, len(est))
	for i, e := range est {
		if e.Escaped == 0 {
			return Fit{}, fmt.Errorf("%w: setting %d (knob %v)", ErrNoEscapes, i, knob[i])
		}
		tau[i] = e.MeanTime
	}
	var w []float64
	if weighted {
		var err error
		if w, err = WeightsFromRates(est); err != nil {
			return Fit{}, err
		}
	}
	return FitLogTau(p, knob, tau, w)
}

// WeightsFromRates returns 1/σ² weights for log τ̂ from the width of each estimate's confidence interval:
// σ = (log MeanUpper − log MeanLower)/(2 z), z the normal quantile of (1 + Level)/2. For Poisson-like counts this
// is close to 1/d, the delta-method variance of log γ̂.
func WeightsFromRates(est []RateEstimate) ([]float64, error) {
	w := make([]float64, len(est))
	for i, e := range est {
		if e.Escaped == 0 || e.OneSided {
			return nil, fmt.Errorf("%w: estimate %d has a one-sided interval", ErrNoEscapes, i)
		}
		if err := checkLevel(e.Level); err != nil {
			return nil, err
		}
		z := distuv.UnitNormal.Quantile(0.5 + e.Level/2)
		s := (math.Log(e.MeanUpper) - math.Log(e.MeanLower)) / (2 * z)
		if !(s > 0) || math.IsInf(s, 1) {
			return nil, fmt.Errorf("%w: estimate %d has interval [%v, %v]", ErrInput, i, e.MeanLower, e.MeanUpper)
		}
		w[i] = 1 / (s * s)
	}
	return w, nil
}
