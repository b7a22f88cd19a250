package plotting

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot/vg"
)

// A Series draws one thing on a Figure: a line, a set of points, a band.
// Series are plain values built from data; both back ends (gonum/plot and
// echarts) draw the same series.
//
// Every series validates its data when the figure is rendered:
//   - empty data and slices of mismatched lengths are errors;
//   - a non-positive value on a log axis is an error;
//   - NaN and ±Inf values are skipped and counted: the point (or grid cell,
//     or arrow) is left out, the count is returned by Figure.Check and a
//     note "n non-finite values skipped" is printed under the chart, so a
//     diverged trajectory never disappears silently.
type Series interface {
	// compile validates the data and turns it into drawing primitives.
	compile(c *compileCtx) ([]prim, error)
	// seriesName is the legend entry ("" for none).
	seriesName() string
}

// ErrEmpty is returned (wrapped) for a series without data.
var ErrEmpty = errors.New("plotting: empty series")

// ErrLength is returned (wrapped) for slices of mismatched lengths.
var ErrLength = errors.New("plotting: mismatched lengths")

// ErrLogAxis is returned (wrapped) for a non-positive value on a log axis.
var ErrLogAxis = errors.New("plotting: non-positive value on a log axis")

type primKind int

const (
	primLine     primKind = iota // polyline, NaN breaks it
	primMarkers                  // one glyph per point
	primSegments                 // pairs of points
	primArrows                   // pairs tail, head
	primFill                     // polygons separated by NaN
	primCells                    // heatmap cells
)

// prim is a drawing primitive shared by both back ends.
type prim struct {
	kind   primKind
	name   string
	color  color.RGBA
	alpha  float64 // fill opacity (primFill)
	width  vg.Length
	dashes []vg.Length
	ltype  string // echarts line type
	shape  Shape
	size   vg.Length
	x, y   []float64
	labels []string
	// cells: x0, x1, y0, y1, z for each cell.
	cells      [][5]float64
	zmin, zmax float64
	zname      string
	legend     bool // draws the legend thumbnail for its name
	caps       bool // segments are error bars with caps
	labelColor color.RGBA
}

type compileCtx struct {
	xlog, ylog bool
	skipped    int
	autoIndex  int
}

func (c *compileCtx) nextAuto() color.RGBA {
	col := autoColor(c.autoIndex)
	c.autoIndex++
	return col
}

