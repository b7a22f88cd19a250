package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// assignments returns the instructor notebooks of notebooks/assignments.
func assignments(t *testing.T) []string {
	t.Helper()
	root, err := notebook.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(root, "notebooks", "assignments", "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 3 {
		t.Fatalf("%d assignments in notebooks/assignments, want at least 3", len(paths))
	}
	return paths
}

func TestStubCode(t *testing.T) {
	src := "func F(x float64) float64 {\n\ty := 2.0\n\t// BEGIN SOLUTION\n\treturn x * y\n\t// END SOLUTION\n}\n\nfunc G() int {\n  // BEGIN SOLUTION\n  return 1\n  // END SOLUTION\n}"
	got, err := StubCode(src)
	if err != nil {
		t.Fatal(err)
	}
	want := "func F(x float64) float64 {\n\ty := 2.0\n\t// YOUR CODE HERE\n\tpanic(\"not implemented\")\n}\n\nfunc G() int {\n  // YOUR CODE HERE\n  panic(\"not implemented\")\n}"
	if got != want {
		t.Errorf("StubCode:\n%s\nwant\n%s", got, want)
	}
	if err := syntaxOK(got); err != nil {
		t.Errorf("the stub does not parse: %v", err)
	}
	for _, bad := range []string{
		"// BEGIN SOLUTION\nx := 1",                             // never closed
		"x := 1\n// END SOLUTION",                               // not opened
		"// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION", // nested
		"x := 1 // BEGIN SOLUTION\n// END SOLUTION",             // not alone on its line
	} {
		if _, err := StubCode(bad); err == nil {
			t.Errorf("StubCode(%q): no error", bad)
		}
	}
}

