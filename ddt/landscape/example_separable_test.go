package landscape_test

import (
	"fmt"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"gonum.org/v1/gonum/mat"
)

// A valley with two exits: a sharp double well along x and a flat one along y. The Hessian is diagonal.
func ExampleNewSeparable() {
	x, _ := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 4, Hb: 1, Barrier: 0.3})
	y, _ := landscape.NewDoubleWell(landscape.DoubleWellSpec{Ha: 1, Hb: 1, Barrier: 0.1})
	l, err := landscape.NewSeparable(x, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := mat.NewSymDense(2, nil)
	l.Hessian(h, []float64{x.Minimum(), y.Minimum()})
	fmt.Printf("dim %d, L(a) = %g, H = [[%g %g] [%g %g]]\n", l.Dim(), l.Loss([]float64{0, 0}), h.At(0, 0), h.At(0, 1), h.At(1, 0), h.At(1, 1))
	fmt.Printf("barriers: x %.6g, y %.6g\n", l.Loss([]float64{x.Saddle(), 0}), l.Loss([]float64{0, y.Saddle()}))
	// Output:
	// dim 2, L(a) = 0, H = [[4 0] [0 1]]
	// barriers: x 0.3, y 0.1
}
