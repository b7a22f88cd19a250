package experiment

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/stats"
	"github.com/densitydiffusion/toolkit/ddt/theory"
)

// sgdEscapeWell is notebook 05's double well: H_a = 2, |H_b| = 1, ΔL = 0.05 (max |L″| = H_a on [a − 2, c + 2]).
var sgdEscapeWell = landscape.DoubleWellSpec{Ha: 2, Hb: 1, Barrier: 0.05}

// notebook05Sweep is notebook 05's sweep with the four smallest B of each model (the cheapest escapes).
func notebook05Sweep() SGDEscapeSweep {
	runs := 200
	if testing.Short() || raceEnabled {
		runs = 40
	}
	return SGDEscapeSweep{Well: sgdEscapeWell, Eta: 0.02, Floor: 0.5, FrozenBatches: []float64{1, 1.25, 1.5, 1.75},
		FlooredBatches: []float64{0.4, 0.45, 0.5, 0.55}, Runs: runs, Seed: 20210105, Level: 0.99}
}

// itoMFPT is an independent quadrature of the Itô mean first-passage time from start to absorb, reflecting at
// left: τ = ∫_start^absorb e^{φ(y)} ∫_left^y e^{−φ(z)}/D(z) dz dy with φ' = L'/D, by cumulative trapezoids on n
// cells (no adaptivity, no break points: the kinks of D cost O(h²) each).
func itoMFPT(grad, diff func(float64) float64, left, start, absorb float64, n int) float64 {
	h := (absorb - left) / float64(n)
	x := func(i int) float64 { return left + float64(i)*h }
	phi := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		phi[i] = phi[i-1] + h/2*(grad(x(i-1))/diff(x(i-1))+grad(x(i))/diff(x(i)))
	}
	i0 := int(math.Round((start - left) / h))
	shift := phi[i0] // φ(start) = 0 keeps every exponential in range
	inner, tau := 0.0, 0.0
	prevInner, prevOuter := 0.0, 0.0
	for i := 0; i <= n; i++ {
		g := math.Exp(-(phi[i] - shift)) / diff(x(i))
		if i > 0 {
			inner += h / 2 * (prevInner + g)
		}
		prevInner = g
		outer := math.Exp(phi[i]-shift) * inner
		if i > i0 {
			tau += h / 2 * (prevOuter + outer)
		}
		prevOuter = outer
	}
	return tau
}

// pathIntegral is an independent trapezoid quadrature of ∫_a^b L'/D dθ.
func pathIntegral(grad, diff func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	f := func(x float64) float64 { return grad(x) / diff(x) }
	s := (f(a) + f(b)) / 2
	for i := 1; i < n; i++ {
		s += f(a + float64(i)*h)
	}
	return s * h
}

