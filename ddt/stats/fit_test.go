package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Anscombe's quartet, data set I (Anscombe 1973): the textbook regression y = 3.0001 + 0.5001x with
// SE(slope) = 0.1179, SE(intercept) = 1.1247, R² = 0.6665 and 95% slope interval [0.2334, 0.7668] (9 d.o.f.).
var (
	anscombeX = []float64{10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5}
	anscombeY = []float64{8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68}
)

func TestLinearFitTextbook(t *testing.T) {
	f, err := LinearFit(anscombeX, anscombeY, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"slope", f.Slope, 0.5001}, {"intercept", f.Intercept, 3.0001}, {"SE slope", f.SESlope, 0.1179},
		{"SE intercept", f.SEIntercept, 1.1247}, {"R²", f.R2, 0.6665}, {"residual SE", f.ResidualSE, 1.237}} {
		if math.Abs(c.got-c.want) > 6e-4 {
			t.Errorf("%s = %.6f, want %.4f", c.name, c.got, c.want)
		}
	}
	lo, hi, err := f.SlopeCI(0.95)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lo-0.2334) > 2e-4 || math.Abs(hi-0.7668) > 2e-4 {
		t.Errorf("slope CI [%.5f, %.5f], want [0.2334, 0.7668]", lo, hi)
	}
	// Closed forms: slope = Sxy/Sxx; SE = sqrt(s²/Sxx).
	const sxx = 110.0 // Σ(x − 9)²
	sxy := 0.0
	for i, x := range anscombeX {
		sxy += (x - 9) * (anscombeY[i] - 7.500909090909091)
	}
	if math.Abs(f.Slope-sxy/sxx) > 1e-12 || math.Abs(f.SESlope-f.ResidualSE/math.Sqrt(sxx)) > 1e-12 {
		t.Errorf("closed form: slope %v vs %v", f.Slope, sxy/sxx)
	}
}

func TestLinearFitWeights(t *testing.T) {
	// Integer weights equal repeated points (estimates); a common scale of the weights changes nothing.
	w := []float64{1, 2, 1, 3, 1, 1, 2, 1, 1, 2, 1}
	var xr, yr []float64
	for i, wi := range w {
		for range int(wi) {
			xr = append(xr, anscombeX[i])
			yr = append(yr, anscombeY[i])
		}
	}
	fw, err := LinearFit(anscombeX, anscombeY, w)
	if err != nil {
		t.Fatal(err)
	}
	fr, _ := LinearFit(xr, yr, nil)
	if math.Abs(fw.Slope-fr.Slope) > 1e-12 || math.Abs(fw.Intercept-fr.Intercept) > 1e-12 || math.Abs(fw.R2-fr.R2) > 1e-12 {
		t.Errorf("weighted %+v vs repeated %+v", fw, fr)
	}
	w10 := make([]float64, len(w))
	for i := range w {
		w10[i] = 10 * w[i]
	}
	f10, _ := LinearFit(anscombeX, anscombeY, w10)
	if math.Abs(f10.SESlope-fw.SESlope) > 1e-12 || math.Abs(f10.Slope-fw.Slope) > 1e-12 {
		t.Errorf("weight scale changed the fit: %v vs %v", f10.SESlope, fw.SESlope)
	}
	// Zero weight drops a point.
	w0 := make([]float64, 11)
	for i := range w0 {
		w0[i] = 1
	}
	w0[2] = 0
	f0, _ := LinearFit(anscombeX, anscombeY, w0)
	fd, _ := LinearFit(append(append([]float64{}, anscombeX[:2]...), anscombeX[3:]...),
		append(append([]float64{}, anscombeY[:2]...), anscombeY[3:]...), nil)
	if math.Abs(f0.Slope-fd.Slope) > 1e-12 || f0.N != 10 || math.Abs(f0.SESlope-fd.SESlope) > 1e-12 {
		t.Errorf("zero weight: %+v vs %+v", f0, fd)
	}
}

