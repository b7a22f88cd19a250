package plotting

import (
	"strings"
	"unicode"
)

// Labels may hold LaTeX between dollar signs. They are converted three
// ways, one per destination:
//
//   - texUnicode: plain Unicode for tooltips and exported data
//     (LatexToUnicode); sub- and superscripts become Unicode script
//     characters where every character has one (θ₁, σ²) and _x / ^(x+y)
//     otherwise (τ_SDE, e^(L/D)).
//   - texMarkup: the static back end; scripts are wrapped in private-use
//     markers that scriptHandler draws smaller and lowered or raised.
//   - texRich: echarts rich text, {sub|SDE} and {sup|2}, for titles, axis
//     names and legend entries (see richStyles).
type texMode int

const (
	texUnicode texMode = iota
	texMarkup
	texRich
)

// Markers of the texMarkup form: mkSub and mkSup open a script, mkEnd
// closes it; scripts nest.
const (
	mkSub = '\uE000'
	mkSup = '\uE001'
	mkEnd = '\uE002'
	// mkBack before a script stacks it over the script just closed (x_i^2).
	mkBack = '\uE003'
)

// texer converts LaTeX-style labels; has reports whether the target font
// has a rune (nil: every rune).
type texer struct {
	mode texMode
	has  func(rune) bool
}

// LatexToUnicode turns the LaTeX-style labels used by the static back end
// into plain Unicode: `$-\log\gamma$` → "−log γ", `$\theta_1$` → "θ₁",
// `$\tau_{SDE}$` → "τ_SDE", `$\hat\gamma$` → "γ̂" (combining circumflex).
// Unknown commands lose their backslash.
func LatexToUnicode(s string) string { return texer{mode: texUnicode}.convert(s) }

// latexToText is the static back end's form of s (texMarkup) for a font
// that has the runes for which has returns true; missing symbols get
// ASCII stand-ins.
func latexToText(s string, has func(rune) bool) string {
	return texer{mode: texMarkup, has: has}.convert(s)
}

// richText is s as echarts rich text; plain when s has no scripts.
func richText(s string) string { return texer{mode: texRich}.convert(s) }

// richStyles are the echarts rich-text styles that richText refers to,
// for a base font size.
func richStyles(size float64) map[string]any {
	small := float64(int(size*0.72 + 0.5))
	return map[string]any{
		// echarts aligns fragments of a line by verticalAlign within the
		// line box; a line height larger than the font lowers (bottom) or
		// raises (top) the script against the base text.
		"sub": map[string]any{"fontSize": small, "verticalAlign": "bottom", "lineHeight": size * 1.1},
		"sup": map[string]any{"fontSize": small, "verticalAlign": "top", "lineHeight": size * 1.1},
	}
}

// asciiFallback replaces symbols missing from a font.
var asciiFallback = map[rune]string{'∇': "grad ", '∝': "~", '∼': "~", '⟨': "<", '⟩': ">", '⊤': "T", '≡': "=", '∫': "integral ", '\u2009': " "}

