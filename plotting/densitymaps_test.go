package plotting

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// rowMajor samples f at the centres (x[i], y[j]) into p[j·len(x)+i].
func rowMajor(x, y []float64, f func(x, y float64) float64) []float64 {
	p := make([]float64, len(x)*len(y))
	for j, yv := range y {
		for i, xv := range x {
			p[j*len(x)+i] = f(xv, yv)
		}
	}
	return p
}

func centres(lo, hi float64, n int) []float64 {
	h := (hi - lo) / float64(n)
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (float64(i)+0.5)*h
	}
	return out
}

func TestDensityGrid(t *testing.T) {
	// A density linear in x and y: a block's mean is the value at the mean of its centres, exactly.
	x, y := centres(-1, 2, 12), centres(0, 1, 8)
	lin := func(x, y float64) float64 { return 3 + 0.5*x - 2*y }
	p := rowMajor(x, y, lin)
	for _, block := range []int{0, 1, 2, 4} {
		g, err := DensityGrid(x, y, p, block)
		if err != nil {
			t.Fatal(err)
		}
		b := max(block, 1)
		if len(g.X) != 12/b || len(g.Y) != 8/b || len(g.Z) != 8/b || len(g.Z[0]) != 12/b {
			t.Fatalf("block %d: grid %d×%d (Z %d rows), want %d×%d", block, len(g.X), len(g.Y), len(g.Z), 12/b, 8/b)
		}
		worst, sum := 0.0, 0.0
		for j, yv := range g.Y {
			for i, xv := range g.X {
				worst = math.Max(worst, math.Abs(g.Z[j][i]-lin(xv, yv)))
				sum += g.Z[j][i] * float64(b*b)
			}
		}
		total := 0.0
		for _, v := range p {
			total += v
		}
		if worst > 1e-13 || math.Abs(sum-total) > 1e-12*total {
			t.Errorf("block %d: max |Z − P(centre)| = %.3g (want < 1e-13), Σ = %.15g vs %.15g", block, worst, sum, total)
		}
	}
	// Block 2 of a known 4×2 array: exact means.
	g, err := DensityGrid([]float64{0, 1, 2, 3}, []float64{0, 1, 2, 3}, []float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{3.5, 5.5}, {11.5, 13.5}}
	if fmt.Sprint(g.Z) != fmt.Sprint(want) || fmt.Sprint(g.X) != "[0.5 2.5]" {
		t.Errorf("block means %v at X %v, want %v at [0.5 2.5]", g.Z, g.X, want)
	}
}

