package plotting

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// primPlotter draws one primitive with gonum/plot; it is a plot.Plotter,
// plot.DataRanger and plot.Thumbnailer.
type primPlotter struct{ p prim }

func (pp *primPlotter) glyph() draw.GlyphStyle {
	g := draw.GlyphStyle{Color: pp.p.color, Radius: pp.p.size}
	switch pp.p.shape {
	case ShapeTriangle:
		g.Shape = draw.TriangleGlyph{}
	case ShapeSquare:
		g.Shape = draw.BoxGlyph{}
	case ShapeCross:
		g.Shape = draw.CrossGlyph{}
	case ShapeDiamond:
		g.Shape = diamondGlyph{}
	default:
		g.Shape = draw.CircleGlyph{}
	}
	return g
}

func (pp *primPlotter) line() draw.LineStyle {
	return draw.LineStyle{Color: pp.p.color, Width: pp.p.width, Dashes: pp.p.dashes}
}

// Plot implements plot.Plotter.
func (pp *primPlotter) Plot(c draw.Canvas, plt *plot.Plot) {
	tx, ty := plt.Transforms(&c)
	p := pp.p
	pt := func(i int) vg.Point { return vg.Point{X: tx(p.x[i]), Y: ty(p.y[i])} }
	switch p.kind {
	case primLine:
		var run []vg.Point
		flush := func() {
			if len(run) > 1 {
				c.StrokeLines(pp.line(), c.ClipLinesXY(run)...)
			}
			run = run[:0]
		}
		for i := range p.x {
			if math.IsNaN(p.x[i]) {
				flush()
				continue
			}
			run = append(run, pt(i))
		}
		flush()
	case primMarkers:
		g := pp.glyph()
		lsty := labelStyle()
		if p.labelColor != (color.RGBA{}) {
			lsty.Color = p.labelColor
		}
		for i := range p.x {
			q := pt(i)
			if !c.Contains(q) {
				continue
			}
			c.DrawGlyph(g, q)
			outline(&c, g, q)
			if i < len(p.labels) && p.labels[i] != "" && p.legend {
				c.FillText(lsty, vg.Point{X: q.X + g.Radius + 2, Y: q.Y + g.Radius + 1}, p.labels[i])
			}
		}
	case primSegments:
		for i := 0; i+1 < len(p.x); i += 2 {
			c.StrokeLines(pp.line(), c.ClipLinesXY([]vg.Point{pt(i), pt(i + 1)})...)
		}
		if p.caps {
			// Error bars get caps.
			for i := 0; i+1 < len(p.x); i += 2 {
				for _, q := range []vg.Point{pt(i), pt(i + 1)} {
					if c.Contains(q) {
						c.StrokeLine2(pp.line(), q.X-2.5, q.Y, q.X+2.5, q.Y)
					}
				}
			}
		}
	case primArrows:
		sty := pp.line()
		for i := 0; i+1 < len(p.x); i += 2 {
			a, b := pt(i), pt(i+1)
			if !c.Contains(a) {
				continue
			}
			d := b.Sub(a)
			n := math.Hypot(float64(d.X), float64(d.Y))
			if n < 0.5 {
				continue
			}
			c.StrokeLine2(sty, a.X, a.Y, b.X, b.Y)
			head := vg.Length(math.Min(4, 0.4*n))
			ux, uy := vg.Length(float64(d.X)/n), vg.Length(float64(d.Y)/n)
			for _, s := range []vg.Length{1, -1} {
				hx := b.X - head*(ux*0.94-s*uy*0.34)
				hy := b.Y - head*(uy*0.94+s*ux*0.34)
				c.StrokeLine2(sty, b.X, b.Y, hx, hy)
			}
		}
	case primFill:
		var poly []vg.Point
		flush := func() {
			if len(poly) > 2 {
				c.FillPolygon(withAlpha(p.color, p.alpha), c.ClipPolygonXY(poly))
			}
			poly = poly[:0]
		}
		for i := range p.x {
			if math.IsNaN(p.x[i]) {
				flush()
				continue
			}
			poly = append(poly, pt(i))
		}
		flush()
	case primCells:
		span := p.zmax - p.zmin
		for _, cl := range p.cells {
			t := 0.5
			if span > 0 {
				t = (cl[4] - p.zmin) / span
			}
			r := []vg.Point{{X: tx(cl[0]), Y: ty(cl[2])}, {X: tx(cl[1]), Y: ty(cl[2])},
				{X: tx(cl[1]), Y: ty(cl[3])}, {X: tx(cl[0]), Y: ty(cl[3])}}
			// Overlap neighbours by a hair so no seams show.
			r[1].X += 0.3
			r[2].X += 0.3
			r[2].Y += 0.3
			r[3].Y += 0.3
			c.FillPolygon(colormap(t), c.ClipPolygonXY(r))
		}
	}
}

