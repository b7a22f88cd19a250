package plotting

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Frames is a sequence of figures of the same shape, e.g. snapshots of a
// density p(θ, t). Statically it renders as small multiples (Cols per row);
// interactively as one echarts chart with a timeline slider and play
// button. Every frame must have the same series layout; fix the axis
// ranges (Axis.Min/Max) so that frames compare at a glance.
type Frames struct {
	Title   string
	Caption string
	Frames  []*Figure
	// Labels name the frames on the timeline ("t = 0.5"); frame titles
	// are used when nil.
	Labels []string
	// Cols of the small-multiples grid; 3 when zero.
	Cols int
	// Width of the static image; DefaultWidth when zero. The height follows
	// from the number of rows.
	Width vg.Length
}

func (f *Frames) cols() int {
	if f != nil && f.Cols > 0 {
		return f.Cols
	}
	return 3
}

func (f *Frames) check() error {
	if f == nil || len(f.Frames) == 0 {
		return fmt.Errorf("%w: frames have no figures", ErrEmpty)
	}
	if f.Labels != nil && len(f.Labels) != len(f.Frames) {
		return fmt.Errorf("%w: %d labels for %d frames", ErrLength, len(f.Labels), len(f.Frames))
	}
	for i, fr := range f.Frames {
		if fr == nil {
			return fmt.Errorf("plotting: frame %d is nil", i)
		}
	}
	return nil
}

func (f *Frames) label(i int) string {
	if f.Labels != nil {
		return f.Labels[i]
	}
	if f.Frames[i].Title != "" {
		return f.Frames[i].Title
	}
	return fmt.Sprint(i)
}

// Size implements Chart.
func (f *Frames) Size() (w, h vg.Length) {
	if f == nil {
		return DefaultWidth, DefaultHeight
	}
	w = f.Width
	if w <= 0 {
		w = DefaultWidth
	}
	n := len(f.Frames)
	rows := (n + f.cols() - 1) / f.cols()
	if rows < 1 {
		rows = 1
	}
	tile := w / vg.Length(f.cols()) * 0.8
	return w, tile*vg.Length(rows) + 1.6*vg.Centimeter
}

// Draw implements Chart: small multiples with a common title and caption.
func (f *Frames) Draw(dc draw.Canvas) (err error) {
	if err := f.check(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plotting: drawing frames %q: %v", f.Title, r)
		}
	}()
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	title := text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, fontSize+2),
		Handler: plainHandler(), XAlign: draw.XCenter, YAlign: draw.YTop}
	capSty := text.Style{Color: color.Gray{0x55}, Font: font.From(plot.DefaultFont, fontSize-1),
		Handler: plainHandler(), XAlign: draw.XLeft, YAlign: draw.YBottom}
	t, _ := typeset(f.Title)
	dc.FillText(title, vg.Point{X: dc.Center().X, Y: dc.Max.Y - 4}, t)
	skipped := 0
	compiledFrames := make([]*compiled, len(f.Frames))
	for i, fr := range f.Frames {
		c, err := fr.compile()
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		compiledFrames[i] = c
		skipped += c.report.Skipped
	}
	note, _ := typeset((&Figure{Caption: f.Caption}).note(Report{Skipped: skipped}))
	// The caption is wrapped to the width, like a Figure's.
	var capH vg.Length
	if note != "" {
		lines := wrap(note, capSty, dc.Max.X-dc.Min.X-12)
		lh := capSty.Rectangle("M").Size().Y
		capH = lh * vg.Length(len(lines)-1)
		for i, l := range lines {
			dc.FillText(capSty, vg.Point{X: dc.Min.X + 4, Y: dc.Min.Y + 4 + capH - lh*vg.Length(i)}, l)
		}
	}
	rows := (len(f.Frames) + f.cols() - 1) / f.cols()
	grid := draw.Crop(dc, 2, -2, 0.6*vg.Centimeter+capH, -0.9*vg.Centimeter)
	// One legend for all tiles, in a column on the right.
	if first := f.Frames[0]; first.Legend != LegendNone && len(compiledFrames[0].names) > 0 {
		l, names, err := legendOf(compiledFrames[0], LegendRight)
		if err != nil {
			return err
		}
		grid = legendColumn(grid, l, names)
	}
	tiles := draw.Tiles{Rows: rows, Cols: f.cols(), PadX: 4, PadY: 4}
	for i, fr := range f.Frames {
		p, err := fr.gonumPlot(compiledFrames[i], LegendNone)
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		p.Title.Text, p.Title.TextStyle.Handler = typeset(f.label(i))
		p.Title.TextStyle.Font = font.From(plot.DefaultFont, fontSize)
		p.Draw(tiles.At(grid, i%f.cols(), i/f.cols()))
	}
	return nil
}

// ECharts implements Chart: the frames as an echarts timeline. The first
// frame provides axes, legend and styles; later frames replace the series
// data.
func (f *Frames) ECharts() (map[string]any, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var base map[string]any
	var options []any
	var labels []string
	var nseries int
	captionLines := 0
	for i, fr := range f.Frames {
		c, err := fr.compile()
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", i, err)
		}
		opt, err := fr.echartsOption(c)
		if err != nil {
			return nil, err
		}
		series := opt["series"].([]map[string]any)
		if i == 0 {
			base = opt
			nseries = len(series)
		} else if len(series) != nseries {
			return nil, fmt.Errorf("%w: frame %d has %d series parts, frame 0 has %d", ErrLength, i, len(series), nseries)
		}
		label := LatexToUnicode(f.label(i))
		labels = append(labels, label)
		titles := []map[string]any{{"text": richText(f.Title), "subtext": richText(f.label(i)), "left": "center", "top": 0, "itemGap": 10,
			"textStyle":    map[string]any{"rich": richStyles(15)},
			"subtextStyle": map[string]any{"fontSize": 13, "color": "#333", "rich": richStyles(13)}}}
		if f.Caption != "" {
			w, _ := f.Size()
			t, n := captionTitle(LatexToUnicode(f.Caption), w.Dots(DPI))
			t["bottom"] = 40
			titles = append(titles, t)
			captionLines = n
		}
		options = append(options, map[string]any{"title": titles, "series": series})
	}
	delete(base, "series")
	delete(base, "title")
	base["timeline"] = map[string]any{"axisType": "category", "data": labels, "autoPlay": false,
		"playInterval": 700, "bottom": 0, "left": 40, "right": 40, "label": map[string]any{"fontSize": 10}}
	if g, ok := base["grid"].(map[string]any); ok {
		g["top"] = g["top"].(int) + 20
		g["bottom"] = 95 + captionLineHeight*captionLines
	}
	if l, ok := base["legend"].(map[string]any); ok {
		l["top"] = 50
	}
	if x, ok := base["xAxis"].(map[string]any); ok {
		x["nameGap"] = 26
	}
	return map[string]any{"baseOption": base, "options": options}, nil
}
