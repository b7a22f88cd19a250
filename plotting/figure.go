package plotting

import (
	"fmt"
	"golang.org/x/image/font/sfnt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Axis describes one axis of a Figure.
type Axis struct {
	// Label may hold LaTeX between dollar signs, e.g. `$-\log\gamma$`.
	// The static back end typesets it; the interactive back end shows a
	// Unicode rendering (−log γ).
	Label string
	// Log selects a base-10 logarithmic scale; every value on it must be > 0.
	Log bool
	// Min and Max fix the range; both zero means automatic.
	Min, Max float64
}

// LegendPlace says where the legend goes.
type LegendPlace int

const (
	LegendTopRight LegendPlace = iota
	LegendTopLeft
	LegendBottomRight
	LegendBottomLeft
	LegendNone
	// LegendRight puts the legend in a column right of the plot, for
	// busy charts such as landscapes.
	LegendRight
)

// Figure is one chart: axes, a title, a caption and a list of series.
// It renders with gonum/plot (PNG, SVG) and as an echarts option
// (interactive HTML). The zero value plus some series is a valid figure.
type Figure struct {
	Title string
	X, Y  Axis
	// Caption is printed under the chart in small type: state the seed and
	// the settings that made the figure.
	Caption string
	Legend  LegendPlace
	// Width and Height default to DefaultWidth × DefaultHeight.
	Width, Height vg.Length
	Series        []Series
}

// New returns a figure with a title and axis labels.
func New(title, xlabel, ylabel string) *Figure {
	return &Figure{Title: title, X: Axis{Label: xlabel}, Y: Axis{Label: ylabel}}
}

// Add appends series and returns the figure, for chaining.
func (f *Figure) Add(s ...Series) *Figure {
	f.Series = append(f.Series, s...)
	return f
}

// Report summarises what rendering did with the data.
type Report struct {
	// Skipped counts non-finite values (NaN, ±Inf) left out.
	Skipped int
}

// Size returns the figure's size.
func (f *Figure) Size() (w, h vg.Length) {
	if f == nil {
		return DefaultWidth, DefaultHeight
	}
	w, h = f.Width, f.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

// compiled is a figure reduced to primitives.
type compiled struct {
	prims  []prim
	report Report
	names  []string // legend order
	// data extent
	xmin, xmax, ymin, ymax float64
}

// Check validates every series and reports skipped values.
func (f *Figure) Check() (Report, error) {
	c, err := f.compile()
	if err != nil {
		return Report{}, err
	}
	return c.report, nil
}

func (f *Figure) compile() (*compiled, error) {
	if f == nil {
		return nil, fmt.Errorf("plotting: nil figure")
	}
	if len(f.Series) == 0 {
		return nil, fmt.Errorf("%w: figure %q has no series", ErrEmpty, f.Title)
	}
	for _, a := range []struct {
		name string
		ax   Axis
	}{{"x", f.X}, {"y", f.Y}} {
		if !finite(a.ax.Min) || !finite(a.ax.Max) || a.ax.Min > a.ax.Max || (a.ax.Min == a.ax.Max && a.ax.Min != 0) {
			return nil, fmt.Errorf("plotting: figure %q has invalid %s range [%g, %g]", f.Title, a.name, a.ax.Min, a.ax.Max)
		}
		if a.ax.Log && (a.ax.Min < 0 || (a.ax.Min == 0 && a.ax.Max != 0)) {
			return nil, fmt.Errorf("%w: figure %q has %s range [%g, %g]", ErrLogAxis, f.Title, a.name, a.ax.Min, a.ax.Max)
		}
	}
	ctx := &compileCtx{xlog: f.X.Log, ylog: f.Y.Log}
	out := &compiled{xmin: math.Inf(1), xmax: math.Inf(-1), ymin: math.Inf(1), ymax: math.Inf(-1)}
	seen := map[string]bool{}
	addName := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out.names = append(out.names, n)
		}
	}
	var identities []Identity
	for k, s := range f.Series {
		if s == nil {
			return nil, fmt.Errorf("plotting: figure %q: series %d is nil", f.Title, k)
		}
		if id, ok := s.(Identity); ok {
			identities = append(identities, id)
			continue
		}
		ps, err := s.compile(ctx)
		if err != nil {
			return nil, fmt.Errorf("figure %q: %w", f.Title, err)
		}
		for _, p := range ps {
			addName(p.name)
			out.extend(p)
		}
		out.prims = append(out.prims, ps...)
	}
	for _, id := range identities {
		if math.IsInf(out.xmin, 0) {
			return nil, fmt.Errorf("%w: figure %q: y = x needs other series", ErrEmpty, f.Title)
		}
		lo := math.Min(out.xmin, out.ymin)
		hi := math.Max(out.xmax, out.ymax)
		p := prim{kind: primLine, name: id.seriesName(), color: RoleReference.Color(), width: 1,
			dashes: RoleReference.dashes(), ltype: "dotted", x: []float64{lo, hi}, y: []float64{lo, hi}, legend: true}
		addName(p.name)
		out.prims = append([]prim{p}, out.prims...)
	}
	out.report.Skipped = ctx.skipped
	return out, nil
}