// TestSGDEscapeSweepAgainstExact checks every exact number of the sweep against a closed form or an independent
// quadrature, and the Monte Carlo against the exact MFPT:
//   - frozen noise: s = 1 and ∫L'/D = 2BΔL/(ηH_a) (closed form, 1e-9); both Laplace times equal Kramers'
//     ln(2π/√(H_a|H_b|)) + ΔL/D (1e-9);
//   - floored Hessian noise: s and ∫L'/D against a trapezoid quadrature (1e-6), s the same at every B (1e-9), and
//     PredictedSlope = 2(s + (1−s)H_a/|H_b|);
//   - both: the exact Itô MFPT against the trapezoid double integral itoMFPT (relative 1e-5);
//   - Monte Carlo: the exact MFPT inside the 99 % interval at ≥ 7 of 8 points (with correct code this fails with
//     probability ≈ 0.003), and the Monte Carlo slope of ln τ̂ in BΔL/(ηH_a) within 4 standard errors (from the
//     rates' intervals) of the slope of the exact values, which is itself within 10 % of DDT's slope;
//   - same seed, same points.
func TestSGDEscapeSweepAgainstExact(t *testing.T) {
	s := notebook05Sweep()
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := w.Minimum(), w.Saddle(), w.Other()
	ha, hb, dl := s.Well.Ha, s.Well.Hb, s.Well.Barrier
	if len(r.Points) != 8 || len(r.Model(FrozenNoise)) != 4 || len(r.Model(FlooredHessianNoise)) != 4 {
		t.Fatalf("%d points, want 4 per model in order", len(r.Points))
	}
	floored := func(bs float64) func(float64) float64 {
		return func(x float64) float64 { return s.Eta / (2 * bs) * math.Max(math.Abs(w.Deriv2(x)), s.Floor) }
	}
	var sFloored float64
	cells := 400000 // trapezoid cells of the independent quadratures (100000 keeps them within 1e-5 too)
	if testing.Short() || raceEnabled {
		cells = 100000
	}
	for _, p := range r.Points {
		if want := p.B * dl / (s.Eta * ha); math.Abs(p.X/want-1) > 1e-12 {
			t.Errorf("%v B = %g: X = %g, want BΔL/(ηH_a) = %g", p.Model, p.B, p.X, want)
		}
		var diff func(float64) float64
		switch p.Model {
		case FrozenNoise:
			d := s.Eta * ha / (2 * p.B)
			diff = func(float64) float64 { return d }
			kramers := math.Log(2*math.Pi/math.Sqrt(ha*hb)) + dl/d
			if math.Abs(p.S-1) > 1e-9 || math.Abs(p.Exponent/(2*p.B*dl/(s.Eta*ha))-1) > 1e-9 ||
				math.Abs(p.LogLaplaceIto-kramers) > 1e-9 || math.Abs(p.LogLaplaceIso-kramers) > 1e-9 {
				t.Errorf("frozen B = %g: s = %.12f (want 1), exponent %.12f (want %.12f), Laplace %.12f / %.12f (want Kramers %.12f)",
					p.B, p.S, p.Exponent, 2*p.B*dl/(s.Eta*ha), p.LogLaplaceIto, p.LogLaplaceIso, kramers)
			}
		case FlooredHessianNoise:
			diff = floored(p.B)
			integral := pathIntegral(w.Deriv, diff, a, b, cells/2)
			sq := (s.Eta/(2*p.B*dl)*integral - 1/hb) / (1/ha - 1/hb)
			if math.Abs(p.Exponent/integral-1) > 1e-6 || math.Abs(p.S-sq) > 1e-6 {
				t.Errorf("floored B = %g: s = %.9f, exponent %.9f; trapezoid s = %.9f, exponent %.9f", p.B, p.S, p.Exponent, sq, integral)
			}
			if sFloored == 0 {
				sFloored = p.S
			} else if math.Abs(p.S-sFloored) > 1e-9 {
				t.Errorf("floored B = %g: s = %.12f differs from %.12f at the first B (s cannot depend on B)", p.B, p.S, sFloored)
			}
		}
		if tau := itoMFPT(w.Deriv, diff, a-2, a, c, cells); math.Abs(math.Exp(p.LogExact)/tau-1) > 1e-5 {
			t.Errorf("%v B = %g: exact τ = %.8g, trapezoid Itô MFPT %.8g", p.Model, p.B, math.Exp(p.LogExact), tau)
		}
		t.Logf("%-15v B = %-4g s = %6.3f exponent %.3f τ exact %7.1f MC %7.1f [%7.1f, %7.1f]", p.Model, p.B, p.S, p.Exponent,
			math.Exp(p.LogExact), p.Rate.MeanTime, p.Rate.MeanLower, p.Rate.MeanUpper)
	}
	// below: the Monte Carlo is unbiased for the Itô MFPT here (η·H_a = 0.04), so below ~ Binomial(8, ≈ ½): 0 or
	// 8 has probability 2/256; the count is checked against a recount of the logged points.
	recount := 0
	for _, p := range r.Points {
		if p.Rate.MeanTime < math.Exp(p.LogExact) {
			recount++
		}
	}
	if in, below, n := r.ExactInside(); n != 8 || in < 7 || below != recount || below < 1 || below > 7 {
		t.Errorf("exact MFPT inside the 99%% interval at %d of %d points (want ≥ 7 of 8), MC below exact at %d "+
			"(recount %d; want 1 to 7: no systematic bias)", in, n, below, recount)
	}
	for _, m := range []SGDNoiseModel{FrozenNoise, FlooredHessianNoise} {
		fit, err := r.Slope(m)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := r.PredictedSlope(m)
		if err != nil {
			t.Fatal(err)
		}
		var x, y []float64
		var est []stats.RateEstimate
		for _, p := range r.Model(m) {
			x, y, est = append(x, p.X), append(y, p.LogExact), append(est, p.Rate)
		}
		wts, err := stats.WeightsFromRates(est)
		if err != nil {
			t.Fatal(err)
		}
		wf, err := stats.LinearFit(x, y, wts)
		if err != nil {
			t.Fatal(err)
		}
		exactSlope, se := slopeOf(x, y), wf.SESlopeFromWeights
		wantPred := 2 * (sFloored + (1-sFloored)*ha/hb)
		if m == FrozenNoise {
			wantPred = 2
		}
		if math.Abs(pred-wantPred) > 1e-8 || math.Abs(exactSlope/pred-1) > 0.1 || math.Abs(fit.Slope-exactSlope) > 4*se {
			t.Errorf("%v: Monte Carlo slope %.3f ± %.3f, exact %.3f, DDT %.3f (want %.3f): want MC within 4 SE of exact, exact within 10%% of DDT",
				m, fit.Slope, se, exactSlope, pred, wantPred)
		}
		t.Logf("%v: slope MC %.3f ± %.3f (OLS SE %.3f), exact %.3f, DDT %.3f", m, fit.Slope, se, fit.SESlope, exactSlope, pred)
	}
	// Same seed, same numbers.
	s.FrozenBatches, s.FlooredBatches = s.FrozenBatches[:1], s.FlooredBatches[:1]
	again, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Points[0], r.Points[0]) || !reflect.DeepEqual(again.Points[1], r.Points[4]) {
		t.Errorf("a second run with the same seed differs: %+v vs %+v", again.Points[1], r.Points[4])
	}
}