func TestDensityGridBadInput(t *testing.T) {
	x, y := centres(0, 1, 6), centres(0, 1, 4)
	p := make([]float64, 24)
	cases := []struct {
		name    string
		x, y, p []float64
		block   int
		want    error
	}{
		{"one column", x[:1], y, p[:4], 1, ErrEmpty},
		{"short density", x, y, p[:23], 1, ErrLength},
		{"block does not divide", x, y, p, 4, ErrLength},
		{"block leaves one cell", x, y, p, 3, ErrLength},
		{"block too coarse", x[:4], y[:4], p[:16], 4, ErrEmpty},
		{"negative block", x, y, p, -2, nil},
		{"decreasing x", []float64{0, 2, 1, 3, 4, 5}, y, p, 1, nil},
		{"NaN y", x, []float64{0, math.NaN(), 2, 3}, p, 1, nil},
	}
	for _, c := range cases {
		_, err := DensityGrid(c.x, c.y, c.p, c.block)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// gauss2 is an isotropic Gaussian density of standard deviation s centred at (mx, my).
func gauss2(mx, my, s float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		return math.Exp(-((x-mx)*(x-mx)+(y-my)*(y-my))/(2*s*s)) / (2 * math.Pi * s * s)
	}
}

func TestDensityHeatmapsFrames(t *testing.T) {
	x, y := centres(-1, 1, 40), centres(-1, 1, 40)
	// A spreading, drifting Gaussian centred on the centre of a 2×2 display block (blocks are centred at
	// −0.95 + 0.1m): the peak height 1/(2πs²) falls from frame to frame.
	sds := []float64{0.1, 0.2, 0.3}
	var ps [][]float64
	for k, s := range sds {
		ps = append(ps, rowMajor(x, y, gauss2(0.45-0.2*float64(k), 0.05, s)))
	}
	ell := func(k int) []Series {
		ex, ey, err := CovarianceEllipse(0, 0, sds[k]*sds[k], 0, sds[k]*sds[k], 2, 60)
		if err != nil {
			t.Fatal(err)
		}
		return []Series{Line{Name: "2σ", X: ex, Y: ey, Role: RoleTheory}}
	}
	for _, relative := range []bool{false, true} {
		d := DensityHeatmaps{Title: "spreading", Caption: "test", X: x, Y: y, P: ps, Times: []float64{0, 0.5, 1.25},
			Block: 2, Relative: relative, Overlay: ell}
		fr, err := d.Frames()
		if err != nil {
			t.Fatal(err)
		}
		if len(fr.Frames) != 3 || strings.Join(fr.Labels, "|") != "t = 0|t = 0.5|t = 1.25" {
			t.Fatalf("%d frames labelled %q", len(fr.Frames), fr.Labels)
		}
		// Every frame: one heatmap of 20×20 cells on one colour scale, then the overlay.
		top := 0.0 // the largest displayed value: the first frame's 2×2 block mean at the peak
		for k, f := range fr.Frames {
			c, err := f.compile()
			if err != nil {
				t.Fatal(err)
			}
			if len(c.prims) != 2 || c.prims[0].kind != primCells || len(c.prims[0].cells) != 400 {
				t.Fatalf("frame %d: %d primitives (want heatmap + ellipse), %d cells (want 400)", k, len(c.prims), len(c.prims[0].cells))
			}
			fmax := 0.0
			for _, cl := range c.prims[0].cells {
				fmax = math.Max(fmax, cl[4])
			}
			if k == 0 {
				top = fmax
			}
			p := c.prims[0]
			wantMax := top
			if relative {
				wantMax = 1
				if math.Abs(fmax-1) > 1e-15 {
					t.Errorf("relative frame %d: max %g, want 1", k, fmax)
				}
			}
			if p.zmin != 0 || p.zmax != wantMax {
				t.Errorf("relative=%v frame %d: colour scale [%g, %g], want [0, %g]", relative, k, p.zmin, p.zmax, wantMax)
			}
		}
		// Absolute scale: the first frame's peak block holds four cells at r² = 2·0.025² from the centre, so its
		// mean is exactly e^{−0.0625}/(2π·0.01) = 14.9512.
		if want := math.Exp(-0.0625) / (2 * math.Pi * 0.01); !relative && math.Abs(top/want-1) > 1e-12 {
			t.Errorf("first frame peak %.15g, want %.15g", top, want)
		}
		if err := render(fr); err != nil {
			t.Fatal(err)
		}
		opt, err := fr.ECharts()
		if err != nil {
			t.Fatal(err)
		}
		vm := opt["baseOption"].(map[string]any)["visualMap"].(map[string]any)
		if vm["max"].(float64) != round6(fr.Frames[0].Series[0].(scaledHeatmap).zmax) {
			t.Errorf("visualMap max %v, want the common maximum %g", vm["max"], top)
		}
		js, _ := json.Marshal(opt)
		t.Logf("relative=%v: 3 frames of 20×20 cells: %d bytes of echarts option", relative, len(js))
	}
}

// TestDensityHeatmapsNegativeValues: a rounding-size negative value is drawn as 0 on a scale from 0; a real one
// extends the scale below 0.
func TestDensityHeatmapsNegativeValues(t *testing.T) {
	x, y := centres(0, 1, 4), centres(0, 1, 4)
	for _, c := range []struct {
		neg, wantLo, wantCell float64
	}{{-1e-4, 0, 0}, {-0.2, -0.2, -0.2}} {
		p := rowMajor(x, y, func(float64, float64) float64 { return 1 })
		p[5] = c.neg
		fr, err := DensityHeatmaps{X: x, Y: y, P: [][]float64{p}, Times: []float64{0}}.Frames()
		if err != nil {
			t.Fatal(err)
		}
		cp, err := fr.Frames[0].compile()
		if err != nil {
			t.Fatal(err)
		}
		h := cp.prims[0]
		if h.zmin != c.wantLo || h.zmax != 1 || h.cells[5][4] != c.wantCell {
			t.Errorf("P = %g in one cell: scale [%g, %g], cell drawn as %g; want [%g, 1], %g", c.neg, h.zmin, h.zmax, h.cells[5][4], c.wantLo, c.wantCell)
		}
	}
}

func TestDensityHeatmapsBadInput(t *testing.T) {
	x, y := centres(0, 1, 4), centres(0, 1, 4)
	one := rowMajor(x, y, func(x, y float64) float64 { return 1 + x })
	cases := []struct {
		name string
		d    DensityHeatmaps
		want error
	}{
		{"no frames", DensityHeatmaps{X: x, Y: y}, ErrEmpty},
		{"times count", DensityHeatmaps{X: x, Y: y, P: [][]float64{one, one}, Times: []float64{0}}, ErrLength},
		{"labels count", DensityHeatmaps{X: x, Y: y, P: [][]float64{one}, Labels: []string{"a", "b"}}, ErrLength},
		{"short frame", DensityHeatmaps{X: x, Y: y, P: [][]float64{one, one[:15]}, Times: []float64{0, 1}}, ErrLength},
		{"zero density", DensityHeatmaps{X: x, Y: y, P: [][]float64{make([]float64, 16)}, Times: []float64{0}}, ErrEmpty},
		{"all NaN", DensityHeatmaps{X: x, Y: y, P: [][]float64{rowMajor(x, y, func(float64, float64) float64 { return math.NaN() })}, Times: []float64{0}}, ErrEmpty},
		{"bad block", DensityHeatmaps{X: x, Y: y, P: [][]float64{one}, Times: []float64{0}, Block: 3}, ErrLength},
	}
	for _, c := range cases {
		_, err := c.d.Frames()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// An overlay that changes shape between frames is caught when rendering interactively.
	d := DensityHeatmaps{X: x, Y: y, P: [][]float64{one, one}, Times: []float64{0, 1}, Overlay: func(k int) []Series {
		if k == 0 {
			return nil
		}
		return []Series{Line{Name: "a", X: []float64{0, 1}, Y: []float64{0, 1}}}
	}}
	fr, err := d.Frames()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fr.ECharts(); !errors.Is(err, ErrLength) {
		t.Errorf("frames with different series: %v, want ErrLength", err)
	}
}

func TestCovarianceEllipse(t *testing.T) {
	// Σ = [[0.0077, 0.0041], [0.0041, 0.0030]] (≈ D₀H⁻¹ of notebook 03), centred at (0.1, −0.2), k = 2.
	const mx, my, sxx, sxy, syy, k, n = 0.1, -0.2, 0.0077, 0.0041, 0.0030, 2.0, 64
	xs, ys, err := CovarianceEllipse(mx, my, sxx, sxy, syy, k, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != n+1 || xs[0] != xs[n] || ys[0] != ys[n] {
		t.Fatalf("%d points, closed: %v", len(xs), xs[0] == xs[n] && ys[0] == ys[n])
	}
	det := sxx*syy - sxy*sxy
	worst := 0.0
	area := 0.0
	for i := 0; i < n; i++ {
		dx, dy := xs[i]-mx, ys[i]-my
		q := (syy*dx*dx - 2*sxy*dx*dy + sxx*dy*dy) / det // (θ−m)ᵀΣ⁻¹(θ−m)
		worst = math.Max(worst, math.Abs(q-k*k))
		area += (xs[i]-mx)*(ys[i+1]-my) - (xs[i+1]-mx)*(ys[i]-my)
	}
	area /= 2
	// The polygon is the image under L (Σ = LLᵀ) of a regular n-gon inscribed in a circle of radius k.
	wantArea := math.Sqrt(det) * float64(n) / 2 * k * k * math.Sin(2*math.Pi/n)
	if worst > 1e-12 || math.Abs(area/wantArea-1) > 1e-12 {
		t.Errorf("max |quadratic form − k²| = %.3g (want < 1e-12); area %.15g, want %.15g", worst, area, wantArea)
	}
	for _, bad := range [][6]float64{
		{0, 0, 1, 1, 1, 2},          // singular
		{0, 0, 1, 2, 1, 2},          // indefinite
		{0, 0, -1, 0, 1, 2},         // negative variance
		{0, 0, 1, 0, 1, 0},          // k = 0
		{math.NaN(), 0, 1, 0, 1, 2}, // NaN mean
		{0, 0, 1, 0, math.Inf(1), 2},
	} {
		if _, _, err := CovarianceEllipse(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5], 10); err == nil {
			t.Errorf("CovarianceEllipse%v: no error", bad)
		}
	}
	if _, _, err := CovarianceEllipse(0, 0, 1, 0, 1, 2, 2); err == nil {
		t.Errorf("2 segments: no error")
	}
}
