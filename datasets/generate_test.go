package datasets

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestMixtureMeansAreSeparated(t *testing.T) {
	for _, c := range []struct{ d, k int }{{1, 2}, {2, 3}, {5, 4}, {3, 4}, {10, 10}} {
		g := GaussianMixture{N: 100, Dim: c.d, Classes: c.k, Separation: 3}
		m, err := g.Means()
		if err != nil {
			t.Fatal(err)
		}
		for a := 0; a < c.k; a++ {
			for b := a + 1; b < c.k; b++ {
				if dist := floats.Distance(m.RawRowView(a), m.RawRowView(b), 2); math.Abs(dist-3) > 1e-12 {
					t.Errorf("d=%d k=%d: means %d,%d are %v apart, want 3", c.d, c.k, a, b, dist)
				}
			}
		}
	}
	// More classes than a simplex fits: neighbours on a circle.
	m, _ := GaussianMixture{N: 100, Dim: 2, Classes: 6, Separation: 3}.Means()
	for a := 0; a < 6; a++ {
		if dist := floats.Distance(m.RawRowView(a), m.RawRowView((a+1)%6), 2); math.Abs(dist-3) > 1e-12 {
			t.Errorf("circle: neighbours %d are %v apart", a, dist)
		}
	}
}

func TestMixtureClassSizes(t *testing.T) {
	sizes, err := GaussianMixture{N: 1000, Dim: 2, Classes: 3, Separation: 1, Imbalance: 9}.ClassSizes()
	if err != nil {
		t.Fatal(err)
	}
	// Shares ∝ 1, 1/3, 1/9 of 997 after one row each.
	if sizes[0]+sizes[1]+sizes[2] != 1000 || math.Abs(float64(sizes[0])/float64(sizes[2])-9) > 0.2 {
		t.Errorf("sizes %v", sizes)
	}
	bal, _ := GaussianMixture{N: 10, Dim: 2, Classes: 3, Separation: 1}.ClassSizes()
	if bal[0]+bal[1]+bal[2] != 10 || bal[0]-bal[2] > 1 {
		t.Errorf("balanced sizes %v", bal)
	}
	for _, g := range []GaussianMixture{
		{N: 10, Dim: 0, Classes: 2}, {N: 10, Dim: 2, Classes: 1}, {N: 1, Dim: 2, Classes: 2},
		{N: 10, Dim: 2, Classes: 2, Separation: -1}, {N: 10, Dim: 2, Classes: 2, Imbalance: 0.5},
		{N: 10, Dim: 2, Classes: 2, Separation: math.NaN()}, {N: 10, Dim: 2, Classes: 2, Noise: math.Inf(1)},
	} {
		if _, err := g.Generate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", g, err)
		}
	}
}

// TestMixtureBayesError: for two balanced classes with unit noise whose
// means are s apart, the nearest-mean rule is Bayes-optimal with error
// Φ(−s/2). The empirical error must agree within 4 standard errors.
func TestMixtureBayesError(t *testing.T) {
	const n, s = 40000, 2.0
	g := GaussianMixture{N: n, Dim: 3, Classes: 2, Separation: s, Seed: 5}
	d, err := g.Generate()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := g.Means()
	wrong := 0
	for i := 0; i < n; i++ {
		d0 := floats.Distance(d.Row(i), m.RawRowView(0), 2)
		d1 := floats.Distance(d.Row(i), m.RawRowView(1), 2)
		if (d0 < d1) != (d.Y[i] == 0) {
			wrong++
		}
	}
	p := distuv.UnitNormal.CDF(-s / 2)
	se := math.Sqrt(p * (1 - p) / n)
	got := float64(wrong) / n
	t.Logf("nearest-mean error %.4f, Bayes error Φ(−1) = %.4f ± %.4f", got, p, se)
	if math.Abs(got-p) > 4*se {
		t.Errorf("error %.4f, want %.4f ± %.4f (4 SE)", got, p, 4*se)
	}
	// Class means within 4 standard errors (noise 1, n/2 rows per class).
	for k := 0; k < 2; k++ {
		var rows []int
		for i, l := range d.Y {
			if l == k {
				rows = append(rows, i)
			}
		}
		sub, _ := d.Subset(rows)
		var mean mat.VecDense
		mean.MulVec(sub.X.T(), mat.NewVecDense(len(rows), ones(len(rows))))
		mean.ScaleVec(1/float64(len(rows)), &mean)
		for j := 0; j < 3; j++ {
			if diff := mean.AtVec(j) - m.At(k, j); math.Abs(diff) > 4/math.Sqrt(float64(len(rows))) {
				t.Errorf("class %d feature %d: sample mean off by %v", k, j, diff)
			}
		}
	}
	again, _ := g.Generate()
	if !mat.Equal(d.X, again.X) {
		t.Error("same seed, different data")
	}
}

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

func TestTwoMoons(t *testing.T) {
	d, err := TwoMoons(301, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c := d.ClassCounts(); c[0] != 150 || c[1] != 151 {
		t.Errorf("counts %v", c)
	}
	for i := 0; i < d.Len(); i++ {
		x, y := d.X.At(i, 0), d.X.At(i, 1)
		var r float64
		if d.Y[i] == 0 {
			r = math.Hypot(x, y)
			if y < -1e-12 {
				t.Fatalf("upper moon point below 0: %v", d.Row(i))
			}
		} else {
			r = math.Hypot(x-1, y-0.5)
			if y > 0.5+1e-12 {
				t.Fatalf("lower moon point above 0.5: %v", d.Row(i))
			}
		}
		if math.Abs(r-1) > 1e-12 {
			t.Fatalf("point %v of class %d is off its moon (r=%v)", d.Row(i), d.Y[i], r)
		}
	}
	a, _ := TwoMoons(100, 0.1, 9)
	b, _ := TwoMoons(100, 0.1, 9)
	c, _ := TwoMoons(100, 0.1, 10)
	if !mat.Equal(a.X, b.X) || mat.Equal(a.X, c.X) {
		t.Error("seeding")
	}
	if _, err := TwoMoons(1, 0, 1); !errors.Is(err, ErrInvalid) {
		t.Error(err)
	}
	if _, err := TwoMoons(10, -1, 1); !errors.Is(err, ErrInvalid) {
		t.Error(err)
	}
}

func TestLinearlySeparable(t *testing.T) {
	d, w, err := LinearlySeparable(2000, 0.1, 4)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(math.Hypot(w[0], w[1])-1) > 1e-15 {
		t.Errorf("normal %v is not a unit vector", w)
	}
	for i := 0; i < d.Len(); i++ {
		x, y := d.X.At(i, 0), d.X.At(i, 1)
		s := w[0]*x + w[1]*y
		if math.Abs(x) > 1 || math.Abs(y) > 1 || math.Abs(s) < 0.1 || (s > 0) != (d.Y[i] == 1) {
			t.Fatalf("point %v class %d: w·x = %v", d.Row(i), d.Y[i], s)
		}
	}
	if c := d.ClassCounts(); c[0] < 100 || c[1] < 100 {
		t.Errorf("counts %v", c)
	}
	for _, m := range []float64{-0.1, 1, math.NaN()} {
		if _, _, err := LinearlySeparable(10, m, 1); !errors.Is(err, ErrInvalid) {
			t.Errorf("margin %v: %v", m, err)
		}
	}
}
