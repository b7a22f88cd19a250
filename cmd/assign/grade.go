package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// Limits are the time limits of a grading run.
type Limits struct {
	// Cell is the per-cell timeout: a cell still running after it is interrupted and the run goes on.
	Cell time.Duration
	// Test is the time limit of each graded test, enforced by a watchdog in the test's wrapper (with go test's
	// -test.timeout watchdogSlack later as a backstop); it must be at least 10 s below Cell, which also covers
	// compiling the cell.
	Test time.Duration
	// Budget bounds the whole run: past it the run is stopped and the tests not yet reported get no points.
	Budget time.Duration
}

// DefaultLimits suit the assignments of this repository: each runs within about a minute.
var DefaultLimits = Limits{Cell: 90 * time.Second, Test: 30 * time.Second, Budget: 10 * time.Minute}

// Check validates the limits.
func (l Limits) Check() error {
	if l.Cell <= 0 || l.Test <= 0 || l.Budget <= 0 {
		return fmt.Errorf("time limits must be positive (cell %v, test %v, budget %v)", l.Cell, l.Test, l.Budget)
	}
	if l.Test+10*time.Second > l.Cell {
		return fmt.Errorf("the test time limit (%v) must be at least 10 s below the per-cell timeout (%v), which also covers compiling", l.Test, l.Cell)
	}
	if l.Budget < l.Cell {
		return fmt.Errorf("the budget (%v) must be at least the per-cell timeout (%v)", l.Budget, l.Cell)
	}
	return nil
}

// Executor runs a notebook headless: it writes the executed notebook to out, interrupts a cell running longer
// than cellTimeout and stops the run after budget (overBudget true, out not written).
type Executor func(in, out string, cellTimeout, budget time.Duration) (overBudget bool, err error)

// Grader grades submissions against one instructor notebook.
type Grader struct {
	Spec   *Spec
	Name   string // the instructor notebook's path, for the report
	Root   string // the toolkit's repository root, which the notebooks import
	Limits Limits
	Exec   Executor
	// KeepDir, when not empty, receives the grading notebook and its executed version (for debugging).
	KeepDir string
}

// origins of the cells of a grading notebook.
const (
	originSetup      = "setup"
	originSubmission = "submission"
	originRestored   = "restored"
	originTest       = "test"
)

// gradingCell records where a cell of the grading notebook came from.
type gradingCell struct {
	origin string
	label  string // cell id (or #N) in the submission; test name for a test cell
	nonce  string // for a test cell: the secret its verdict line carries
}

// newNonce returns a random secret for the verdict lines of one grading run.
func newNonce() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b)
}