// TestSGDEscapeSweepFloorAboveCurvature: a floor above max |L″| = H_a makes the "floored Hessian" noise constant,
// D = ηε/2B, where everything has a closed form: ∫L'/D = 2BΔL/(ηε), s = (1/ε − 1/|H_b|)/(1/H_a − 1/|H_b|) (here
// 1.5: noise stronger than frozen noise puts s above 1), and Laplace = Kramers in both conventions.
func TestSGDEscapeSweepFloorAboveCurvature(t *testing.T) {
	const eps = 4.0
	s := SGDEscapeSweep{Well: sgdEscapeWell, Eta: 0.02, Floor: eps, FlooredBatches: []float64{1, 2, 4}}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ha, hb, dl := s.Well.Ha, s.Well.Hb, s.Well.Barrier
	wantS := (1/eps - 1/hb) / (1/ha - 1/hb)
	for _, p := range r.Points {
		d := s.Eta * eps / (2 * p.B)
		kramers := math.Log(2*math.Pi/math.Sqrt(ha*hb)) + dl/d
		if math.Abs(p.S-wantS) > 1e-9 || math.Abs(p.Exponent/(dl/d)-1) > 1e-9 || math.Abs(p.LogLaplaceIto-kramers) > 1e-9 ||
			math.Abs(p.LogLaplaceIso-kramers) > 1e-9 || p.Rate.N != 0 {
			t.Errorf("B = %g: s = %.12f (want %.12f), exponent %.12f (want %.12f), Laplace %.12f / %.12f (want %.12f), %d runs (want none)",
				p.B, p.S, wantS, p.Exponent, dl/d, p.LogLaplaceIto, p.LogLaplaceIso, kramers, p.Rate.N)
		}
	}
	if pred, err := r.PredictedSlope(FlooredHessianNoise); err != nil || math.Abs(pred-2*(wantS+(1-wantS)*ha/hb)) > 1e-8 {
		t.Errorf("predicted slope %v (%v), want %v", pred, err, 2*(wantS+(1-wantS)*ha/hb))
	}
	// Without Monte Carlo there is no slope to fit: say so.
	if _, err := r.Slope(FlooredHessianNoise); !errors.Is(err, ErrTooFewEscapes) {
		t.Errorf("slope without runs: %v, want ErrTooFewEscapes", err)
	}
}