func (t texer) convert(s string) string {
	var b strings.Builder
	parts := strings.Split(s, "$")
	for i, part := range parts {
		if i%2 == 0 {
			b.WriteString(part)
			continue
		}
		b.WriteString(t.math(part))
	}
	if t.has == nil {
		return strings.TrimSpace(b.String())
	}
	var out strings.Builder
	for _, r := range strings.TrimSpace(b.String()) {
		if alt, ok := asciiFallback[r]; ok && !t.has(r) {
			out.WriteString(alt)
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

var latexSymbols = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
	"eta": "η", "theta": "θ", "vartheta": "ϑ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
	"pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
	"omega": "ω", "zeta": "ζ", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ",
	"Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "Xi": "Ξ", "Pi": "Π", "nabla": "∇", "partial": "∂", "infty": "∞", "cdot": "·",
	"times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
	"equiv": "≡", "in": "∈", "propto": "∝", "pm": "±", "to": "→", "rightarrow": "→", "leftarrow": "←", "sqrt": "√",
	"log": "log", "ln": "ln", "exp": "exp", "det": "det", "max": "max", "min": "min", "tr": "tr", "Tr": "Tr",
	"quad": " ", "qquad": "  ", ",": " ", ";": " ", ":": " ", "!": "",
	"langle": "⟨", "rangle": "⟩", "mathrm": "", "mathbf": "", "mathcal": "", "mathbb": "", "mathit": "",
	"operatorname": "", "text": "", "textrm": "", "left": "", "right": "", "big": "", "Big": "", "bigg": "",
	"Bigg": "", "star": "*", "ast": "*", "prime": "′", "ell": "ℓ", "top": "⊤", "mid": "|", "dots": "…",
	"ldots": "…", "cdots": "⋯", "int": "∫", "sum": "∑", "prod": "∏", "|": "‖",
}

// operators get a space before an ordinary argument: \log x → "log x".
var operators = map[string]bool{"log": true, "ln": true, "exp": true, "det": true, "tr": true, "Tr": true}

// relations get a space on either side, as TeX sets them: k = 1.
var relations = map[string]bool{"le": true, "leq": true, "ge": true, "geq": true, "neq": true, "ne": true,
	"approx": true, "sim": true, "equiv": true, "in": true, "propto": true, "to": true, "rightarrow": true,
	"leftarrow": true}

// accents maps accent commands to combining marks.
var accents = map[string]rune{
	"hat": '\u0302', "widehat": '\u0302', "bar": '\u0304', "overline": '\u0305', "tilde": '\u0303',
	"widetilde": '\u0303', "vec": '\u20D7', "dot": '\u0307', "ddot": '\u0308', "check": '\u030C',
}

var supers = map[rune]rune{'0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶',
	'7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', '+': '⁺', 'n': 'ⁿ', 'i': 'ⁱ', 'T': 'ᵀ', '⊤': 'ᵀ', '*': '*',
	'−': '⁻', '′': '′', '(': '⁽', ')': '⁾', '=': '⁼'}
var subs = map[rune]rune{'0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆',
	'7': '₇', '8': '₈', '9': '₉', '-': '₋', '+': '₊', '−': '₋', 'i': 'ᵢ', 'j': 'ⱼ', 'k': 'ₖ', 'n': 'ₙ',
	'a': 'ₐ', 'e': 'ₑ', 'o': 'ₒ', 'x': 'ₓ', 'm': 'ₘ', 's': 'ₛ', 't': 'ₜ', 'p': 'ₚ', 'r': 'ᵣ',
	'h': 'ₕ', 'l': 'ₗ', 'u': 'ᵤ', 'v': 'ᵥ', '(': '₍', ')': '₎', '=': '₌'}

// script renders a sub- (sup false) or superscript whose LaTeX is inner.
func (t texer) script(inner string, sup bool) string {
	switch t.mode {
	case texMarkup:
		open := mkSub
		if sup {
			open = mkSup
		}
		return string(open) + t.math(inner) + string(mkEnd)
	case texRich:
		u := texer{mode: texUnicode}.math(inner)
		name := "sub"
		if sup {
			name = "sup"
		}
		// Rich text does not nest; braces and bars would end the fragment.
		u = strings.NewReplacer("{", "(", "}", ")", "|", "∣").Replace(u)
		return "{" + name + "|" + u + "}"
	}
	u := t.math(inner)
	table, mark := subs, "_"
	if sup {
		table, mark = supers, "^"
	}
	var out strings.Builder
	for _, r := range u {
		c, ok := table[r]
		if !ok || (t.has != nil && !t.has(c)) {
			return mark + wrapParen(u)
		}
		out.WriteRune(c)
	}
	return out.String()
}

// accent puts a combining mark on the converted group.
func (t texer) accent(u string, mark rune) string {
	rs := []rune(u)
	if len(rs) == 0 {
		return string(mark)
	}
	if t.has != nil && !t.has(mark) {
		return u
	}
	var b strings.Builder
	for i, r := range rs {
		b.WriteRune(r)
		// A bar spans the whole group; other accents sit on the last rune.
		if (mark == '\u0305' || mark == '\u0304') && !unicode.Is(unicode.Mn, r) || i == len(rs)-1 {
			b.WriteRune(mark)
		}
	}
	return b.String()
}

func (t texer) math(m string) string {
	rs := []rune(m)
	var b strings.Builder
	// group reads a {...} group, a command or a single rune starting at i.
	group := func(i int) (string, int) {
		for i < len(rs) && rs[i] == ' ' {
			i++
		}
		if i >= len(rs) {
			return "", i
		}
		if rs[i] == '{' {
			depth := 0
			for j := i; j < len(rs); j++ {
				switch rs[j] {
				case '{':
					depth++
				case '}':
					depth--
					if depth == 0 {
						return string(rs[i+1 : j]), j + 1
					}
				}
			}
			return string(rs[i+1:]), len(rs)
		}
		if rs[i] == '\\' {
			j := i + 1
			for j < len(rs) && (rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= 'A' && rs[j] <= 'Z') {
				j++
			}
			if j == i+1 && j < len(rs) {
				j++
			}
			return string(rs[i:j]), j
		}
		return string(rs[i]), i + 1
	}
	lastScript, lastKind := -1, rune(0) // where the last script ended, and its kind
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == '\\':
			j := i + 1
			for j < len(rs) && (rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= 'A' && rs[j] <= 'Z') {
				j++
			}
			if j == i+1 && j < len(rs) {
				j++ // \, \; \{ etc.
			}
			cmd := string(rs[i+1 : j])
			i = j
			switch cmd {
			case "frac", "dfrac", "tfrac":
				num, k := group(i)
				den, k2 := group(k)
				i = k2
				d := t.math(den)
				if len([]rune(d)) > 1 && strings.Trim(d, "0123456789.") != "" {
					d = "(" + d + ")" // η/(2B), as a reader expects of \frac{\eta}{2B}
				}
				b.WriteString(wrapParen(t.math(num)) + "/" + d)
				continue
			case "sqrt":
				arg, k := group(i)
				i = k
				b.WriteString("√" + wrapParen(t.math(arg)))
				continue
			case "{", "}", "%", "_", "$", "#", "&":
				b.WriteString(cmd)
				continue
			}
			if mark, ok := accents[cmd]; ok {
				arg, k := group(i)
				i = k
				b.WriteString(t.accent(t.math(arg), mark))
				continue
			}
			if sym, ok := latexSymbols[cmd]; ok {
				if relations[cmd] {
					sym = " " + sym + " "
				}
				b.WriteString(sym)
				if operators[cmd] && i < len(rs) && !strings.ContainsRune("(_^[{|", rs[i]) {
					b.WriteString(" ")
				}
				continue
			}
			b.WriteString(cmd)
		case r == '^' || r == '_':
			g, k := group(i + 1)
			i = k
			if t.mode == texMarkup && b.Len() > 0 && b.Len() == lastScript && r != lastKind {
				b.WriteRune(mkBack)
			}
			b.WriteString(t.script(g, r == '^'))
			lastScript, lastKind = b.Len(), r
		case r == '{' || r == '}' || r == ' ' || r == '~':
			// Spaces in math mode are not typeset (use \, or \quad).
			i++
		case r == '-':
			b.WriteRune('−')
			i++
		case r == '\'':
			b.WriteRune('′')
			i++
		case strings.ContainsRune("=<>", r):
			b.WriteString(" " + string(r) + " ")
			i++
		case r == ',':
			// A thin space after a comma, as TeX sets it: p(θ, t).
			b.WriteString(",\u2009")
			i++
		default:
			b.WriteRune(r)
			i++
		}
	}
	return b.String()
}

// wrapParen brackets a compound numerator, denominator or script.
func wrapParen(s string) string {
	if len([]rune(s)) <= 1 || !strings.ContainsAny(s, " +−-·×/,=") {
		return s
	}
	return "(" + s + ")"
}