// Grade grades one submission. It always returns a report: a submission that is not a notebook, does not
// compile, panics, hangs or lost cells is graded, with the reasons in the feedback.
func (g *Grader) Grade(submission string) *Report {
	start := time.Now()
	r := &Report{Assignment: g.Name, Title: g.Spec.Title, Submission: submission, GradedAt: start.UTC().Round(time.Second),
		MaxScore: g.Spec.MaxScore(), ManualMax: g.Spec.ManualMax(),
		Limits: map[string]any{"cell_timeout": g.Limits.Cell.String(), "test_timeout": g.Limits.Test.String(), "budget": g.Limits.Budget.String()}}
	defer func() { r.Seconds = time.Since(start).Seconds() }()
	fail := func(kind string, lines ...string) {
		r.Tests = nil
		for _, t := range g.Spec.Tests() {
			r.Tests = append(r.Tests, TestResult{Name: t.Name, Cell: t.CellID, Hidden: t.Hidden, Max: t.Points, Status: Failed, Kind: kind, Feedback: lines})
		}
	}
	sub, err := notebook.ReadDoc(submission)
	if err != nil {
		fail(KindNotRun, "the submission could not be read: "+err.Error())
		r.Notes = append(r.Notes, "the submission could not be read, so nothing was executed: "+err.Error())
		return r
	}
	r.Answers = g.answers(sub)
	nb, origins, notes := g.gradingNotebook(sub, newNonce())
	r.Notes = append(r.Notes, notes...)

	dir, err := os.MkdirTemp("", "assign-grade-")
	if err != nil {
		fail(KindNotRun, "the grader could not create a scratch folder: "+err.Error())
		return r
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "grading.ipynb"), filepath.Join(dir, "graded.ipynb")
	if err := nb.Write(in); err != nil {
		fail(KindNotRun, "the grader could not write the grading notebook: "+err.Error())
		return r
	}
	overBudget, execErr := g.Exec(in, out, g.Limits.Cell, g.Limits.Budget)
	if g.KeepDir != "" {
		_ = os.MkdirAll(g.KeepDir, 0o755)
		base := strings.TrimSuffix(filepath.Base(submission), ".ipynb")
		_ = copyFile(in, filepath.Join(g.KeepDir, base+".grading.ipynb"))
		_ = copyFile(out, filepath.Join(g.KeepDir, base+".graded.ipynb"))
	}
	executed, readErr := notebook.ReadDoc(out)
	switch {
	case overBudget:
		fail(KindNotRun, fmt.Sprintf("the grading run exceeded its time budget of %v and was stopped (a cell that hangs at every run, e.g. in a package-level initializer?)", g.Limits.Budget))
		r.Notes = append(r.Notes, fmt.Sprintf("grading stopped after the budget of %v: no test was scored", g.Limits.Budget))
		return r
	case readErr != nil:
		msg := "the notebook executor failed"
		if execErr != nil {
			msg += ": " + execErr.Error()
		}
		fail(KindNotRun, msg)
		r.Notes = append(r.Notes, msg)
		return r
	case len(executed.Cells) != len(origins):
		fail(KindNotRun, "the executed notebook does not match the grading notebook")
		return r
	}
	results := map[string]TestResult{}
	for i, c := range executed.Cells {
		o := origins[i]
		switch o.origin {
		case originTest:
			results[o.label] = judgeTest(o.label, typed(c), g.Limits, o.nonce)
		case originSubmission, originRestored:
			if p, ok := cellProblem(typed(c), g.Limits); ok {
				p.Cell = o.label
				r.Cells = append(r.Cells, p)
			}
		case originSetup:
			if p, ok := cellProblem(typed(c), g.Limits); ok {
				r.Notes = append(r.Notes, "the grader's setup cell failed (is the toolkit at "+g.Root+"?): "+strings.Join(p.Lines, " | "))
			}
		}
	}
	brokenCells := map[string]CellProblem{}
	for _, c := range r.Cells {
		brokenCells[c.Cell] = c
	}
	for _, t := range g.Spec.Tests() {
		res, ok := results[t.Name]
		if ok && res.Kind == KindCompile {
			res.Feedback = append(res.Feedback, g.explainUndefined(res.Feedback, brokenCells)...)
		}
		if !ok {
			res = TestResult{Status: Failed, Kind: KindNotRun, Feedback: []string{"the test's cell did not run"}}
		}
		res.Name, res.Cell, res.Hidden, res.Max = t.Name, t.CellID, t.Hidden, t.Points
		if res.Status == Passed {
			res.Points = t.Points
			r.Score += t.Points
		}
		r.Tests = append(r.Tests, res)
	}
	return r
}

// typed returns the typed form of an executed cell (an unreadable cell reads as one without outputs).
func typed(c *notebook.RawCell) notebook.Cell {
	t, _ := c.Typed()
	return t
}

var reUndefined = regexp.MustCompile(`undefined: ([A-Za-z_][A-Za-z0-9_]*)`)

// explainUndefined points a compile error "undefined: F" at the cell of the submission that should define F
// when that cell itself failed to compile.
func (g *Grader) explainUndefined(feedback []string, broken map[string]CellProblem) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range feedback {
		for _, m := range reUndefined.FindAllStringSubmatch(l, -1) {
			name := m[1]
			if seen[name] {
				continue
			}
			seen[name] = true
			for i, cs := range g.Spec.Cells {
				if cs.Type != "code" || cs.ID == "" {
					continue
				}
				for _, d := range reFuncDecl.FindAllStringSubmatch(g.Spec.Doc.Cells[i].Source(), -1) {
					if d[1] != name {
						continue
					}
					if p, ok := broken[cs.ID]; ok && p.Kind == KindCompile && len(p.Lines) > 0 {
						out = append(out, fmt.Sprintf("%s is undefined because its cell %q does not compile: %s", name, cs.ID, p.Lines[0]))
					}
				}
			}
		}
	}
	return out
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// SetupCell is the first cell of a grading notebook: it points GoNB at the toolkit in root.
func SetupCell(root string) string {
	return "// assign: use the toolkit from " + root + "\n!*go mod edit -replace " + notebook.ModulePath + "=" + strconv.Quote(root) +
		" -require " + notebook.ModulePath + "@v0.0.0"
}

