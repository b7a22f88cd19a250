package plotting

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/opts"
)

// jsFunc marks a JavaScript function inside an option, with go-echarts'
// "__f__" convention: the quotes around it are removed when the option is
// written out (see plotting/echarts.MarshalOption).
func jsFunc(src string) string { return string(opts.FuncOpts(src)) }

// ECharts returns the echarts option of the figure: the same series as the
// static image, with zoom (mouse wheel, drag, slider), tooltips, a legend
// that toggles series and a toolbox (box zoom, reset, save as PNG).
func (f *Figure) ECharts() (map[string]any, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	return f.echartsOption(c)
}

func (f *Figure) axisRange(c *compiled) (xmin, xmax, ymin, ymax float64) {
	hasCells := false
	for _, p := range c.prims {
		hasCells = hasCells || p.kind == primCells
	}
	xmin, xmax, ymin, ymax = c.xmin, c.xmax, c.ymin, c.ymax
	if !hasCells {
		xmin, xmax = pad(xmin, xmax, f.X.Log)
		ymin, ymax = pad(ymin, ymax, f.Y.Log)
	}
	if f.X.Min != 0 || f.X.Max != 0 {
		xmin, xmax = f.X.Min, f.X.Max
	}
	if f.Y.Min != 0 || f.Y.Max != 0 {
		ymin, ymax = f.Y.Min, f.Y.Max
	}
	return
}

func (f *Figure) echartsOption(c *compiled) (map[string]any, error) {
	xmin, xmax, ymin, ymax := f.axisRange(c)
	axis := func(a Axis, lo, hi float64, x bool) map[string]any {
		m := map[string]any{
			"type": "value", "name": richText(a.Label), "nameLocation": "middle",
			"nameGap": 30, "scale": true,
			"nameTextStyle": map[string]any{"fontSize": 13, "rich": richStyles(13)},
			"splitLine":     map[string]any{"lineStyle": map[string]any{"color": "#e4e4e4"}},
			"axisLine":      map[string]any{"onZero": false},
		}
		if !x {
			m["nameGap"] = 45
		}
		if a.Log {
			m["type"] = "log"
			m["logBase"] = 10
		}
		// Fixed ranges (rounded for display) only where the user or a grid
		// asked for them; otherwise echarts picks round numbers.
		hasCells := false
		for _, p := range c.prims {
			hasCells = hasCells || p.kind == primCells
		}
		fixed := (x && (f.X.Min != 0 || f.X.Max != 0)) || (!x && (f.Y.Min != 0 || f.Y.Max != 0)) || hasCells
		if fixed {
			m["min"], m["max"] = round6(lo), round6(hi)
			// Bounds that are not round numbers make ugly labels.
			m["axisLabel"] = map[string]any{"showMinLabel": isRound(lo), "showMaxLabel": isRound(hi)}
		} else if a.Log && decadesIn(lo, hi) >= 2 {
			// echarts widens a log axis to whole decades, which can leave
			// most of the chart empty; keep the padded data range, as the
			// static image does, with the labels on the decades inside.
			m["min"], m["max"] = sig3(lo), sig3(hi)
			m["axisLabel"] = map[string]any{"showMinLabel": false, "showMaxLabel": false}
		}
		return m
	}
	var series []map[string]any
	visual := -1
	var zmin, zmax float64
	for _, p := range c.prims {
		s, err := echartsSeries(p, xmax-xmin, ymax-ymin, f.X.Log, f.Y.Log)
		if err != nil {
			return nil, err
		}
		if p.kind == primCells {
			visual = len(series)
			zmin, zmax = p.zmin, p.zmax
		}
		series = append(series, s)
	}
	note := f.note(c.report)
	w, _ := f.Size()
	titles := []map[string]any{{"text": richText(f.Title), "left": "center", "top": 4,
		"textStyle": map[string]any{"fontSize": 15, "rich": richStyles(15)}}}
	noteLines := 0
	if note != "" {
		var t map[string]any
		t, noteLines = captionTitle(LatexToUnicode(note), w.Dots(DPI))
		t["bottom"] = 2
		titles = append(titles, t)
	}
	right := 30
	opt := map[string]any{
		"animation":       false,
		"backgroundColor": "#ffffff",
		"textStyle":       map[string]any{"fontFamily": "Liberation Serif, Times New Roman, serif"},
		"title":           titles,
		"tooltip":         map[string]any{"trigger": "item", "confine": true},
		"toolbox": map[string]any{"right": 10, "top": 0, "feature": map[string]any{
			"dataZoom": map[string]any{"filterMode": "none"}, "restore": map[string]any{},
			"saveAsImage": map[string]any{"pixelRatio": 2}}},
		"dataZoom": []map[string]any{
			{"type": "inside", "xAxisIndex": 0, "filterMode": "none"},
			{"type": "inside", "yAxisIndex": 0, "filterMode": "none"},
		},
		"xAxis":  axis(f.X, xmin, xmax, true),
		"yAxis":  axis(f.Y, ymin, ymax, false),
		"series": series,
	}
	top := 64
	if f.Legend != LegendNone && len(c.names) > 0 {
		names := legendNames(c.names)
		legend := map[string]any{"data": legendData(c, names), "top": 26, "left": "center", "width": "90%", "itemHeight": 10, "itemWidth": 22,
			"textStyle": map[string]any{"rich": richStyles(12)}}
		if fm := richFormatter(c.names); fm != "" {
			legend["formatter"] = fm
		}
		opt["legend"] = legend
		// A plain legend wraps onto more lines; make room for them.
		avail := 0.9*w.Dots(DPI) - 20
		lines, cur := 1, 0.0
		for _, n := range names {
			iw := 7*float64(len([]rune(n))) + 40
			if cur+iw > avail && cur > 0 {
				lines++
				cur = 0
			}
			cur += iw
		}
		top += 22 * (lines - 1)
	}
	if visual >= 0 {
		var cols []string
		for _, v := range viridis {
			cols = append(cols, hex(v))
		}
		opt["visualMap"] = map[string]any{"type": "continuous", "min": round6(zmin), "max": round6(zmax),
			"dimension": 4, "seriesIndex": visual, "inRange": map[string]any{"color": cols},
			"calculable": true, "right": 4, "top": "middle", "itemHeight": 140, "precision": 2}
		right = 90
	}
	bottom := 50
	if note != "" {
		bottom = 56 + captionLineHeight*noteLines
	}
	opt["grid"] = map[string]any{"left": 75, "right": right, "top": top, "bottom": bottom}
	return opt, nil
}