func TestStubMarkdown(t *testing.T) {
	got, err := StubMarkdown("Question?\n\n<!-- BEGIN SOLUTION -->\nThe answer is 42.\n<!-- END SOLUTION -->\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Question?\n\n*YOUR ANSWER HERE*\n"; got != want {
		t.Errorf("StubMarkdown = %q, want %q", got, want)
	}
}

// doc builds a notebook from cells given as (type, id, source, assignment metadata JSON or "").
func doc(t *testing.T, cells ...[4]string) *notebook.Doc {
	t.Helper()
	var list []any
	for _, c := range cells {
		m := map[string]any{"cell_type": c[0], "source": c[2], "metadata": map[string]any{}}
		if c[1] != "" {
			m["id"] = c[1]
		}
		if c[0] == "code" {
			m["outputs"], m["execution_count"] = []any{}, nil
		}
		if c[3] != "" {
			var a any
			if err := json.Unmarshal([]byte(c[3]), &a); err != nil {
				t.Fatalf("bad metadata %s: %v", c[3], err)
			}
			m["metadata"] = map[string]any{MetadataKey: a}
		}
		list = append(list, m)
	}
	b, _ := json.Marshal(map[string]any{"cells": list, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	d, err := notebook.ParseDoc(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const (
	solutionCell = "func F() int {\n\t// BEGIN SOLUTION\n\treturn 1\n\t// END SOLUTION\n}"
	testCell     = "%test\nfunc TestF(t *testing.T) {\n\tif F() != 1 {\n\t\tt.Error(\"F() != 1\")\n\t}\n}"
	twoTests     = "%test\nfunc TestA(t *testing.T) {}\n\nfunc TestB(t *testing.T) {}"
)

func TestParseSpec(t *testing.T) {
	s, err := ParseSpec(doc(t,
		[4]string{"code", "sol", solutionCell, ""},
		[4]string{"code", "pub", testCell, `{"points": 1}`},
		[4]string{"code", "hid", twoTests, `{"hidden": true, "points": {"TestA": 2, "TestB": 0.5}}`},
		[4]string{"code", "ungraded", "%test\nfunc TestMine(t *testing.T) {}", ""},
		[4]string{"markdown", "q", "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->", `{"manual": true, "points": 3}`},
	))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tt := range s.Tests() {
		names = append(names, tt.Name+":"+strconv.FormatFloat(tt.Points, 'g', -1, 64)+":"+strconv.FormatBool(tt.Hidden))
	}
	if got, want := strings.Join(names, " "), "TestF:1:false TestA:2:true TestB:0.5:true"; got != want {
		t.Errorf("tests %q, want %q", got, want)
	}
	if s.MaxScore() != 3.5 || s.ManualMax() != 3 {
		t.Errorf("max score %g and manual %g, want 3.5 and 3", s.MaxScore(), s.ManualMax())
	}
}

func TestParseSpecLimits(t *testing.T) {
	d := doc(t, [4]string{"code", "sol", solutionCell, ""}, [4]string{"code", "pub", testCell, `{"points": 1}`})
	d.Metadata()[MetadataKey] = map[string]any{"cell_timeout": "2m", "budget": "15m"}
	s, err := ParseSpec(d)
	if err != nil {
		t.Fatal(err)
	}
	if s.Limits.Cell != 2*time.Minute || s.Limits.Budget != 15*time.Minute || s.Limits.Test != 0 {
		t.Errorf("limits %+v", s.Limits)
	}
	d.Metadata()[MetadataKey] = map[string]any{"test_timeout": "soon"}
	if _, err := ParseSpec(d); err == nil || !strings.Contains(err.Error(), "test_timeout") {
		t.Errorf("a bad duration: %v", err)
	}
}

func TestParseSpecErrors(t *testing.T) {
	sol := [4]string{"code", "sol", solutionCell, ""}
	tests := []struct {
		name  string
		cells [][4]string
		want  string
	}{
		{"hidden without points", [][4]string{sol, {"code", "h", testCell, `{"hidden": true}`}}, "needs points"},
		{"one number for two tests", [][4]string{sol, {"code", "h", twoTests, `{"hidden": true, "points": 2}`}}, "give points per test"},
		{"a test without points", [][4]string{sol, {"code", "h", twoTests, `{"points": {"TestA": 1}}`}}, "TestB has no points"},
		{"points for an unknown test", [][4]string{sol, {"code", "h", testCell, `{"points": {"TestF": 1, "TestX": 1}}`}}, "TestX, which the cell does not define"},
		{"negative points", [][4]string{sol, {"code", "h", testCell, `{"points": -1}`}}, "positive"},
		{"hidden code that is not a test", [][4]string{sol, {"code", "h", "func H() {}", `{"hidden": true, "points": 1}`}}, "only tests can be hidden"},
		{"solution in a test cell", [][4]string{{"code", "t", "%test\nfunc TestF(t *testing.T) {\n// BEGIN SOLUTION\n// END SOLUTION\n}", `{"points": 1}`}}, "keep solutions and tests in separate cells"},
		{"duplicate ids", [][4]string{sol, {"code", "sol", testCell, `{"points": 1}`}}, "also used by cell 1"},
		{"solution without id", [][4]string{{"code", "", solutionCell, ""}, {"code", "t", testCell, `{"points": 1}`}}, "needs a cell id"},
		{"top-level solution", [][4]string{{"code", "s", "// BEGIN SOLUTION\nfunc F() int { return 1 }\n// END SOLUTION", ""}, {"code", "t", testCell, `{"points": 1}`}}, "does not parse"},
		{"duplicate test names", [][4]string{sol, {"code", "a", testCell, `{"points": 1}`}, {"code", "b", testCell, `{"hidden": true, "points": 1}`}}, "also defined in cell"},
		{"no graded tests", [][4]string{sol, {"code", "t", testCell, ""}}, "no graded tests"},
		{"unbalanced markers", [][4]string{{"code", "s", "func F() {\n// BEGIN SOLUTION\n}", ""}, {"code", "t", testCell, `{"points": 1}`}}, "never closed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec(doc(t, tc.cells...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

var firstCellRef = regexp.MustCompile(`go mod edit -replace github.com/densitydiffusion/toolkit="\$d" -require github.com/densitydiffusion/toolkit@v0.0.0`)

// TestAssignmentsAreValid checks every instructor notebook: valid conventions, committed without outputs, the
// gonb kernel and the standard first cell (as notebooks/00-quickstart.ipynb has it), and a title that states
// the points the metadata gives.
func TestAssignmentsAreValid(t *testing.T) {
	root, _ := notebook.FindRoot(".")
	quick, err := notebook.ReadDoc(filepath.Join(root, "notebooks", "00-quickstart.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	first := notebook.Normalize(quick.Cells[0].Source())
	if !firstCellRef.MatchString(first) {
		t.Fatalf("the quickstart's first cell is not the standard first cell any more:\n%s", first)
	}
	rePoints := regexp.MustCompile(`\*\*Points:\*\* (\d+(?:\.\d+)?) automatic \(public checks (\d+(?:\.\d+)?), hidden tests (\d+(?:\.\d+)?)\) \+ (\d+(?:\.\d+)?) for`)
	for _, p := range assignments(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			s, err := loadSpec(p)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range s.Doc.Cells {
				if c.HasOutputs() {
					t.Errorf("cell %d (%s) has outputs: strip them (go run ./cmd/nbrun clean %s)", i+1, c.ID(), p)
				}
			}
			ks, _ := s.Doc.Metadata()["kernelspec"].(map[string]any)
			if ks["name"] != "gonb" {
				t.Errorf("kernelspec %v, want gonb", ks)
			}
			if got := notebook.Normalize(s.Doc.Cells[0].Source()); got != first {
				t.Errorf("the first cell is not the standard first cell:\n%s", got)
			}
			m := rePoints.FindStringSubmatch(s.Doc.Cells[1].Source())
			if m == nil {
				t.Fatalf("the title cell does not state the points as \"**Points:** N automatic (public checks P, hidden tests H) + M for ...\"")
			}
			f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
			if f(m[1]) != s.MaxScore() || f(m[3]) != hiddenPoints(s) || f(m[2]) != s.MaxScore()-hiddenPoints(s) || f(m[4]) != s.ManualMax() {
				t.Errorf("the title states %s automatic (public %s, hidden %s) + %s by hand; the metadata gives %g (public %g, hidden %g) + %g",
					m[1], m[2], m[3], m[4], s.MaxScore(), s.MaxScore()-hiddenPoints(s), hiddenPoints(s), s.ManualMax())
			}
			if len(s.Tests()) < 4 || hiddenPoints(s) == 0 {
				t.Errorf("%d graded tests, %g hidden points: want public and hidden tests", len(s.Tests()), hiddenPoints(s))
			}
		})
	}
}

// TestStudentVersionHasNoSolutions generates each student version and checks, independently of Leaks, that it
// holds no solution text, no hidden test, no marker and no output, that every exercise function is still
// declared with its signature and a "not implemented" stub, and that it survives a JSON round trip.
func TestStudentVersionHasNoSolutions(t *testing.T) {
	for _, p := range assignments(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			s, err := loadSpec(p)
			if err != nil {
				t.Fatal(err)
			}
			st, err := StudentVersion(s)
			if err != nil {
				t.Fatal(err)
			}
			if leaks := Leaks(s, st); len(leaks) > 0 {
				t.Errorf("leaks:\n%s", strings.Join(leaks, "\n"))
			}
			out := filepath.Join(t.TempDir(), "student.ipynb")
			if code := Main([]string{"student", p, out}, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
				t.Fatalf("assign student exited with %d", code)
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			st, err = notebook.ParseDoc(raw)
			if err != nil {
				t.Fatal(err)
			}
			all := string(raw)
			var studentText strings.Builder
			for _, c := range st.Cells {
				studentText.WriteString(c.Source() + "\n")
				if c.HasOutputs() {
					t.Errorf("cell %q has outputs", c.ID())
				}
			}
			text := studentText.String()
			for _, m := range []string{"BEGIN SOLUTION", "END SOLUTION"} {
				if strings.Contains(all, m) {
					t.Errorf("the student version contains %q", m)
				}
			}
			hiddenCells, stubs := 0, 0
			for i, cs := range s.Cells {
				src := s.Doc.Cells[i].Source()
				if cs.Hidden {
					hiddenCells++
					if strings.Contains(all, `"`+cs.ID+`"`) {
						t.Errorf("the hidden cell id %q is in the student version", cs.ID)
					}
					for _, name := range cs.Tests {
						if strings.Contains(all, name) {
							t.Errorf("the hidden test %s is in the student version", name)
						}
					}
					continue
				}
				if !cs.Solution {
					if !strings.Contains(text, src) {
						t.Errorf("cell %q changed, though it holds no solution", cs.ID)
					}
					continue
				}
				// Every non-blank line inside a region is absent unless it also appears outside all regions.
				begin, end := BeginCode, EndCode
				if cs.Type == "markdown" {
					begin, end = BeginMarkdown, EndMarkdown
				}
				in := false
				for _, l := range strings.Split(src, "\n") {
					tl := strings.TrimSpace(l)
					switch {
					case tl == begin:
						in = true
						stubs++
					case tl == end:
						in = false
					case in && len(tl) > 3 && tl != "}" && tl != "return" && !strings.HasPrefix(tl, "//"):
						if strings.Contains(text, tl) && !outsideRegions(s, tl) {
							t.Errorf("solution line of cell %q is in the student version: %q", cs.ID, tl)
						}
					}
				}
				if cs.Type == "code" {
					for _, m := range reFuncDecl.FindAllString(src, -1) {
						if !strings.Contains(text, m) {
							t.Errorf("the student version lost the declaration %q", m)
						}
					}
				}
			}
			if hiddenCells == 0 || stubs == 0 {
				t.Errorf("%d hidden cells and %d solution regions: nothing was tested", hiddenCells, stubs)
			}
			if got, want := strings.Count(text, `panic("not implemented")`), 0; got == want {
				t.Errorf("no \"not implemented\" stub in the student version")
			}
			placeholders := 0
			for _, c := range st.Cells {
				for _, cs := range s.Cells {
					if cs.Manual && cs.ID == c.ID() && strings.Contains(c.Source(), AnswerStub) {
						placeholders++
					}
				}
			}
			if placeholders != countManual(s) || placeholders == 0 {
				t.Errorf("%d answer cells with a placeholder, want %d", placeholders, countManual(s))
			}
		})
	}
}

func countManual(s *Spec) int {
	n := 0
	for _, c := range s.Cells {
		if c.Manual {
			n++
		}
	}
	return n
}

// outsideRegions reports whether line appears in the instructor notebook outside every solution region and
// outside the hidden cells (then it is not secret, e.g. "return out").
func outsideRegions(s *Spec, line string) bool {
	for i, c := range s.Doc.Cells {
		if s.Cells[i].Hidden {
			continue
		}
		stub, err := StubCode(c.Source())
		if s.Cells[i].Type == "markdown" {
			stub, err = StubMarkdown(c.Source())
		}
		if err == nil && strings.Contains(stub, line) {
			return true
		}
	}
	return false
}

// TestLeaksDetects makes sure the leak check can fail: a solution line, a hidden test and an output put back
// into a student version are each reported.
func TestLeaksDetects(t *testing.T) {
	s, err := loadSpec(assignments(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	var solLine, hiddenSrc string
	for i, cs := range s.Cells {
		src := s.Doc.Cells[i].Source()
		if cs.Solution && cs.Type == "code" && solLine == "" {
			lines := strings.Split(src, "\n")
			for k, l := range lines {
				if strings.TrimSpace(l) == BeginCode {
					solLine = lines[k+1]
					break
				}
			}
		}
		if cs.Hidden && hiddenSrc == "" {
			hiddenSrc = src
		}
	}
	for name, mutate := range map[string]func(*notebook.Doc){
		"solution line": func(d *notebook.Doc) {
			d.Cells = append(d.Cells, notebook.NewCodeCell("x", "func X() {\n"+solLine+"\n}"))
		},
		"hidden test": func(d *notebook.Doc) { d.Cells = append(d.Cells, notebook.NewCodeCell("y", hiddenSrc)) },
		"output": func(d *notebook.Doc) {
			d.Cells[0].SetField("outputs", []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "x"}})
		},
	} {
		st, err := StudentVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		mutate(st)
		if leaks := Leaks(s, st); len(leaks) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
}
