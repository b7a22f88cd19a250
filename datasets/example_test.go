package datasets_test

import (
	"context"
	"fmt"
	"log"

	"github.com/densitydiffusion/toolkit/datasets"
)

// A workflow on generated data, needing no download: a three-class Gaussian
// mixture, a stratified split, standardisation fitted on the training part,
// and minibatches drawn without replacement.
func Example() {
	d, err := datasets.GaussianMixture{N: 600, Dim: 4, Classes: 3, Separation: 3, Imbalance: 4, Seed: 1}.Generate()
	if err != nil {
		log.Fatal(err)
	}
	train, test, err := d.Split(0.25, 42)
	if err != nil {
		log.Fatal(err)
	}
	train, test, _, err = datasets.Standardize(train, test)
	if err != nil {
		log.Fatal(err)
	}
	s, err := datasets.NewSampler(train.Len(), 32, datasets.WithoutReplacement, 7, 0)
	if err != nil {
		log.Fatal(err)
	}
	x, y, err := train.Batch(s.Next())
	if err != nil {
		log.Fatal(err)
	}
	r, c := x.Dims()
	fmt.Println("classes:", d.ClassCounts())
	fmt.Println("train:", train.Len(), train.ClassCounts(), "test:", test.Len(), test.ClassCounts())
	fmt.Println("batch:", r, "×", c, "with", len(y), "labels")
	// Output:
	// classes: [342 172 86]
	// train: 449 [256 129 64] test: 151 [86 43 22]
	// batch: 32 × 4 with 32 labels
}

// Loading a registered data set: from the cache, else the mirror
// ($DDT_DATA_MIRROR), else the canonical source, verified.
func ExampleLoad() {
	d, err := datasets.Load(context.Background(), "banknote")
	if err != nil {
		log.Fatal(err)
	}
	train, test, err := d.Split(0.2, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Len(), test.Len(), d.ClassNames)
}

// MNIST for a network whose full Hessian must stay small: the first 1,000
// training and 1,000 test images, average-pooled to 7×7.
func ExampleLoad_mnist() {
	d, err := datasets.Load(context.Background(), "mnist", datasets.FirstRows(1000))
	if err != nil {
		log.Fatal(err)
	}
	small, err := d.Downsample(4)
	if err != nil {
		log.Fatal(err)
	}
	train, test, err := small.TrainTest()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Len(), test.Len(), small.ImageShape) // 1000 1000 [7 7]
}

// Working without a network: Offline never downloads and says which file to
// put where.
func ExampleOffline() {
	_, err := datasets.Load(context.Background(), "sensorless", datasets.Offline(),
		datasets.WithCacheDir("/tmp/empty-cache"), datasets.WithMirrorDir(""))
	fmt.Println(err != nil)
	// Output: true
}

func ExampleLookup() {
	sp, err := datasets.Lookup("cardiotocography-nsp")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sp.Rows, "×", sp.Features, sp.ClassNames, sp.ClassCounts)
	fmt.Println(sp.Licence, "doi:"+sp.DOI)
	fmt.Println(sp.Files[0].URL, sp.Files[0].Member)
	// Output:
	// 2126 × 21 [normal suspect pathologic] [1655 295 176]
	// CC BY 4.0 doi:10.24432/C51S4N
	// https://archive.ics.uci.edu/static/public/193/cardiotocography.zip CTG.xls
}

func ExampleSpec_Attribution() {
	sp, err := datasets.Lookup("banknote")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sp.Attribution())
	// Output: Banknote Authentication. Lohweg, V. (2013). Banknote Authentication. UCI Machine Learning Repository. doi:10.24432/C55P57. Licence: CC BY 4.0. Source: https://archive.ics.uci.edu/dataset/267/banknote+authentication (downloaded from the source, not redistributed).
}

func ExampleNames() {
	fmt.Println(datasets.Names())
	// Output: [avila banknote cardiotocography-class cardiotocography-nsp mnist sensorless sensorless-head]
}

func ExampleTwoMoons() {
	d, err := datasets.TwoMoons(200, 0.1, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Len(), d.Dim(), d.ClassCounts())
	// Output: 200 2 [100 100]
}

func ExampleLinearlySeparable() {
	d, w, err := datasets.LinearlySeparable(500, 0.05, 8)
	if err != nil {
		log.Fatal(err)
	}
	ok := true
	for i := 0; i < d.Len(); i++ {
		s := w[0]*d.X.At(i, 0) + w[1]*d.X.At(i, 1)
		ok = ok && (s >= 0.05) == (d.Y[i] == 1)
	}
	fmt.Println(d.Len(), "points, separated with margin 0.05:", ok)
	// Output: 500 points, separated with margin 0.05: true
}

func ExampleGaussianMixture_Means() {
	m, err := datasets.GaussianMixture{N: 30, Dim: 2, Classes: 3, Separation: 2}.Means()
	if err != nil {
		log.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		fmt.Printf("%.3f\n", m.RawRowView(k))
	}
	// Output:
	// [1.000 0.577]
	// [-1.000 0.577]
	// [0.000 -1.155]
}

func ExampleDataset_Downsample() {
	// One 4×4 "image" with pixel (r, c) = 4r + c.
	row := make([]float64, 16)
	for i := range row {
		row[i] = float64(i)
	}
	d, err := datasets.New("tiny", [][]float64{row}, []int{0}, []string{"digit"})
	if err != nil {
		log.Fatal(err)
	}
	d.ImageShape = [2]int{4, 4}
	p, err := d.Downsample(2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ImageShape, p.Row(0))
	// Output: [2 2] [2.5 4.5 10.5 12.5]
}

func ExampleNewSampler() {
	s, err := datasets.NewSampler(10, 4, datasets.Epochs, 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	seen := map[int]bool{}
	for k := 0; k < 2; k++ { // two batches of one epoch never repeat an index
		for _, i := range s.Next() {
			seen[i] = true
		}
	}
	fmt.Println(len(seen), "distinct indices in epoch", s.Epoch())
	// Output: 8 distinct indices in epoch 1
}