func (c *compileCtx) color(r Role) color.RGBA {
	if r == RoleAuto {
		return c.nextAuto()
	}
	return r.Color()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkXY validates paired slices and returns the indices of the usable
// points; non-finite points are counted as skipped.
func (c *compileCtx) checkXY(name string, xs, ys []float64) ([]int, error) {
	if len(xs) == 0 && len(ys) == 0 {
		return nil, fmt.Errorf("%w: %q has no points", ErrEmpty, name)
	}
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("%w: %q has len(X) = %d, len(Y) = %d", ErrLength, name, len(xs), len(ys))
	}
	idx := make([]int, 0, len(xs))
	for i := range xs {
		if !finite(xs[i]) || !finite(ys[i]) {
			c.skipped++
			continue
		}
		if err := c.checkLog(name, i, xs[i], ys[i]); err != nil {
			return nil, err
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("%w: %q has no finite points", ErrEmpty, name)
	}
	return idx, nil
}

func (c *compileCtx) checkLog(name string, i int, x, y float64) error {
	if c.xlog && x <= 0 {
		return fmt.Errorf("%w: %q has x[%d] = %g", ErrLogAxis, name, i, x)
	}
	if c.ylog && y <= 0 {
		return fmt.Errorf("%w: %q has y[%d] = %g", ErrLogAxis, name, i, y)
	}
	return nil
}

func pick(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

func lineWidth(r Role) vg.Length {
	if r == RoleTheory || r == RoleExact {
		return 1.6
	}
	return 1.3
}

// Line is a polyline through (X[i], Y[i]); a non-finite point breaks it.
type Line struct {
	Name string
	X, Y []float64
	Role Role
	// Dashed draws a dashed line whatever the role.
	Dashed bool
}

func (s Line) seriesName() string { return s.Name }

func (s Line) compile(c *compileCtx) ([]prim, error) {
	if len(s.X) == 0 && len(s.Y) == 0 {
		return nil, fmt.Errorf("%w: %q has no points", ErrEmpty, s.Name)
	}
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("%w: %q has len(X) = %d, len(Y) = %d", ErrLength, s.Name, len(s.X), len(s.Y))
	}
	x := make([]float64, len(s.X))
	y := make([]float64, len(s.Y))
	good := 0
	for i := range s.X {
		if !finite(s.X[i]) || !finite(s.Y[i]) {
			c.skipped++
			x[i], y[i] = math.NaN(), math.NaN()
			continue
		}
		if err := c.checkLog(s.Name, i, s.X[i], s.Y[i]); err != nil {
			return nil, err
		}
		x[i], y[i] = s.X[i], s.Y[i]
		good++
	}
	if good == 0 {
		return nil, fmt.Errorf("%w: %q has no finite points", ErrEmpty, s.Name)
	}
	p := prim{kind: primLine, name: s.Name, color: c.color(s.Role), width: lineWidth(s.Role),
		dashes: s.Role.dashes(), ltype: s.Role.echartsLineType(), x: x, y: y, legend: true}
	if s.Dashed {
		p.dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.ltype = "dashed"
	}
	return []prim{p}, nil
}

// Points are markers at (X[i], Y[i]), with optional interval bars from
// Lo[i] to Hi[i] (absolute bounds, e.g. a 95% confidence interval; either
// both nil or both as long as X).
type Points struct {
	Name   string
	X, Y   []float64
	Lo, Hi []float64
	Role   Role
	Shape  *Shape // nil: the role's shape
}

func (s Points) seriesName() string { return s.Name }

func (s Points) compile(c *compileCtx) ([]prim, error) {
	if (s.Lo == nil) != (s.Hi == nil) {
		return nil, fmt.Errorf("%w: %q has only one of Lo, Hi", ErrLength, s.Name)
	}
	if s.Lo != nil && (len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X)) {
		return nil, fmt.Errorf("%w: %q has len(X) = %d, len(Lo) = %d, len(Hi) = %d", ErrLength, s.Name, len(s.X), len(s.Lo), len(s.Hi))
	}
	idx, err := c.checkXY(s.Name, s.X, s.Y)
	if err != nil {
		return nil, err
	}
	col := c.color(s.Role)
	shape := s.Role.shape()
	if s.Shape != nil {
		shape = *s.Shape
	}
	var out []prim
	if s.Lo != nil {
		bars := prim{kind: primSegments, name: s.Name, color: col, width: 1, ltype: "solid", caps: true}
		for _, i := range idx {
			lo, hi := s.Lo[i], s.Hi[i]
			if !finite(lo) || !finite(hi) {
				c.skipped++
				continue
			}
			if c.ylog && (lo <= 0 || hi <= 0) {
				return nil, fmt.Errorf("%w: %q has interval [%g, %g] at %d", ErrLogAxis, s.Name, lo, hi, i)
			}
			bars.x = append(bars.x, s.X[i], s.X[i])
			bars.y = append(bars.y, lo, hi)
		}
		if len(bars.x) > 0 {
			out = append(out, bars)
		}
	}
	out = append(out, prim{kind: primMarkers, name: s.Name, color: col, shape: shape, size: 3,
		x: pick(s.X, idx), y: pick(s.Y, idx), legend: true})
	return out, nil
}

// Band is a shaded region between Lo[i] and Hi[i] over X[i], for
// confidence bands and spreads.
type Band struct {
	Name      string
	X, Lo, Hi []float64
	Role      Role
}