// decadesIn counts the powers of ten in [lo, hi].
func decadesIn(lo, hi float64) int {
	if !(lo > 0) || !(hi > lo) {
		return 0
	}
	return int(math.Floor(math.Log10(hi)+1e-9) - math.Ceil(math.Log10(lo)-1e-9) + 1)
}

// sig3 rounds v to three significant digits.
func sig3(v float64) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	p := math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-2)
	return math.Round(v/p) * p
}

// captionLineHeight is the line height of captions in pixels.
const captionLineHeight = 15

// captionTitle is an echarts title component that shows caption in full,
// wrapped to the chart width w (pixels), and the number of lines that it
// is expected to take.
func captionTitle(caption string, w float64) (map[string]any, int) {
	avail := w - 16
	// Estimated width of 11 px serif text: 5.6 px per character.
	lines, cur := 0, 0.0
	for _, para := range strings.Split(caption, "\n") {
		lines++
		cur = 0
		for _, word := range strings.Fields(para) {
			ww := 5.6 * float64(len([]rune(word))+1)
			if cur+ww > avail && cur > 0 {
				lines++
				cur = 0
			}
			cur += ww
		}
	}
	return map[string]any{"subtext": caption, "left": 8, "itemGap": 0,
		"subtextStyle": map[string]any{"color": "#555", "fontSize": 11, "lineHeight": captionLineHeight,
			"width": avail, "overflow": "break"}}, lines
}

