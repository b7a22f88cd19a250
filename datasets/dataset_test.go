package datasets

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func mixture(t testing.TB, n int, imbalance float64, seed uint64) *Dataset {
	t.Helper()
	d, err := GaussianMixture{N: n, Dim: 3, Classes: 3, Separation: 2, Imbalance: imbalance, Seed: seed}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewValidates(t *testing.T) {
	d, err := New("ok", [][]float64{{1, 2}, {3, 4}}, []int{0, 1}, []string{"a", "b"})
	if err != nil || d.Len() != 2 || d.Dim() != 2 || d.X.At(1, 0) != 3 {
		t.Fatalf("%v %v", d, err)
	}
	bad := []struct {
		x [][]float64
		y []int
	}{
		{nil, nil},
		{[][]float64{{1}}, []int{0, 1}},
		{[][]float64{{}}, []int{0}},
		{[][]float64{{1, 2}, {3}}, []int{0, 1}},
		{[][]float64{{math.NaN()}}, []int{0}},
		{[][]float64{{1}}, []int{2}},
		{[][]float64{{1}}, []int{-1}},
	}
	for i, c := range bad {
		if _, err := New("bad", c.x, c.y, []string{"a", "b"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

func TestSplitStratifiedAndSeeded(t *testing.T) {
	d := mixture(t, 1000, 5, 1)
	tr, te, err := d.Split(0.25, 7)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len()+te.Len() != d.Len() {
		t.Fatalf("%d + %d rows of %d", tr.Len(), te.Len(), d.Len())
	}
	all, trc, tec := d.ClassCounts(), tr.ClassCounts(), te.ClassCounts()
	for k := range all {
		if want := int(math.Round(0.25 * float64(all[k]))); tec[k] != want || trc[k] != all[k]-want {
			t.Errorf("class %d: test %d, want %d", k, tec[k], want)
		}
	}
	// Every row lands in exactly one part (rows are distinct vectors).
	seen := map[[3]float64]int{}
	for _, p := range []*Dataset{tr, te} {
		for i := 0; i < p.Len(); i++ {
			seen[[3]float64(p.Row(i))]++
		}
	}
	if len(seen) != d.Len() {
		t.Errorf("%d distinct rows after the split, %d before", len(seen), d.Len())
	}
	tr2, _, _ := d.Split(0.25, 7)
	tr3, _, _ := d.Split(0.25, 8)
	if !floats.Equal(tr.X.RawMatrix().Data, tr2.X.RawMatrix().Data) {
		t.Error("same seed, different split")
	}
	if floats.Equal(tr.X.RawMatrix().Data, tr3.X.RawMatrix().Data) {
		t.Error("different seeds, same split")
	}
	for _, f := range []float64{0, 1, -0.5, math.NaN()} {
		if _, _, err := d.Split(f, 1); !errors.Is(err, ErrInvalid) {
			t.Errorf("fraction %v: %v", f, err)
		}
	}
	if _, _, err := d.TrainTest(); !errors.Is(err, ErrInvalid) {
		t.Errorf("TrainTest without predefined split: %v", err)
	}
}

func TestStandardizeFitsOnTrainingOnly(t *testing.T) {
	d := mixture(t, 600, 1, 2)
	// Make feature 2 constant on the training part.
	for i := 0; i < d.Len(); i++ {
		d.X.Set(i, 2, 5)
	}
	tr, te, err := d.Split(0.3, 3)
	if err != nil {
		t.Fatal(err)
	}
	te.X.Set(0, 2, 6)
	trS, teS, s, err := Standardize(tr, te)
	if err != nil {
		t.Fatal(err)
	}
	col := make([]float64, trS.Len())
	for j := 0; j < 2; j++ {
		for i := range col {
			col[i] = trS.X.At(i, j)
		}
		m := floats.Sum(col) / float64(len(col))
		v := floats.Dot(col, col)/float64(len(col)) - m*m
		if math.Abs(m) > 1e-12 || math.Abs(v-1) > 1e-12 {
			t.Errorf("feature %d after standardising: mean %v, variance %v", j, m, v)
		}
		// The test part uses the training mean and scale.
		if got, want := teS.X.At(3, j), (te.X.At(3, j)-s.Mean[j])/s.Scale[j]; got != want {
			t.Errorf("test value %v, want %v", got, want)
		}
	}
	if s.Scale[2] != 1 || trS.X.At(0, 2) != 0 || teS.X.At(0, 2) != 1 {
		t.Errorf("constant feature: scale %v, values %v %v", s.Scale[2], trS.X.At(0, 2), teS.X.At(0, 2))
	}
	if te.X.At(3, 0) == teS.X.At(3, 0) {
		t.Error("Transform changed its input or did nothing")
	}
	other, _ := TwoMoons(10, 0, 1)
	if _, err := s.Transform(other); !errors.Is(err, ErrInvalid) {
		t.Errorf("dimension mismatch: %v", err)
	}
}

func TestSamplerWithoutReplacement(t *testing.T) {
	const n, b, draws = 10, 3, 30000
	s, err := NewSampler(n, b, WithoutReplacement, 11, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := make([]float64, n)
	pair := 0.0
	for k := 0; k < draws; k++ {
		batch := s.Next()
		seen := map[int]bool{}
		for _, i := range batch {
			if seen[i] || i < 0 || i >= n {
				t.Fatalf("batch %v repeats or leaves [0,%d)", batch, n)
			}
			seen[i] = true
			count[i]++
		}
		if seen[0] && seen[1] {
			pair++
		}
	}
	// Inclusion probability b/n for each index; pair b(b−1)/(n(n−1)).
	checkFreq(t, "inclusion", count, draws, float64(b)/n)
	checkFreq(t, "pair (0,1)", []float64{pair}, draws, float64(b*(b-1))/(n*(n-1)))
}

func TestSamplerWithReplacement(t *testing.T) {
	const n, b, draws = 10, 3, 30000
	s, err := NewSampler(n, b, WithReplacement, 12, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := make([]float64, n)
	distinct := 0.0
	for k := 0; k < draws; k++ {
		batch := s.Next()
		for _, i := range batch {
			count[i]++
		}
		if batch[0] != batch[1] && batch[0] != batch[2] && batch[1] != batch[2] {
			distinct++
		}
	}
	for i := range count {
		count[i] /= b // each draw gives b indices
	}
	checkFreq(t, "index", count, draws, 1.0/n)
	// P(no repeat in a batch of 3 from 10) = 1·0.9·0.8.
	checkFreq(t, "all distinct", []float64{distinct}, draws, 0.72)
}

// checkFreq checks counts/draws against p within 5 standard errors (a
// false alarm has probability below 1e-6 per comparison).
func checkFreq(t *testing.T, what string, counts []float64, draws int, p float64) {
	t.Helper()
	se := math.Sqrt(p * (1 - p) / float64(draws))
	for i, c := range counts {
		if f := c / float64(draws); math.Abs(f-p) > 5*se {
			t.Errorf("%s %d: frequency %.4f, want %.4f ± %.4f (5 SE)", what, i, f, p, 5*se)
		}
	}
}

func TestSamplerEpochs(t *testing.T) {
	s, err := NewSampler(14, 4, Epochs, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	for e := 1; e <= 5; e++ {
		seen := map[int]bool{}
		for k := 0; k < 3; k++ { // 3 batches of 4 per epoch; 2 indices dropped
			for _, i := range s.Next() {
				if seen[i] {
					t.Fatalf("epoch %d repeats %d", e, i)
				}
				seen[i] = true
			}
		}
		if s.Epoch() != e || len(seen) != 12 {
			t.Fatalf("epoch %d (sampler says %d) saw %d indices", e, s.Epoch(), len(seen))
		}
	}
}

func TestSamplerDeterministic(t *testing.T) {
	for _, m := range []Sampling{WithReplacement, WithoutReplacement, Epochs} {
		a, _ := NewSampler(50, 5, m, 99, 3)
		b, _ := NewSampler(50, 5, m, 99, 3)
		c, _ := NewSampler(50, 5, m, 99, 4)
		same, diff := true, false
		for k := 0; k < 20; k++ {
			x, y, z := slices.Clone(a.Next()), slices.Clone(b.Next()), c.Next()
			same = same && slices.Equal(x, y)
			diff = diff || !slices.Equal(x, z)
		}
		if !same || !diff {
			t.Errorf("%v: same seed reproduces: %v; another stream differs: %v", m, same, diff)
		}
	}
	for _, c := range []struct {
		n, b int
		m    Sampling
	}{{0, 1, WithReplacement}, {5, 0, Epochs}, {3, 4, WithoutReplacement}, {3, 4, Epochs}, {3, 1, Sampling(7)}} {
		if _, err := NewSampler(c.n, c.b, c.m, 1, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if _, err := NewSampler(3, 4, WithReplacement, 1, 0); err != nil {
		t.Errorf("batch > n with replacement: %v", err)
	}
}

func TestHeadSubsetBatch(t *testing.T) {
	d := mixture(t, 50, 1, 4)
	h, err := d.Head(5)
	if err != nil || h.Len() != 5 || !floats.Equal(h.Row(4), d.Row(4)) {
		t.Fatalf("Head: %v", err)
	}
	x, y, err := d.Batch([]int{7, 3, 7})
	if err != nil || !floats.Equal(x.RawRowView(2), d.Row(7)) || !slices.Equal(y, []int{d.Y[7], d.Y[3], d.Y[7]}) {
		t.Fatalf("Batch: %v", err)
	}
	x.Set(0, 0, 1e9)
	if d.X.At(7, 0) == 1e9 {
		t.Error("Batch shares storage")
	}
	if _, err := d.Subset([]int{50}); !errors.Is(err, ErrInvalid) {
		t.Errorf("out of range: %v", err)
	}
	if _, err := d.Head(0); !errors.Is(err, ErrInvalid) {
		t.Errorf("Head(0): %v", err)
	}
	if _, err := d.Downsample(2); !errors.Is(err, ErrInvalid) {
		t.Errorf("Downsample of non-images: %v", err)
	}
	oh, err := d.OneHot()
	if r, c := oh.Dims(); err != nil || r != 50 || c != 3 || oh.At(0, d.Y[0]) != 1 {
		t.Error("OneHot")
	}
	// A hand-assembled, inconsistent Dataset is reported, not a panic.
	broken := &Dataset{Name: "broken", X: d.X, Y: slices.Clone(d.Y), ClassNames: []string{"a"}}
	for name, f := range map[string]func() error{
		"Subset":     func() error { _, err := broken.Subset([]int{0}); return err },
		"Split":      func() error { _, _, err := broken.Split(0.5, 1); return err },
		"OneHot":     func() error { _, err := broken.OneHot(); return err },
		"Downsample": func() error { _, err := broken.Downsample(1); return err },
		"Standard":   func() error { _, err := FitStandardizer(broken); return err },
		"nil X":      func() error { return (&Dataset{}).Validate() },
		"short Y":    func() error { return (&Dataset{X: d.X, Y: d.Y[:3], ClassNames: d.ClassNames}).Validate() },
	} {
		if err := f(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s on an inconsistent data set: %v", name, err)
		}
	}
	if c := broken.ClassCounts(); len(c) != 1 {
		t.Errorf("ClassCounts %v", c)
	}
}

func TestDownsampleSynthetic(t *testing.T) {
	// A 4×6 image with pixel (r, c) = 10r + c.
	row := make([]float64, 24)
	for r := 0; r < 4; r++ {
		for c := 0; c < 6; c++ {
			row[r*6+c] = float64(10*r + c)
		}
	}
	d, _ := New("img", [][]float64{row}, []int{0}, []string{"0"})
	d.ImageShape = [2]int{4, 6}
	p, err := d.Downsample(2)
	if err != nil {
		t.Fatal(err)
	}
	// Block means: 10·(2R + 0.5) + (2C + 0.5).
	want := []float64{5.5, 7.5, 9.5, 25.5, 27.5, 29.5}
	if !floats.Equal(p.Row(0), want) || p.ImageShape != [2]int{2, 3} {
		t.Errorf("pooled %v shape %v, want %v", p.Row(0), p.ImageShape, want)
	}
	if _, err := d.Downsample(4); !errors.Is(err, ErrInvalid) {
		t.Errorf("factor 4 of 4×6: %v", err)
	}
}

func TestFirstRowsKeepsBothParts(t *testing.T) {
	mirror := mirrorDir(t)
	d, err := Load(context.Background(), "avila", WithMirrorDir(mirror), WithCacheDir(""), Offline(), FirstRows(5))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 10 || d.NTrain != 5 || d.Y[0] != 0 || d.X.At(0, 0) != 0.266074 {
		t.Errorf("%d rows, NTrain %d, first %v", d.Len(), d.NTrain, d.Row(0))
	}
	b, err := Load(context.Background(), "banknote", WithMirrorDir(mirror), WithCacheDir(""), Offline(), FirstRows(5))
	if err != nil || b.Len() != 5 || b.NTrain != 0 {
		t.Errorf("banknote FirstRows: %v", err)
	}
	if _, err := Load(context.Background(), "banknote", FirstRows(-1)); err == nil {
		t.Error("FirstRows(-1) accepted")
	}
}
