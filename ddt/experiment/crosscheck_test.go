package experiment

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// The local CensoredRate and FitLine agree with ddt/stats (written in parallel by core-theory).
func TestAgreesWithStatsPackage(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 7, 50} {
		times := make([]float64, 60)
		esc := make([]bool, 60)
		var exposure float64
		for i := range times {
			times[i] = rng.ExpFloat64() * 3
			if i >= n || times[i] > 5 {
				times[i], esc[i] = 5, false
			} else {
				esc[i] = true
			}
			exposure += times[i]
		}
		d := 0
		for _, e := range esc {
			if e {
				d++
			}
		}
		want, err := stats.EstimateRate(times, esc, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		got := CensoredRate(d, exposure, 0.95)
		for _, p := range [][2]float64{{got.Value, want.Rate}, {got.Lo, want.RateLower}, {got.Hi, want.RateUpper}} {
			if math.Abs(p[0]-p[1]) > 1e-9*math.Max(1, math.Abs(p[1])) {
				t.Errorf("d=%d: CensoredRate %+v, stats %+v", d, got, want)
				break
			}
		}
	}
	x := []float64{0.5, 0.8, 1, 1.3, 1.7, 2}
	y := []float64{7.1, 5.9, 5.2, 4.6, 3.9, 3.7}
	w := []float64{4, 17, 34, 59, 101, 137}
	got, err := FitLine(x, y, w)
	if err != nil {
		t.Fatal(err)
	}
	want, err := stats.LinearFit(x, y, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]float64{{got.Slope, want.Slope}, {got.Intercept, want.Intercept}, {got.SlopeSE, want.SESlope}, {got.InterceptSE, want.SEIntercept}, {got.R2, want.R2}} {
		if math.Abs(p[0]-p[1]) > 1e-9*math.Max(1, math.Abs(p[1])) {
			t.Errorf("FitLine %v, stats.LinearFit %+v", got, want)
			break
		}
	}
}