// gradingNotebook builds the notebook the grader executes: its own setup cell, the submission's code cells in
// order (without %test cells, and without the submission's copy of the setup cell), cells the submission
// deleted restored in place (solution cells as their student-version stub, others as the instructor wrote
// them), and one cell per graded test, taken from the instructor notebook, each running only its test with a
// time limit.
func (g *Grader) gradingNotebook(sub *notebook.Doc, nonce string) (*notebook.Doc, []gradingCell, []string) {
	s := g.Spec
	var notes []string
	nb := notebook.NewDoc()
	var origins []gradingCell
	add := func(c *notebook.RawCell, o gradingCell) {
		c.ClearOutputs()
		nb.Cells = append(nb.Cells, c)
		origins = append(origins, o)
	}
	add(notebook.NewCodeCell("assign-setup", SetupCell(g.Root)), gradingCell{origin: originSetup})

	setupID, setupSrc := "", ""
	if len(s.Doc.Cells) > 0 && s.Cells[0].Type == "code" && strings.Contains(s.Doc.Cells[0].Source(), "go mod edit") {
		setupID, setupSrc = s.Cells[0].ID, notebook.Normalize(s.Doc.Cells[0].Source())
	}
	// A cell of the instructor version is present in the submission when a cell has its id, or (for a
	// submission saved without ids, or with cells retyped) its exact source, or every function it declares.
	present := map[string]bool{}
	subSources := map[string]bool{}
	subFuncs := map[string]bool{}
	for _, c := range sub.Cells {
		if c.ID() != "" {
			present[c.ID()] = true
		}
		if c.Type() == "code" && !IsTestCell(c.Source()) {
			subSources[notebook.Normalize(c.Source())] = true
			for _, m := range reFuncDecl.FindAllStringSubmatch(c.Source(), -1) {
				subFuncs[m[1]] = true
			}
		}
	}
	found := func(i int) bool {
		src := s.Doc.Cells[i].Source()
		if subSources[notebook.Normalize(src)] {
			return true
		}
		funcs := reFuncDecl.FindAllStringSubmatch(src, -1)
		for _, m := range funcs {
			if !subFuncs[m[1]] {
				return false
			}
		}
		return len(funcs) > 0
	}
	// Cells deleted from the submission, grouped by the submission cell they follow ("" for the start).
	restore := map[string][]*notebook.RawCell{}
	restoredFrom := map[*notebook.RawCell]string{}
	anchor := ""
	for i, cs := range s.Cells {
		if cs.ID != "" && present[cs.ID] {
			anchor = cs.ID
			continue
		}
		if cs.Type != "code" || cs.Test || cs.Hidden || cs.ID == "" || cs.ID == setupID || found(i) {
			if cs.Manual {
				notes = append(notes, fmt.Sprintf("the answer cell %q was deleted from the submission", cs.ID))
			}
			continue
		}
		c := stubCell(s, i)
		if cs.Solution {
			notes = append(notes, fmt.Sprintf("cell %q (%s) was deleted from the submission: it was graded as the student version's stub, so the tests of its functions fail as not implemented", cs.ID, describe(s.Doc.Cells[i].Source())))
		} else {
			notes = append(notes, fmt.Sprintf("cell %q (%s) was deleted from the submission: the assignment's version was restored", cs.ID, describe(s.Doc.Cells[i].Source())))
		}
		restore[anchor] = append(restore[anchor], c)
		restoredFrom[c] = cs.ID
	}
	addRestored := func(after string) {
		for _, c := range restore[after] {
			add(c, gradingCell{origin: originRestored, label: restoredFrom[c]})
		}
	}
	addRestored("")
	skippedTests := 0
	for i, c := range sub.Cells {
		label := c.ID()
		if label == "" {
			label = "#" + strconv.Itoa(i+1)
		}
		if c.Type() == "code" {
			src := c.Source()
			switch {
			case (setupID != "" && c.ID() == setupID) || (setupSrc != "" && notebook.Normalize(src) == setupSrc):
				// the grader's setup cell replaces it
			case IsTestCell(src):
				skippedTests++
			case strings.TrimSpace(src) != "":
				cc := notebook.NewCodeCell(c.ID(), src)
				add(cc, gradingCell{origin: originSubmission, label: label})
			}
		}
		if c.ID() != "" {
			addRestored(c.ID())
		}
	}
	_ = skippedTests // the submission's own %test cells are not run: graded tests come from the instructor notebook
	for _, cs := range s.Cells {
		if !cs.Graded() {
			continue
		}
		src := s.Doc.Cells[cs.Index].Source()
		for _, t := range cs.Tests {
			add(notebook.NewCodeCell("assign-test-"+t, testCellSource(src, t, g.Limits.Test, nonce)), gradingCell{origin: originTest, label: t, nonce: nonce})
		}
	}
	return nb, origins, notes
}

