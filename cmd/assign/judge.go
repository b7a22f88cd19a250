package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// maxFeedback is how many lines of feedback a test or a cell problem keeps.
const maxFeedback = 8

var (
	reTimedOut  = regexp.MustCompile(`(?m)^panic: test timed out after (\S+)`)
	rePanicLine = regexp.MustCompile(`(?m)^(panic: |fatal error: )(.*)$`)
	reInterrupt = regexp.MustCompile(`(?m)signal: (interrupt|killed)`)
	reUserFrame = regexp.MustCompile(`(?m)^(?:gonb_[0-9a-zA-Z]+|main)\.([A-Za-z_][A-Za-z0-9_]*)(?:\.func\d+)*\(`)
	reGoTestLoc = regexp.MustCompile(`^\s*(main(_test)?\.go|cell\.go):\d+: `)
	reErrLoc    = regexp.MustCompile(`^(Cell\[\d+\]: Line \d+\s*)?(\./)?main(_test)?\.go:\d+:\d+:\s*`)
	reBuildPkg  = regexp.MustCompile(`^# \S+( \[[^\]]*\])?$`)
	reCellRef   = regexp.MustCompile(`\s*\[\[ Cell \[\d+\] Line \d+ \]\]\s*`)
)

// collected is the text of a cell's outputs by kind.
type collected struct {
	stdout, stderr, errors string
	compile                []string
}

func collect(c notebook.Cell) collected {
	var col collected
	for k := range c.Outputs {
		o := &c.Outputs[k]
		switch o.OutputType {
		case "stream":
			if o.Name == "stderr" {
				col.stderr += string(o.Text)
			} else {
				col.stdout += string(o.Text)
			}
		case "error":
			col.errors += o.Ename + ": " + o.Evalue + "\n" + strings.Join(o.Traceback, "\n") + "\n"
		default:
			col.compile = append(col.compile, compileErrors(o)...)
		}
	}
	col.stdout, col.stderr, col.errors = stripANSI(col.stdout), stripANSI(col.stderr), stripANSI(col.errors)
	return col
}

// judgeTest reads the outputs of a grading cell that ran the single test name. The test passed when its
// wrapper printed the verdict line with the run's nonce and nothing failed or panicked.
func judgeTest(name string, cell notebook.Cell, lim Limits, nonce string) TestResult {
	c := collect(cell)
	res := TestResult{Name: name, Status: Failed}
	all := c.stdout + "\n" + c.stderr + "\n" + c.errors
	verdict := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(VerdictPrefix+name+" passed "+nonce) + `$`)
	if verdict.MatchString(c.stderr) && !strings.Contains(c.stdout, "--- FAIL") && !rePanicLine.MatchString(all) && strings.TrimSpace(c.errors) == "" {
		res.Status = Passed
		if m := regexp.MustCompile(`(?m)^--- PASS: ` + regexp.QuoteMeta(wrapperName(name)) + ` \(([0-9.]+)s\)`).FindStringSubmatch(c.stdout); m != nil {
			res.Seconds, _ = strconv.ParseFloat(m[1], 64)
		}
		return res
	}
	c.stderr = verdict.ReplaceAllString(c.stderr, "")
	switch {
	case reTimedOut.MatchString(all):
		res.Kind = KindTimeout
		res.Feedback = []string{fmt.Sprintf("the test did not finish within its time limit of %v: an endless loop, a deadlock, or far too slow", lim.Test)}
		if f := userFrame(all); f != "" {
			res.Feedback = append(res.Feedback, "it was running "+f)
		}
	case strings.Contains(all, `panic: not implemented`):
		res.Kind = KindNotImplemented
		f := userFrame(all)
		if f == "" {
			f = "a function it calls"
		}
		res.Feedback = []string{fmt.Sprintf("%s still panics with \"not implemented\": replace the stub by your code", f)}
	case rePanicLine.MatchString(all):
		res.Kind = KindPanic
		m := rePanicLine.FindStringSubmatch(all)
		line := strings.TrimSuffix(strings.TrimSpace(m[1]+m[2]), " [recovered]")
		line = strings.TrimSuffix(line, " [recovered, repanicked]")
		res.Feedback = []string{line}
		if f := userFrame(all); f != "" {
			res.Feedback = append(res.Feedback, "in "+f)
		}
	case len(c.compile) > 0 || strings.Contains(c.errors, "go test -c") || strings.Contains(c.errors, "go build"):
		res.Kind = KindCompile
		res.Feedback = notebook.Head(notebook.Dedupe(c.compile), maxFeedback)
		if len(res.Feedback) == 0 {
			res.Feedback = []string{"the test does not compile with the submission's code"}
		}
		res.Feedback = append([]string{"the test does not compile with the submission (a function missing, renamed, or with another signature?):"}, res.Feedback...)
	case strings.Contains(c.stdout, "--- FAIL: "+wrapperName(name)) || strings.Contains(c.stdout, "--- FAIL: "+name):
		res.Kind = KindFailed
		res.Feedback = notebook.Head(testLog(c.stdout, name), maxFeedback)
	case reInterrupt.MatchString(all):
		res.Kind = KindTimeout
		res.Feedback = []string{fmt.Sprintf("the cell was stopped after the per-cell timeout of %v", lim.Cell)}
	case strings.TrimSpace(all) == "":
		res.Kind = KindNotRun
		res.Feedback = []string{"the test produced no output (its cell did not run)"}
	default:
		res.Kind = KindFailed
		res.Feedback = notebook.Head(splitNonEmpty(all), maxFeedback)
	}
	return res
}

