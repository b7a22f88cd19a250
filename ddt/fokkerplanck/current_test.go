package fokkerplanck

import (
	"math"
	"testing"
)

// The reported currents are the scheme's own fluxes: their divergence is dP/dt = A P, and the outflow
// through absorbing walls is −dM/dt.
func TestCurrentConsistency(t *testing.T) {
	// 1-D, state-dependent D, absorbing on both sides.
	s1, err := NewSolver1D(Problem1D{Coefficients1D: doubleWell(func(x float64) float64 { return 0.05 + 0.02*x*x }),
		Lo: -2, Hi: 1.5, Cells: 200, Left: Absorbing, Right: Absorbing})
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := s1.Gaussian(-0.5, 0.4)
	j := s1.Current(p1)
	ap := s1.Apply(p1)
	worst := 0.0
	for i := range ap {
		worst = math.Max(worst, math.Abs((j[i]-j[i+1])/s1.Width()-ap[i]))
	}
	dm := 0.0
	for _, v := range ap {
		dm += v * s1.Width()
	}
	out := j[len(j)-1] - j[0]
	t.Logf("1-D: max |div J − AP| = %.2g; outflow %.6g, −dM/dt %.6g", worst, out, -dm)
	if worst > 1e-9 || math.Abs(out+dm) > 1e-12 {
		t.Errorf("1-D current inconsistent: %.3g, outflow %g vs %g", worst, out, -dm)
	}

	// 2-D with cross diffusion, absorbing on the right and the top.
	c := tilted(1.5, 0.3)
	c.Diffusion = ConstantDiffusion2D(Matrix2{XX: 0.1, XY: 0.03, YY: 0.08})
	nx, ny := 30, 24
	s2, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2, XHi: 1, YLo: -1.5, YHi: 1.5, NX: nx, NY: ny, Right: Absorbing, Top: Absorbing})
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := s2.Gaussian(-0.5, 0.2, 0.4, 0.4)
	jx, jy := s2.FaceCurrent(p2)
	ap2 := s2.Apply(p2)
	hx, hy := (1.0+2)/float64(nx), 3.0/float64(ny)
	worst, dm = 0, 0
	for jj := 0; jj < ny; jj++ {
		for i := 0; i < nx; i++ {
			div := (jx[jj*(nx+1)+i+1]-jx[jj*(nx+1)+i])/hx + (jy[(jj+1)*nx+i]-jy[jj*nx+i])/hy
			worst = math.Max(worst, math.Abs(-div-ap2[jj*nx+i]))
			dm += ap2[jj*nx+i] * s2.CellArea()
		}
	}
	out = 0
	for jj := 0; jj < ny; jj++ {
		out += (jx[jj*(nx+1)+nx] - jx[jj*(nx+1)]) * hy
	}
	for i := 0; i < nx; i++ {
		out += (jy[ny*nx+i] - jy[i]) * hx
	}
	t.Logf("2-D: max |div J − AP| = %.2g; outflow %.6g, −dM/dt %.6g", worst, out, -dm)
	if worst > 1e-9 || math.Abs(out+dm) > 1e-12 {
		t.Errorf("2-D current inconsistent: %.3g, outflow %g vs %g", worst, out, -dm)
	}
	// Centre currents are the face means.
	cx, cy := s2.Current(p2)
	if k := 5*nx + 7; math.Abs(cx[k]-(jx[5*(nx+1)+7]+jx[5*(nx+1)+8])/2) > 1e-15 || math.Abs(cy[k]-(jy[5*nx+7]+jy[6*nx+7])/2) > 1e-15 {
		t.Errorf("centre current is not the face mean")
	}
}
