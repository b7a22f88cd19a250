package notebook

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
)

// Failure is one failing cell of an executed notebook.
type Failure struct {
	Cell   int      // 1-based cell number (counting Markdown cells too, as in the notebook file)
	Kind   string   // what failed: "error", "panic", "shell command failed", "test failed", "timeout", …
	Exec   int      // execution count, shown by Jupyter as In [N]; 0 if the cell did not run
	Source string   // first line of the cell's source, to find it
	Lines  []string // first lines of the error
}

// MaxLines is how many lines of an error a Failure keeps.
const MaxLines = 8

func (f Failure) String() string {
	var b strings.Builder
	if f.Exec > 0 {
		fmt.Fprintf(&b, "cell %d (In [%d]: %s): %s", f.Cell, f.Exec, f.Source, f.Kind)
	} else {
		fmt.Fprintf(&b, "cell %d (%s): %s", f.Cell, f.Source, f.Kind)
	}
	for _, l := range f.Lines {
		b.WriteString("\n    ")
		b.WriteString(l)
	}
	return b.String()
}

var (
	// In a stderr stream: a Go panic or runtime fatal error, a non-zero exit (a failing `!shell` line or
	// a cell program that exits non-zero, which GoNB reports as "exit status N"), a killed program.
	rePanic    = regexp.MustCompile(`(?m)^(panic: |fatal error: )`)
	reExit     = regexp.MustCompile(`(?m)^exit status [1-9][0-9]*$`)
	reSignal   = regexp.MustCompile(`(?m)^signal: [a-z ]+$`)
	reTestFail = regexp.MustCompile(`(?m)^\s*--- FAIL`)

	reStyle   = regexp.MustCompile(`(?is)<style.*?</style>`)
	reContext = regexp.MustCompile(`(?is)<div class="gonb-err-context">.*?</div>\s*</div>`)
	reTag     = regexp.MustCompile(`(?s)<[^>]*>`)
)

// ScanOutputs finds the failing cells of an executed notebook. It does not trust the executor's exit
// status: besides error outputs it reads the streams, because a failing `!shell` line, a panic printed
// before a clean exit, or a failing %test can leave no error output at all.
func ScanOutputs(nb *Notebook) []Failure {
	var fs []Failure
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		if f, ok := ScanCell(c); ok {
			f.Cell = i + 1
			f.Source = FirstLine(string(c.Source))
			if c.ExecutionCount != nil {
				f.Exec = *c.ExecutionCount
			}
			fs = append(fs, f)
		}
	}
	return fs
}

// ScanCell classifies the outputs of one executed code cell: the Failure (without its cell number, source and
// execution count, which ScanOutputs fills in) and whether the cell failed.
func ScanCell(c Cell) (Failure, bool) {
	var stderr, stdout strings.Builder
	var errOut *Output
	var htmlErr []string
	for k := range c.Outputs {
		o := &c.Outputs[k]
		switch o.OutputType {
		case "stream":
			if o.Name == "stderr" {
				stderr.WriteString(string(o.Text))
			} else {
				stdout.WriteString(string(o.Text))
			}
		case "error":
			if errOut == nil {
				errOut = o
			}
		case "display_data", "execute_result":
			if t := CompileErrors(o); len(t) > 0 {
				htmlErr = append(htmlErr, t...)
			}
		}
	}
	se, so := stderr.String(), stdout.String()
	switch {
	case reSignal.MatchString(se) && strings.Contains(se, "signal: interrupt"):
		return Failure{Kind: "timeout (interrupted after the per-cell timeout)", Lines: tail(so+se, MaxLines)}, true
	case rePanic.MatchString(se):
		return Failure{Kind: "panic", Lines: from(se, rePanic, MaxLines)}, true
	case reTestFail.MatchString(so) || reTestFail.MatchString(se):
		return Failure{Kind: "test failed", Lines: Head(testFailLines(so+se), MaxLines)}, true
	case len(htmlErr) > 0:
		return Failure{Kind: "compile error", Lines: Head(htmlErr, MaxLines)}, true
	case errOut != nil:
		lines := []string{errOut.Ename + ": " + errOut.Evalue}
		for _, t := range errOut.Traceback {
			lines = append(lines, SplitNonEmpty(StripANSI(t))...)
		}
		lines = append(lines, SplitNonEmpty(se)...)
		return Failure{Kind: "error", Lines: Head(Dedupe(lines), MaxLines)}, true
	case reExit.MatchString(se):
		return Failure{Kind: "shell command failed", Lines: tail(se, MaxLines)}, true
	case reSignal.MatchString(se):
		return Failure{Kind: "killed", Lines: tail(se, MaxLines)}, true
	}
	return Failure{}, false
}

// CompileErrors extracts the text of an error GoNB rendered as HTML (compile errors): the displayed
// stderr block, without the style sheet and the hover-only source context.
func CompileErrors(o *Output) []string {
	raw, ok := o.Data["text/html"]
	if !ok {
		return nil
	}
	var h Text
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil
	}
	s := string(h)
	if !strings.Contains(s, `data-mime-type="application/vnd.jupyter.stderr"`) {
		return nil
	}
	s = reStyle.ReplaceAllString(s, "")
	s = reContext.ReplaceAllString(s, "")
	s = reTag.ReplaceAllString(s, "")
	return SplitNonEmpty(html.UnescapeString(s))
}

var reANSI = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

func StripANSI(s string) string { return reANSI.ReplaceAllString(s, "") }

func SplitNonEmpty(s string) []string {
	var out []string
	for _, l := range strings.Split(StripANSI(s), "\n") {
		l = strings.TrimRight(l, " \t\r")
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// Head keeps the first n lines, marking a cut with "…".
func Head(lines []string, n int) []string {
	if len(lines) > n {
		return append(lines[:n:n], "…")
	}
	return lines
}

func tail(s string, n int) []string {
	lines := SplitNonEmpty(s)
	if len(lines) > n {
		return append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return lines
}

// from returns up to n lines of s starting at the first line re matches.
func from(s string, re *regexp.Regexp, n int) []string {
	if loc := re.FindStringIndex(s); loc != nil {
		s = s[loc[0]:]
	}
	return Head(SplitNonEmpty(s), n)
}

// testFailLines keeps what explains a failing test: its messages and the FAIL lines, not the
// progress lines of tests that ran.
func testFailLines(out string) []string {
	var keep []string
	for _, l := range SplitNonEmpty(out) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- PASS") || strings.HasPrefix(t, "--- SKIP") || t == "PASS" {
			continue
		}
		keep = append(keep, l)
	}
	return keep
}

// Dedupe drops repeated lines, keeping the first of each.
func Dedupe(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// FirstLine returns the first line of a cell's source that says what it does: not blank, and not a
// GoNB magic such as %% or %test when anything else is there.
func FirstLine(src string) string {
	first := ""
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if first == "" {
			first = l
		}
		if !strings.HasPrefix(l, "%") {
			first = l
			break
		}
	}
	if first == "" {
		return "empty"
	}
	if r := []rune(first); len(r) > 60 {
		first = string(r[:57]) + "..."
	}
	return first
}
