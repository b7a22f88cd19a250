package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// miniSpec is a small assignment: a setup cell, a solution cell, a provided cell, a public and a hidden test
// cell (two tests), an answer.
func miniSpec(t *testing.T) *Spec {
	t.Helper()
	s, err := ParseSpec(doc(t,
		[4]string{"code", "setup", "!*go mod edit -replace x=y", ""},
		[4]string{"code", "sol", solutionCell, ""},
		[4]string{"code", "given", "func Given() int { return 2 }", ""},
		[4]string{"code", "pub", testCell, `{"points": 1}`},
		[4]string{"code", "hid", "%test\nimport \"math\"\n\n// helper is shared.\nfunc helper() float64 { return math.Pi }\n\nfunc TestA(t *testing.T) { _ = helper() }\n\nfunc TestB(t *testing.T) { _ = Given() }", `{"hidden": true, "points": {"TestA": 2, "TestB": 3}}`},
		[4]string{"markdown", "q", "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->", `{"manual": true, "points": 2}`},
	))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTestCellSource(t *testing.T) {
	s := miniSpec(t)
	src := testCellSource(s.Doc.Cells[4].Source(), "TestB", 7*time.Second, "n0nce")
	// go test's alarm is the backstop, 3 s after the watchdog's 7 s.
	if !strings.HasPrefix(src, "%test -test.run=^TestAssignGrade_TestB$ -test.v -test.count=1 -test.timeout=10s\n") {
		t.Errorf("header: %q", strings.SplitN(src, "\n", 2)[0])
	}
	for _, want := range []string{`import "math"`, "// helper is shared.\nfunc helper()", "func TestB(",
		"func TestAssignGrade_TestB(t *testing.T) {\n", "\tTestB(t)\n", `println("assign-verdict: TestB passed n0nce")`,
		"assigntime.After(7000000000)", `panic("test timed out after 7s")`, "assignruntime.Stack(assignStacks, true)"} {
		if !strings.Contains(src, want) {
			t.Errorf("the test cell lacks %q:\n%s", want, src)
		}
	}
	if strings.Contains(src, "func TestA(") {
		t.Errorf("the cell for TestB also defines TestA:\n%s", src)
	}
	if err := syntaxOK(src); err != nil {
		t.Errorf("does not parse: %v", err)
	}
}

func TestGradingNotebook(t *testing.T) {
	s := miniSpec(t)
	sub, err := StudentVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	// The student deletes the solution cell and the provided cell, adds a cell of their own and a test cell.
	var kept []*notebook.RawCell
	for _, c := range sub.Cells {
		if c.ID() != "sol" && c.ID() != "given" {
			kept = append(kept, c)
		}
		if c.ID() == "setup" {
			kept = append(kept, notebook.NewCodeCell("mine", "func mine() {}"), notebook.NewCodeCell("mytest", "%test\nfunc TestMine(t *testing.T) { t.Fatal() }"))
		}
	}
	sub.Cells = kept
	g := &Grader{Spec: s, Root: "/the/root", Limits: DefaultLimits}
	nb, origins, notes := g.gradingNotebook(sub, "n")
	var got []string
	for i, o := range origins {
		got = append(got, o.origin+":"+o.label)
		if nb.Cells[i].Type() != "code" {
			t.Errorf("cell %d is %s", i, nb.Cells[i].Type())
		}
	}
	want := "setup: restored:sol restored:given submission:mine test:TestF test:TestA test:TestB"
	if strings.Join(got, " ") != want {
		t.Errorf("grading notebook cells\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	if src := nb.Cells[0].Source(); !strings.Contains(src, `-replace github.com/densitydiffusion/toolkit="/the/root"`) {
		t.Errorf("setup cell: %s", src)
	}
	if src := nb.Cells[1].Source(); !strings.Contains(src, `panic("not implemented")`) || strings.Contains(src, "return 1") {
		t.Errorf("the deleted solution cell is not restored as its stub:\n%s", src)
	}
	if src := nb.Cells[2].Source(); src != "func Given() int { return 2 }" {
		t.Errorf("the deleted provided cell is not restored as written: %q", src)
	}
	n := strings.Join(notes, "\n")
	if !strings.Contains(n, `cell "sol" (defines F) was deleted`) || !strings.Contains(n, `cell "given" (defines Given) was deleted`) {
		t.Errorf("notes do not report the deleted cells: %q", notes)
	}
}

// TestGradingNotebookWithoutIDs: a submission saved without cell ids keeps the student's functions; nothing is
// restored over them.
func TestGradingNotebookWithoutIDs(t *testing.T) {
	s := miniSpec(t)
	sub := s.Doc.Clone()
	for _, c := range sub.Cells {
		c.DeleteField("id")
	}
	g := &Grader{Spec: s, Root: "/r", Limits: DefaultLimits}
	_, origins, notes := g.gradingNotebook(sub, "n")
	for _, o := range origins {
		if o.origin == originRestored {
			t.Errorf("cell %q restored over the student's own", o.label)
		}
	}
	for _, n := range notes {
		if strings.Contains(n, "deleted from the submission") && !strings.Contains(n, "answer cell") {
			t.Errorf("note %q", n)
		}
	}
}

func TestJudgeTest(t *testing.T) {
	stream := func(name, text string) notebook.Output {
		return notebook.Output{OutputType: "stream", Name: name, Text: notebook.Text(text)}
	}
	errOut := func(evalue string) notebook.Output {
		return notebook.Output{OutputType: "error", Ename: "ERROR", Evalue: evalue}
	}
	html := func(h string) notebook.Output {
		b, _ := json.Marshal(h)
		return notebook.Output{OutputType: "display_data", Data: map[string]json.RawMessage{"text/html": b}}
	}
	lim := Limits{Cell: 40 * time.Second, Test: 9 * time.Second, Budget: time.Minute}
	tests := []struct {
		name     string
		outs     []notebook.Output
		kind     string // "" for passed
		feedback string
	}{
		{"pass", []notebook.Output{stream("stdout", "=== RUN   TestAssignGrade_TestX\n--- PASS: TestAssignGrade_TestX (0.25s)\nPASS\n"), stream("stderr", "assign-verdict: TestX passed n0nce\n")}, "", ""},
		{"a PASS line printed by the submission", []notebook.Output{stream("stdout", "--- PASS: TestAssignGrade_TestX (0.25s)\nPASS\n")}, KindFailed, ""},
		{"a verdict with the wrong nonce", []notebook.Output{stream("stdout", "--- PASS: TestAssignGrade_TestX (0.25s)\nPASS\n"), stream("stderr", "assign-verdict: TestX passed guess\n")}, KindFailed, ""},
		{"a verdict, then a failure", []notebook.Output{stream("stdout", "=== RUN   TestAssignGrade_TestX\n    main_test.go:5: bad\n--- FAIL: TestAssignGrade_TestX (0.25s)\nFAIL\n"), stream("stderr", "assign-verdict: TestX passed n0nce\nexit status 1\n"), errOut("exit status 1")}, KindFailed, "bad"},
		{"fail", []notebook.Output{stream("stdout", "=== RUN   TestX\n    main_test.go:31: C[0][0] = 2, want 1\n--- FAIL: TestX (0.00s)\nFAIL\n"), stream("stderr", "exit status 1\n")}, KindFailed, "C[0][0] = 2, want 1"},
		{"not implemented", []notebook.Output{stream("stdout", "=== RUN   TestX\n--- FAIL: TestX (0.00s)\n"), stream("stderr", "panic: not implemented [recovered, repanicked]\n\ngoroutine 5 [running]:\ngonb_b855a08b.Solve(...)\n\t [[ Cell [6] Line 1 ]] /tmp/gonb_b855a08b/main_test.go:10\ngonb_b855a08b.TestX(0x1)\n")}, KindNotImplemented, `Solve still panics with "not implemented"`},
		{"panic", []notebook.Output{stream("stderr", "panic: runtime error: index out of range [3] with length 0 [recovered]\n\ngoroutine 5 [running]:\ngonb_1.Solve(...)\n")}, KindPanic, "panic: runtime error: index out of range [3] with length 0"},
		{"test timeout", []notebook.Output{stream("stdout", "=== RUN   TestX\n"), stream("stderr", "panic: test timed out after 9s\n\trunning tests:\n\t\tTestX (9s)\n\ngoroutine 7 [running]:\ngonb_1.Loop()\n")}, KindTimeout, "time limit of 9s"},
		{"cell interrupted", []notebook.Output{stream("stderr", "signal: interrupt\n"), errOut("signal: interrupt")}, KindTimeout, "per-cell timeout of 40s"},
		{"compile error", []notebook.Output{html("<style>\n.x{}\n</style>\n<div class=\"jp-RenderedText\" data-mime-type=\"application/vnd.jupyter.stderr\">\n<div style=\"white-space: pre-wrap;\"> # gonb_1</div>\n<div><span class=\"gonb-err-hover-area\"><span class=\"gonb-cell-line-info\">Cell[5]: Line 2</span> <span class=\"gonb-err-location\">./main_test.go:11:13: </span></span>undefined: Solve<div class=\"gonb-err-context\">\nfunc main() {\n</div></div>\n</div>"), errOut(`failed to run "/usr/local/go/bin/go test -c -o x": exit status 1`)}, KindCompile, "undefined: Solve"},
		{"nothing", nil, KindNotRun, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := judgeTest("TestX", notebook.Cell{CellType: "code", Outputs: tc.outs}, lim, "n0nce")
			if tc.kind == "" {
				if r.Status != Passed || r.Seconds != 0.25 {
					t.Errorf("status %s (%s: %v), seconds %g; want passed in 0.25 s", r.Status, r.Kind, r.Feedback, r.Seconds)
				}
				return
			}
			if r.Status != Failed || r.Kind != tc.kind {
				t.Errorf("status %s, kind %q; want failed, %q (%v)", r.Status, r.Kind, tc.kind, r.Feedback)
			}
			if fb := strings.Join(r.Feedback, "\n"); !strings.Contains(fb, tc.feedback) || strings.Contains(fb, "main_test.go") || strings.Contains(fb, "Cell[") {
				t.Errorf("feedback %q: want it to contain %q, without GoNB's file positions", fb, tc.feedback)
			}
		})
	}
}

// fakeExecutor "executes" a grading notebook: each test cell passes unless its test is in fail, which gets
// a failure message.
func fakeExecutor(fail map[string]bool, overBudget bool, err error) Executor {
	return func(in, out string, cellTimeout, budget time.Duration) (bool, error) {
		if overBudget || err != nil {
			return overBudget, err
		}
		d, e := notebook.ReadDoc(in)
		if e != nil {
			return false, e
		}
		reVerdict := regexp.MustCompile(`println\("(assign-verdict: (\w+) passed \w+)"\)`)
		for _, c := range d.Cells {
			m := reVerdict.FindStringSubmatch(c.Source())
			if m == nil {
				continue
			}
			name := m[2]
			out := []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "--- PASS: " + wrapperName(name) + " (0.00s)\nPASS\n"},
				map[string]any{"output_type": "stream", "name": "stderr", "text": m[1] + "\n"}}
			if fail[name] {
				out = []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "=== RUN   " + wrapperName(name) + "\n    main_test.go:3: wrong\n--- FAIL: " + wrapperName(name) + " (0.00s)\nFAIL\n"}}
			}
			c.SetField("outputs", out)
		}
		return false, d.Write(out)
	}
}

