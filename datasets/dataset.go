package datasets

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// ErrInvalid is returned (wrapped) for invalid arguments: an empty data set,
// a label out of range, a fraction outside (0, 1), a pooling factor that
// does not divide the image.
var ErrInvalid = errors.New("datasets: invalid argument")

// Dataset is a labelled table: row i of X has class Y[i], an index into
// ClassNames.
type Dataset struct {
	Name         string
	X            *mat.Dense // Len() × Dim() features; row i: X.RawRowView(i)
	Y            []int      // class indices in [0, NumClasses())
	ClassNames   []string
	FeatureNames []string // nil where the features have no names (images)
	// ImageShape is {height, width} when each row is an image stored row by
	// row (MNIST); zero otherwise.
	ImageShape [2]int
	// NTrain > 0 marks rows [0, NTrain) as the source's predefined training
	// part and the rest as its test part (see TrainTest).
	NTrain int
}

// New builds a Dataset from rows of features and class indices, copying
// them. Every row must have the same positive length and every label must be
// in [0, len(classNames)).
func New(name string, x [][]float64, y []int, classNames []string) (*Dataset, error) {
	if len(x) == 0 {
		return nil, fmt.Errorf("%w: no rows", ErrInvalid)
	}
	if len(y) != len(x) {
		return nil, fmt.Errorf("%w: %d rows but %d labels", ErrInvalid, len(x), len(y))
	}
	d := len(x[0])
	if d == 0 {
		return nil, fmt.Errorf("%w: rows have no features", ErrInvalid)
	}
	flat := make([]float64, 0, len(x)*d)
	for i, r := range x {
		if len(r) != d {
			return nil, fmt.Errorf("%w: row %d has %d features, row 0 has %d", ErrInvalid, i, len(r), d)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: row %d, feature %d is %v", ErrInvalid, i, j, v)
			}
		}
		flat = append(flat, r...)
	}
	for i, l := range y {
		if l < 0 || l >= len(classNames) {
			return nil, fmt.Errorf("%w: label %d of row %d not in [0, %d)", ErrInvalid, l, i, len(classNames))
		}
	}
	return &Dataset{Name: name, X: mat.NewDense(len(x), d, flat), Y: slices.Clone(y), ClassNames: slices.Clone(classNames)}, nil
}

// Len is the number of rows.
func (d *Dataset) Len() int { return len(d.Y) }

// Dim is the number of features.
func (d *Dataset) Dim() int { _, c := d.X.Dims(); return c }

// NumClasses is the number of classes (len(ClassNames)), including classes
// with no rows.
func (d *Dataset) NumClasses() int { return len(d.ClassNames) }

// Row returns row i of the features, sharing storage with X.
func (d *Dataset) Row(i int) []float64 { return d.X.RawRowView(i) }

// ClassCounts returns the number of rows of each class (labels outside
// [0, NumClasses()) are not counted; Validate reports them).
func (d *Dataset) ClassCounts() []int {
	c := make([]int, len(d.ClassNames))
	for _, l := range d.Y {
		if l >= 0 && l < len(c) {
			c[l]++
		}
	}
	return c
}

// Validate checks that d is consistent: features present, one label per
// row, every label in [0, NumClasses()), no NaN or infinite feature. Datasets
// from Load, New and the generators are; a Dataset assembled by hand may not
// be, and the methods that select rows check it first.
func (d *Dataset) Validate() error {
	if d == nil || d.X == nil || d.X.IsEmpty() {
		return fmt.Errorf("%w: data set has no feature matrix", ErrInvalid)
	}
	r, _ := d.X.Dims()
	if len(d.Y) != r {
		return fmt.Errorf("%w: %s: %d rows but %d labels", ErrInvalid, d.Name, r, len(d.Y))
	}
	for i, l := range d.Y {
		if l < 0 || l >= len(d.ClassNames) {
			return fmt.Errorf("%w: %s: label %d of row %d not in [0, %d)", ErrInvalid, d.Name, l, i, len(d.ClassNames))
		}
	}
	for i := 0; i < r; i++ {
		for j, v := range d.X.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: %s: row %d, feature %d is %v", ErrInvalid, d.Name, i, j, v)
			}
		}
	}
	if d.NTrain < 0 || d.NTrain > r {
		return fmt.Errorf("%w: %s: NTrain %d not in [0, %d]", ErrInvalid, d.Name, d.NTrain, r)
	}
	return nil
}

// OneHot returns the labels as a Len() × NumClasses() indicator matrix.
func (d *Dataset) OneHot() (*mat.Dense, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	m := mat.NewDense(d.Len(), d.NumClasses(), nil)
	for i, l := range d.Y {
		m.Set(i, l, 1)
	}
	return m, nil
}

// Subset returns a copy of the rows idx (in that order). The result has no
// predefined split.
func (d *Dataset) Subset(idx []int) (*Dataset, error) {
	if len(idx) == 0 {
		return nil, fmt.Errorf("%w: empty subset", ErrInvalid)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	n := d.Len()
	x := mat.NewDense(len(idx), d.Dim(), nil)
	y := make([]int, len(idx))
	for k, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%w: row %d not in [0, %d)", ErrInvalid, i, n)
		}
		x.SetRow(k, d.X.RawRowView(i))
		y[k] = d.Y[i]
	}
	s := d.like()
	s.X, s.Y = x, y
	return s, nil
}

// like returns a Dataset with d's metadata and no rows.
func (d *Dataset) like() *Dataset {
	return &Dataset{Name: d.Name, ClassNames: slices.Clone(d.ClassNames), FeatureNames: slices.Clone(d.FeatureNames), ImageShape: d.ImageShape}
}