func (c *compiled) extend(p prim) {
	if p.kind == primCells {
		for _, cl := range p.cells {
			c.xmin, c.xmax = math.Min(c.xmin, cl[0]), math.Max(c.xmax, cl[1])
			c.ymin, c.ymax = math.Min(c.ymin, cl[2]), math.Max(c.ymax, cl[3])
		}
		return
	}
	for i := range p.x {
		if finite(p.x[i]) && finite(p.y[i]) {
			c.xmin, c.xmax = math.Min(c.xmin, p.x[i]), math.Max(c.xmax, p.x[i])
			c.ymin, c.ymax = math.Min(c.ymin, p.y[i]), math.Max(c.ymax, p.y[i])
		}
	}
}

// note is the line printed under the chart.
func (f *Figure) note(r Report) string {
	parts := []string{}
	if f.Caption != "" {
		parts = append(parts, f.Caption)
	}
	if r.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d non-finite values skipped", r.Skipped))
	}
	return strings.Join(parts, " · ")
}

// typeset prepares a label for the static back end: LaTeX between dollar
// signs becomes Unicode with sub- and superscripts marked, and the handler
// (scriptHandler) draws the scripts smaller and lowered or raised.
// (gonum/plot's text.Latex handler lacks multi-letter scripts, "/" and
// "|", and sets plain words in math italic, so it is not used.)
func typeset(s string) (string, text.Handler) {
	face := font.DefaultCache.Lookup(fontOf(fontSize), fontSize)
	var buf sfnt.Buffer
	has := func(r rune) bool {
		if r == '∇' {
			return true // scriptHandler draws it
		}
		i, err := face.Face.GlyphIndex(&buf, r)
		return err == nil && i != 0
	}
	return latexToText(s, has), scriptHandler{Fonts: font.DefaultCache}
}

// checkText typesets s once, turning a LaTeX parse panic into an error.
func checkText(sty text.Style, s string) (err error) {
	if s == "" {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plotting: cannot typeset %q: %v", s, r)
		}
	}()
	sty.Rectangle(s)
	return nil
}

// Plot builds the gonum/plot plot of the figure (without the caption), for
// callers who want to adjust it further.
func (f *Figure) Plot() (*plot.Plot, Report, error) {
	c, err := f.compile()
	if err != nil {
		return nil, Report{}, err
	}
	p, err := f.gonumPlot(c, f.Legend)
	return p, c.report, err
}

