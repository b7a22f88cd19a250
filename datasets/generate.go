package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// GaussianMixture configures a generated classification problem: each class
// is an isotropic Gaussian cloud around its own mean. It needs no download.
type GaussianMixture struct {
	N       int // rows (≥ Classes)
	Dim     int // features (≥ 1)
	Classes int // classes (≥ 2)
	// Separation is the distance between class means. With Classes ≤ Dim+1
	// the means are the vertices of a regular simplex, every pair exactly
	// Separation apart; otherwise they lie evenly on a circle in the first
	// two coordinates (on a line if Dim = 1), neighbours Separation apart.
	Separation float64
	// Noise is the standard deviation of each coordinate around the mean
	// (0 means 1).
	Noise float64
	// Imbalance is the ratio of the largest to the smallest class size (≥ 1;
	// 0 means 1, balanced). Class k gets a share ∝ Imbalance^(−k/(Classes−1)),
	// rounded by largest remainder, at least one row each.
	Imbalance float64
	Seed      uint64
}

// Means returns the class means (Classes × Dim).
func (g GaussianMixture) Means() (*mat.Dense, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	k, d, s := g.Classes, g.Dim, g.Separation
	m := mat.NewDense(k, d, nil)
	switch {
	case k <= d+1:
		// Helmert basis of the hyperplane orthogonal to (1, …, 1) in R^k:
		// the mean of class c has coordinate j equal to (s/√2)·h_j[c].
		for j := 1; j < k; j++ {
			norm := math.Sqrt(float64(j * (j + 1)))
			for c := 0; c < k; c++ {
				var h float64
				switch {
				case c < j:
					h = 1 / norm
				case c == j:
					h = -float64(j) / norm
				}
				m.Set(c, j-1, s/math.Sqrt2*h)
			}
		}
	case d == 1:
		for c := 0; c < k; c++ {
			m.Set(c, 0, s*(float64(c)-float64(k-1)/2))
		}
	default:
		r := s / (2 * math.Sin(math.Pi/float64(k)))
		for c := 0; c < k; c++ {
			a := 2 * math.Pi * float64(c) / float64(k)
			m.Set(c, 0, r*math.Cos(a))
			m.Set(c, 1, r*math.Sin(a))
		}
	}
	return m, nil
}

func (g GaussianMixture) check() error {
	switch {
	case g.Dim < 1:
		return fmt.Errorf("%w: GaussianMixture: Dim %d < 1", ErrInvalid, g.Dim)
	case g.Classes < 2:
		return fmt.Errorf("%w: GaussianMixture: Classes %d < 2", ErrInvalid, g.Classes)
	case g.N < g.Classes:
		return fmt.Errorf("%w: GaussianMixture: N %d < Classes %d", ErrInvalid, g.N, g.Classes)
	case !(g.Separation >= 0) || math.IsInf(g.Separation, 0):
		return fmt.Errorf("%w: GaussianMixture: Separation %v", ErrInvalid, g.Separation)
	case !(g.Noise >= 0) || math.IsInf(g.Noise, 0):
		return fmt.Errorf("%w: GaussianMixture: Noise %v", ErrInvalid, g.Noise)
	case g.Imbalance != 0 && !(g.Imbalance >= 1) || math.IsInf(g.Imbalance, 0):
		return fmt.Errorf("%w: GaussianMixture: Imbalance %v (want ≥ 1, or 0 for balanced)", ErrInvalid, g.Imbalance)
	}
	return nil
}

// ClassSizes returns the number of rows of each class.
func (g GaussianMixture) ClassSizes() ([]int, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	rho := g.Imbalance
	if rho == 0 {
		rho = 1
	}
	k := g.Classes
	w := make([]float64, k)
	var sum float64
	for c := range w {
		w[c] = math.Pow(rho, -float64(c)/float64(k-1))
		sum += w[c]
	}
	// One row per class first, then the rest by largest remainder.
	rest := g.N - k
	sizes := make([]int, k)
	frac := make([]float64, k)
	given := 0
	for c := range w {
		exact := float64(rest) * w[c] / sum
		sizes[c] = 1 + int(math.Floor(exact))
		frac[c] = exact - math.Floor(exact)
		given += sizes[c] - 1
	}
	for ; given < rest; given++ {
		best := 0
		for c := range frac {
			if frac[c] > frac[best] {
				best = c
			}
		}
		sizes[best]++
		frac[best] = -1
	}
	return sizes, nil
}