// TestUserFrame: the function named in feedback is the student's, never the test binary's main or a test, and
// none is named when the trace does not show one (a goroutine "running on other thread; stack unavailable").
func TestUserFrame(t *testing.T) {
	for _, tc := range []struct{ trace, want string }{
		{"goroutine 7 [running]:\nmain.KramersTime(0x1)\n\t/tmp/gonb_1/main_test.go:12\nmain.TestKramersTimeValue(0xc0)\n", "KramersTime"},
		{"goroutine 1 [chan receive]:\nmain.main()\n\t_testmain.go:45\n\ngoroutine 7 [running]:\n\tgoroutine running on other thread; stack unavailable\n", ""},
		{"goroutine 8 [running]:\nmain.TestAssignGrade_TestX.func1()\n\ngoroutine 7 [runnable]:\ngonb_ab12.Loop.func2(...)\n", "Loop"},
	} {
		if got := userFrame(tc.trace); got != tc.want {
			t.Errorf("userFrame(%q) = %q, want %q", tc.trace, got, tc.want)
		}
	}
}

func TestGradeScores(t *testing.T) {
	s := miniSpec(t)
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub.ipynb")
	if err := s.Doc.Write(sub); err != nil {
		t.Fatal(err)
	}
	g := &Grader{Spec: s, Name: "mini.ipynb", Root: dir, Limits: DefaultLimits}

	g.Exec = fakeExecutor(nil, false, nil)
	if r := g.Grade(sub); r.Score != 6 || r.MaxScore != 6 || r.ManualMax != 2 {
		t.Errorf("all passing: score %g/%g (+%g), want 6/6 (+2)\n%s", r.Score, r.MaxScore, r.ManualMax, r.Summary())
	}

	g.Exec = fakeExecutor(map[string]bool{"TestB": true}, false, nil)
	r := g.Grade(sub)
	if r.Score != 3 {
		t.Errorf("TestB (3 points) failing: score %g, want 3", r.Score)
	}
	var fb []string
	for _, tr := range r.Tests {
		if tr.Name == "TestB" {
			fb = tr.Feedback
		}
	}
	if strings.Join(fb, "") != "wrong" {
		t.Errorf("TestB feedback %q, want \"wrong\"", fb)
	}
	if len(r.Answers) != 1 || r.Answers[0].Status != "answered" || !strings.Contains(r.Answers[0].Text, "Because.") {
		t.Errorf("answers %+v", r.Answers)
	}
	var back Report
	if err := json.Unmarshal(r.JSON(), &back); err != nil || back.Score != 3 || len(back.Tests) != 3 {
		t.Errorf("the JSON report does not read back: %v %+v", err, back)
	}
	for _, want := range []string{"Score:      3 / 6 automatic (+ 2 to grade by hand)", "FAIL      0/3   TestB (hidden): test failed", "PASS      2/2   TestA (hidden)"} {
		if !strings.Contains(r.Summary(), want) {
			t.Errorf("summary lacks %q:\n%s", want, r.Summary())
		}
	}

	for name, exec := range map[string]Executor{
		"over budget":     fakeExecutor(nil, true, nil),
		"executor failed": fakeExecutor(nil, false, errors.New("kernel died")),
	} {
		g.Exec = exec
		r := g.Grade(sub)
		if r.Score != 0 || len(r.Tests) != 3 || r.Tests[0].Kind != KindNotRun || len(r.Notes) == 0 {
			t.Errorf("%s: score %g, tests %+v, notes %q; want 0 with every test not run and a note", name, r.Score, r.Tests, r.Notes)
		}
	}

	g.Exec = fakeExecutor(nil, false, nil)
	bad := filepath.Join(dir, "bad.ipynb")
	if err := os.WriteFile(bad, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.ipynb")} {
		r := g.Grade(p)
		if r.Score != 0 || len(r.Tests) != 3 || r.Tests[0].Kind != KindNotRun || !strings.Contains(r.Tests[0].Feedback[0], "could not be read") {
			t.Errorf("%s: score %g, tests %+v; want every test not run, the submission could not be read", p, r.Score, r.Tests)
		}
	}
}

