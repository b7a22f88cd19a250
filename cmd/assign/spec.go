package main

import (
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// The markers of solution regions.
const (
	BeginCode     = "// BEGIN SOLUTION"
	EndCode       = "// END SOLUTION"
	BeginMarkdown = "<!-- BEGIN SOLUTION -->"
	EndMarkdown   = "<!-- END SOLUTION -->"
	// CodeStub replaces a solution region in code (indented like the BEGIN line).
	CodeStub = "// YOUR CODE HERE\npanic(\"not implemented\")"
	// AnswerStub replaces a solution region in Markdown.
	AnswerStub = "*YOUR ANSWER HERE*"
	// MetadataKey is the key of assign's cell metadata: {"assignment": {"hidden": true, "points": 2}}.
	MetadataKey = "assignment"
)

// CellSpec is what the metadata and the markers of one instructor cell say.
type CellSpec struct {
	Index    int    // 0-based position in the instructor notebook
	ID       string // nbformat cell id
	Type     string // code or markdown
	Solution bool   // holds solution regions
	Test     bool   // a %test cell
	Hidden   bool   // removed from the student version
	Manual   bool   // a Markdown answer graded by hand
	// Tests are the test functions a %test cell defines, in source order.
	Tests []string
	// Points per test (graded test cells) or for the answer (manual cells).
	Points      map[string]float64
	ManualPoint float64
}

// Graded reports whether the cell's tests count towards the score.
func (c *CellSpec) Graded() bool { return c.Test && len(c.Points) > 0 }

// Spec is an instructor notebook read as an assignment.
type Spec struct {
	Doc   *notebook.Doc
	Title string
	Cells []*CellSpec
	// Limits are the notebook's own time limits for grading, from its metadata
	// {"assignment": {"cell_timeout": "2m", "test_timeout": "45s", "budget": "15m"}}; zero where not given.
	Limits Limits
}

// GradedTest is one test function that earns points.
type GradedTest struct {
	Name   string
	CellID string
	Hidden bool
	Points float64
}

// Tests lists the graded tests in notebook order.
func (s *Spec) Tests() []GradedTest {
	var out []GradedTest
	for _, c := range s.Cells {
		if !c.Graded() {
			continue
		}
		for _, t := range c.Tests {
			out = append(out, GradedTest{Name: t, CellID: c.ID, Hidden: c.Hidden, Points: c.Points[t]})
		}
	}
	return out
}

// MaxScore is the sum of the points of the graded tests.
func (s *Spec) MaxScore() float64 {
	total := 0.0
	for _, t := range s.Tests() {
		total += t.Points
	}
	return total
}

// ManualMax is the sum of the points of the answers graded by hand.
func (s *Spec) ManualMax() float64 {
	total := 0.0
	for _, c := range s.Cells {
		if c.Manual {
			total += c.ManualPoint
		}
	}
	return total
}

// cellMeta is the "assignment" object of a cell's metadata.
type cellMeta struct {
	Hidden bool            `json:"hidden"`
	Manual bool            `json:"manual"`
	Points json.RawMessage `json:"points"`
}

var (
	reTestMagic = regexp.MustCompile(`(?m)^\s*%test\b`)
	reTestFunc  = regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(\s*\w+\s+\*testing\.T\s*\)`)
	reCellID    = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
)

// IsTestCell reports whether a code cell runs with %test.
func IsTestCell(src string) bool { return reTestMagic.MatchString(src) }

// TestNames lists the test functions a cell defines.
func TestNames(src string) []string {
	var out []string
	for _, m := range reTestFunc.FindAllStringSubmatch(src, -1) {
		out = append(out, m[1])
	}
	return out
}

// ParseSpec reads an instructor notebook and checks its conventions: unique cell ids on the cells that matter,
// balanced solution markers whose stubs still parse, hidden cells that are test cells, points for every test of
// a graded cell, unique test names.
func ParseSpec(d *notebook.Doc) (*Spec, error) {
	s := &Spec{Doc: d, Title: d.Title()}
	var problems []string
	bad := func(i int, id, format string, args ...any) {
		where := fmt.Sprintf("cell %d", i+1)
		if id != "" {
			where += fmt.Sprintf(" (id %q)", id)
		}
		problems = append(problems, where+": "+fmt.Sprintf(format, args...))
	}
	if raw, ok := d.Metadata()[MetadataKey]; ok {
		var nm struct {
			Cell   string `json:"cell_timeout"`
			Test   string `json:"test_timeout"`
			Budget string `json:"budget"`
		}
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &nm); err != nil {
			problems = append(problems, fmt.Sprintf("notebook metadata %q: %v", MetadataKey, err))
		}
		for _, f := range []struct {
			name string
			s    string
			dst  *time.Duration
		}{{"cell_timeout", nm.Cell, &s.Limits.Cell}, {"test_timeout", nm.Test, &s.Limits.Test}, {"budget", nm.Budget, &s.Limits.Budget}} {
			if f.s == "" {
				continue
			}
			v, err := time.ParseDuration(f.s)
			if err != nil || v <= 0 {
				problems = append(problems, fmt.Sprintf("notebook metadata %s.%s = %q is not a positive duration like \"90s\"", MetadataKey, f.name, f.s))
				continue
			}
			*f.dst = v
		}
	}
	ids := map[string]int{}
	testCell := map[string]string{}
	for i, c := range d.Cells {
		cs := &CellSpec{Index: i, ID: c.ID(), Type: c.Type()}
		s.Cells = append(s.Cells, cs)
		src := c.Source()
		if cs.ID != "" {
			if !reCellID.MatchString(cs.ID) {
				bad(i, cs.ID, "the id is not a valid nbformat cell id (letters, digits, - and _)")
			}
			if j, dup := ids[cs.ID]; dup {
				bad(i, cs.ID, "the id is also used by cell %d", j+1)
			}
			ids[cs.ID] = i
		}
		var meta cellMeta
		if raw, ok := c.Metadata()[MetadataKey]; ok {
			b, _ := json.Marshal(raw)
			if err := json.Unmarshal(b, &meta); err != nil {
				bad(i, cs.ID, "metadata %q: %v", MetadataKey, err)
			}
		}
		cs.Hidden, cs.Manual = meta.Hidden, meta.Manual
		switch cs.Type {
		case "code":
			cs.Test = IsTestCell(src)
			if cs.Test {
				cs.Tests = TestNames(src)
			}
			begin, end := BeginCode, EndCode
			if strings.Contains(src, begin) || strings.Contains(src, end) {
				cs.Solution = true
				stub, err := StubCode(src)
				if err != nil {
					bad(i, cs.ID, "%v", err)
				} else if syntaxOK(src) == nil {
					if err := syntaxOK(stub); err != nil {
						bad(i, cs.ID, "the student version of this cell does not parse (put whole statements, inside a function body, between the markers): %v", err)
					}
				}
				if cs.Test {
					bad(i, cs.ID, "a %%test cell holds solution markers: keep solutions and tests in separate cells")
				}
			}
		case "markdown":
			if strings.Contains(src, BeginMarkdown) || strings.Contains(src, EndMarkdown) {
				cs.Solution = true
				if _, err := StubMarkdown(src); err != nil {
					bad(i, cs.ID, "%v", err)
				}
			}
		}
		if cs.Hidden && !cs.Test {
			bad(i, cs.ID, "marked hidden but not a %%test cell (only tests can be hidden)")
		}
		if cs.Manual && cs.Type != "markdown" {
			bad(i, cs.ID, "marked manual but not a Markdown cell")
		}
		if len(meta.Points) > 0 && string(meta.Points) != "null" {
			pts, err := parsePoints(meta.Points, cs)
			if err != nil {
				bad(i, cs.ID, "%v", err)
			}
			if cs.Manual {
				if len(pts) != 1 || pts[""] <= 0 {
					bad(i, cs.ID, "a manual answer takes one number of points")
				}
				cs.ManualPoint = pts[""]
			} else {
				cs.Points = pts
			}
		}
		if cs.Hidden && len(cs.Points) == 0 {
			bad(i, cs.ID, "a hidden test cell needs points (a hidden test nobody can see that earns nothing is dead weight)")
		}
		if cs.Graded() || cs.Hidden {
			if cs.ID == "" {
				bad(i, cs.ID, "a graded cell needs a cell id (nbformat 4.5)")
			}
			for _, t := range cs.Tests {
				if other, dup := testCell[t]; dup {
					bad(i, cs.ID, "test %s is also defined in cell %q", t, other)
				}
				testCell[t] = cs.ID
			}
		}
		if cs.Solution && cs.ID == "" {
			bad(i, cs.ID, "a solution cell needs a cell id (nbformat 4.5), so that the grader can find it in submissions")
		}
	}
	if len(d.Cells) == 0 {
		problems = append(problems, "the notebook has no cells")
	}
	if len(s.Tests()) == 0 && len(problems) == 0 {
		problems = append(problems, "no graded tests: give a %test cell points in its metadata, e.g. {\"assignment\": {\"hidden\": true, \"points\": 2}}")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("not a valid assignment:\n  %s", strings.Join(problems, "\n  "))
	}
	return s, nil
}

// parsePoints reads "points": a number (for a manual answer or a cell defining exactly one test) or an object
// mapping each test of the cell to its points.
func parsePoints(raw json.RawMessage, cs *CellSpec) (map[string]float64, error) {
	var n float64
	if err := json.Unmarshal(raw, &n); err == nil {
		if !(n > 0) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("points must be positive, got %v", n)
		}
		if cs.Manual {
			return map[string]float64{"": n}, nil
		}
		if !cs.Test {
			return nil, fmt.Errorf("points on a cell that is neither a %%test cell nor a manual answer")
		}
		if len(cs.Tests) != 1 {
			return nil, fmt.Errorf("the cell defines %d test functions %v: give points per test, e.g. {\"TestA\": 1, \"TestB\": 2}", len(cs.Tests), cs.Tests)
		}
		return map[string]float64{cs.Tests[0]: n}, nil
	}
	var m map[string]float64
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("points must be a number or an object {\"TestName\": points}, got %s", raw)
	}
	if !cs.Test {
		return nil, fmt.Errorf("points per test on a cell that is not a %%test cell")
	}
	have := map[string]bool{}
	for _, t := range cs.Tests {
		have[t] = true
		if _, ok := m[t]; !ok {
			return nil, fmt.Errorf("test %s has no points (every test of a graded cell needs them)", t)
		}
	}
	var names []string
	for k, v := range m {
		names = append(names, k)
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("points of %s must be positive, got %v", k, v)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		if !have[k] {
			return nil, fmt.Errorf("points for %s, which the cell does not define", k)
		}
	}
	return m, nil
}

// StubCode replaces every region from a line "// BEGIN SOLUTION" to a line "// END SOLUTION" (inclusive) by
// CodeStub, indented like the BEGIN line.
func StubCode(src string) (string, error) {
	return replaceRegions(src, BeginCode, EndCode, func(indent string) []string {
		var out []string
		for _, l := range strings.Split(CodeStub, "\n") {
			out = append(out, indent+l)
		}
		return out
	})
}

// StubMarkdown replaces every region between <!-- BEGIN SOLUTION --> and <!-- END SOLUTION --> by AnswerStub.
func StubMarkdown(src string) (string, error) {
	return replaceRegions(src, BeginMarkdown, EndMarkdown, func(indent string) []string {
		return []string{indent + AnswerStub}
	})
}

// replaceRegions replaces line-delimited marker regions. Markers must stand alone on their lines.
func replaceRegions(src, begin, end string, stub func(indent string) []string) (string, error) {
	lines := strings.Split(src, "\n")
	var out []string
	in, beginLine := false, 0
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == begin:
			if in {
				return "", fmt.Errorf("line %d: %s inside the region opened on line %d", i+1, begin, beginLine)
			}
			in, beginLine = true, i+1
			out = append(out, stub(l[:len(l)-len(strings.TrimLeft(l, " \t"))])...)
		case t == end:
			if !in {
				return "", fmt.Errorf("line %d: %s without a %s before it", i+1, end, begin)
			}
			in = false
		case strings.Contains(l, begin) || strings.Contains(l, end):
			return "", fmt.Errorf("line %d: a marker must stand alone on its line: %q", i+1, t)
		case !in:
			out = append(out, l)
		}
	}
	if in {
		return "", fmt.Errorf("line %d: %s is never closed by %s", beginLine, begin, end)
	}
	return strings.Join(out, "\n"), nil
}

// syntaxOK parses a GoNB code cell as Go: special lines (%, !) are dropped and the part after %% becomes the
// body of main. It checks syntax only (types need the other cells).
func syntaxOK(src string) error {
	var decls, body []string
	inMain := false
	for _, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "%%" || strings.HasPrefix(t, "%main") || strings.HasPrefix(t, "%% "):
			inMain = true
			decls = append(decls, "")
			continue
		case strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!"):
			l = ""
		}
		if inMain {
			body = append(body, l)
			decls = append(decls, "")
		} else {
			decls = append(decls, l)
		}
	}
	file := "package p\n" + strings.Join(decls, "\n")
	if inMain {
		file += "\nfunc main() {\n" + strings.Join(body, "\n") + "\n}\n"
	}
	_, err := parser.ParseFile(token.NewFileSet(), "cell.go", file, parser.SkipObjectResolution)
	return err
}
