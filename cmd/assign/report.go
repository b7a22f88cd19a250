package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Outcomes of a test.
const (
	Passed = "passed"
	Failed = "failed"
)

// Kinds of failure, the first word of a test's feedback.
const (
	KindNotImplemented = "not implemented" // the stub still panics
	KindFailed         = "test failed"     // the test ran and reported errors
	KindPanic          = "panic"           // the code panicked (other than the stub)
	KindTimeout        = "timeout"         // the test did not finish within its time limit
	KindCompile        = "compile error"   // the test (or the code it calls) does not compile
	KindNotRun         = "not run"         // the grading run stopped before the test
)

// TestResult is the outcome of one graded test.
type TestResult struct {
	Name     string   `json:"name"`
	Cell     string   `json:"cell"` // id of the test's cell in the instructor notebook
	Hidden   bool     `json:"hidden"`
	Points   float64  `json:"points"`
	Max      float64  `json:"max_points"`
	Status   string   `json:"status"`         // passed or failed
	Kind     string   `json:"kind,omitempty"` // why it failed
	Feedback []string `json:"feedback,omitempty"`
	Seconds  float64  `json:"seconds,omitempty"` // the test's own run time as go test reports it
}

// CellProblem is a failure in a cell of the submission itself (not a test): shown as feedback, it costs no
// points by itself.
type CellProblem struct {
	Cell  string   `json:"cell"`  // cell id, or "#N" (1-based position in the submission) when it has none
	Kind  string   `json:"kind"`  // compile error, panic, timeout, error
	Lines []string `json:"lines"` // first lines of the error
}

// Answer is a written answer to grade by hand.
type Answer struct {
	Cell   string  `json:"cell"`
	Max    float64 `json:"max_points"`
	Status string  `json:"status"` // answered, unanswered (placeholder left), missing (cell deleted)
	Text   string  `json:"text,omitempty"`
}

// Report is the result of grading one submission.
type Report struct {
	Assignment string         `json:"assignment"` // instructor notebook
	Title      string         `json:"title"`
	Submission string         `json:"submission"`
	GradedAt   time.Time      `json:"graded_at"`
	Score      float64        `json:"score"`
	MaxScore   float64        `json:"max_score"`
	ManualMax  float64        `json:"manual_max_score,omitempty"`
	Tests      []TestResult   `json:"tests"`
	Cells      []CellProblem  `json:"cell_problems,omitempty"`
	Answers    []Answer       `json:"answers,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
	Limits     map[string]any `json:"limits"`
	Seconds    float64        `json:"seconds"` // wall time of the grading run
}

// JSON returns the report as indented JSON.
func (r *Report) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(r) // plain data: cannot fail
	return buf.Bytes()
}

// Summary returns the report as readable text.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Assignment: %s", r.Assignment)
	if r.Title != "" {
		fmt.Fprintf(&b, " (%s)", r.Title)
	}
	fmt.Fprintf(&b, "\nSubmission: %s\n", r.Submission)
	fmt.Fprintf(&b, "Score:      %s / %s automatic", fmtPoints(r.Score), fmtPoints(r.MaxScore))
	if r.ManualMax > 0 {
		fmt.Fprintf(&b, " (+ %s to grade by hand)", fmtPoints(r.ManualMax))
	}
	fmt.Fprintf(&b, "   graded in %.0f s\n\nTests:\n", r.Seconds)
	for _, t := range r.Tests {
		status := "PASS"
		if t.Status != Passed {
			status = "FAIL"
		}
		vis := "public"
		if t.Hidden {
			vis = "hidden"
		}
		fmt.Fprintf(&b, "  %s  %5s/%-3s %s (%s)", status, fmtPoints(t.Points), fmtPoints(t.Max), t.Name, vis)
		if t.Kind != "" {
			fmt.Fprintf(&b, ": %s", t.Kind)
		}
		b.WriteString("\n")
		for _, l := range t.Feedback {
			fmt.Fprintf(&b, "          %s\n", l)
		}
	}
	if len(r.Cells) > 0 {
		b.WriteString("\nProblems in the notebook's own cells (no points by themselves):\n")
		for _, c := range r.Cells {
			fmt.Fprintf(&b, "  cell %s: %s\n", c.Cell, c.Kind)
			for _, l := range c.Lines {
				fmt.Fprintf(&b, "          %s\n", l)
			}
		}
	}
	if len(r.Answers) > 0 {
		b.WriteString("\nWritten answers to grade by hand:\n")
		for _, a := range r.Answers {
			fmt.Fprintf(&b, "  cell %s (%s points): %s\n", a.Cell, fmtPoints(a.Max), a.Status)
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	return b.String()
}

func fmtPoints(p float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", p), "0"), ".")
}
