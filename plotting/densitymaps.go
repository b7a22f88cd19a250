package plotting

import (
	"fmt"
	"math"
)

// DensityGrid turns a 2-D density stored row-major, p[j·len(x)+i] = P(x[i], y[j]) (the layout of the
// frames of fokkerplanck.Snapshots), into a Grid for Heatmap and Contour. x and y are the cell centres,
// finite and strictly increasing.
//
// block > 1 coarsens the grid for display: each block×block group of cells becomes one cell holding the mean
// of their values, placed at the mean of their centres (len(x) and len(y) must be multiples of block). On an
// even grid this keeps ∫P exactly, and a density linear across a block keeps its value at the block centre.
// An interactive chart carries one number per cell and frame, so coarsening is what keeps an animation of a
// 150×150 solution small. block 0 or 1 copies the values.
func DensityGrid(x, y, p []float64, block int) (Grid, error) {
	nx, ny := len(x), len(y)
	if nx < 2 || ny < 2 {
		return Grid{}, fmt.Errorf("%w: a density grid needs at least 2×2 cells, has %d×%d", ErrEmpty, nx, ny)
	}
	if len(p) != nx*ny {
		return Grid{}, fmt.Errorf("%w: density has %d values for %d×%d cells", ErrLength, len(p), nx, ny)
	}
	for _, v := range [][]float64{x, y} {
		for i := range v {
			if !finite(v[i]) || (i > 0 && v[i] <= v[i-1]) {
				return Grid{}, fmt.Errorf("plotting: density grid coordinates must be finite and strictly increasing")
			}
		}
	}
	if block < 0 {
		return Grid{}, fmt.Errorf("plotting: density grid block %d < 0", block)
	}
	if block <= 1 {
		block = 1
	}
	if nx%block != 0 || ny%block != 0 {
		return Grid{}, fmt.Errorf("%w: block %d does not divide the %d×%d cells", ErrLength, block, nx, ny)
	}
	mx, my := nx/block, ny/block
	if mx < 2 || my < 2 {
		return Grid{}, fmt.Errorf("%w: block %d leaves %d×%d cells (need at least 2×2)", ErrEmpty, block, mx, my)
	}
	mean := func(v []float64, b int) float64 {
		s := 0.0
		for _, u := range v[b*block : (b+1)*block] {
			s += u
		}
		return s / float64(block)
	}
	g := Grid{X: make([]float64, mx), Y: make([]float64, my), Z: make([][]float64, my)}
	for i := range g.X {
		g.X[i] = mean(x, i)
	}
	for j := range g.Y {
		g.Y[j] = mean(y, j)
		row := make([]float64, mx)
		for i := range row {
			s := 0.0
			for jj := j * block; jj < (j+1)*block; jj++ {
				for ii := i * block; ii < (i+1)*block; ii++ {
					s += p[jj*nx+ii]
				}
			}
			row[i] = s / float64(block*block)
		}
		g.Z[j] = row
	}
	return g, nil
}

// NegligibleDensity is the relative size, against the top of the colour scale, below which DensityHeatmaps draws
// a negative density value as 0.
const NegligibleDensity = 1e-3

// DensityHeatmaps shows frames of a 2-D density P(x, y, t), e.g. a 2-D Fokker–Planck solution: P[k] is the
// density at time Times[k], row-major as in DensityGrid (P[k][j·len(X)+i] at (X[i], Y[j])), so
// fokkerplanck.Snapshots plug in as X, Y, Times and Frames. Every frame is a heatmap; statically the frames
// are small multiples, interactively an echarts timeline with a play button (Frames).
//
// All frames share one colour scale, from 0 to the largest value over all frames, so that a spreading density
// visibly fades; with Relative each frame is divided by its own maximum first (colour P/max P, scale up to 1),
// for densities of very different heights. Negative values above −NegligibleDensity times the top of the scale
// (a scheme's rounding, below what a colour can show) are drawn as 0; a more negative value extends the scale
// below 0, so that it shows.
type DensityHeatmaps struct {
	Title, Caption string
	// XLabel and YLabel default to θ₁ and θ₂.
	XLabel, YLabel string
	// X and Y are the cell centres, P the frames.
	X, Y []float64
	P    [][]float64
	// Times label the frames "t = …"; Labels, when set, replace them (one per frame). One of the two is
	// required.
	Times  []float64
	Labels []string
	// Block coarsens the display (DensityGrid); 0 or 1: every cell.
	Block int
	// Relative colours each frame by P/max P.
	Relative bool
	// ZName names the value in tooltips and the legend ("P(θ, t)" when empty).
	ZName string
	// Overlay, when set, returns series drawn over frame k (e.g. a predicted 2σ ellipse). Every frame must
	// get the same kinds of series, in the same order.
	Overlay func(k int) []Series
	// Cols of the small multiples (3 when zero).
	Cols int
}