func TestLimitsCheck(t *testing.T) {
	if err := DefaultLimits.Check(); err != nil {
		t.Errorf("default limits: %v", err)
	}
	for _, l := range []Limits{{0, time.Second, time.Minute}, {time.Minute, time.Minute, time.Hour}, {time.Minute, time.Second, time.Second}} {
		if l.Check() == nil {
			t.Errorf("%+v accepted", l)
		}
	}
}

func TestMainUsage(t *testing.T) {
	var out, errb strings.Builder
	for _, args := range [][]string{nil, {"frobnicate"}, {"student", "a.ipynb"}, {"grade", "x.ipynb"}, {"grade", "-instructor", "x.ipynb"}} {
		out.Reset()
		errb.Reset()
		if code := Main(args, &out, &errb); code != 2 {
			t.Errorf("assign %q: exit %d, want 2 (usage)", args, code)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.ipynb")
	if err := os.WriteFile(p, []byte(`{"nbformat": 4, "cells": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := Main([]string{"student", p, p}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "overwrite") {
		t.Errorf("student IN IN: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := Main([]string{"check", p}, &out, &errb); code != 1 || !strings.Contains(out.String(), "no cells") {
		t.Errorf("check of an empty notebook: exit %d, %q %q", code, out.String(), errb.String())
	}
}

func TestUniqueNames(t *testing.T) {
	got := uniqueNames([]string{"s/alice/a1.ipynb", "s/bob/a1.ipynb", "carol.ipynb"})
	if strings.Join(got, " ") != "alice-a1 bob-a1 carol" {
		t.Errorf("uniqueNames = %q", got)
	}
}

func TestCellProblem(t *testing.T) {
	lim := DefaultLimits
	stream := func(name, text string) notebook.Output {
		return notebook.Output{OutputType: "stream", Name: name, Text: notebook.Text(text)}
	}
	tests := []struct {
		outs  []notebook.Output
		kind  string
		lines string
	}{
		{[]notebook.Output{stream("stdout", "fine\n")}, "", ""},
		{[]notebook.Output{stream("stderr", "panic: not implemented\n\ngoroutine 1 [running]:\nmain.NoiseCovariance(...)\n\t [[ Cell [3] Line 5 ]] /tmp/gonb_7/main.go:19\nmain.main()\nexit status 2\n")}, KindNotImplemented, `NoiseCovariance still panics with "not implemented"`},
		{[]notebook.Output{stream("stderr", "panic: runtime error: integer divide by zero\n\ngoroutine 1 [running]:\nmain.Split(...)\nexit status 2\n")}, KindPanic, "panic: runtime error: integer divide by zero\nin Split"},
		{[]notebook.Output{stream("stderr", "signal: interrupt\n")}, KindTimeout, "per-cell timeout of 1m30s"},
	}
	for _, tc := range tests {
		p, ok := cellProblem(notebook.Cell{CellType: "code", Outputs: tc.outs}, lim)
		if tc.kind == "" {
			if ok {
				t.Errorf("false alarm: %+v", p)
			}
			continue
		}
		if !ok || p.Kind != tc.kind || !strings.Contains(strings.Join(p.Lines, "\n"), tc.lines) {
			t.Errorf("got %v %+v, want %s with %q", ok, p, tc.kind, tc.lines)
		}
	}
}