// richFormatter returns a legend formatter that shows the rich-text form
// of the series names that have scripts, or "" if none has.
func richFormatter(names []string) string {
	// The function's source travels inside a JSON string, where double
	// quotes and backslashes would arrive escaped: single-quoted literals
	// with ' and \ replaced by look-alikes keep it plain.
	lit := strings.NewReplacer("'", "′", "\\", "∖", "\n", " ")
	var b strings.Builder
	for _, n := range names {
		u, r := LatexToUnicode(n), richText(n)
		if u != r {
			if b.Len() > 0 {
				b.WriteString(",")
			}
			b.WriteString("'" + lit.Replace(u) + "':'" + lit.Replace(r) + "'")
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return jsFunc("function(n){var m={" + b.String() + "};return Object.prototype.hasOwnProperty.call(m,n)?m[n]:n;}")
}

// legendData gives each legend entry the icon of what it draws: the
// marker shape for points, a plain stroke for lines and bars, a square for
// bands and cells. (echarts would otherwise show the hover dots of lines
// and the first part of a series, e.g. its interval bars.)
func legendData(c *compiled, names []string) []any {
	out := make([]any, len(names))
	for k, n := range c.names {
		icon := ""
		for _, p := range c.prims {
			if p.name != n {
				continue
			}
			switch p.kind {
			case primMarkers:
				icon = p.shape.echarts()
			case primFill, primCells:
				icon = "rect" // a histogram's outline does not make it a line
			default:
				if icon == "" {
					icon = "path://M0,0H24V2.4H0Z"
				}
			}
			if p.kind == primMarkers {
				break
			}
		}
		if icon == "" {
			out[k] = names[k]
			continue
		}
		out[k] = map[string]any{"name": names[k], "icon": icon}
	}
	return out
}

func legendNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = LatexToUnicode(n)
	}
	return out
}

// round6 keeps 6 significant digits, so that axis bounds print nicely.
func round6(v float64) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	e := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*e) / e
}

// isRound reports whether v has at most two significant digits.
func isRound(v float64) bool {
	if v == 0 {
		return true
	}
	e := math.Pow(10, 1-math.Floor(math.Log10(math.Abs(v))))
	return math.Abs(v*e-math.Round(v*e)) < 1e-9
}

// jnum keeps JSON small and finite.
func jnum(v float64) any {
	if !finite(v) {
		return nil
	}
	return round6(v)
}

func pairs(x, y []float64) []any {
	out := make([]any, 0, len(x))
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			out = append(out, "-")
			continue
		}
		out = append(out, []any{jnum(x[i]), jnum(y[i])})
	}
	return out
}

func segmentPairs(x, y []float64) []any {
	out := make([]any, 0, len(x)*3/2)
	for i := 0; i+1 < len(x); i += 2 {
		out = append(out, []any{jnum(x[i]), jnum(y[i])}, []any{jnum(x[i+1]), jnum(y[i+1])}, "-")
	}
	return out
}

func symbolPx(r float64) float64 { return math.Round(2*r*1.4*10) / 10 }

