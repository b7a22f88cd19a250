package noise

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestLossScaledDiffusion checks D(θ) = (η/B)·max(L(θ)+L₀, 0)·[H]⁺ against the formula, frozen and evaluated,
// in 1-D and 2-D, and that a negative loss level gives zero noise, not NaN.
func TestLossScaledDiffusion(t *testing.T) {
	w, err := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	const eta, b, l0 = 0.02, 0.5, 0.04
	frozen, err := NewLossScaled(LossScaledSpec{Landscape: w, B: b, Offset: l0, Hessian: mat.NewSymDense(1, []float64{2})})
	if err != nil {
		t.Fatal(err)
	}
	local, err := NewLossScaled(LossScaledSpec{Landscape: w, B: b, Offset: l0, Floor: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	d := mat.NewSymDense(1, nil)
	for _, x := range []float64{w.Minimum(), 0.1, w.Saddle(), 0.3} {
		frozen.Diffusion(d, []float64{x}, eta)
		want := eta / b * (w.Value(x) + l0) * 2
		if math.Abs(d.At(0, 0)-want) > 1e-15 {
			t.Errorf("frozen D(%g) = %g, want %g", x, d.At(0, 0), want)
		}
		if a := frozen.Amplitude(x, eta); math.Abs(a-math.Sqrt(2*eta*want)) > 1e-15 {
			t.Errorf("Amplitude(%g) = %g, want %g", x, a, math.Sqrt(2*eta*want))
		}
		local.Diffusion(d, []float64{x}, eta)
		want = eta / b * (w.Value(x) + l0) * math.Max(math.Abs(w.Deriv2(x)), 0.3)
		if math.Abs(d.At(0, 0)-want) > 1e-15 {
			t.Errorf("local D(%g) = %g, want %g", x, d.At(0, 0), want)
		}
	}
	neg, err := NewLossScaled(LossScaledSpec{Landscape: w, B: b, Offset: -1})
	if err != nil {
		t.Fatal(err)
	}
	neg.Diffusion(d, []float64{0}, eta)
	if d.At(0, 0) != 0 || neg.Amplitude(0, eta) != 0 {
		t.Errorf("negative loss level: D = %g, amplitude %g; want 0", d.At(0, 0), neg.Amplitude(0, eta))
	}
	// 2-D: the covariance of the kicks is 2η·D(θ), and D is ℓ(θ)·(η/B)·|H(θ)| in the eigenbasis.
	v2, err := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.5, Hc: 1}, 5, 2, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := NewLossScaled(LossScaledSpec{Landscape: v2, B: 2, Offset: 0.1, Floor: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	theta := []float64{0.3, 0.2}
	ref, _ := NewHessianSGD(v2, 2, 0.05)
	d2, r2 := mat.NewSymDense(2, nil), mat.NewSymDense(2, nil)
	m2.Diffusion(d2, theta, 0.1)
	ref.Diffusion(r2, theta, 0.1)
	scale := 2 * (v2.Loss(theta) + 0.1) // (η/B)ℓ|H| = 2ℓ·(η/2B)|H|
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			if want := scale * r2.At(i, j); math.Abs(d2.At(i, j)-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("2-D D[%d,%d] = %g, want %g", i, j, d2.At(i, j), want)
			}
		}
	}
	checkKickCovariance(t, "loss-scaled 2-D", m2, theta, 0.1, 200000)
	fz, err := NewLossScaled(LossScaledSpec{Landscape: v2, B: 2, Offset: 0.1, Hessian: mat.NewSymDense(2, []float64{4, 1, 1, 2})})
	if err != nil {
		t.Fatal(err)
	}
	checkKickCovariance(t, "loss-scaled frozen 2-D", fz, theta, 0.1, 200000)
}

// TestLossScaledDeterministic: the same rng seed gives the same kicks; the 1-D kick is Amplitude·NormFloat64.
func TestLossScaledDeterministic(t *testing.T) {
	m, err := NewLossScaled(LossScaledSpec{Landscape: landscape.Quartic{}, B: 1, Offset: 0.5, Floor: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
	k := []float64{0}
	for i := 0; i < 100; i++ {
		x := -1 + 0.02*float64(i)
		m.Kick(k, []float64{x}, 0.05, r1)
		if want := m.Amplitude(x, 0.05) * r2.NormFloat64(); k[0] != want {
			t.Fatalf("Kick(%g) = %g, want %g", x, k[0], want)
		}
	}
}

func TestLossScaledInvalid(t *testing.T) {
	q := landscape.Quartic{}
	for name, s := range map[string]LossScaledSpec{
		"nil landscape":   {B: 1},
		"zero B":          {Landscape: q},
		"NaN offset":      {Landscape: q, B: 1, Offset: math.NaN()},
		"negative floor":  {Landscape: q, B: 1, Floor: -1},
		"wrong dimension": {Landscape: q, B: 1, Hessian: mat.NewSymDense(2, nil)},
		"not PSD":         {Landscape: q, B: 1, Hessian: mat.NewSymDense(1, []float64{-1})},
		"NaN Hessian":     {Landscape: q, B: 1, Hessian: mat.NewSymDense(1, []float64{math.NaN()})},
	} {
		if _, err := NewLossScaled(s); !errors.Is(err, ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", name, err)
		}
	}
}

// TestHeavyTailedFiniteVariance: for ν = 9 the kicks have covariance 2η·D (checked within 5 standard errors of
// the sample second moments, with the Student-t kurtosis 3 + 6/(ν − 4)), and Diffusion reports D.
func TestHeavyTailedFiniteVariance(t *testing.T) {
	const nu, eta, n = 9.0, 0.1, 400000
	dm := mat.NewSymDense(2, []float64{0.5, 0.2, 0.2, 0.3})
	h, err := NewHeavyTailed(dm, nu)
	if err != nil {
		t.Fatal(err)
	}
	if !h.FiniteVariance() || h.Nu() != nu || h.Dim() != 2 {
		t.Fatalf("FiniteVariance %v, Nu %g, Dim %d", h.FiniteVariance(), h.Nu(), h.Dim())
	}
	got := mat.NewSymDense(2, nil)
	h.Diffusion(got, nil, eta)
	if !mat.Equal(got, dm) {
		t.Errorf("Diffusion = %v, want D", mat.Formatted(got))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	k := make([]float64, 2)
	var s00, s11, s01 float64
	for i := 0; i < n; i++ {
		h.Kick(k, nil, eta, rng)
		s00, s11, s01 = s00+k[0]*k[0], s11+k[1]*k[1], s01+k[0]*k[1]
	}
	kurt := 3 + 6/(nu-4)
	for _, c := range []struct {
		name      string
		got, want float64
		se        float64
	}{
		{"Var x", s00 / n, 2 * eta * 0.5, 2 * eta * 0.5 * math.Sqrt((kurt-1)/n)},
		{"Var y", s11 / n, 2 * eta * 0.3, 2 * eta * 0.3 * math.Sqrt((kurt-1)/n)},
		{"Cov xy", s01 / n, 2 * eta * 0.2, 2 * eta * math.Sqrt(kurt*0.5*0.3/n)},
	} {
		if math.Abs(c.got-c.want) > 5*c.se {
			t.Errorf("%s = %g, want %g ± %g (5 SE)", c.name, c.got, c.want, 5*c.se)
		}
	}
}

// TestHeavyTailedInfiniteVariance: for ν = 1.5 the kicks are sqrt(2ηD)·T with T standard Student-t: the same
// draws as distuv.StudentsT, quartiles matching the t quantile, a tail far heavier than Gaussian, and Diffusion
// still reports the D of the scale (documented), never Inf or NaN.
func TestHeavyTailedInfiniteVariance(t *testing.T) {
	const nu, eta, d = 1.5, 0.02, 0.01
	h, err := NewHeavyTailed(mat.NewSymDense(1, []float64{d}), nu)
	if err != nil {
		t.Fatal(err)
	}
	if h.FiniteVariance() {
		t.Errorf("ν = 1.5 reports finite variance")
	}
	dm := mat.NewSymDense(1, nil)
	h.Diffusion(dm, []float64{0}, eta)
	if dm.At(0, 0) != d {
		t.Errorf("Diffusion = %g, want the scale's D = %g", dm.At(0, 0), d)
	}
	scale := math.Sqrt(2 * eta * d)
	r1, r2 := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu, Src: r2}
	const n = 100000
	abs := make([]float64, n)
	k := []float64{0}
	big := 0
	for i := range abs {
		h.Kick(k, []float64{0}, eta, r1)
		if i < 1000 {
			if want := scale * st.Rand(); math.Abs(k[0]-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("draw %d = %g, distuv.StudentsT gives %g", i, k[0], want)
			}
		}
		abs[i] = math.Abs(k[0]) / scale
		if abs[i] > 10 {
			big++
		}
	}
	sort.Float64s(abs)
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(0.75) // median of |T|
	med := abs[n/2]
	// Sample median of |T|: SE ≈ sqrt(p(1−p)/n)/f_{|T|}(q) with f_{|T|} = 2 f_T.
	se := math.Sqrt(0.25/n) / (2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Prob(q))
	if math.Abs(med-q) > 5*se {
		t.Errorf("median |kick|/scale = %g, Student-t gives %g ± %g", med, q, 5*se)
	}
	// P(|T| > 10) for ν = 1.5 is about 1.8 %; for a Gaussian it is 1.5e-23.
	pWant := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Survival(10)
	pSE := math.Sqrt(pWant * (1 - pWant) / n)
	if p := float64(big) / n; math.Abs(p-pWant) > 5*pSE {
		t.Errorf("P(|kick| > 10 scale) = %g, want %g ± %g", p, pWant, 5*pSE)
	}
}

func TestHeavyTailedInvalid(t *testing.T) {
	one := mat.NewSymDense(1, []float64{1})
	for name, c := range map[string]struct {
		d  mat.Symmetric
		nu float64
	}{
		"ν = 0": {one, 0}, "ν < 0": {one, -1}, "ν NaN": {one, math.NaN()}, "ν Inf": {one, math.Inf(1)},
		"nil D": {nil, 3}, "D not PSD": {mat.NewSymDense(1, []float64{-1}), 3},
		"D NaN": {mat.NewSymDense(1, []float64{math.NaN()}), 3},
	} {
		if _, err := NewHeavyTailed(c.d, c.nu); !errors.Is(err, ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", name, err)
		}
	}
}

// TestFloorKinks checks the crossings |L″| = floor of the quartic (3x² − 1 = ±floor, closed form), the break
// points of a double well, and bad input.
func TestFloorKinks(t *testing.T) {
	const fl = 0.5
	got, err := FloorKinks(landscape.Quartic{}, fl, -2, 2)
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := math.Sqrt((1+fl)/3), math.Sqrt((1-fl)/3)
	want := []float64{-r1, -r2, r2, r1}
	if len(got) != len(want) {
		t.Fatalf("FloorKinks = %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-14 {
			t.Errorf("kink %d = %.17g, want %.17g", i, got[i], want[i])
		}
	}
	w, _ := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.01, Hc: 1, BarrierC: 0.01})
	hess, _ := NewHessianSGD(w, 1, 2)
	k, err := hess.Kinks(w.Minimum()-1, w.Other()+1)
	if err != nil {
		t.Fatal(err)
	}
	// Every reported point is a break point a, b, c of the well or a crossing |L″| = 2 (between a and b, where
	// L″ falls from 4 to −1).
	has := func(x float64) bool {
		for _, y := range k {
			if y == x {
				return true
			}
		}
		return false
	}
	if !has(w.Minimum()) || !has(w.Saddle()) || !has(w.Other()) {
		t.Errorf("Kinks %v miss a break point a, b or c", k)
	}
	for _, x := range k {
		if x != w.Minimum() && x != w.Saddle() && x != w.Other() {
			if d := math.Abs(math.Abs(w.Deriv2(x)) - 2); d > 1e-9 {
				t.Errorf("kink %g: |L″| = %g, want the floor 2", x, math.Abs(w.Deriv2(x)))
			}
		}
	}
	if !sort.Float64sAreSorted(k) {
		t.Errorf("Kinks not sorted: %v", k)
	}
	for name, c := range map[string]struct {
		s          landscape.Scalar
		fl, lo, hi float64
	}{
		"nil": {nil, 1, 0, 1}, "negative floor": {landscape.Quartic{}, -1, 0, 1}, "empty": {landscape.Quartic{}, 1, 1, 1},
		"infinite": {landscape.Quartic{}, 1, 0, math.Inf(1)}, "NaN": {landscape.Quartic{}, 1, math.NaN(), 1},
	} {
		if _, err := FloorKinks(c.s, c.fl, c.lo, c.hi); !errors.Is(err, ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", name, err)
		}
	}
	v2, _ := landscape.NewValleys2D(landscape.DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.5}, 5, 2, 0.5)
	h2, _ := NewHessianSGD(v2, 1, 1)
	if _, err := h2.Kinks(0, 1); !errors.Is(err, ErrParameter) {
		t.Errorf("2-D Kinks: err = %v", err)
	}
}

// TestDiffusionFunc: the function form agrees with Diffusion, and bad input is an error.
func TestDiffusionFunc(t *testing.T) {
	w, _ := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.1})
	h, _ := NewHessianSGD(w, 2, 0.5)
	f, err := DiffusionFunc(h, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{-0.3, w.Minimum(), 0.1, w.Saddle(), 0.5} {
		if want := 0.1 / 4 * math.Max(math.Abs(w.Deriv2(x)), 0.5); math.Abs(f(x)-want) > 1e-15 {
			t.Errorf("D(%g) = %g, want %g", x, f(x), want)
		}
	}
	white2, _ := NewWhite(2, 1)
	for name, c := range map[string]struct {
		m   Model
		eta float64
	}{"nil": {nil, 1}, "2-D": {white2, 1}, "η = 0": {h, 0}, "η NaN": {h, math.NaN()}} {
		if _, err := DiffusionFunc(c.m, c.eta); !errors.Is(err, ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", name, err)
		}
	}
}