func (s Band) seriesName() string { return s.Name }

func (s Band) compile(c *compileCtx) ([]prim, error) {
	if len(s.X) == 0 {
		return nil, fmt.Errorf("%w: %q has no points", ErrEmpty, s.Name)
	}
	if len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X) {
		return nil, fmt.Errorf("%w: %q has len(X) = %d, len(Lo) = %d, len(Hi) = %d", ErrLength, s.Name, len(s.X), len(s.Lo), len(s.Hi))
	}
	var xs, lo, hi []float64
	for i := range s.X {
		if !finite(s.X[i]) || !finite(s.Lo[i]) || !finite(s.Hi[i]) {
			c.skipped++
			continue
		}
		if err := c.checkLog(s.Name, i, s.X[i], s.Lo[i]); err != nil {
			return nil, err
		}
		if err := c.checkLog(s.Name, i, s.X[i], s.Hi[i]); err != nil {
			return nil, err
		}
		xs, lo, hi = append(xs, s.X[i]), append(lo, s.Lo[i]), append(hi, s.Hi[i])
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("%w: %q has no finite points", ErrEmpty, s.Name)
	}
	p := prim{kind: primFill, name: s.Name, color: c.color(s.Role), alpha: 0.25, legend: true}
	p.x = append(p.x, xs...)
	p.y = append(p.y, hi...)
	for i := len(xs) - 1; i >= 0; i-- {
		p.x = append(p.x, xs[i])
		p.y = append(p.y, lo[i])
	}
	return []prim{p}, nil
}

// Histogram bins Values into Bins equal bins over [Min, Max] (the data
// range when both are zero). With Density the bar heights integrate to one,
// so a theoretical density can be drawn over it.
type Histogram struct {
	Name     string
	Values   []float64
	Bins     int
	Min, Max float64
	Density  bool
	Role     Role
}

func (s Histogram) seriesName() string { return s.Name }

// Counts returns the bin edges and heights (counts, or densities with
// Density), skipping non-finite values.
func (s Histogram) Counts() (edges, heights []float64, skipped int, err error) {
	if len(s.Values) == 0 {
		return nil, nil, 0, fmt.Errorf("%w: histogram %q has no values", ErrEmpty, s.Name)
	}
	bins := s.Bins
	if bins <= 0 {
		bins = 30
	}
	var vals []float64
	for _, v := range s.Values {
		if finite(v) {
			vals = append(vals, v)
		} else {
			skipped++
		}
	}
	if len(vals) == 0 {
		return nil, nil, skipped, fmt.Errorf("%w: histogram %q has no finite values", ErrEmpty, s.Name)
	}
	lo, hi := s.Min, s.Max
	if lo == 0 && hi == 0 {
		lo, hi = slices.Min(vals), slices.Max(vals)
	}
	if !(hi > lo) {
		if hi == lo {
			lo, hi = lo-0.5, hi+0.5
		} else {
			return nil, nil, skipped, fmt.Errorf("plotting: histogram %q has Min %g > Max %g", s.Name, s.Min, s.Max)
		}
	}
	w := (hi - lo) / float64(bins)
	edges = make([]float64, bins+1)
	for i := range edges {
		edges[i] = lo + float64(i)*w
	}
	heights = make([]float64, bins)
	n := 0
	for _, v := range vals {
		if v < lo || v > hi {
			continue
		}
		i := int((v - lo) / w)
		if i == bins {
			i--
		}
		heights[i]++
		n++
	}
	if s.Density && n > 0 {
		for i := range heights {
			heights[i] /= float64(len(vals)) * w
		}
	}
	return edges, heights, skipped, nil
}