// Head returns a copy of the first n rows (all rows if n ≥ Len()). If the
// first n rows reach into the test part, the predefined split is kept.
func (d *Dataset) Head(n int) (*Dataset, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%w: Head(%d)", ErrInvalid, n)
	}
	n = min(n, d.Len())
	s, err := d.Subset(span(0, n))
	if err != nil {
		return nil, err
	}
	if d.NTrain > 0 && n > d.NTrain {
		s.NTrain = d.NTrain
	}
	return s, nil
}

func span(lo, hi int) []int {
	r := make([]int, hi-lo)
	for i := range r {
		r[i] = lo + i
	}
	return r
}

// TrainTest returns the source's predefined training and test parts (avila,
// mnist). It fails for a data set without one; use Split.
func (d *Dataset) TrainTest() (train, test *Dataset, err error) {
	if d.NTrain <= 0 || d.NTrain >= d.Len() {
		return nil, nil, fmt.Errorf("%w: %s has no predefined train/test split; use Split", ErrInvalid, d.Name)
	}
	if train, err = d.Subset(span(0, d.NTrain)); err != nil {
		return nil, nil, err
	}
	if test, err = d.Subset(span(d.NTrain, d.Len())); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// Split makes a seeded, stratified train/test split: from each class,
// round(testFraction·count) rows chosen at random go to the test part. Rows
// keep their original order within each part. The same seed gives the same
// split.
func (d *Dataset) Split(testFraction float64, seed uint64) (train, test *Dataset, err error) {
	if !(testFraction > 0 && testFraction < 1) {
		return nil, nil, fmt.Errorf("%w: test fraction %v not in (0, 1)", ErrInvalid, testFraction)
	}
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, streamSplit))
	byClass := make([][]int, d.NumClasses())
	for i, l := range d.Y {
		byClass[l] = append(byClass[l], i)
	}
	isTest := make([]bool, d.Len())
	for _, rows := range byClass {
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		k := int(math.Round(testFraction * float64(len(rows))))
		for _, i := range rows[:k] {
			isTest[i] = true
		}
	}
	var tr, te []int
	for i, t := range isTest {
		if t {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	if len(tr) == 0 || len(te) == 0 {
		return nil, nil, fmt.Errorf("%w: test fraction %v of %d rows leaves an empty part", ErrInvalid, testFraction, d.Len())
	}
	if train, err = d.Subset(tr); err != nil {
		return nil, nil, err
	}
	if test, err = d.Subset(te); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// Downsample average-pools image rows over factor×factor blocks: MNIST's
// 28×28 becomes 14×14 with factor 2 and 7×7 with factor 4. The factor must
// divide both image sides.
func (d *Dataset) Downsample(factor int) (*Dataset, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	h, w := d.ImageShape[0], d.ImageShape[1]
	if h == 0 || w == 0 || h*w != d.Dim() {
		return nil, fmt.Errorf("%w: %s is not image data", ErrInvalid, d.Name)
	}
	if factor < 1 || h%factor != 0 || w%factor != 0 {
		return nil, fmt.Errorf("%w: pooling factor %d does not divide the %d×%d images", ErrInvalid, factor, h, w)
	}
	oh, ow := h/factor, w/factor
	x := mat.NewDense(d.Len(), oh*ow, nil)
	inv := 1 / float64(factor*factor)
	for i := 0; i < d.Len(); i++ {
		src, dst := d.X.RawRowView(i), x.RawRowView(i)
		for r := 0; r < h; r++ {
			for c := 0; c < w; c++ {
				dst[(r/factor)*ow+c/factor] += src[r*w+c]
			}
		}
		for k := range dst {
			dst[k] *= inv
		}
	}
	s := d.like()
	s.X, s.Y, s.NTrain, s.ImageShape = x, slices.Clone(d.Y), d.NTrain, [2]int{oh, ow}
	return s, nil
}

// Batch returns copies of the rows idx: features and labels.
func (d *Dataset) Batch(idx []int) (*mat.Dense, []int, error) {
	s, err := d.Subset(idx)
	if err != nil {
		return nil, nil, err
	}
	return s.X, s.Y, nil
}

// Random streams of the package (second argument of rand.NewPCG).
const (
	streamSplit uint64 = 0x5eed0001 + iota
	streamSampler
	streamMixture
	streamMoons
	streamLinear
)

// dataset builds the Dataset of a verified table, keeping the first rows
// only when first > 0 (of each part when there is a predefined split).
func (sp *Spec) dataset(t *table, first int) *Dataset {
	rows := span(0, t.rows)
	nTrain := t.nTrain
	if first > 0 {
		if t.nTrain > 0 {
			a := min(first, t.nTrain)
			b := min(first, t.rows-t.nTrain)
			rows = append(span(0, a), span(t.nTrain, t.nTrain+b)...)
			nTrain = a
		} else {
			rows = span(0, min(first, t.rows))
		}
	}
	x := mat.NewDense(len(rows), t.cols, nil)
	y := make([]int, len(rows))
	for k, i := range rows {
		dst := x.RawRowView(k)
		if t.pix != nil {
			for j, p := range t.pix[i*t.cols : (i+1)*t.cols] {
				dst[j] = float64(p) / 255
			}
		} else {
			copy(dst, t.x[i*t.cols:(i+1)*t.cols])
		}
		y[k] = t.y[i]
	}
	if nTrain >= len(rows) {
		nTrain = 0
	}
	return &Dataset{
		Name: sp.Name, X: x, Y: y,
		ClassNames: slices.Clone(sp.ClassNames), FeatureNames: slices.Clone(sp.FeatureNames),
		ImageShape: sp.ImageShape, NTrain: nTrain,
	}
}
