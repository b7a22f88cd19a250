package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestHillIndexExact: |x| = 8, 4, 2, 1, 0.5 are powers of 2, so the log-excesses are multiples of ln 2. k = 1:
// H = ln 2; k = 3: H = (3 + 2 + 1)ln 2/3 = 2 ln 2; k = 4: H = (4 + 3 + 2 + 1)ln 2/4 = 2.5 ln 2. α̂ = 1/H, SE = α̂/√k.
// Signs and order do not matter, nor a scale of 1e±300 (the logs are differenced, not the ratio taken).
func TestHillIndexExact(t *testing.T) {
	x := []float64{-8, 0.5, 2, -1, 4}
	for _, c := range []struct {
		k         int
		h, thresh float64
	}{{1, 1, 4}, {3, 2, 1}, {4, 2.5, 0.5}} {
		want := 1 / (c.h * math.Ln2)
		for _, scale := range []float64{1, 1e300, -1e-300} {
			xs := make([]float64, len(x))
			for i, v := range x {
				xs[i] = v * scale
			}
			got, err := HillIndex(xs, c.k)
			if err != nil {
				t.Fatalf("k = %d, scale %g: %v", c.k, scale, err)
			}
			if math.Abs(got.Alpha/want-1) > 1e-13 || math.Abs(got.SE/(want/math.Sqrt(float64(c.k)))-1) > 1e-13 ||
				got.K != c.k || got.N != 5 || math.Abs(got.Threshold/(c.thresh*math.Abs(scale))-1) > 1e-15 {
				t.Errorf("k = %d, scale %g: %+v, want α = %.15g, SE = α/√k, threshold %g", c.k, scale, got, want, c.thresh)
			}
		}
	}
}

// pareto draws n values ±U^{−1/α}: |X| is Pareto with P(|X| > x) = x^{−α}, x ≥ 1, random sign.
func pareto(rng *rand.Rand, n int, alpha float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Pow(1-rng.Float64(), -1/alpha)
		if rng.IntN(2) == 0 {
			x[i] = -x[i]
		}
	}
	return x
}

// TestHillIndexPareto: on an exact Pareto tail the estimate recovers α = 1.5 and 3 within 3 standard errors
// (α/√k), and each is more than 3 SE from the other α.
func TestHillIndexPareto(t *testing.T) {
	rng := rand.New(rand.NewPCG(20210102, 1))
	for _, c := range []struct{ alpha, other float64 }{{1.5, 3}, {3, 1.5}} {
		h, err := HillIndex(pareto(rng, 20000, c.alpha), 2000)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(h.Alpha-c.alpha) > 3*h.SE || math.Abs(h.Alpha-c.other) < 3*h.SE {
			t.Errorf("Pareto α = %g: α̂ = %.4f ± %.4f, want within 3 SE of %g and not of %g", c.alpha, h.Alpha, h.SE, c.alpha, c.other)
		}
	}
}

// TestHillIndexParetoExactLaw: given the threshold, k·H is Gamma(k, rate α) on a Pareto sample, so α̂ is
// inverse-gamma with E α̂ = α k/(k−1) and Var α̂ = α²k²/((k−1)²(k−2)) exactly. With k = 20 the bias α/19 is
// about 10 standard errors of the mean over 2000 replicates: the test sees it, and would fail without it.
func TestHillIndexParetoExactLaw(t *testing.T) {
	const alpha, n, k = 1.5, 50, 20
	reps := 2000
	if testing.Short() {
		reps = 1000
	}
	rng := rand.New(rand.NewPCG(7, 11))
	a := make([]float64, reps)
	for r := range a {
		h, err := HillIndex(pareto(rng, n, alpha), k)
		if err != nil {
			t.Fatal(err)
		}
		a[r] = h.Alpha
	}
	mean, variance := stat.MeanVariance(a, nil)
	wantMean := alpha * k / (k - 1.0)
	wantVar := alpha * alpha * k * k / ((k - 1.0) * (k - 1.0) * (k - 2.0))
	if se := math.Sqrt(wantVar / float64(reps)); math.Abs(mean-wantMean) > 4*se || math.Abs(mean-alpha) < 4*se {
		t.Errorf("mean α̂ = %.4f, want α k/(k−1) = %.4f ± %.4f (4 SE), distinguishable from α = %g", mean, wantMean, 4*se, alpha)
	}
	// Inverse gamma with shape a = k: excess kurtosis 6(5a − 11)/((a − 3)(a − 4)); the sample variance has relative
	// standard error √((κ − 1)/reps) with κ the kurtosis.
	ex := 6 * (5*k - 11.0) / ((k - 3.0) * (k - 4.0))
	if rel := math.Sqrt((ex + 2) / float64(reps)); math.Abs(variance/wantVar-1) > 4*rel {
		t.Errorf("Var α̂ = %.5f, want %.5f within %.0f%%", variance, wantVar, 400*rel)
	}
}