// DataRange implements plot.DataRanger.
func (pp *primPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	var c compiled
	c.xmin, c.xmax, c.ymin, c.ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	c.extend(pp.p)
	return c.xmin, c.xmax, c.ymin, c.ymax
}

// Thumbnail implements plot.Thumbnailer.
func (pp *primPlotter) Thumbnail(c *draw.Canvas) {
	p := pp.p
	mid := (c.Min.Y + c.Max.Y) / 2
	switch p.kind {
	case primLine, primArrows:
		c.StrokeLine2(pp.line(), c.Min.X, mid, c.Max.X, mid)
	case primSegments:
		if p.legend {
			c.StrokeLine2(pp.line(), c.Min.X, mid, c.Max.X, mid)
		} else {
			x := (c.Min.X + c.Max.X) / 2
			c.StrokeLine2(pp.line(), x, c.Min.Y, x, c.Max.Y)
		}
	case primMarkers:
		c.DrawGlyph(pp.glyph(), c.Center())
		outline(c, pp.glyph(), c.Center())
	case primFill:
		r := c.Rectangle
		c.FillPolygon(withAlpha(p.color, p.alpha), []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	case primCells:
		r := c.Rectangle
		w := (r.Max.X - r.Min.X) / 4
		for k := 0; k < 4; k++ {
			x0 := r.Min.X + w*vg.Length(k)
			c.FillPolygon(colormap(float64(k)/3), []vg.Point{{X: x0, Y: r.Min.Y}, {X: x0 + w, Y: r.Min.Y}, {X: x0 + w, Y: r.Max.Y}, {X: x0, Y: r.Max.Y}})
		}
	}
}

type diamondGlyph struct{}

func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.3
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
}

// gridLines draws light major grid lines under the data.
type gridLines struct{}