func (s Histogram) compile(c *compileCtx) ([]prim, error) {
	if c.xlog {
		return nil, fmt.Errorf("plotting: histogram %q on a log x axis is not supported; bin log values instead", s.Name)
	}
	edges, h, skipped, err := s.Counts()
	if err != nil {
		return nil, err
	}
	c.skipped += skipped
	col := c.color(s.Role)
	fill := prim{kind: primFill, name: s.Name, color: col, alpha: 0.45, legend: true}
	outline := prim{kind: primLine, name: s.Name, color: col, width: 1, ltype: "solid"}
	base := 0.0
	if c.ylog {
		// Bars start one decade below the smallest positive height.
		base = math.Inf(1)
		for _, v := range h {
			if v > 0 {
				base = math.Min(base, v)
			}
		}
		if math.IsInf(base, 1) {
			return nil, fmt.Errorf("%w: histogram %q has no positive bin", ErrLogAxis, s.Name)
		}
		base /= 10
	}
	for i, v := range h {
		if c.ylog && v <= 0 {
			continue
		}
		x0, x1 := edges[i], edges[i+1]
		if len(fill.x) > 0 {
			fill.x, fill.y = append(fill.x, math.NaN()), append(fill.y, math.NaN())
			outline.x, outline.y = append(outline.x, math.NaN()), append(outline.y, math.NaN())
		}
		fill.x = append(fill.x, x0, x1, x1, x0)
		fill.y = append(fill.y, base, base, v, v)
		outline.x = append(outline.x, x0, x0, x1, x1)
		outline.y = append(outline.y, base, v, v, base)
	}
	return []prim{fill, outline}, nil
}

// Grid holds values Z[j][i] of a function on the grid (X[i], Y[j]), as a
// loss landscape sampled on a mesh. X and Y must be strictly increasing.
type Grid struct {
	X, Y []float64
	Z    [][]float64
}

// SampleGrid evaluates f on an nx × ny grid over [x0, x1] × [y0, y1].
func SampleGrid(f func(x, y float64) float64, x0, x1 float64, nx int, y0, y1 float64, ny int) Grid {
	g := Grid{X: linspace(x0, x1, nx), Y: linspace(y0, y1, ny)}
	g.Z = make([][]float64, len(g.Y))
	for j, y := range g.Y {
		g.Z[j] = make([]float64, len(g.X))
		for i, x := range g.X {
			g.Z[j][i] = f(x, y)
		}
	}
	return g
}