// TestHillIndexGaussian: Gaussian data have no finite tail index; α̂ tends to ScaleMixtureHillLimit({1}, k/n)
// (4.72 at k/n = 0.1, 9.00 at 0.01), well above 2, and grows as k/n shrinks.
func TestHillIndexGaussian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	n := 100000
	x := make([]float64, n)
	for i := range x {
		x[i] = 3 * rng.NormFloat64()
	}
	var prev TailIndex
	for _, frac := range []float64{0.1, 0.01} {
		k := int(frac * float64(n))
		h, err := HillIndex(x, k)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ScaleMixtureHillLimit([]float64{1}, frac)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(h.Alpha-want) > 4*h.SE || h.Alpha-2 < 10*h.SE {
			t.Errorf("Gaussian, k/n = %g: α̂ = %.3f ± %.3f, want %.3f within 4 SE and far above 2", frac, h.Alpha, h.SE, want)
		}
		if prev.K > 0 && h.Alpha-prev.Alpha < 3*math.Hypot(h.SE, prev.SE) {
			t.Errorf("α̂ = %.3f at k = %d is not clearly above %.3f at k = %d", h.Alpha, h.K, prev.Alpha, prev.K)
		}
		prev = h
	}
}

func TestHillIndexBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		x    []float64
		k    int
		want error
	}{
		"empty":          {nil, 1, ErrInput},
		"one value":      {[]float64{1}, 1, ErrInput},
		"k = 0":          {[]float64{1, 2, 3}, 0, ErrInput},
		"k = n":          {[]float64{1, 2, 3}, 3, ErrInput},
		"k < 0":          {[]float64{1, 2, 3}, -1, ErrInput},
		"NaN":            {[]float64{1, math.NaN(), 3}, 1, ErrInput},
		"Inf":            {[]float64{1, math.Inf(-1), 3}, 1, ErrInput},
		"zero threshold": {[]float64{3, -2, 0, 0}, 2, ErrInput},
		"ties":           {[]float64{5, -5, 5, 1}, 2, ErrDegenerate},
	} {
		h, err := HillIndex(c.x, c.k)
		if !errors.Is(err, c.want) || h != (TailIndex{}) {
			t.Errorf("%s: %+v, %v; want %v", name, h, err, c.want)
		}
	}
}

// hillLimitDirect is α_∞ by another route: composite Simpson in x of the density form
// E[ln(|X|/u); |X| > u] = ∫_u^∞ ln(x/u) (1/n)Σᵢ 2φ(x/σᵢ)/σᵢ dx, with u from the single-Gaussian quantile when n = 1.
func hillLimitDirect(sd []float64, u, frac float64) float64 {
	hi := u + 40*sd[0]
	m := 400000
	w := (hi - u) / float64(m)
	f := func(x float64) float64 {
		var d float64
		for _, s := range sd {
			d += 2 * distuv.UnitNormal.Prob(x/s) / s
		}
		return math.Log(x/u) * d / float64(len(sd))
	}
	sum := f(u) + f(hi)
	for i := 1; i < m; i++ {
		c := 2.0
		if i%2 == 1 {
			c = 4
		}
		sum += c * f(u+float64(i)*w)
	}
	return frac / (sum * w / 3)
}

