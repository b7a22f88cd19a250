package plotting

import (
	"math"
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// scriptHandler is a gonum/plot text.Handler for plain text with sub- and
// superscripts marked by mkSub/mkSup … mkEnd (the texMarkup form of a
// label): scripts are set at scriptScale of the surrounding size, lowered
// or raised, and may nest. Text without markers renders as text.Plain.
type scriptHandler struct {
	Fonts *font.Cache
}

var _ text.Handler = scriptHandler{}

const (
	scriptScale = 0.7
	subShift    = -0.22 // baseline shift of a subscript, in parent font sizes
	supShift    = 0.40
)

// placed is a piece of one line at one script level, laid out.
type placed struct {
	s    string
	face font.Face
	x    vg.Length // from the start of the line
	dy   vg.Length // baseline shift
}

// layout places the pieces of line (texMarkup form) for base font fnt and
// returns them with the advance of the line. A script opened right after
// mkBack starts where the previous script at that level started, so that
// x_i^2 stacks its scripts as TeX does.
func (h scriptHandler) layout(line string, fnt font.Font) ([]placed, vg.Length) {
	type level struct {
		scale, dy float64
		start     vg.Length // x where this script began
		resume    vg.Length // for a stacked script, the end of the one beneath
	}
	stack := []level{{scale: 1}}
	var out []placed
	var x, lastStart, lastEnd vg.Length
	back := false
	var cur strings.Builder
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		top := stack[len(stack)-1]
		f := h.Fonts.Lookup(fnt, vg.Length(float64(fnt.Size)*top.scale))
		out = append(out, placed{s: cur.String(), face: f, x: x, dy: vg.Length(top.dy) * fnt.Size})
		x += runWidth(f, cur.String())
		cur.Reset()
	}
	for _, r := range line {
		switch r {
		case mkBack:
			flush()
			back = true
		case mkSub, mkSup:
			flush()
			top := stack[len(stack)-1]
			shift := subShift
			if r == mkSup {
				shift = supShift
			}
			lv := level{scale: top.scale * scriptScale, dy: top.dy + shift*top.scale, start: x, resume: -1}
			if back && x == lastEnd {
				lv.start, lv.resume, x = lastStart, lastEnd, lastStart
			}
			back = false
			stack = append(stack, lv)
		case mkEnd:
			flush()
			if len(stack) > 1 {
				lv := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if lv.resume >= 0 {
					x = max(x, lv.resume)
				}
				lastStart, lastEnd = lv.start, x
			}
		default:
			back = false
			cur.WriteRune(r)
		}
	}
	flush()
	return out, x
}

// Cache implements text.Handler.
func (h scriptHandler) Cache() *font.Cache { return h.Fonts }

// Extents implements text.Handler.
func (h scriptHandler) Extents(fnt font.Font) font.Extents {
	f := h.Fonts.Lookup(fnt, fnt.Size)
	return f.Extents()
}

// Lines implements text.Handler.
func (h scriptHandler) Lines(txt string) []string {
	return strings.Split(strings.TrimRight(txt, "\n"), "\n")
}

// Box implements text.Handler.
func (h scriptHandler) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	ext := h.Extents(fnt)
	height, depth = ext.Ascent, ext.Descent
	runs, width := h.layout(txt, fnt)
	for _, r := range runs {
		e := r.face.Extents()
		height = max(height, e.Ascent+r.dy)
		depth = max(depth, e.Descent-r.dy)
	}
	return width, height, depth
}

// Draw implements text.Handler; it follows text.Plain's placement and
// moves the baseline up by any extra depth that subscripts add.
func (h scriptHandler) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	ext := h.Extents(sty.Font)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	ht := sty.Height(txt)
	_, _, lastDepth := h.Box(lines[len(lines)-1], sty.Font)
	pt.Y += ht*vg.Length(sty.YAlign) - ext.Ascent + (lastDepth - ext.Descent)
	for i, line := range lines {
		runs, w := h.layout(line, sty.Font)
		x := pt.X + vg.Length(sty.XAlign)*w
		y := pt.Y + vg.Length(len(lines)-i)*sty.Font.Size
		for _, r := range runs {
			drawRun(c, r.face, vg.Point{X: x + r.x, Y: y + r.dy}, r.s)
		}
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}

// isMark reports whether r is a combining mark (an accent from \hat,
// \bar, \tilde …), which drawRun centres over the rune before it.
func isMark(r rune) bool { return unicode.Is(unicode.Mn, r) }

// special reports whether drawRun must draw s rune by rune: it has
// combining marks or a nabla, which the house font lacks and which is
// drawn as an upturned Δ.
func special(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r == '∇' || isMark(r) })
}

// runWidth is the advance of s, combining marks taking no room.
func runWidth(f font.Face, s string) vg.Length {
	if !special(s) {
		return f.Width(s)
	}
	return f.Width(strings.Map(func(r rune) rune {
		switch {
		case isMark(r):
			return -1
		case r == '∇':
			return 'Δ'
		}
		return r
	}, s))
}

// inkBounds returns the horizontal ink extent and the top of rune r
// (above the baseline) in face f.
func inkBounds(f font.Face, r rune) (x0, x1, top vg.Length, ok bool) {
	var buf sfnt.Buffer
	idx, err := f.Face.GlyphIndex(&buf, r)
	if err != nil || idx == 0 {
		return 0, 0, 0, false
	}
	upem := fixed.Int26_6(f.Face.UnitsPerEm())
	b, _, err := f.Face.GlyphBounds(&buf, idx, upem, 0)
	if err != nil {
		return 0, 0, 0, false
	}
	scale := float64(f.Font.Size) / float64(upem)
	return vg.Length(float64(b.Min.X) * scale), vg.Length(float64(b.Max.X) * scale), vg.Length(-float64(b.Min.Y) * scale), true
}

// drawRun draws s at pt and returns its advance. Fonts place combining
// marks for an average lower-case letter; here each mark is centred over
// the ink of the rune before it and lifted by as much as that rune rises
// above an x.
func drawRun(c vg.Canvas, f font.Face, pt vg.Point, s string) vg.Length {
	if !special(s) {
		c.FillString(f, pt, s)
		return f.Width(s)
	}
	x := pt.X
	_, _, xTop, _ := inkBounds(f, 'x')
	var prev rune
	var prevX vg.Length
	for _, r := range s {
		if isMark(r) && prev != 0 {
			b0, b1, bTop, ok1 := inkBounds(f, prev)
			m0, m1, _, ok2 := inkBounds(f, r)
			if !ok1 || !ok2 {
				continue
			}
			lift := max(0, bTop-xTop)
			c.FillString(f, vg.Point{X: prevX + (b0+b1)/2 - (m0+m1)/2, Y: pt.Y + lift}, string(r))
			continue
		}
		if r == '∇' {
			// Δ turned about the centre of its ink box.
			x0, x1, top, _ := inkBounds(f, 'Δ')
			c.Push()
			c.Translate(vg.Point{X: x + (x0+x1)/2, Y: pt.Y + top/2})
			c.Rotate(math.Pi)
			c.FillString(f, vg.Point{X: -(x0 + x1) / 2, Y: -top / 2}, "Δ")
			c.Pop()
			prev, prevX = 'Δ', x
			x += f.Width("Δ")
			continue
		}
		c.FillString(f, vg.Point{X: x, Y: pt.Y}, string(r))
		prev, prevX = r, x
		w := f.Width(string(r))
		x += w
	}
	return x - pt.X
}