// describe names what a cell defines, for notes: "defines F, G" or its first line.
func describe(src string) string {
	var names []string
	for _, m := range reFuncDecl.FindAllStringSubmatch(src, -1) {
		names = append(names, m[1])
	}
	if len(names) > 0 {
		return "defines " + strings.Join(names, ", ")
	}
	return notebook.FirstLine(src)
}

var reFuncDecl = regexp.MustCompile(`(?m)^func (?:\([^)]*\)\s*)?([A-Za-z_][A-Za-z0-9_]*)`)

// VerdictPrefix starts the line a graded test prints when it passed.
const VerdictPrefix = "assign-verdict: "

// wrapperName is the test that runs the graded test name in a grading cell.
func wrapperName(name string) string { return "TestAssignGrade_" + name }

// watchdogSlack is how much longer than the test's own time limit go test's -test.timeout allows: the
// wrapper's watchdog stops the test first, the -test.timeout alarm is only the backstop.
const watchdogSlack = 3 * time.Second

// testCellSource returns a %test cell that runs only the test name, with a time limit: the declarations of the
// instructor's cell other than its other tests (so that one test that fails to compile does not take the others
// with it), and a wrapper test that runs it and, when it passed, prints a verdict line with the run's secret
// nonce: output that a submission prints to look like "--- PASS" does not count.
//
// The wrapper's watchdog enforces the time limit. Past it, it prints the stacks of all goroutines with
// runtime.Stack, which stops the world and so also shows a goroutine spinning in a loop without function calls,
// then panics with go test's own "test timed out" line. go test's -test.timeout alarm (set watchdogSlack later,
// as a backstop) cannot be relied on for the feedback: on a loaded machine its traceback often gives a
// spinning goroutine as "running on other thread; stack unavailable", and the student is not told which of
// their functions never returned.
func testCellSource(src, name string, limit time.Duration, nonce string) string {
	header := fmt.Sprintf("%%test -test.run=^%s$ -test.v -test.count=1 -test.timeout=%s\n"+
		"import (\n\tassignruntime \"runtime\"\n\tassigntime \"time\"\n)", wrapperName(name), limit+watchdogSlack)
	wrapper := fmt.Sprintf(`

// %[1]s runs %[2]s for the grader (added by assign), with a watchdog for its time limit.
func %[1]s(t *testing.T) {
	assignDone := make(chan struct{})
	defer close(assignDone)
	go func() {
		select {
		case <-assignDone:
		case <-assigntime.After(%[3]d):
			assignStacks := make([]byte, 1<<20)
			println(string(assignStacks[:assignruntime.Stack(assignStacks, true)]))
			panic(%[4]q)
		}
	}()
	%[2]s(t)
	if !t.Failed() && !t.Skipped() {
		println(%[5]q)
	}
}
`, wrapperName(name), name, int64(limit), "test timed out after "+limit.String(), VerdictPrefix+name+" passed "+nonce)
	var keep []string
	for _, l := range strings.Split(src, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "%") {
			keep = append(keep, "")
			continue
		}
		keep = append(keep, l)
	}
	body := strings.Join(keep, "\n")
	fset := token.NewFileSet()
	const prefix = "package p\n"
	f, err := parser.ParseFile(fset, "cell.go", prefix+body, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return header + "\n" + body + wrapper
	}
	full := prefix + body
	var parts []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") && fd.Name.Name != name {
			continue
		}
		from := d.Pos()
		switch x := d.(type) {
		case *ast.FuncDecl:
			if x.Doc != nil {
				from = x.Doc.Pos()
			}
		case *ast.GenDecl:
			if x.Doc != nil {
				from = x.Doc.Pos()
			}
		}
		parts = append(parts, full[fset.Position(from).Offset:fset.Position(d.End()).Offset])
	}
	return header + "\n" + strings.Join(parts, "\n\n") + wrapper
}

// answers collects the written answers to grade by hand.
func (g *Grader) answers(sub *notebook.Doc) []Answer {
	byID := map[string]*notebook.RawCell{}
	for _, c := range sub.Cells {
		if c.ID() != "" {
			byID[c.ID()] = c
		}
	}
	var out []Answer
	for _, cs := range g.Spec.Cells {
		if !cs.Manual {
			continue
		}
		a := Answer{Cell: cs.ID, Max: cs.ManualPoint}
		c, ok := byID[cs.ID]
		switch {
		case !ok:
			a.Status = "missing"
		case strings.Contains(c.Source(), AnswerStub):
			a.Status, a.Text = "unanswered", c.Source()
		default:
			a.Status, a.Text = "answered", c.Source()
		}
		out = append(out, a)
	}
	return out
}