// cellProblem reports a failure in a cell of the submission: internal/notebook's classification (ScanCell),
// with a stub that still panics named as not implemented, the student's function a panic happened in, and
// compile errors without GoNB's positions in its generated files.
func cellProblem(cell notebook.Cell, lim Limits) (CellProblem, bool) {
	f, failed := notebook.ScanCell(cell)
	if !failed {
		return CellProblem{}, false
	}
	c := collect(cell)
	all := c.stderr + "\n" + c.errors
	p := CellProblem{Kind: f.Kind, Lines: f.Lines}
	switch {
	case strings.HasPrefix(f.Kind, "timeout"):
		p.Kind, p.Lines = KindTimeout, []string{fmt.Sprintf("stopped after the per-cell timeout of %v", lim.Cell)}
	case strings.Contains(all, "panic: not implemented"):
		fn := userFrame(all)
		if fn == "" {
			fn = "a function it calls"
		}
		p.Kind, p.Lines = KindNotImplemented, []string{fn + " still panics with \"not implemented\""}
	case f.Kind == "panic":
		p.Kind = KindPanic
		if m := rePanicLine.FindStringSubmatch(all); m != nil {
			p.Lines = []string{strings.TrimSpace(m[1] + m[2])}
		}
		if fn := userFrame(all); fn != "" {
			p.Lines = append(p.Lines, "in "+fn)
		}
	case f.Kind == "compile error" && len(c.compile) > 0:
		p.Kind, p.Lines = KindCompile, notebook.Head(notebook.Dedupe(c.compile), maxFeedback)
	default:
		var lines []string
		for _, l := range f.Lines {
			lines = append(lines, stripANSI(l))
		}
		p.Lines = lines
	}
	return p, true
}

// userFrame returns the first function of the notebook's own code in a Go stack trace, e.g. "RunSGD".
func userFrame(s string) string {
	for _, m := range reUserFrame.FindAllStringSubmatch(s, -1) {
		if !strings.HasPrefix(m[1], "Test") && m[1] != "main" {
			return m[1]
		}
	}
	return ""
}

// testLog returns the messages of a failed test: the lines between its "=== RUN" and "--- FAIL" lines, with
// the file:line prefixes of go test removed.
func testLog(stdout, name string) []string {
	var out []string
	for _, l := range splitNonEmpty(stdout) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") || t == "FAIL" || t == "PASS" || strings.HasPrefix(t, "exit status") {
			continue
		}
		out = append(out, reGoTestLoc.ReplaceAllString(t, ""))
	}
	if len(out) == 0 {
		out = []string{name + " failed"}
	}
	return out
}

// compileErrors returns the messages of a compile error that GoNB displayed as HTML (notebook.CompileErrors),
// without GoNB's positions in its generated files, which mean nothing to a student.
func compileErrors(o *notebook.Output) []string {
	var out []string
	for _, l := range notebook.CompileErrors(o) {
		t := strings.TrimSpace(l)
		if reBuildPkg.MatchString(t) {
			continue // "# gonb_xxx": the package line of go build
		}
		out = append(out, reErrLoc.ReplaceAllString(t, ""))
	}
	return out
}

// stripANSI removes terminal colours and GoNB's "[[ Cell [N] Line M ]]" markers from stack traces.
func stripANSI(s string) string { return reCellRef.ReplaceAllString(notebook.StripANSI(s), " ") }

func splitNonEmpty(s string) []string { return notebook.SplitNonEmpty(s) }

func tail(lines []string, n int) []string {
	if len(lines) > n {
		return append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return lines
}