// Generate draws the data set: labels in a seeded random order, features
// mean + Noise·N(0, I).
func (g GaussianMixture) Generate() (*Dataset, error) {
	means, err := g.Means()
	if err != nil {
		return nil, err
	}
	sizes, _ := g.ClassSizes()
	noise := g.Noise
	if noise == 0 {
		noise = 1
	}
	rng := rand.New(rand.NewPCG(g.Seed, streamMixture))
	y := make([]int, 0, g.N)
	for c, n := range sizes {
		for i := 0; i < n; i++ {
			y = append(y, c)
		}
	}
	rng.Shuffle(len(y), func(i, j int) { y[i], y[j] = y[j], y[i] })
	x := mat.NewDense(g.N, g.Dim, nil)
	for i, c := range y {
		row, mu := x.RawRowView(i), means.RawRowView(c)
		for j := range row {
			row[j] = mu[j] + noise*rng.NormFloat64()
		}
	}
	names := make([]string, g.Classes)
	for c := range names {
		names[c] = strconv.Itoa(c)
	}
	return &Dataset{Name: fmt.Sprintf("gaussian-mixture(d=%d,k=%d,sep=%g,seed=%d)", g.Dim, g.Classes, g.Separation, g.Seed),
		X: x, Y: y, ClassNames: names, FeatureNames: prefixed("x", g.Dim)}, nil
}

// TwoMoons generates the two interleaving half circles of scikit-learn's
// make_moons: n/2 points (rounded down) on the upper moon (cos t, sin t) with
// class 0 and the rest on the lower moon (1 − cos t, 0.5 − sin t) with class
// 1, t evenly spaced in [0, π]; then Gaussian noise of standard deviation
// noise on both coordinates, and the rows in a seeded random order.
func TwoMoons(n int, noise float64, seed uint64) (*Dataset, error) {
	if n < 2 {
		return nil, fmt.Errorf("%w: TwoMoons: n %d < 2", ErrInvalid, n)
	}
	if !(noise >= 0) || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("%w: TwoMoons: noise %v", ErrInvalid, noise)
	}
	rng := rand.New(rand.NewPCG(seed, streamMoons))
	nOut := n / 2
	x := make([][]float64, 0, n)
	y := make([]int, 0, n)
	moon := func(m, class int) {
		for i := 0; i < m; i++ {
			t := 0.0
			if m > 1 {
				t = math.Pi * float64(i) / float64(m-1)
			}
			if class == 0 {
				x = append(x, []float64{math.Cos(t), math.Sin(t)})
			} else {
				x = append(x, []float64{1 - math.Cos(t), 0.5 - math.Sin(t)})
			}
			y = append(y, class)
		}
	}
	moon(nOut, 0)
	moon(n-nOut, 1)
	perm := rng.Perm(n)
	d := &Dataset{Name: fmt.Sprintf("two-moons(n=%d,noise=%g,seed=%d)", n, noise, seed),
		X: mat.NewDense(n, 2, nil), Y: make([]int, n), ClassNames: []string{"0", "1"}, FeatureNames: []string{"x1", "x2"}}
	for k, i := range perm {
		row := d.X.RawRowView(k)
		row[0] = x[i][0] + noise*rng.NormFloat64()
		row[1] = x[i][1] + noise*rng.NormFloat64()
		d.Y[k] = y[i]
	}
	return d, nil
}

// LinearlySeparable generates n points uniform in [−1, 1]² at distance at
// least margin from a line through the origin whose unit normal w has a
// seeded random direction; the class is 1 where w·x > 0 and 0 otherwise. It
// returns w too. margin must lie in [0, 1).
func LinearlySeparable(n int, margin float64, seed uint64) (*Dataset, [2]float64, error) {
	if n < 2 {
		return nil, [2]float64{}, fmt.Errorf("%w: LinearlySeparable: n %d < 2", ErrInvalid, n)
	}
	if !(margin >= 0 && margin < 1) {
		return nil, [2]float64{}, fmt.Errorf("%w: LinearlySeparable: margin %v not in [0, 1)", ErrInvalid, margin)
	}
	rng := rand.New(rand.NewPCG(seed, streamLinear))
	phi := 2 * math.Pi * rng.Float64()
	w := [2]float64{math.Cos(phi), math.Sin(phi)}
	d := &Dataset{Name: fmt.Sprintf("linearly-separable(n=%d,margin=%g,seed=%d)", n, margin, seed),
		X: mat.NewDense(n, 2, nil), Y: make([]int, n), ClassNames: []string{"0", "1"}, FeatureNames: []string{"x1", "x2"}}
	for i := 0; i < n; {
		a, b := 2*rng.Float64()-1, 2*rng.Float64()-1
		s := w[0]*a + w[1]*b
		if math.Abs(s) < margin || s == 0 {
			continue // the strip |w·x| < margin covers less than all of the square for margin < 1
		}
		d.X.Set(i, 0, a)
		d.X.Set(i, 1, b)
		if s > 0 {
			d.Y[i] = 1
		}
		i++
	}
	return d, w, nil
}