// TestSGDEscapeVerdict reads hand-made results whose Monte Carlo times lie exactly on lines of chosen slopes.
func TestSGDEscapeVerdict(t *testing.T) {
	sw := SGDEscapeSweep{Well: sgdEscapeWell}
	mk := func(slopeFrozen, slopeFloored float64) *SGDEscapeResult {
		r := &SGDEscapeResult{Sweep: sw}
		for i := 0; i < 4; i++ {
			x := 1 + 0.25*float64(i)
			r.Points = append(r.Points, SGDEscapePoint{Model: FrozenNoise, X: x, S: 1, Rate: stats.RateEstimate{MeanTime: math.Exp(slopeFrozen * x)}},
				SGDEscapePoint{Model: FlooredHessianNoise, X: x, S: 0.5, Rate: stats.RateEstimate{MeanTime: math.Exp(slopeFloored * x)}})
		}
		return r
	}
	// DDT: frozen 2, floored 2(0.5 + 0.5·2) = 3.
	for _, c := range []struct {
		frozen, floored float64
		want            string
	}{{2.1, 2.9, "reproduced (linear law)"}, {2.1, 4, "partly reproduced"}, {1, 3, "partly reproduced"}, {1, 4, "not reproduced"}} {
		r := mk(c.frozen, c.floored)
		if f, err := r.Slope(FrozenNoise); err != nil || math.Abs(f.Slope-c.frozen) > 1e-9 {
			t.Errorf("slope %v (%v), want %v", f.Slope, err, c.frozen)
		}
		if v, err := r.Verdict(0.1); err != nil || v != c.want {
			t.Errorf("slopes %v, %v: verdict %q (%v), want %q", c.frozen, c.floored, v, err, c.want)
		}
	}
	if _, err := (&SGDEscapeResult{Sweep: sw}).Verdict(0.1); err == nil {
		t.Error("a verdict without points gave no error")
	}
	if _, err := (&SGDEscapeResult{Sweep: sw}).PredictedSlope(FrozenNoise); err == nil {
		t.Error("a predicted slope without points gave no error")
	}
	// ExactInside skips points without runs: of an exact-only point (τ̂ = 0 would count as below), one inside
	// (exact 100 in [80, 120], τ̂ 90: below) and one outside (exact 100, τ̂ 150 in [130, 170]) it counts 1, 1, 2.
	pts := &SGDEscapeResult{Points: []SGDEscapePoint{{LogExact: math.Log(100)},
		{LogExact: math.Log(100), Rate: stats.RateEstimate{N: 10, MeanTime: 90, MeanLower: 80, MeanUpper: 120}},
		{LogExact: math.Log(100), Rate: stats.RateEstimate{N: 10, MeanTime: 150, MeanLower: 130, MeanUpper: 170}}}}
	if in, below, n := pts.ExactInside(); in != 1 || below != 1 || n != 2 {
		t.Errorf("ExactInside = %d, %d, %d; want 1 inside, 1 below, 2 with runs", in, below, n)
	}
}

// TestSGDEscapeSweepExactOnly: with Runs = 0 the sweep has only exact numbers and ExactInside counts nothing
// (a point without runs has τ̂ = 0 and must not count as below); Diffusion on the sweep's well gives D = ηH_a/2B (frozen,
// 0.02·2/2 = 0.02 at B = 1, anywhere) and (η/2B)·max(|L″|, ε) (floored: 0.02·2/2 at the minimum, where L″ = H_a = 2,
// and 0.02·0.5/2 = 0.005 at the inflection point between a and the saddle, where L″ = 0 < ε).
func TestSGDEscapeSweepExactOnly(t *testing.T) {
	s := notebook05Sweep()
	s.Runs = 0
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if in, below, n := r.ExactInside(); in != 0 || below != 0 || n != 0 {
		t.Errorf("exact numbers only: ExactInside = %d, %d, %d, want 0, 0, 0", in, below, n)
	}
	w, err := landscape.NewDoubleWell(s.Well)
	if err != nil {
		t.Fatal(err)
	}
	_, frozen, err := s.Diffusion(FrozenNoise, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, floored, err := s.Diffusion(FlooredHessianNoise, 1)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := w.Minimum(), w.Saddle() // L″ > 0 at lo, < 0 at hi: bisect for the inflection point
	for range 200 {
		if m := (lo + hi) / 2; w.Deriv2(m) > 0 {
			lo = m
		} else {
			hi = m
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"frozen at a", frozen(w.Minimum()), 0.02}, {"frozen at 0.7", frozen(0.7), 0.02},
		{"floored at a", floored(w.Minimum()), 0.02}, {"floored at the inflection", floored(lo), 0.005}} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("D %s = %.12g, want %g", c.name, c.got, c.want)
		}
	}
}