func linspace(a, b float64, n int) []float64 {
	if n < 2 {
		return []float64{a}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return out
}

func (g Grid) check(name string, c *compileCtx) (zmin, zmax float64, err error) {
	if len(g.X) < 2 || len(g.Y) < 2 {
		return 0, 0, fmt.Errorf("%w: grid %q needs at least 2×2 points, has %d×%d", ErrEmpty, name, len(g.X), len(g.Y))
	}
	if len(g.Z) != len(g.Y) {
		return 0, 0, fmt.Errorf("%w: grid %q has %d rows of Z for %d Y values", ErrLength, name, len(g.Z), len(g.Y))
	}
	for _, v := range [][]float64{g.X, g.Y} {
		for i := range v {
			if !finite(v[i]) || (i > 0 && v[i] <= v[i-1]) {
				return 0, 0, fmt.Errorf("plotting: grid %q coordinates must be finite and strictly increasing", name)
			}
		}
	}
	if c.xlog || c.ylog {
		return 0, 0, fmt.Errorf("plotting: grid %q on a log axis is not supported", name)
	}
	zmin, zmax = math.Inf(1), math.Inf(-1)
	for j, row := range g.Z {
		if len(row) != len(g.X) {
			return 0, 0, fmt.Errorf("%w: grid %q row %d has %d values for %d X values", ErrLength, name, j, len(row), len(g.X))
		}
		for _, z := range row {
			if !finite(z) {
				c.skipped++
				continue
			}
			zmin, zmax = math.Min(zmin, z), math.Max(zmax, z)
		}
	}
	if zmin > zmax {
		return 0, 0, fmt.Errorf("%w: grid %q has no finite values", ErrEmpty, name)
	}
	return zmin, zmax, nil
}

// cellEdges returns the boundaries of cells centred on v.
func cellEdges(v []float64) []float64 {
	e := make([]float64, len(v)+1)
	e[0] = v[0] - (v[1]-v[0])/2
	e[len(v)] = v[len(v)-1] + (v[len(v)-1]-v[len(v)-2])/2
	for i := 1; i < len(v); i++ {
		e[i] = (v[i-1] + v[i]) / 2
	}
	return e
}

// Heatmap colours the cells of a Grid (viridis, low = dark). ZName names
// the value in tooltips (e.g. "L").
type Heatmap struct {
	Name  string
	Grid  Grid
	ZName string
}

func (s Heatmap) seriesName() string { return s.Name }

func (s Heatmap) compile(c *compileCtx) ([]prim, error) {
	zmin, zmax, err := s.Grid.check(s.Name, c)
	if err != nil {
		return nil, err
	}
	ex, ey := cellEdges(s.Grid.X), cellEdges(s.Grid.Y)
	p := prim{kind: primCells, name: s.Name, zmin: zmin, zmax: zmax, zname: s.ZName, legend: true}
	if p.zname == "" {
		p.zname = "z"
	}
	for j, row := range s.Grid.Z {
		for i, z := range row {
			if !finite(z) {
				continue
			}
			p.cells = append(p.cells, [5]float64{ex[i], ex[i+1], ey[j], ey[j+1], z})
		}
	}
	return []prim{p}, nil
}

// Contour draws level lines of a Grid. Levels nil means N (default 10)
// levels evenly spaced in the range of Z. Cells touching a non-finite
// value draw no segment.
type Contour struct {
	Name   string
	Grid   Grid
	Levels []float64
	N      int
}

func (s Contour) seriesName() string { return s.Name }

func (s Contour) compile(c *compileCtx) ([]prim, error) {
	zmin, zmax, err := s.Grid.check(s.Name, c)
	if err != nil {
		return nil, err
	}
	levels := s.Levels
	if levels == nil {
		n := s.N
		if n <= 0 {
			n = 10
		}
		for k := 1; k <= n; k++ {
			levels = append(levels, zmin+(zmax-zmin)*float64(k)/float64(n+1))
		}
	}
	var out []prim
	for k, lv := range levels {
		if !finite(lv) {
			return nil, fmt.Errorf("plotting: contour %q has non-finite level %g", s.Name, lv)
		}
		xs, ys := marchingSquares(s.Grid, lv)
		if len(xs) == 0 {
			continue
		}
		out = append(out, prim{kind: primSegments, name: s.Name, color: contourColor(k, len(levels)),
			width: 0.8, ltype: "solid", x: xs, y: ys, legend: len(out) == 0})
	}
	return out, nil
}

// marchingSquares returns segments (pairs of points) of the level set
// Z = level, by linear interpolation on the grid cells.
func marchingSquares(g Grid, level float64) (xs, ys []float64) {
	interp := func(x0, y0, z0, x1, y1, z1 float64) (float64, float64) {
		t := (level - z0) / (z1 - z0)
		return x0 + t*(x1-x0), y0 + t*(y1-y0)
	}
	for j := 0; j+1 < len(g.Y); j++ {
		for i := 0; i+1 < len(g.X); i++ {
			x0, x1, y0, y1 := g.X[i], g.X[i+1], g.Y[j], g.Y[j+1]
			z := [4]float64{g.Z[j][i], g.Z[j][i+1], g.Z[j+1][i+1], g.Z[j+1][i]}
			ok := true
			for _, v := range z {
				ok = ok && finite(v)
			}
			if !ok {
				continue
			}
			// Corners: 0 (x0,y0), 1 (x1,y0), 2 (x1,y1), 3 (x0,y1).
			cx := [4]float64{x0, x1, x1, x0}
			cy := [4]float64{y0, y0, y1, y1}
			var px, py []float64
			for e := 0; e < 4; e++ {
				a, b := e, (e+1)%4
				if (z[a] < level) != (z[b] < level) {
					x, y := interp(cx[a], cy[a], z[a], cx[b], cy[b], z[b])
					px, py = append(px, x), append(py, y)
				}
			}
			switch len(px) {
			case 2:
				xs, ys = append(xs, px...), append(ys, py...)
			case 4:
				// Saddle cell: pair crossings by the centre value.
				mid := (z[0] + z[1] + z[2] + z[3]) / 4
				if (mid < level) == (z[0] < level) {
					xs = append(xs, px[0], px[1], px[2], px[3])
					ys = append(ys, py[0], py[1], py[2], py[3])
				} else {
					xs = append(xs, px[0], px[3], px[1], px[2])
					ys = append(ys, py[0], py[3], py[1], py[2])
				}
			}
		}
	}
	return xs, ys
}

// Trajectory is a path θ(t) over a landscape, drawn as a line with a circle
// at the start and a cross at the end.
type Trajectory struct {
	Name string
	X, Y []float64
	Role Role
}

func (s Trajectory) seriesName() string { return s.Name }

func (s Trajectory) compile(c *compileCtx) ([]prim, error) {
	ps, err := Line{Name: s.Name, X: s.X, Y: s.Y, Role: s.Role}.compile(c)
	if err != nil {
		return nil, err
	}
	line := ps[0]
	line.width = 1
	first, last := -1, -1
	for i := range line.x {
		if !math.IsNaN(line.x[i]) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	start := prim{kind: primMarkers, name: s.Name, color: line.color, shape: ShapeCircle, size: 3.5,
		x: []float64{line.x[first]}, y: []float64{line.y[first]}, labels: []string{"start"}}
	end := prim{kind: primMarkers, name: s.Name, color: line.color, shape: ShapeCross, size: 4,
		x: []float64{line.x[last]}, y: []float64{line.y[last]}, labels: []string{"end"}}
	return []prim{line, start, end}, nil
}

// VectorField draws arrows (U[j][i], V[j][i]) at grid points (X[i], Y[j]),
// scaled so that the longest arrow spans 0.9 of a grid cell. Use
// NegGradient to build the drift field −∇L.
type VectorField struct {
	Name string
	X, Y []float64
	U, V [][]float64
	Role Role
}

// NegGradient samples −∇L on an nx × ny grid over [x0,x1]×[y0,y1], where
// grad returns (∂L/∂x, ∂L/∂y).
func NegGradient(grad func(x, y float64) (gx, gy float64), x0, x1 float64, nx int, y0, y1 float64, ny int) VectorField {
	f := VectorField{Name: "−∇L", X: linspace(x0, x1, nx), Y: linspace(y0, y1, ny), Role: RoleReference}
	f.U, f.V = make([][]float64, ny), make([][]float64, ny)
	for j, y := range f.Y {
		f.U[j], f.V[j] = make([]float64, nx), make([]float64, nx)
		for i, x := range f.X {
			gx, gy := grad(x, y)
			f.U[j][i], f.V[j][i] = -gx, -gy
		}
	}
	return f
}

func (s VectorField) seriesName() string { return s.Name }

func (s VectorField) compile(c *compileCtx) ([]prim, error) {
	if len(s.X) == 0 || len(s.Y) == 0 {
		return nil, fmt.Errorf("%w: vector field %q has no grid", ErrEmpty, s.Name)
	}
	if len(s.U) != len(s.Y) || len(s.V) != len(s.Y) {
		return nil, fmt.Errorf("%w: vector field %q has %d/%d rows of U/V for %d Y values", ErrLength, s.Name, len(s.U), len(s.V), len(s.Y))
	}
	if c.xlog || c.ylog {
		return nil, fmt.Errorf("plotting: vector field %q on a log axis is not supported", s.Name)
	}
	cell := func(v []float64) float64 {
		if len(v) < 2 {
			return 1
		}
		return math.Abs(v[len(v)-1]-v[0]) / float64(len(v)-1)
	}
	dx, dy := cell(s.X), cell(s.Y)
	maxN := 0.0
	for j := range s.Y {
		if len(s.U[j]) != len(s.X) || len(s.V[j]) != len(s.X) {
			return nil, fmt.Errorf("%w: vector field %q row %d has %d/%d values for %d X values", ErrLength, s.Name, j, len(s.U[j]), len(s.V[j]), len(s.X))
		}
		for i := range s.X {
			u, v := s.U[j][i], s.V[j][i]
			if finite(u) && finite(v) {
				maxN = math.Max(maxN, math.Hypot(u/dx, v/dy))
			}
		}
	}
	p := prim{kind: primArrows, name: s.Name, color: c.color(s.Role), width: 0.9, ltype: "solid", legend: true}
	if s.Role == RoleReference {
		p.color = color.RGBA{0x40, 0x40, 0x40, 0xff}
	}
	for j, y := range s.Y {
		for i, x := range s.X {
			u, v := s.U[j][i], s.V[j][i]
			if !finite(u) || !finite(v) || !finite(x) || !finite(y) {
				c.skipped++
				continue
			}
			scale := 0.0
			if maxN > 0 {
				scale = 0.9 / maxN
			}
			p.x = append(p.x, x, x+u*scale)
			p.y = append(p.y, y, y+v*scale)
		}
	}
	if len(p.x) == 0 {
		return nil, fmt.Errorf("%w: vector field %q has no finite vectors", ErrEmpty, s.Name)
	}
	return []prim{p}, nil
}

// Markers are labelled points, e.g. critical points of a landscape.
type Markers struct {
	Name   string
	X, Y   []float64
	Labels []string // optional, one per point
	Shape  Shape
	Color  color.RGBA // zero: the role colour
	Role   Role
	Size   vg.Length // radius in points; zero means 4
	// LabelColor of the labels; zero means black.
	LabelColor color.RGBA
}

func (s Markers) seriesName() string { return s.Name }

func (s Markers) compile(c *compileCtx) ([]prim, error) {
	if s.Labels != nil && len(s.Labels) != len(s.X) {
		return nil, fmt.Errorf("%w: markers %q have %d labels for %d points", ErrLength, s.Name, len(s.Labels), len(s.X))
	}
	idx, err := c.checkXY(s.Name, s.X, s.Y)
	if err != nil {
		return nil, err
	}
	col := s.Color
	if col == (color.RGBA{}) {
		col = c.color(s.Role)
	}
	size := s.Size
	if size == 0 {
		size = 4
	}
	p := prim{kind: primMarkers, name: s.Name, color: col, shape: s.Shape, size: size,
		x: pick(s.X, idx), y: pick(s.Y, idx), legend: true, labelColor: s.LabelColor}
	if s.Labels != nil {
		for _, i := range idx {
			p.labels = append(p.labels, s.Labels[i])
		}
	}
	return []prim{p}, nil
}

// Segments are straight segments from (X0[i], Y0[i]) to (X1[i], Y1[i]),
// e.g. Hessian eigen-directions through a critical point.
type Segments struct {
	Name           string
	X0, Y0, X1, Y1 []float64
	Color          color.RGBA // zero: the role colour
	Role           Role
	Width          vg.Length // zero means 1.5
}

func (s Segments) seriesName() string { return s.Name }

func (s Segments) compile(c *compileCtx) ([]prim, error) {
	n := len(s.X0)
	if n == 0 {
		return nil, fmt.Errorf("%w: segments %q", ErrEmpty, s.Name)
	}
	if len(s.Y0) != n || len(s.X1) != n || len(s.Y1) != n {
		return nil, fmt.Errorf("%w: segments %q have lengths %d, %d, %d, %d", ErrLength, s.Name, n, len(s.Y0), len(s.X1), len(s.Y1))
	}
	col := s.Color
	if col == (color.RGBA{}) {
		col = c.color(s.Role)
	}
	w := s.Width
	if w == 0 {
		w = 1.5
	}
	p := prim{kind: primSegments, name: s.Name, color: col, width: w, ltype: "solid", legend: true}
	for i := 0; i < n; i++ {
		if !finite(s.X0[i]) || !finite(s.Y0[i]) || !finite(s.X1[i]) || !finite(s.Y1[i]) {
			c.skipped++
			continue
		}
		if err := c.checkLog(s.Name, i, s.X0[i], s.Y0[i]); err != nil {
			return nil, err
		}
		if err := c.checkLog(s.Name, i, s.X1[i], s.Y1[i]); err != nil {
			return nil, err
		}
		p.x = append(p.x, s.X0[i], s.X1[i])
		p.y = append(p.y, s.Y0[i], s.Y1[i])
	}
	if len(p.x) == 0 {
		return nil, fmt.Errorf("%w: segments %q have no finite segment", ErrEmpty, s.Name)
	}
	return []prim{p}, nil
}

// QQ is a quantile–quantile plot of Sample against a theoretical quantile
// function (e.g. ExpQuantile for escape times), with the y = x line.
// Points are (Quantile((i−½)/n), sorted sample[i]).
type QQ struct {
	Name     string
	Sample   []float64
	Quantile func(p float64) float64
	Role     Role
}

func (s QQ) seriesName() string { return s.Name }

// Quantiles returns the theoretical and empirical quantiles, skipping
// non-finite sample values.
func (s QQ) Quantiles() (theory, sample []float64, skipped int, err error) {
	if s.Quantile == nil {
		return nil, nil, 0, fmt.Errorf("plotting: QQ %q has no quantile function", s.Name)
	}
	for _, v := range s.Sample {
		if finite(v) {
			sample = append(sample, v)
		} else {
			skipped++
		}
	}
	if len(sample) == 0 {
		return nil, nil, skipped, fmt.Errorf("%w: QQ %q has no finite sample values", ErrEmpty, s.Name)
	}
	slices.Sort(sample)
	n := float64(len(sample))
	theory = make([]float64, len(sample))
	for i := range sample {
		theory[i] = s.Quantile((float64(i) + 0.5) / n)
	}
	return theory, sample, skipped, nil
}

func (s QQ) compile(c *compileCtx) ([]prim, error) {
	th, sa, skipped, err := s.Quantiles()
	if err != nil {
		return nil, err
	}
	c.skipped += skipped
	pts, err := Points{Name: s.Name, X: th, Y: sa, Role: s.Role}.compile(c)
	if err != nil {
		return nil, err
	}
	lo := math.Min(slices.Min(th), sa[0])
	hi := math.Max(slices.Max(th), sa[len(sa)-1])
	if c.xlog || c.ylog {
		lo = math.Max(lo, math.SmallestNonzeroFloat64)
	}
	ref := prim{kind: primLine, name: "y = x", color: RoleReference.Color(), width: 1,
		dashes: RoleReference.dashes(), ltype: "dotted", x: []float64{lo, hi}, y: []float64{lo, hi}, legend: true}
	return append([]prim{ref}, pts...), nil
}

// ExpQuantile is the quantile function of the exponential distribution
// with the given mean: escape times of a Kramers process are exponential.
func ExpQuantile(mean float64) func(p float64) float64 {
	return func(p float64) float64 { return -mean * math.Log1p(-p) }
}

// Identity is the line y = x across the data range of the other series,
// for "measured against predicted" charts.
type Identity struct {
	Name string // "y = x" when empty
}

func (s Identity) seriesName() string {
	if s.Name == "" {
		return "y = x"
	}
	return s.Name
}

// compile is resolved by the figure, which knows the other series' range.
func (s Identity) compile(c *compileCtx) ([]prim, error) { return nil, nil }