// TestScaleMixtureHillLimitExact checks the quadrature against a direct Simpson integration of the density, the
// asymptote u² + 3 + O(1/u²) far in the Gaussian tail, and three exact identities: equal σ give one Gaussian,
// a common scale changes nothing, and a σ = 0 half (a point mass at 0) at frac f is one Gaussian at 2f.
func TestScaleMixtureHillLimitExact(t *testing.T) {
	for _, frac := range []float64{0.5, 0.1, 0.01} {
		got, err := ScaleMixtureHillLimit([]float64{1}, frac)
		u := -distuv.UnitNormal.Quantile(frac / 2)
		if want := hillLimitDirect([]float64{1}, u, frac); err != nil || math.Abs(got/want-1) > 1e-11 {
			t.Errorf("Gaussian, frac %g: %.12g (%v), direct quadrature %.12g", frac, got, err, want)
		}
	}
	// Two scales: u solves (erfc(u/√2) + erfc(u/(0.1·√2)))/2 = frac, here for u = 1.5 exactly.
	sd := []float64{1, 0.1}
	u := 1.5
	frac := (math.Erfc(u/math.Sqrt2) + math.Erfc(u/(0.1*math.Sqrt2))) / 2
	got, err := ScaleMixtureHillLimit(sd, frac)
	if want := hillLimitDirect(sd, u, frac); err != nil || math.Abs(got/want-1) > 1e-11 {
		t.Errorf("σ = %v at u = %g: %.12g (%v), direct quadrature %.12g", sd, u, got, err, want)
	}
	g, _ := ScaleMixtureHillLimit([]float64{1}, 1e-100)
	if u := -distuv.UnitNormal.Quantile(0.5e-100); math.Abs(g-u*u-3) > 0.05 {
		t.Errorf("frac 1e-100: α − u² = %.4f, want 3 + O(1/u²) = 3 ± 0.05 (u² = %.1f)", g-u*u, u*u)
	}
	for _, frac := range []float64{0.3, 0.02} {
		one, err1 := ScaleMixtureHillLimit([]float64{1}, frac)
		eq, err2 := ScaleMixtureHillLimit([]float64{0.2, 0.2, 0.2}, frac)
		scaled, err3 := ScaleMixtureHillLimit([]float64{3e5, 2e4, 1e3}, frac)
		base, err4 := ScaleMixtureHillLimit([]float64{3, 0.2, 0.01}, frac)
		half, err5 := ScaleMixtureHillLimit([]float64{1, 0}, frac/2)
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			t.Fatal(err)
		}
		if math.Abs(eq/one-1) > 1e-12 || math.Abs(scaled/base-1) > 1e-12 || math.Abs(half/one-1) > 1e-12 {
			t.Errorf("frac %g: one Gaussian %.14g, equal σ %.14g, half point mass %.14g; scaled %.14g vs %.14g", frac, one, eq, half, scaled, base)
		}
	}
}

// TestScaleMixtureHillLimitSimulation: 50 exactly Gaussian coordinates with standard deviations log-uniform
// over 3 decades, pooled. HillIndex on the pool matches the predicted limit (1.62 at k/n = 0.1) within 4 SE
// and is below 2 by more than 3 SE, although the variance is finite; one coordinate alone gives the Gaussian
// value 4.72.
func TestScaleMixtureHillLimitSimulation(t *testing.T) {
	const coords = 50
	draws := 2000
	if testing.Short() {
		draws = 1000
	}
	sd := make([]float64, coords)
	for i := range sd {
		sd[i] = math.Pow(10, -3*float64(i)/(coords-1))
	}
	rng := rand.New(rand.NewPCG(11, 13))
	pooled := make([]float64, 0, coords*draws)
	first := make([]float64, draws)
	for d := range draws {
		for i, s := range sd {
			v := s * rng.NormFloat64()
			pooled = append(pooled, v)
			if i == 0 {
				first[d] = v
			}
		}
	}
	const frac = 0.1
	for _, c := range []struct {
		name string
		x    []float64
		sd   []float64
	}{{"pooled", pooled, sd}, {"one coordinate", first, []float64{1}}} {
		h, err := HillIndex(c.x, int(frac*float64(len(c.x))))
		if err != nil {
			t.Fatal(err)
		}
		want, err := ScaleMixtureHillLimit(c.sd, frac)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(h.Alpha-want) > 4*h.SE {
			t.Errorf("%s: α̂ = %.3f ± %.3f, want %.3f within 4 SE", c.name, h.Alpha, h.SE, want)
		}
		if c.name == "pooled" && 2-h.Alpha < 3*h.SE {
			t.Errorf("pooled: α̂ = %.3f ± %.3f, want below 2 by 3 SE", h.Alpha, h.SE)
		}
	}
}

func TestScaleMixtureHillLimitBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		sd   []float64
		frac float64
	}{
		"empty": {nil, 0.1}, "negative σ": {[]float64{1, -1}, 0.1}, "NaN σ": {[]float64{math.NaN()}, 0.1},
		"Inf σ": {[]float64{math.Inf(1)}, 0.1}, "all zero": {[]float64{0, 0}, 0.1}, "frac 0": {[]float64{1}, 0},
		"frac 1": {[]float64{1}, 1}, "frac NaN": {[]float64{1}, math.NaN()}, "frac < 0": {[]float64{1}, -0.1},
		"frac tiny": {[]float64{1}, 1e-310}, "frac above nonzero share": {[]float64{1, 0}, 0.5},
	} {
		if a, err := ScaleMixtureHillLimit(c.sd, c.frac); !errors.Is(err, ErrInput) || a != 0 {
			t.Errorf("%s: %v, %v; want ErrInput", name, a, err)
		}
	}
}
