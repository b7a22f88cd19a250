package experiment

import (
	"errors"
	"math"
	"testing"

	"github.com/densitydiffusion/toolkit/ddt/nn"
	"github.com/densitydiffusion/toolkit/ddt/stats"
)

// With the weight decay kept in H, the softmax's shift invariance (the same constant added to every class's
// output weights and bias) gives 3 + 1 = 4 directions with curvature exactly λ_wd and no gradient noise at all:
// the floor must drop them as silent, count them, and fit the rest.
func TestCompareNoiseHessianFloors(t *testing.T) {
	mn := toyMinimum(t)
	ls := mn.Landscape
	P := ls.Dim()
	res, err := CompareNoiseHessian(ls, mn.Theta, []int{4}, nn.WithReplacement, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.FloorRel != DefaultFloorRel {
		t.Errorf("floorRel ≤ 0 gave %g, want the default %g", r.FloorRel, DefaultFloorRel)
	}
	if r.Used+r.DroppedFlat+r.DroppedSilent != P {
		t.Fatalf("used %d + flat %d + silent %d ≠ P = %d", r.Used, r.DroppedFlat, r.DroppedSilent, P)
	}
	silentZero := 0
	var lx, ly []float64
	for i := range r.Lambda {
		if math.Abs(r.Lambda[i]-ls.WeightDecay()) < 1e-9 && math.Abs(r.CDiag[i]) < 1e-12*r.CDiag[0] {
			silentZero++
		}
		if r.Lambda[i] > r.Floor && r.CDiag[i] > r.NoiseFloor {
			lx, ly = append(lx, math.Log(r.HOverB[i])), append(ly, math.Log(r.CDiag[i]))
		}
	}
	if silentZero != 4 || r.DroppedSilent < 4 {
		t.Errorf("%d directions with λ = λ_wd and zero noise (want 4), %d dropped as silent", silentZero, r.DroppedSilent)
	}
	want, err := stats.LinearFit(lx, ly, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Used != len(lx) || r.LogLog.Slope != want.Slope || r.LogLog.SESlope != want.SESlope {
		t.Errorf("fit %+v over %d entries, want %+v over %d", r.LogLog, r.Used, want, len(lx))
	}
	t.Logf("toy: slope %.3f ± %.3f over %d directions, %d flat, %d silent", r.LogLog.Slope, r.LogLog.SESlope, r.Used, r.DroppedFlat, r.DroppedSilent)
	// A lower floor keeps at least as many directions; a floor ≥ 1 is refused.
	low, err := CompareNoiseHessian(ls, mn.Theta, []int{4}, nn.WithReplacement, false, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	if low[0].Used < r.Used || low[0].DroppedSilent < 4 {
		t.Errorf("floor 1e-4: %d used, %d silent (default: %d used)", low[0].Used, low[0].DroppedSilent, r.Used)
	}
	if _, err := CompareNoiseHessian(ls, mn.Theta, []int{4}, nn.WithReplacement, false, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("floorRel = 1: want ErrInvalid, got %v", err)
	}
}
