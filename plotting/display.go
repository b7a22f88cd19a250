package plotting

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/densitydiffusion/toolkit/plotting/echarts"
)

// Format selects the static image format.
type Format int

const (
	FormatPNG Format = iota
	FormatSVG
)

// Display shows charts in a GoNB notebook. The zero value shows static
// PNGs; set Interactive for echarts HTML (with the PNG inside it as the
// fallback for viewers without JavaScript).
type Display struct {
	Format      Format
	Interactive bool
	// Session inlines echarts once per kernel; nil uses
	// echarts.NotebookSession(), created on first use.
	Session *echarts.Session
}

// Show displays c in the current GoNB cell: an interactive echarts chart
// (the static PNG travels inside it for viewers without JavaScript) and
// waits for the output to reach the notebook (gonbui.Sync). Outside a
// notebook it renders the chart (so errors still surface) and writes
// nothing; use Save for files.
func Show(c Chart) error {
	return (&Display{Interactive: true}).Show(c)
}

// ShowStatic displays c as a PNG only.
func ShowStatic(c Chart) error {
	return (&Display{}).Show(c)
}

// ShowSVG displays c as an SVG only.
func ShowSVG(c Chart) error {
	return (&Display{Format: FormatSVG}).Show(c)
}

// HTML returns the display HTML of c (what Show sends in interactive mode).
func (d *Display) HTML(c Chart) (string, error) {
	if d.Session == nil {
		d.Session = echarts.NotebookSession()
	}
	return ChartHTML(c, d.Session)
}

// Show displays c; see the package function Show.
func (d *Display) Show(c Chart) error {
	if c == nil {
		return fmt.Errorf("plotting: nil chart")
	}
	if d.Interactive {
		h, err := d.HTML(c)
		if err != nil {
			return err
		}
		gonbui.DisplayHTML(h)
		gonbui.Sync()
		return nil
	}
	switch d.Format {
	case FormatSVG:
		s, err := SVG(c)
		if err != nil {
			return err
		}
		gonbui.DisplaySVG(s)
	default:
		b, err := PNG(c)
		if err != nil {
			return err
		}
		gonbui.DisplayPNG(b)
	}
	gonbui.Sync()
	return nil
}

// ChartHTML returns the HTML fragment of the interactive chart, with the
// static PNG inside as the fallback image, using session s (which inlines
// the echarts library into its first fragment).
func ChartHTML(c Chart, s *echarts.Session) (string, error) {
	if c == nil {
		return "", fmt.Errorf("plotting: nil chart")
	}
	opt, err := c.ECharts()
	if err != nil {
		return "", err
	}
	png, err := PNG(c)
	if err != nil {
		return "", err
	}
	w, h := c.Size()
	// The same on-screen size as the PNG, which notebooks show at one
	// image pixel per CSS pixel.
	width := fmt.Sprintf("%.0fpx", w.Dots(DPI))
	height := fmt.Sprintf("%.0fpx", h.Dots(DPI))
	return s.Fragment(opt, width, height, png)
}

// Save writes c into dir as name.png, name.svg and name.html (a standalone
// page with echarts inlined when the local copy exists). It creates dir.
func Save(c Chart, dir, name string) error {
	if c == nil {
		return fmt.Errorf("plotting: nil chart")
	}
	if name == "" || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("plotting: invalid file name %q", name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plotting: %w", err)
	}
	pngB, err := PNG(c)
	if err != nil {
		return err
	}
	svg, err := SVG(c)
	if err != nil {
		return err
	}
	lib, libErr := echarts.Load()
	frag, err := ChartHTML(c, echarts.NewSession(lib, libErr))
	if err != nil {
		return err
	}
	files := map[string][]byte{
		name + ".png":  pngB,
		name + ".svg":  []byte(svg),
		name + ".html": []byte(echarts.Page(name, frag)),
	}
	for fn, b := range files {
		if err := os.WriteFile(filepath.Join(dir, fn), b, 0o644); err != nil {
			return fmt.Errorf("plotting: %w", err)
		}
	}
	return nil
}

// Progress reports the progress of a long simulation. In a live notebook
// it updates one output block in place (gonbui.UpdateHTML with a transient
// display id); when the notebook is executed headless the block ends as the
// single final line written by Done. Outside a notebook it writes a line to
// Out (os.Stderr when nil) at most every Every (10 s when zero) and at Done.
// It is safe for concurrent use.
type Progress struct {
	Label string
	Total int
	Out   io.Writer
	Every time.Duration

	mu    sync.Mutex
	id    string
	start time.Time
	last  time.Time
	done  int
	now   func() time.Time
}

// NewProgress starts a progress display for total units of work.
func NewProgress(label string, total int) *Progress {
	return &Progress{Label: label, Total: total}
}

func (p *Progress) init() {
	if p.now == nil {
		p.now = time.Now
	}
	if p.start.IsZero() {
		p.start = p.now()
		p.id = "ddt-progress-" + gonbui.UniqueId()
	}
}

// Add records n more finished units.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.done += n
	p.show(false, "")
}

// Set records the number of finished units.
func (p *Progress) Set(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.done = done
	p.show(false, "")
}

// Done writes the final line, e.g. Done("escape rate 3.1e-4 ± 2e-5").
func (p *Progress) Done(summary string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.show(true, summary)
}

// Line is the text of the current state.
func (p *Progress) Line(final bool, summary string) string {
	el := p.now().Sub(p.start).Round(100 * time.Millisecond)
	var b strings.Builder
	b.WriteString(p.Label)
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Total > 0 {
		fmt.Fprintf(&b, "%d/%d (%.0f%%)", p.done, p.Total, 100*float64(p.done)/float64(p.Total))
	} else {
		fmt.Fprintf(&b, "%d", p.done)
	}
	if final {
		fmt.Fprintf(&b, " done in %v", el)
	} else {
		fmt.Fprintf(&b, ", %v", el)
		if p.Total > 0 && p.done > 0 && p.done < p.Total {
			rem := time.Duration(float64(el) * float64(p.Total-p.done) / float64(p.done)).Round(time.Second)
			fmt.Fprintf(&b, ", about %v left", rem)
		}
	}
	if summary != "" {
		b.WriteString(" — ")
		b.WriteString(summary)
	}
	return b.String()
}

func (p *Progress) show(final bool, summary string) {
	now := p.now()
	every := p.Every
	if gonbui.IsNotebook {
		if !final && now.Sub(p.last) < 200*time.Millisecond {
			return
		}
		p.last = now
		line := html.EscapeString(p.Line(final, summary))
		if !final && p.Total > 0 {
			frac := float64(p.done) / float64(p.Total)
			line = fmt.Sprintf(`<div style="font:13px monospace"><progress value="%.4f" max="1" style="width:240px"></progress> %s</div>`, frac, line)
		} else {
			line = `<div style="font:13px monospace">` + line + `</div>`
		}
		gonbui.UpdateHTML(p.id, line)
		if final {
			gonbui.Sync()
		}
		return
	}
	if every <= 0 {
		every = 10 * time.Second
	}
	if !final && (p.last.IsZero() && now.Sub(p.start) < every || !p.last.IsZero() && now.Sub(p.last) < every) {
		return
	}
	p.last = now
	out := p.Out
	if out == nil {
		out = os.Stderr
	}
	var b bytes.Buffer
	b.WriteString(p.Line(final, summary))
	b.WriteByte('\n')
	_, _ = out.Write(b.Bytes())
}