func echartsSeries(p prim, xspan, yspan float64, xlog, ylog bool) (map[string]any, error) {
	name := LatexToUnicode(p.name)
	col := hex(p.color)
	line := func(data []any) map[string]any {
		return map[string]any{"type": "line", "name": name, "data": data, "connectNulls": false,
			"showSymbol": false, "symbol": "none", "color": col, "animation": false,
			"lineStyle": map[string]any{"color": col, "width": float64(p.width) * 1.3, "type": p.ltype},
			"emphasis":  map[string]any{"disabled": true}}
	}
	switch p.kind {
	case primLine:
		s := line(pairs(p.x, p.y))
		if len(p.x) <= 400 {
			// Small symbols make each point hoverable for tooltips.
			s["symbol"], s["showSymbol"], s["symbolSize"] = "circle", true, 3
		}
		return s, nil
	case primSegments:
		s := line(segmentPairs(p.x, p.y))
		s["silent"] = true
		return s, nil
	case primArrows:
		// Shaft plus two head strokes, computed in axis-normalised space.
		var data []any
		for i := 0; i+1 < len(p.x); i += 2 {
			x0, y0, x1, y1 := p.x[i], p.y[i], p.x[i+1], p.y[i+1]
			u, v := (x1-x0)/xspan, (y1-y0)/yspan
			n := math.Hypot(u, v)
			data = append(data, []any{jnum(x0), jnum(y0)}, []any{jnum(x1), jnum(y1)}, "-")
			if n == 0 {
				continue
			}
			h := math.Min(0.015, 0.4*n)
			for _, sgn := range []float64{1, -1} {
				hu := -h * (u/n*0.94 - sgn*v/n*0.34)
				hv := -h * (v/n*0.94 + sgn*u/n*0.34)
				data = append(data, []any{jnum(x1), jnum(y1)}, []any{jnum(x1 + hu*xspan), jnum(y1 + hv*yspan)}, "-")
			}
		}
		s := line(data)
		s["silent"] = true
		return s, nil
	case primMarkers:
		var data []any
		hasLabels := false
		for i := range p.x {
			item := map[string]any{"value": []any{jnum(p.x[i]), jnum(p.y[i])}}
			if i < len(p.labels) {
				item["name"] = p.labels[i]
				hasLabels = hasLabels || (p.labels[i] != "" && p.legend)
			}
			data = append(data, item)
		}
		s := map[string]any{"type": "scatter", "name": name, "data": data, "symbol": p.shape.echarts(),
			"symbolSize": symbolPx(float64(p.size)), "color": col, "itemStyle": map[string]any{"color": col}}
		if light(p.color) {
			s["itemStyle"] = map[string]any{"color": col, "borderColor": "#303030", "borderWidth": 1}
		}
		if hasLabels {
			lc := "#000000"
			if p.labelColor != (color.RGBA{}) {
				lc = hex(p.labelColor)
			}
			s["label"] = map[string]any{"show": true, "position": "right", "formatter": "{b}", "fontSize": 13, "color": lc}
		}
		return s, nil
	case primFill:
		var polys [][]any
		var data []any
		var cur []any
		var sx, sy float64
		var n int
		flush := func() {
			if len(cur) >= 6 {
				polys = append(polys, cur)
				data = append(data, []any{jnum(sx / float64(n)), jnum(sy / float64(n))})
			}
			cur, sx, sy, n = nil, 0, 0, 0
		}
		for i := range p.x {
			if !finite(p.x[i]) {
				flush()
				continue
			}
			cur = append(cur, jnum(p.x[i]), jnum(p.y[i]))
			sx, sy, n = sx+p.x[i], sy+p.y[i], n+1
		}
		flush()
		pj, err := json.Marshal(polys)
		if err != nil {
			return nil, err
		}
		fill := rgba(p.color, p.alpha)
		render := fmt.Sprintf("function(params,api){var P=%s[params.dataIndex];var pts=[];"+
			"for(var i=0;i<P.length;i+=2){pts.push(api.coord([P[i],P[i+1]]));}"+
			"return {type:'polygon',shape:{points:pts},style:{fill:'%s'}};}", pj, fill)
		return map[string]any{"type": "custom", "name": name, "data": data, "renderItem": jsFunc(render),
			"encode": map[string]any{"x": 0, "y": 1}, "silent": true, "clip": true, "progressive": 0,
			"color": fill, "itemStyle": map[string]any{"color": fill}}, nil
	case primCells:
		data := make([]any, len(p.cells))
		for i, c := range p.cells {
			data[i] = []any{jnum(c[0]), jnum(c[1]), jnum(c[2]), jnum(c[3]), jnum(c[4])}
		}
		render := "function(params,api){var a=api.coord([api.value(0),api.value(3)]);" +
			"var b=api.coord([api.value(1),api.value(2)]);" +
			"return {type:'rect',shape:{x:a[0],y:a[1],width:b[0]-a[0]+0.6,height:b[1]-a[1]+0.6}," +
			"style:{fill:api.visual('color')}};}"
		return map[string]any{"type": "custom", "name": name, "data": data, "renderItem": jsFunc(render),
			"dimensions": []string{"x from", "x to", "y from", "y to", LatexToUnicode(p.zname)},
			"encode":     map[string]any{"x": []int{0, 1}, "y": []int{2, 3}, "tooltip": []int{0, 1, 2, 3, 4}},
			// progressive rendering of many items never finishes under
			// headless virtual time; draw all cells at once.
			"clip": true, "progressive": 0, "color": hex(colormap(0.5)), "itemStyle": map[string]any{"color": hex(colormap(0.5))}}, nil
	}
	return nil, fmt.Errorf("plotting: unknown primitive %d", p.kind)
}