func (gridLines) Plot(c draw.Canvas, plt *plot.Plot) {
	tx, ty := plt.Transforms(&c)
	sty := draw.LineStyle{Color: color.Gray{0xE4}, Width: 0.5}
	for _, t := range plt.X.Tick.Marker.Ticks(plt.X.Min, plt.X.Max) {
		if t.Label != "" {
			x := tx(t.Value)
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
	for _, t := range plt.Y.Tick.Marker.Ticks(plt.Y.Min, plt.Y.Max) {
		if t.Label != "" {
			y := ty(t.Value)
			c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
		}
	}
}

// drawBackdrop paints a translucent white box under the legend, so that
// it stays legible over heatmaps and dense data.
func drawBackdrop(c draw.Canvas, r vg.Rectangle) {
	r.Min.X -= 3
	r.Max.X += 3
	r.Min.Y -= 2
	r.Max.Y += 2
	c.FillPolygon(color.NRGBA{0xff, 0xff, 0xff, 0xd8}, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	c.StrokeLines(draw.LineStyle{Color: color.Gray{0xC0}, Width: 0.5},
		[]vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min})
}

func labelStyle() draw.TextStyle {
	sty := draw.TextStyle{Color: color.Black, XAlign: draw.XLeft, YAlign: draw.YBottom}
	sty.Font = fontOf(fontSize + 1)
	sty.Handler = plainHandler()
	return sty
}

// Chart is anything that renders with both back ends: a *Figure or a
// *Frames (small multiples / timeline).
type Chart interface {
	// Size is the size of the static image.
	Size() (w, h vg.Length)
	// Draw renders the static image onto a gonum/plot canvas.
	Draw(c draw.Canvas) error
	// ECharts returns the echarts option of the interactive chart, ready to
	// be marshalled to JSON (JavaScript functions are strings wrapped in
	// the go-echarts "__f__" marker).
	ECharts() (map[string]any, error)
}

// WritePNG renders c as a PNG at DPI dots per inch.
func WritePNG(w io.Writer, c Chart) error {
	if c == nil {
		return fmt.Errorf("plotting: nil chart")
	}
	wd, ht := c.Size()
	cnv := vgimg.NewWith(vgimg.UseWH(wd, ht), vgimg.UseDPI(DPI))
	if err := c.Draw(draw.New(cnv)); err != nil {
		return err
	}
	_, err := vgimg.PngCanvas{Canvas: cnv}.WriteTo(w)
	return err
}

// WriteSVG renders c as SVG.
func WriteSVG(w io.Writer, c Chart) error {
	if c == nil {
		return fmt.Errorf("plotting: nil chart")
	}
	wd, ht := c.Size()
	cnv := vgsvg.New(wd, ht)
	if err := c.Draw(draw.New(cnv)); err != nil {
		return err
	}
	_, err := cnv.WriteTo(w)
	return err
}

// PNG returns the PNG bytes of c.
func PNG(c Chart) ([]byte, error) {
	var b bytes.Buffer
	err := WritePNG(&b, c)
	return b.Bytes(), err
}

// SVG returns the SVG text of c.
func SVG(c Chart) (string, error) {
	var b bytes.Buffer
	err := WriteSVG(&b, c)
	return b.String(), err
}

// legendRect is where plot.Legend.Draw puts the legend (Legend.Rectangle
// ignores the offsets and mirrors Left).
func legendRect(l *plot.Legend, names []string, c draw.Canvas) vg.Rectangle {
	var width, height, eh vg.Length
	sty := l.TextStyle
	for _, name := range names {
		width = max(width, l.ThumbnailWidth+sty.Rectangle(" "+name).Max.X)
		eh = max(eh, sty.Rectangle(name).Size().Y)
	}
	n := len(names)
	height = eh*vg.Length(n) + l.Padding*vg.Length(n-1)
	var r vg.Rectangle
	if l.Left {
		r.Min.X = c.Min.X + l.XOffs
		r.Max.X = r.Min.X + width
	} else {
		r.Max.X = c.Max.X + l.XOffs
		r.Min.X = r.Max.X - width
	}
	if l.Top {
		r.Max.Y = c.Max.Y + l.YOffs
		r.Min.Y = r.Max.Y - height
	} else {
		r.Min.Y = c.Min.Y + l.YOffs
		r.Max.Y = r.Min.Y + height
	}
	return r
}

// light reports whether a colour needs an outline on white.
func light(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) > 0.8*0xffff
}

// outline rings light glyphs so that they show on white and on light
// heatmap cells.
func outline(c *draw.Canvas, g draw.GlyphStyle, q vg.Point) {
	if !light(g.Color) {
		return
	}
	o := g
	o.Color = color.Gray{0x30}
	switch g.Shape.(type) {
	case draw.CircleGlyph:
		o.Shape = draw.RingGlyph{}
	case diamondGlyph:
		o.Shape = diamondRing{}
	default:
		return
	}
	c.DrawGlyph(o, q)
}

type diamondRing struct{}

func (diamondRing) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.3
	c.StrokeLines(draw.LineStyle{Color: sty.Color, Width: 0.8}, []vg.Point{
		{X: pt.X, Y: pt.Y + r}, {X: pt.X + r, Y: pt.Y}, {X: pt.X, Y: pt.Y - r}, {X: pt.X - r, Y: pt.Y}, {X: pt.X, Y: pt.Y + r}})
}