func (f *Figure) gonumPlot(c *compiled, place LegendPlace) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.Title.TextStyle.Handler = typeset(f.Title)
	p.Title.TextStyle.Font = font.From(plot.DefaultFont, fontSize+2)
	p.Title.Padding = 4
	p.X.Label.Text, p.X.Label.TextStyle.Handler = typeset(f.X.Label)
	p.Y.Label.Text, p.Y.Label.TextStyle.Handler = typeset(f.Y.Label)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(plot.DefaultFont, fontSize+1)
		ax.Tick.Label.Font = font.From(plot.DefaultFont, fontSize)
		ax.Tick.Label.Handler = plainHandler()
		ax.Padding = 2
	}
	for _, t := range []struct {
		sty text.Style
		s   string
	}{{p.Title.TextStyle, p.Title.Text}, {p.X.Label.TextStyle, p.X.Label.Text}, {p.Y.Label.TextStyle, p.Y.Label.Text}} {
		if err := checkText(t.sty, t.s); err != nil {
			return nil, err
		}
	}
	p.X.Tick.Marker = minusTicks{plot.DefaultTicks{}}
	p.Y.Tick.Marker = minusTicks{plot.DefaultTicks{}}
	if f.X.Log {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	if f.Y.Log {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	hasCells := false
	for _, pr := range c.prims {
		hasCells = hasCells || pr.kind == primCells
	}
	p.Add(&gridLines{})
	for i := range c.prims {
		p.Add(&primPlotter{p: c.prims[i]})
	}
	// Ranges: data extent, padded for lines and points; exact for grids.
	xmin, xmax, ymin, ymax := c.xmin, c.xmax, c.ymin, c.ymax
	if !hasCells {
		xmin, xmax = pad(xmin, xmax, f.X.Log)
		ymin, ymax = pad(ymin, ymax, f.Y.Log)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	if f.X.Min != 0 || f.X.Max != 0 {
		p.X.Min, p.X.Max = f.X.Min, f.X.Max
	}
	if f.Y.Min != 0 || f.Y.Max != 0 {
		p.Y.Min, p.Y.Max = f.Y.Min, f.Y.Max
	}
	if place != LegendNone && place != LegendRight && len(c.names) > 0 {
		l, _, err := legendOf(c, place)
		if err != nil {
			return nil, err
		}
		p.Legend = l
	}
	return p, nil
}

// legend builds the legend of the figure.
func legendOf(c *compiled, place LegendPlace) (plot.Legend, []string, error) {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(plot.DefaultFont, fontSize)
	names := legendText(c.names, &l.TextStyle)
	l.Top = place == LegendTopRight || place == LegendTopLeft || place == LegendRight
	l.Left = place == LegendTopLeft || place == LegendBottomLeft || place == LegendRight
	l.XOffs, l.YOffs = -6, -6
	if l.Left {
		l.XOffs = 6
	}
	if !l.Top {
		l.YOffs = 6
	}
	l.Padding = 2
	l.ThumbnailWidth = 0.6 * vg.Centimeter
	for k, n := range c.names {
		if err := checkText(l.TextStyle, names[k]); err != nil {
			return l, nil, err
		}
		var thumbs []plot.Thumbnailer
		for _, pr := range c.prims {
			if pr.name == n && (pr.legend || pr.caps) {
				thumbs = append(thumbs, &primPlotter{p: pr})
			}
		}
		l.Add(names[k], thumbs...)
	}
	return l, names, nil
}

// legendColumn draws legend l in a column at the right of dc and returns
// the rest of dc.
func legendColumn(dc draw.Canvas, l plot.Legend, names []string) draw.Canvas {
	var w vg.Length
	for _, n := range names {
		w = max(w, l.ThumbnailWidth+l.TextStyle.Rectangle("  "+n).Max.X)
	}
	w += 10
	col := draw.Crop(dc, dc.Max.X-dc.Min.X-w, 0, 0, -0.9*vg.Centimeter)
	l.XOffs, l.YOffs = 2, 0
	l.Draw(col)
	return draw.Crop(dc, 0, -w, 0, 0)
}

// pad widens [lo, hi] by 4% on each side (in log space on a log axis).
func pad(lo, hi float64, log bool) (float64, float64) {
	if log {
		l, h := math.Log10(lo), math.Log10(hi)
		if l == h {
			return lo / 2, hi * 2
		}
		d := 0.04 * (h - l)
		return math.Pow(10, l-d), math.Pow(10, h+d)
	}
	if lo == hi {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - d, hi + d
	}
	d := 0.04 * (hi - lo)
	return lo - d, hi + d
}

// Draw renders the figure onto a gonum canvas: the plot, then the caption
// and the skipped-values note under it.
func (f *Figure) Draw(dc draw.Canvas) (err error) {
	if f == nil {
		return fmt.Errorf("plotting: nil figure")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plotting: drawing %q: %v", f.Title, r)
		}
	}()
	c, err := f.compile()
	if err != nil {
		return err
	}
	p, err := f.gonumPlot(c, f.Legend)
	if err != nil {
		return err
	}
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	note, _ := typeset(f.note(c.report))
	sty := text.Style{Color: color.Gray{0x55}, Font: font.From(plot.DefaultFont, fontSize-1),
		Handler: plainHandler(), XAlign: draw.XLeft, YAlign: draw.YBottom}
	inner := draw.Crop(dc, 4, -8, 4, -4)
	if note != "" {
		lines := wrap(note, sty, inner.Max.X-inner.Min.X)
		h := sty.Rectangle("M").Size().Y * vg.Length(len(lines))
		for i, l := range lines {
			y := inner.Min.Y + h - sty.Rectangle("M").Size().Y*vg.Length(i+1)
			dc.FillText(sty, vg.Point{X: inner.Min.X, Y: y}, l)
		}
		inner = draw.Crop(inner, 0, 0, h+4, 0)
	}
	if f.Legend == LegendRight && len(c.names) > 0 {
		l, names, err := legendOf(c, LegendRight)
		if err != nil {
			return err
		}
		inner = legendColumn(inner, l, names)
	}
	// The legend is drawn after the data, over a translucent box, inside
	// the same data area the series use.
	p.Legend = plot.NewLegend()
	p.Draw(inner)
	if f.Legend != LegendNone && f.Legend != LegendRight && len(c.names) > 0 {
		l, names, err := legendOf(c, f.Legend)
		if err != nil {
			return err
		}
		da := p.DataCanvas(inner)
		drawBackdrop(da, legendRect(&l, names, da))
		l.Draw(da)
	}
	return nil
}

// wrap breaks s into lines that fit width.
func wrap(s string, sty text.Style, width vg.Length) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if cur != "" && sty.Width(try) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// logTicks marks 1…9 × 10ⁿ and labels as many of them as the range
// needs: decades when three or more are in range (every second or third
// one beyond ten decades), 1–2–5 over more than 0.8 of a decade, every mark within a decade, and
// plain linear ticks when the range is too narrow for any of those. Labels
// are plain numbers within [1e-3, 1e4] and powers of ten outside.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) || math.IsInf(max, 0) {
		return nil
	}
	span := math.Log10(max / min)
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	step := 1 + int(span)/10 // label every step-th decade
	decades := 0
	for e := lo; e <= hi; e++ {
		if v := math.Pow10(e); v >= min*(1-1e-9) && v <= max*(1+1e-9) {
			decades++
		}
	}
	labelled := func(m, e int) bool {
		switch {
		case decades >= 3:
			return m == 1 && e%step == 0
		case span > 0.8:
			return m == 1 || m == 2 || m == 5
		}
		return true
	}
	var ticks []plot.Tick
	n := 0
	for e := lo; e <= hi; e++ {
		base := math.Pow10(e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled(m, e) {
				t.Label = logLabel(m, e)
				n++
			}
			ticks = append(ticks, t)
		}
	}
	if n < 2 {
		// Too narrow for 1…9 × 10ⁿ: linear ticks read best.
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	return ticks
}

// logLabel is the label of m × 10^e.
func logLabel(m, e int) string {
	if e >= -3 && e <= 4 {
		return trimFloat(float64(m) * math.Pow10(e))
	}
	p := "10" + string(mkSup) + strings.ReplaceAll(strconv.Itoa(e), "-", "−") + string(mkEnd)
	if m == 1 {
		return p
	}
	return strconv.Itoa(m) + "×" + p
}

// minusTicks sets negative tick labels with a minus sign (−1, not -1).
type minusTicks struct{ plot.Ticker }

func (m minusTicks) Ticks(min, max float64) []plot.Tick {
	ts := m.Ticker.Ticks(min, max)
	for i := range ts {
		ts[i].Label = strings.ReplaceAll(ts[i].Label, "-", "−")
	}
	return ts
}

func trimFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func fontOf(size vg.Length) font.Font { return font.From(plot.DefaultFont, size) }

func plainHandler() text.Handler { return scriptHandler{Fonts: font.DefaultCache} }

// legendText typesets legend entries (see typeset).
func legendText(names []string, sty *text.Style) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i], sty.Handler = typeset(n)
	}
	return out
}
