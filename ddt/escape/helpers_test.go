package escape_test

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// light reports whether the Monte Carlo tests run their lighter versions: in -short mode and under the race
// detector.
func light() bool { return testing.Short() || raceEnabled }

func mat1(v float64) *mat.SymDense { return mat.NewSymDense(1, []float64{v}) }