func TestSGDEscapeSweepBadInput(t *testing.T) {
	base := func() SGDEscapeSweep {
		return SGDEscapeSweep{Well: sgdEscapeWell, Eta: 0.02, Floor: 0.5, FrozenBatches: []float64{1}, FlooredBatches: []float64{0.5}, Runs: 10}
	}
	for name, edit := range map[string]func(*SGDEscapeSweep){
		"η = 0":                 func(s *SGDEscapeSweep) { s.Eta = 0 },
		"η = Inf":               func(s *SGDEscapeSweep) { s.Eta = math.Inf(1) },
		"floor 0":               func(s *SGDEscapeSweep) { s.Floor = 0 },
		"floor NaN":             func(s *SGDEscapeSweep) { s.Floor = math.NaN() },
		"no batches":            func(s *SGDEscapeSweep) { s.FrozenBatches, s.FlooredBatches = nil, nil },
		"B = 0":                 func(s *SGDEscapeSweep) { s.FrozenBatches = []float64{0} },
		"B = NaN":               func(s *SGDEscapeSweep) { s.FlooredBatches = []float64{math.NaN()} },
		"one run":               func(s *SGDEscapeSweep) { s.Runs = 1 },
		"negative runs":         func(s *SGDEscapeSweep) { s.Runs = -3 },
		"level 1":               func(s *SGDEscapeSweep) { s.Level = 1 },
		"no barrier":            func(s *SGDEscapeSweep) { s.Well.Barrier = 0 },
		"H_a = |H_b|":           func(s *SGDEscapeSweep) { s.Well.Hb = s.Well.Ha },
		"barrier 1000":          func(s *SGDEscapeSweep) { s.Well.Barrier = 1000 },
		"B = 100 (e^250 steps)": func(s *SGDEscapeSweep) { s.FrozenBatches = []float64{100} },
	} {
		s := base()
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	s := base()
	if _, _, err := s.Diffusion(SGDNoiseModel(7), 1); err == nil {
		t.Error("unknown noise model: no error")
	}
	for name, b := range map[string]float64{"B = 0": 0, "B = −1": -1} {
		if _, _, err := s.Diffusion(FlooredHessianNoise, b); err == nil {
			t.Errorf("Diffusion at %s: no error", name)
		}
	}
	bad := base()
	bad.Well.Barrier = 0
	if _, _, err := bad.Diffusion(FrozenNoise, 1); err == nil {
		t.Error("Diffusion on a well without a barrier: no error")
	}
	if got := SGDNoiseModel(7).String(); got != "SGDNoiseModel(7)" {
		t.Errorf("String of an unknown model: %q", got)
	}
}

// TestFloorTrapGrowth: the exponent of floored Hessian noise against closed forms.
//   - Near the inflection point θ_i the well's L′ is a cubic, so L″ is linear there and once ε is below the
//     curvature range the exponent grows by exactly (4B/η)·L′(θ_i)/|L‴(θ_i)| per unit of ln(1/ε) (THEORY.md
//     §3.2, exercise 2 of notebook 05): checked to 1e-6 with θ_i by bisection and L‴ by a central difference.
//   - A floor above max |L″| makes D constant: ∫L′/D = 2BΔL/(ηε) and s = (1/ε − 1/|H_b|)/(1/H_a − 1/|H_b|) (1e-9).
//   - Frozen = 2BΔL/(ηH_a); with no floor theory.ExactS reports ErrDivergent.
func TestFloorTrapGrowth(t *testing.T) {
	trap := FloorTrap{Well: sgdEscapeWell, Eta: 0.02, Batch: 1.5, Floors: []float64{8, 4, 1, 0.5, 0.25, 1.0 / 8, 1.0 / 16, 1.0 / 32, 1e-3}}
	r, err := trap.Run()
	if err != nil {
		t.Fatal(err)
	}
	ha, hb, dl := trap.Well.Ha, trap.Well.Hb, trap.Well.Barrier
	if want := 2 * trap.Batch * dl / (trap.Eta * ha); math.Abs(r.Frozen/want-1) > 1e-12 {
		t.Errorf("frozen exponent %v, want %v", r.Frozen, want)
	}
	for i, eps := range trap.Floors[:2] {
		wantS := (1/eps - 1/hb) / (1/ha - 1/hb)
		if want := 2 * trap.Batch * dl / (trap.Eta * eps); math.Abs(r.Exponent[i]/want-1) > 1e-9 || math.Abs(r.S[i]-wantS) > 1e-9 {
			t.Errorf("ε = %g: exponent %.12f, s %.12f; want %.12f, %.12f", eps, r.Exponent[i], r.S[i], want, wantS)
		}
	}
	for i := 1; i < len(r.Exponent); i++ {
		if !(r.Exponent[i] > r.Exponent[i-1]) {
			t.Errorf("exponent does not grow as the floor drops: %v", r.Exponent)
		}
	}
	w, _ := landscape.NewDoubleWell(trap.Well)
	lo, hi := w.Minimum(), w.Saddle()
	for i := 0; i < 200; i++ {
		if m := (lo + hi) / 2; w.Deriv2(m) > 0 {
			lo = m
		} else {
			hi = m
		}
	}
	const h = 1e-5
	l3 := (w.Deriv2(lo+h) - w.Deriv2(lo-h)) / (2 * h)
	want := 4 * trap.Batch / trap.Eta * w.Deriv(lo) / math.Abs(l3)
	for _, n := range []int{2, 4} {
		g, err := r.Growth(n)
		if err != nil || math.Abs(g/want-1) > 1e-6 {
			t.Errorf("growth over the %d smallest floors %.9f (%v), want (4B/η)L'(θ_i)/|L‴(θ_i)| = %.9f", n, g, err, want)
		}
	}
	if !errors.Is(r.NoFloor, theory.ErrDivergent) {
		t.Errorf("no floor: %v, want ErrDivergent", r.NoFloor)
	}
	for _, n := range []int{1, 10} {
		if _, err := r.Growth(n); err == nil {
			t.Errorf("growth over %d floors: no error", n)
		}
	}
	for name, bad := range map[string]FloorTrap{
		"one floor":  {Well: sgdEscapeWell, Eta: 0.02, Batch: 1, Floors: []float64{1}},
		"floor 0":    {Well: sgdEscapeWell, Eta: 0.02, Batch: 1, Floors: []float64{1, 0}},
		"η = 0":      {Well: sgdEscapeWell, Batch: 1, Floors: []float64{1, 0.5}},
		"B = NaN":    {Well: sgdEscapeWell, Eta: 0.02, Batch: math.NaN(), Floors: []float64{1, 0.5}},
		"no barrier": {Well: landscape.DoubleWellSpec{Ha: 2, Hb: 1}, Eta: 0.02, Batch: 1, Floors: []float64{1, 0.5}},
	} {
		if _, err := bad.Run(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestLiteralHessianSweepFlooredAgainstExact: with a floor the continuous-time process has a finite MFPT, the
// same for every η at fixed B/η; the Monte Carlo at η = 0.02 and 0.01 must hold it inside the 99 % intervals, and
// ExactLogTau must equal SGDEscapeSweep's exact value at the same D (B = 0.5, η = 0.02: B/η = 25).
func TestLiteralHessianSweepFlooredAgainstExact(t *testing.T) {
	runs := 200
	if testing.Short() || raceEnabled {
		runs = 50
	}
	s := LiteralHessianSweep{Well: sgdEscapeWell, Etas: []float64{0.02, 0.01}, BOverEta: 25, Steps: 40000, Floor: 0.5,
		Runs: runs, Seed: 7, Level: 0.99}
	exact, err := s.ExactLogTau()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := SGDEscapeSweep{Well: sgdEscapeWell, Eta: 0.02, Floor: 0.5, FlooredBatches: []float64{0.5}}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(exact-ref.Points[0].LogExact) > 1e-9 {
		t.Errorf("ExactLogTau %.12f, SGDEscapeSweep at the same D %.12f", exact, ref.Points[0].LogExact)
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range r.Points {
		if p.Eta != s.Etas[i] || p.B != 25*s.Etas[i] || p.Steps != int(40000*0.02/s.Etas[i]) {
			t.Errorf("point %d: η %g, B %g, %d steps", i, p.Eta, p.B, p.Steps)
		}
		if e := math.Exp(exact); !(p.Rate.MeanLower <= e && e <= p.Rate.MeanUpper) {
			t.Errorf("η = %g: Monte Carlo τ %.1f [%.1f, %.1f] does not hold the exact %.1f", p.Eta, p.Rate.MeanTime, p.Rate.MeanLower, p.Rate.MeanUpper, e)
		}
		t.Logf("η = %g: τ %.1f [%.1f, %.1f], exact %.1f", p.Eta, p.Rate.MeanTime, p.Rate.MeanLower, p.Rate.MeanUpper, math.Exp(exact))
	}
	again, err := s.Run(context.Background())
	if err != nil || !reflect.DeepEqual(again.Points, r.Points) {
		t.Errorf("a second run with the same seed differs (%v)", err)
	}
	for name, edit := range map[string]func(*LiteralHessianSweep){
		"no η":        func(s *LiteralHessianSweep) { s.Etas = nil },
		"η < 0":       func(s *LiteralHessianSweep) { s.Etas = []float64{-1} },
		"B/η = 0":     func(s *LiteralHessianSweep) { s.BOverEta = 0 },
		"no steps":    func(s *LiteralHessianSweep) { s.Steps = 0 },
		"floor < 0":   func(s *LiteralHessianSweep) { s.Floor = -1 },
		"one run":     func(s *LiteralHessianSweep) { s.Runs = 1 },
		"level 2":     func(s *LiteralHessianSweep) { s.Level = 2 },
		"budget < 1":  func(s *LiteralHessianSweep) { s.Steps, s.Etas = 1, []float64{0.01, 0.02} },
		"flat valley": func(s *LiteralHessianSweep) { s.Well.Ha = 0 },
	} {
		b := s
		edit(&b)
		if _, err := b.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestLiteralHessianTrap: with the literal noise D = (η/2B)|L″| the continuous-time MFPT is infinite
// (ExactLogTau wraps theory.ErrDivergent), yet discrete SGD escapes, and at fixed B/η its escape time depends on
// η (the 95 % intervals at η = 0.04 and 0.02 are disjoint, τ longer at the smaller step): no SDE can do that.
func TestLiteralHessianTrap(t *testing.T) {
	s := LiteralHessianSweep{Well: sgdEscapeWell, Etas: []float64{0.04, 0.02}, BOverEta: 25, Steps: 60000, Runs: 100, Seed: 20210205}
	if _, err := s.ExactLogTau(); !errors.Is(err, theory.ErrDivergent) {
		t.Errorf("exact τ of the literal noise: %v, want ErrDivergent", err)
	}
	if testing.Short() || raceEnabled {
		t.Skip("the discrete-time escape takes ≈ 1 s without the race detector")
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fast, slow := r.Points[0].Rate, r.Points[1].Rate
	if fast.Escaped == 0 || slow.Escaped == 0 || !(fast.MeanUpper < slow.MeanLower) {
		t.Errorf("η = 0.04: %d/%d escaped, τ %.0f [%.0f, %.0f]; η = 0.02: %d/%d, τ %.0f [%.0f, %.0f]: want escapes at both and disjoint intervals",
			fast.Escaped, fast.N, fast.MeanTime, fast.MeanLower, fast.MeanUpper, slow.Escaped, slow.N, slow.MeanTime, slow.MeanLower, slow.MeanUpper)
	}
	t.Logf("η = 0.04: τ %.0f [%.0f, %.0f] (%d escaped); η = 0.02: τ %.0f [%.0f, %.0f] (%d)", fast.MeanTime, fast.MeanLower,
		fast.MeanUpper, fast.Escaped, slow.MeanTime, slow.MeanLower, slow.MeanUpper, slow.Escaped)
}