// The slope's standard error is calibrated: over seeded synthetic data sets the 95% t interval covers the true
// slope 93–97% of the time.
func TestLinearFitCoverage(t *testing.T) {
	const reps = 2000
	x := []float64{0, 1, 2, 3, 4, 5}
	y := make([]float64, len(x))
	hit := 0
	for r := range reps {
		rng := rand.New(rand.NewPCG(99, uint64(r)))
		for i := range x {
			y[i] = 1 + 2*x[i] + 0.5*rng.NormFloat64()
		}
		f, err := LinearFit(x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, _ := f.SlopeCI(0.95)
		if lo <= 2 && 2 <= hi {
			hit++
		}
	}
	c := float64(hit) / reps
	t.Logf("slope 95%% CI coverage: %.4f", c)
	if c < 0.93 || c > 0.97 {
		t.Errorf("coverage %.4f", c)
	}
}

func TestFitLogTau(t *testing.T) {
	// τ = 3·e^{c/k}/k exactly: the corrected 1/k fit recovers c with zero error; log k fit of τ = 5/k gives −1.
	const c = 7.5
	k := []float64{0.5, 1, 1.5, 2, 3}
	tau := make([]float64, len(k))
	white := make([]float64, len(k))
	for i, v := range k {
		tau[i] = 3 * math.Exp(c/v) / v
		white[i] = 5 / v
	}
	f, err := FitLogTau(InverseKCorrected, k, tau, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Slope-c) > 1e-10 || math.Abs(f.Intercept-math.Log(3)) > 1e-10 || f.SESlope > 1e-8 {
		t.Errorf("corrected 1/k fit: %+v", f)
	}
	g, _ := FitLogTau(LogK, k, white, nil)
	if math.Abs(g.Slope+1) > 1e-12 {
		t.Errorf("log k slope %v", g.Slope)
	}
	// Batch and 1/η: log τ = 2 + 0.3·B, log τ = 1 + 4/η.
	b := []float64{2, 4, 8, 16}
	eta := []float64{0.5, 0.25, 0.1, 0.05}
	tb := make([]float64, 4)
	te := make([]float64, 4)
	for i := range b {
		tb[i] = math.Exp(2 + 0.3*b[i])
		te[i] = math.Exp(1 + 4/eta[i])
	}
	if f, _ := FitLogTau(Batch, b, tb, nil); math.Abs(f.Slope-0.3) > 1e-12 {
		t.Errorf("B slope %v", f.Slope)
	}
	if f, _ := FitLogTau(InverseEta, eta, te, nil); math.Abs(f.Slope-4) > 1e-10 {
		t.Errorf("1/η slope %v", f.Slope)
	}
}

// Fitting censored rate estimates with CI weights recovers the slope of log τ on B within its error.
func TestFitLogMeanTime(t *testing.T) {
	b := []float64{1, 2, 3, 4, 5}
	est := make([]RateEstimate, len(b))
	for i, bi := range b {
		gamma := math.Exp(-(0.5 + 0.8*bi))
		rng := rand.New(rand.NewPCG(3, uint64(i)))
		times, esc := censoredSample(rng, 400, gamma, 2/gamma)
		r, err := EstimateRate(times, esc, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		est[i] = r
	}
	f, err := FitLogMeanTime(Batch, b, est, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("slope %.4f ± %.4f (residual) ± %.4f (from weights) (true 0.8), χ² = %.2f on %d d.o.f.", f.Slope,
		f.SESlope, f.SESlopeFromWeights, f.ChiSquare, f.DoF)
	if math.Abs(f.Slope-0.8) > 3*f.SESlopeFromWeights || f.SESlopeFromWeights > 0.05 {
		t.Errorf("slope %v ± %v", f.Slope, f.SESlope)
	}
	w, _ := WeightsFromRates(est[:1])
	if d := float64(est[0].Escaped); math.Abs(w[0]/d-1) > 0.1 {
		t.Errorf("CI weight %v vs escapes %v", w[0], d)
	}
	est[2].Escaped, est[2].OneSided = 0, true
	if _, err := FitLogMeanTime(Batch, b, est, true); !errors.Is(err, ErrNoEscapes) {
		t.Errorf("no escapes: %v", err)
	}
}

func TestLinearFitErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		x, y, w []float64
		want    error
	}{
		"two points":   {[]float64{1, 2}, []float64{1, 2}, nil, ErrInput},
		"mismatch":     {[]float64{1, 2, 3}, []float64{1, 2}, nil, ErrInput},
		"weights len":  {[]float64{1, 2, 3}, []float64{1, 2, 3}, []float64{1, 1}, ErrInput},
		"NaN":          {[]float64{1, 2, math.NaN()}, []float64{1, 2, 3}, nil, ErrInput},
		"Inf y":        {[]float64{1, 2, 3}, []float64{1, math.Inf(1), 3}, nil, ErrInput},
		"negative w":   {[]float64{1, 2, 3}, []float64{1, 2, 3}, []float64{1, -1, 1}, ErrInput},
		"zero weights": {[]float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}, []float64{1, 0, 0, 1}, ErrInput},
		"all x equal":  {[]float64{2, 2, 2}, []float64{1, 2, 3}, nil, ErrDegenerate},
	} {
		if _, err := LinearFit(tc.x, tc.y, tc.w); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", name, err, tc.want)
		}
	}
	if _, err := FitLogTau(LogK, []float64{1, 0, 2}, []float64{1, 2, 3}, nil); !errors.Is(err, ErrInput) {
		t.Errorf("k = 0: %v", err)
	}
	if _, err := FitLogTau(Batch, []float64{1, 2, 3}, []float64{1, 0, 3}, nil); !errors.Is(err, ErrInput) {
		t.Errorf("τ = 0: %v", err)
	}
	f, _ := LinearFit(anscombeX, anscombeY, nil)
	if _, _, err := f.SlopeCI(1.5); !errors.Is(err, ErrLevel) {
		t.Errorf("level: %v", err)
	}
}
