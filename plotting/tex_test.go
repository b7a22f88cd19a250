package plotting

import (
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
)

func TestTexForms(t *testing.T) {
	for _, c := range []struct{ in, unicode, markup, rich string }{
		{`$\tau_{SDE}$`, "τ_SDE", "τ\uE000SDE\uE002", "τ{sub|SDE}"},
		{`$\tau / \tau_{SDE}$`, "τ/τ_SDE", "τ/τ\uE000SDE\uE002", "τ/τ{sub|SDE}"},
		{`$\theta_1$`, "θ₁", "θ\uE0001\uE002", "θ{sub|1}"},
		{`$e^{L/D}$`, "e^(L/D)", "e\uE001L/D\uE002", "e{sup|L/D}"},
		{`$\hat\gamma$`, "γ\u0302", "γ\u0302", "γ\u0302"},
		{`$\bar{x}$, $\tilde\theta$`, "x\u0304, θ\u0303", "x\u0304, θ\u0303", "x\u0304, θ\u0303"},
		{`$k=1$`, "k = 1", "k = 1", "k = 1"},
		{`$p(\theta, t)$`, "p(θ,\u2009t)", "p(θ,\u2009t)", "p(θ,\u2009t)"},
		{`$u_i^\top C\, u_i$`, "uᵢᵀC uᵢ", "u\uE000i\uE002\uE003\uE001⊤\uE002C u\uE000i\uE002", "u{sub|i}{sup|⊤}C u{sub|i}"},
		{`$\frac{\eta}{2B}H$`, "η/(2B)H", "η/(2B)H", "η/(2B)H"},
	} {
		if got := LatexToUnicode(c.in); got != c.unicode {
			t.Errorf("LatexToUnicode(%q) = %q, want %q", c.in, got, c.unicode)
		}
		if got := latexToText(c.in, nil); got != c.markup {
			t.Errorf("latexToText(%q) = %q, want %q", c.in, got, c.markup)
		}
		if got := richText(c.in); got != c.rich {
			t.Errorf("richText(%q) = %q, want %q", c.in, got, c.rich)
		}
	}
	// A font without ∝ gets an ASCII stand-in.
	if got := latexToText(`$a\propto b$`, func(r rune) bool { return r != '∝' }); got != "a ~ b" {
		t.Errorf("fallback: %q", got)
	}
}

// TestScriptHandler: scripts are smaller than the base text and extend the
// box below (subscript) or above (superscript) the plain line.
func TestScriptHandler(t *testing.T) {
	h := scriptHandler{Fonts: font.DefaultCache}
	fnt := fontOf(fontSize)
	plainW, plainH, plainD := h.Box("τSDE", fnt)
	w, ht, d := h.Box("τ\uE000SDE\uE002", fnt)
	if !(w < plainW) || d <= plainD || ht != plainH {
		t.Errorf("subscript box (%v, %v, %v) against plain (%v, %v, %v)", w, ht, d, plainW, plainH, plainD)
	}
	_, ht, _ = h.Box("e\uE001−t\uE002", fnt)
	if ht <= plainH {
		t.Errorf("superscript height %v, plain %v", ht, plainH)
	}
	// Combining marks take no room; unbalanced markers do not panic.
	if a, b := runWidth(font.DefaultCache.Lookup(fnt, fnt.Size), "γ\u0302"), runWidth(font.DefaultCache.Lookup(fnt, fnt.Size), "γ"); a != b {
		t.Errorf("accent width %v, base %v", a, b)
	}
	h.Box("\uE002\uE002x\uE000", fnt)
}

func TestLogTicks(t *testing.T) {
	labels := func(min, max float64) []string {
		var out []string
		for _, tk := range (logTicks{}).Ticks(min, max) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, c := range []struct {
		min, max float64
		want     string
	}{
		{3, 800, "5 10 20 50 100 200 500"},
		{180, 750, "200 300 400 500 600 700"},
		{0.001, 10, "0.001 0.01 0.1 1 10"},
		{1e-7, 1e-4, "10\uE001−7\uE002 10\uE001−6\uE002 10\uE001−5\uE002 10\uE001−4\uE002"},
		{1e-30, 1, strings.Join(labels(1e-30, 1), " ")}, // checked for count below
	} {
		if got := strings.Join(labels(c.min, c.max), " "); got != c.want {
			t.Errorf("log ticks on [%g, %g]: %q, want %q", c.min, c.max, got, c.want)
		}
	}
	if n := len(labels(1e-30, 1)); n > 16 || n < 5 {
		t.Errorf("31 decades get %d labels", n)
	}
	if n := len(labels(1.1, 1.4)); n < 2 {
		t.Errorf("narrow log range gets %d labels", n)
	}
}

func TestInteractiveCaptionWraps(t *testing.T) {
	f := New("$\\tau_{SDE}$", "$x$", "$y$")
	f.Caption = strings.Repeat("seed 20210106 · η = 0.02 · B = 2 · ", 14)
	f.Add(Line{Name: "$\\hat\\gamma$", X: []float64{1, 2}, Y: []float64{1, 2}})
	opt, err := f.ECharts()
	if err != nil {
		t.Fatal(err)
	}
	titles := opt["title"].([]map[string]any)
	st := titles[1]["subtextStyle"].(map[string]any)
	if st["overflow"] != "break" || st["width"] == nil {
		t.Errorf("caption does not wrap: %v", st)
	}
	if b := opt["grid"].(map[string]any)["bottom"].(int); b < 56+3*captionLineHeight {
		t.Errorf("grid bottom %d leaves no room for a 3-line caption", b)
	}
	if titles[0]["text"] != "τ{sub|SDE}" {
		t.Errorf("title %q is not rich text", titles[0]["text"])
	}
}

// TestStackedScripts: x_i^2 sets the 2 over the i, not after it.
func TestStackedScripts(t *testing.T) {
	h := scriptHandler{Fonts: font.DefaultCache}
	fnt := fontOf(fontSize)
	stacked, _, _ := h.Box(latexToText(`$x_i^2$`, nil), fnt)
	after, _, _ := h.Box("x\uE000i\uE002\uE0012\uE002", fnt)
	sub, _, _ := h.Box("x\uE000i\uE002", fnt)
	sup, _, _ := h.Box("x\uE0012\uE002", fnt)
	if stacked >= after || stacked != max(sub, sup) {
		t.Errorf("x_i^2 is %v wide, x_i %v, x^2 %v, x_i then ^2 %v: the scripts are not stacked", stacked, sub, sup, after)
	}
}