// Frames builds the chart. Bad input (no frames, a frame or label count that does not match, a frame of the
// wrong length, a density with no positive value) is an error.
func (d DensityHeatmaps) Frames() (*Frames, error) {
	n := len(d.P)
	if n == 0 {
		return nil, fmt.Errorf("%w: density heatmaps need at least one frame", ErrEmpty)
	}
	labels := d.Labels
	switch {
	case labels != nil && len(labels) != n:
		return nil, fmt.Errorf("%w: %d labels for %d frames", ErrLength, len(labels), n)
	case labels == nil && len(d.Times) != n:
		return nil, fmt.Errorf("%w: %d times for %d frames", ErrLength, len(d.Times), n)
	case labels == nil:
		for _, t := range d.Times {
			labels = append(labels, fmt.Sprintf("t = %.4g", t))
		}
	}
	grids := make([]Grid, n)
	lo, hi := 0.0, math.Inf(-1)
	for k, p := range d.P {
		g, err := DensityGrid(d.X, d.Y, p, d.Block)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", k, err)
		}
		fmin, fmax := math.Inf(1), math.Inf(-1)
		for _, row := range g.Z {
			for _, v := range row {
				if finite(v) {
					fmin, fmax = math.Min(fmin, v), math.Max(fmax, v)
				}
			}
		}
		if !(fmax > 0) {
			return nil, fmt.Errorf("%w: frame %d has no positive density value", ErrEmpty, k)
		}
		if d.Relative {
			for _, row := range g.Z {
				for i := range row {
					row[i] /= fmax
				}
			}
			fmin, fmax = fmin/fmax, 1
		}
		lo, hi = math.Min(lo, fmin), math.Max(hi, fmax)
		grids[k] = g
	}
	if lo >= -NegligibleDensity*hi {
		lo = 0
		for _, g := range grids {
			for _, row := range g.Z {
				for i, v := range row {
					if v < 0 {
						row[i] = 0
					}
				}
			}
		}
	}
	xl, yl, zn := d.XLabel, d.YLabel, d.ZName
	if xl == "" {
		xl = `$\theta_1$`
	}
	if yl == "" {
		yl = `$\theta_2$`
	}
	if zn == "" {
		zn = "P(θ, t)"
		if d.Relative {
			zn = "P / max P"
		}
	}
	fr := &Frames{Title: d.Title, Caption: d.Caption, Cols: d.Cols, Labels: labels}
	for k, g := range grids {
		f := New("", xl, yl)
		ex, ey := cellEdges(g.X), cellEdges(g.Y)
		f.X.Min, f.X.Max, f.Y.Min, f.Y.Max = ex[0], ex[len(ex)-1], ey[0], ey[len(ey)-1]
		f.Add(scaledHeatmap{Heatmap: Heatmap{Name: zn, Grid: g, ZName: zn}, zmin: lo, zmax: hi})
		if d.Overlay != nil {
			f.Add(d.Overlay(k)...)
		}
		fr.Frames = append(fr.Frames, f)
	}
	return fr, nil
}

// scaledHeatmap is a Heatmap with a fixed colour scale [zmin, zmax], shared by the frames of an animation
// (a Heatmap alone scales to its own range).
type scaledHeatmap struct {
	Heatmap
	zmin, zmax float64
}

func (s scaledHeatmap) compile(c *compileCtx) ([]prim, error) {
	ps, err := s.Heatmap.compile(c)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		ps[i].zmin, ps[i].zmax = s.zmin, s.zmax
	}
	return ps, nil
}

// CovarianceEllipse returns n+1 points (the last repeats the first) of the k-σ ellipse of a 2-D Gaussian
// with mean (mx, my) and covariance Σ = [[sxx, sxy], [sxy, syy]]: the points θ with
// (θ − m)ᵀΣ⁻¹(θ − m) = k², for drawing a predicted or measured covariance over a density or a cloud of
// points (the 2σ ellipse holds 1 − e⁻² ≈ 86% of the mass). Σ must be positive definite, k > 0, n ≥ 3.
func CovarianceEllipse(mx, my, sxx, sxy, syy, k float64, n int) (xs, ys []float64, err error) {
	if !finite(mx) || !finite(my) || !finite(sxx) || !finite(sxy) || !finite(syy) || !(k > 0) || !finite(k) {
		return nil, nil, fmt.Errorf("plotting: covariance ellipse: non-finite or non-positive input (m = (%g, %g), Σ = [%g %g; %g %g], k = %g)", mx, my, sxx, sxy, sxy, syy, k)
	}
	if n < 3 {
		return nil, nil, fmt.Errorf("plotting: covariance ellipse needs at least 3 segments, got %d", n)
	}
	// Cholesky Σ = LLᵀ; θ = m + k·L·(cos t, sin t) has (θ − m)ᵀΣ⁻¹(θ − m) = k².
	if !(sxx > 0) {
		return nil, nil, fmt.Errorf("plotting: covariance ellipse: Σ = [%g %g; %g %g] is not positive definite", sxx, sxy, sxy, syy)
	}
	l11 := math.Sqrt(sxx)
	l21 := sxy / l11
	r := syy - l21*l21
	if !(r > 0) {
		return nil, nil, fmt.Errorf("plotting: covariance ellipse: Σ = [%g %g; %g %g] is not positive definite", sxx, sxy, sxy, syy)
	}
	l22 := math.Sqrt(r)
	xs, ys = make([]float64, n+1), make([]float64, n+1)
	for i := 0; i <= n; i++ {
		t := 2 * math.Pi * float64(i%n) / float64(n)
		c, s := k*math.Cos(t), k*math.Sin(t)
		xs[i], ys[i] = mx+l11*c, my+l21*c+l22*s
	}
	return xs, ys, nil
}
