package experiment

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// notebook03Cloud is notebook 03's stationary-cloud study.
func notebook03Cloud() StationaryCloud {
	return StationaryCloud{Eig: [2]float64{1, 16}, Angle: math.Pi / 6, Eta: 0.02, Batch: 1, WhiteD: 0.01, Runs: 1500, Seed: 20210103}
}

// TestStationaryCloudAgainstDiscreteVariance: the Hessian against R·diag·Rᵀ written out; the predictions against
// D₀/λ (white), η/2B (SGD) and their discrete-time versions ×1/(1 − ηλ/2); every Monte Carlo variance along an
// eigenvector within 4 standard errors (SE = v·√(2/(N−1)) for Gaussian points) of the discrete-time prediction,
// and along the sharp direction clearly closer to it than to the SDE value (19 % apart, 5 SE at N = 1500).
func TestStationaryCloudAgainstDiscreteVariance(t *testing.T) {
	s := notebook03Cloud()
	if raceEnabled || testing.Short() {
		s.Runs = 400
	}
	r, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Cloud.Steps != 2000 {
		t.Errorf("default steps %d, want 40/(η·λ_min) = 2000", r.Cloud.Steps)
	}
	c, sn := math.Cos(s.Angle), math.Sin(s.Angle)
	want := [3]float64{c*c*1 + sn*sn*16, c * sn * (1 - 16), sn*sn*1 + c*c*16}
	if got := [3]float64{r.Hessian.At(0, 0), r.Hessian.At(0, 1), r.Hessian.At(1, 1)}; math.Abs(got[0]-want[0]) > 1e-12 ||
		math.Abs(got[1]-want[1]) > 1e-12 || math.Abs(got[2]-want[2]) > 1e-12 {
		t.Errorf("H = %v, want %v", got, want)
	}
	n := float64(s.Runs)
	for _, cs := range []struct {
		name string
		c    CloudSample
		d    func(l float64) float64
	}{{"white", r.White, func(float64) float64 { return s.WhiteD }}, {"SGD", r.SGD, func(l float64) float64 { return s.Eta * l / (2 * s.Batch) }}} {
		if len(cs.c.Points) != s.Runs {
			t.Fatalf("%s: %d points, want %d", cs.name, len(cs.c.Points), s.Runs)
		}
		for k, l := range s.Eig {
			sde, disc := cs.d(l)/l, cs.d(l)/l/(1-s.Eta*l/2)
			if math.Abs(cs.c.SDE[k]/sde-1) > 1e-12 || math.Abs(cs.c.Discrete[k]/disc-1) > 1e-12 {
				t.Errorf("%s λ = %g: predictions %g, %g; want %g, %g", cs.name, l, cs.c.SDE[k], cs.c.Discrete[k], sde, disc)
			}
			v, se := cs.c.Variance[k], disc*math.Sqrt(2/(n-1))
			t.Logf("%s λ = %g: variance %.4g, discrete %.4g ± %.2g, SDE %.4g", cs.name, l, v, disc, se, sde)
			if math.Abs(v-disc) > 4*se {
				t.Errorf("%s λ = %g: variance %.4g, discrete-time prediction %.4g ± %.2g: more than 4 SE apart", cs.name, l, v, disc, se)
			}
			if k == 1 && s.Runs >= 1500 && !(math.Abs(v-disc) < math.Abs(v-sde)) {
				t.Errorf("%s sharp direction: variance %.4g closer to the SDE %.4g than to the discrete-time %.4g", cs.name, v, sde, disc)
			}
		}
	}
	if e := r.SGD.Energy(s.Eig); !(e[1] > 5*e[0]) {
		t.Errorf("SGD energies %v: the sharp direction should be ≈ 16/(1 − 0.16)·(1 − 0.01) ≈ 19 times hotter", e)
	}
	if a := r.White.Anisotropy(); math.Abs(a/(16*(1-0.16)/(1-0.01))-1) > 0.2 {
		t.Errorf("white anisotropy %.3g, want ≈ %.3g", a, 16*(1-0.16)/(1-0.01))
	}
	// The 2σ ellipse: every point satisfies u²/v₀ + w²/v₁ = 4 in the eigenbasis.
	xs, ys := r.Ellipse(r.White.SDE, 40)
	if len(xs) != 41 || xs[0] != xs[40] {
		t.Fatalf("ellipse: %d points, first %g last %g", len(xs), xs[0], xs[40])
	}
	for i := range xs {
		u := xs[i]*r.Basis.At(0, 0) + ys[i]*r.Basis.At(1, 0)
		w := xs[i]*r.Basis.At(0, 1) + ys[i]*r.Basis.At(1, 1)
		if q := u*u/r.White.SDE[0] + w*w/r.White.SDE[1]; math.Abs(q-4) > 1e-9 {
			t.Fatalf("ellipse point %d: quadratic form %g, want 4", i, q)
		}
	}
	// Same seed, same cloud; the SGD ensemble has its own seed.
	s.Runs = 50
	a, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.White.Variance != b.White.Variance || a.SGD.Points[7][1] != b.SGD.Points[7][1] || a.White.Points[0][0] == a.SGD.Points[0][0] {
		t.Errorf("same seed differs, or both ensembles share a stream: %v vs %v", a.White.Variance, b.White.Variance)
	}
}

func TestStationaryCloudBadInput(t *testing.T) {
	for name, edit := range map[string]func(*StationaryCloud){
		"λ = 0":       func(s *StationaryCloud) { s.Eig[0] = 0 },
		"λ = NaN":     func(s *StationaryCloud) { s.Eig[1] = math.NaN() },
		"ηλ = 2":      func(s *StationaryCloud) { s.Eig[1] = 100 },
		"angle = Inf": func(s *StationaryCloud) { s.Angle = math.Inf(1) },
		"η = 0":       func(s *StationaryCloud) { s.Eta = 0 },
		"B = −1":      func(s *StationaryCloud) { s.Batch = -1 },
		"D₀ = 0":      func(s *StationaryCloud) { s.WhiteD = 0 },
		"one run":     func(s *StationaryCloud) { s.Runs = 1 },
		"steps < 0":   func(s *StationaryCloud) { s.Steps = -1 },
	} {
		s := notebook03Cloud()
		edit(&s)
		if _, err := s.Run(context.Background()); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// ExampleStationaryCloud prints the predicted stationary variances along the flat and the sharp eigenvector:
// white noise gives D₀/λ, SGD noise η/2B in both, each ×1/(1 − ηλ/2) in discrete time.
func ExampleStationaryCloud() {
	s := StationaryCloud{Eig: [2]float64{1, 16}, Angle: math.Pi / 6, Eta: 0.02, Batch: 1, WhiteD: 0.01, Runs: 20, Seed: 1}
	r, err := s.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("white: SDE %.4g, discrete %.4g\n", r.White.SDE, r.White.Discrete)
	fmt.Printf("SGD:   SDE %.4g, discrete %.4g\n", r.SGD.SDE, r.SGD.Discrete)
	// Output:
	// white: SDE [0.01 0.000625], discrete [0.0101 0.000744]
	// SGD:   SDE [0.01 0.01], discrete [0.0101 0.0119]
}
