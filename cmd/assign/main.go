package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `assign generates student versions of assignment notebooks and grades submissions.

  assign check INSTRUCTOR.ipynb ...               validate the conventions, print the points
  assign student INSTRUCTOR.ipynb STUDENT.ipynb   write the student version
  assign grade -instructor INSTRUCTOR.ipynb [-o report.json | -o DIR] [flags] SUBMISSION.ipynb ...

See notebooks/assignments/README.md (the instructor guide) and "assign grade -h".
`

// Main runs assign with args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	code := 0
	switch args[0] {
	case "check":
		code, err = checkCmd(args[1:], stdout)
	case "student":
		code, err = studentCmd(args[1:], stdout)
	case "grade":
		code, err = gradeCmd(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "assign: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "assign:", err)
	}
	return code
}

func loadSpec(path string) (*Spec, error) {
	d, err := notebook.ReadDoc(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSpec(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func checkCmd(args []string, stdout io.Writer) (int, error) {
	if len(args) == 0 {
		return 2, errors.New("usage: assign check INSTRUCTOR.ipynb ...")
	}
	bad := 0
	for _, p := range args {
		s, err := loadSpec(p)
		if err != nil {
			fmt.Fprintln(stdout, err)
			bad++
			continue
		}
		st, err := StudentVersion(s)
		if err == nil {
			if leaks := Leaks(s, st); len(leaks) > 0 {
				err = fmt.Errorf("the student version would leak:\n  %s", strings.Join(leaks, "\n  "))
			}
		}
		if err != nil {
			fmt.Fprintf(stdout, "%s: %v\n", p, err)
			bad++
			continue
		}
		public, hidden := 0.0, 0.0
		for _, t := range s.Tests() {
			if t.Hidden {
				hidden += t.Points
			} else {
				public += t.Points
			}
		}
		fmt.Fprintf(stdout, "%s: %q: %d graded tests, %s points (public %s, hidden %s) + %s by hand\n", p, s.Title,
			len(s.Tests()), fmtPoints(s.MaxScore()), fmtPoints(public), fmtPoints(hidden), fmtPoints(s.ManualMax()))
	}
	if bad > 0 {
		return 1, fmt.Errorf("%d of %d notebook(s) are not valid assignments", bad, len(args))
	}
	return 0, nil
}

func studentCmd(args []string, stdout io.Writer) (int, error) {
	if len(args) != 2 || !strings.HasSuffix(args[0], ".ipynb") || !strings.HasSuffix(args[1], ".ipynb") {
		return 2, errors.New("usage: assign student INSTRUCTOR.ipynb STUDENT.ipynb")
	}
	in, out := args[0], args[1]
	if a, b := absOr(in), absOr(out); a == b {
		return 2, errors.New("the student version would overwrite the instructor notebook")
	}
	s, err := loadSpec(in)
	if err != nil {
		return 1, err
	}
	st, err := StudentVersion(s)
	if err != nil {
		return 1, err
	}
	if leaks := Leaks(s, st); len(leaks) > 0 {
		return 1, fmt.Errorf("refusing to write a student version that leaks:\n  %s", strings.Join(leaks, "\n  "))
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return 1, err
	}
	if err := st.Write(out); err != nil {
		return 1, err
	}
	fmt.Fprintf(stdout, "wrote %s: %d cells (%d hidden test cells removed), %s points of which %s in hidden tests\n", out,
		len(st.Cells), len(s.Doc.Cells)-len(st.Cells), fmtPoints(s.MaxScore()), fmtPoints(hiddenPoints(s)))
	return 0, nil
}

func hiddenPoints(s *Spec) float64 {
	p := 0.0
	for _, t := range s.Tests() {
		if t.Hidden {
			p += t.Points
		}
	}
	return p
}

func absOr(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func gradeCmd(args []string, stdout, stderr io.Writer) (int, error) {
	fl := flag.NewFlagSet("assign grade", flag.ContinueOnError)
	fl.SetOutput(stderr)
	instructor := fl.String("instructor", "", "the instructor version of the assignment (required)")
	out := fl.String("o", "", "report file (FILE.json; FILE.txt gets the summary) for one submission, or a folder for several (default: grades/)")
	cell := fl.Duration("cell-timeout", DefaultLimits.Cell, "per-cell timeout: a cell running longer is interrupted")
	test := fl.Duration("test-timeout", DefaultLimits.Test, "time limit of each graded test")
	budget := fl.Duration("budget", DefaultLimits.Budget, "time budget of one submission's grading run")
	jobs := fl.Int("j", 1, "submissions graded at the same time")
	keep := fl.String("keep", "", "folder that keeps each grading notebook and its executed version")
	if err := fl.Parse(args); err != nil {
		return 2, nil
	}
	subs := fl.Args()
	if *instructor == "" || len(subs) == 0 {
		return 2, errors.New("usage: assign grade -instructor INSTRUCTOR.ipynb [-o report.json] SUBMISSION.ipynb ...")
	}
	if *jobs < 1 {
		return 2, errors.New("-j must be at least 1")
	}
	s, err := loadSpec(*instructor)
	if err != nil {
		return 2, err
	}
	// The notebook's own limits (metadata) replace the defaults; flags given on the command line win.
	set := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { set[f.Name] = true })
	lim := Limits{Cell: *cell, Test: *test, Budget: *budget}
	if s.Limits.Cell > 0 && !set["cell-timeout"] {
		lim.Cell = s.Limits.Cell
	}
	if s.Limits.Test > 0 && !set["test-timeout"] {
		lim.Test = s.Limits.Test
	}
	if s.Limits.Budget > 0 && !set["budget"] {
		lim.Budget = s.Limits.Budget
	}
	if err := lim.Check(); err != nil {
		return 2, err
	}
	root, err := notebook.FindRoot(filepath.Dir(absOr(*instructor)))
	if err != nil {
		if root, err = notebook.FindRoot("."); err != nil {
			return 2, err
		}
	}
	ex, err := setup(root, os.Environ())
	if err != nil {
		return 2, err
	}
	for _, p := range subs {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(stderr, "assign: %s: %v (graded as not run)\n", p, err)
		}
	}
	g := &Grader{Spec: s, Name: *instructor, Root: root, Limits: lim, Exec: jupyterExecutor(ex), KeepDir: *keep}

	reports := make([]*Report, len(subs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, *jobs)
	for i, p := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			reports[i] = g.Grade(p)
		}()
	}
	wg.Wait()

	single := len(subs) == 1 && (strings.HasSuffix(*out, ".json") || *out == "")
	if single {
		jsonPath := *out
		if jsonPath == "" {
			jsonPath = strings.TrimSuffix(subs[0], ".ipynb") + ".report.json"
		}
		if err := writeReport(reports[0], jsonPath); err != nil {
			return 2, err
		}
		fmt.Fprint(stdout, reports[0].Summary())
		fmt.Fprintf(stdout, "\nreport: %s (and %s)\n", jsonPath, strings.TrimSuffix(jsonPath, ".json")+".txt")
		return 0, nil
	}
	dir := *out
	if dir == "" {
		dir = "grades"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 2, err
	}
	names := uniqueNames(subs)
	for i, r := range reports {
		if err := writeReport(r, filepath.Join(dir, names[i]+".json")); err != nil {
			return 2, err
		}
		fmt.Fprintf(stdout, "%-30s %6s / %s\n", names[i], fmtPoints(r.Score), fmtPoints(r.MaxScore))
	}
	if err := writeCSV(filepath.Join(dir, "grades.csv"), names, reports); err != nil {
		return 2, err
	}
	fmt.Fprintf(stdout, "reports in %s (grades.csv, NAME.json, NAME.txt)\n", dir)
	return 0, nil
}

func writeReport(r *Report, jsonPath string) error {
	if err := os.MkdirAll(filepath.Dir(jsonPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, r.JSON(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(jsonPath, ".json")+".txt", []byte(r.Summary()), 0o644)
}

// uniqueNames names each submission's report after its file, adding the parent folder when two share a name
// (students/alice/a1.ipynb, students/bob/a1.ipynb → alice-a1, bob-a1).
func uniqueNames(paths []string) []string {
	base := func(p string) string { return strings.TrimSuffix(filepath.Base(p), ".ipynb") }
	count := map[string]int{}
	for _, p := range paths {
		count[base(p)]++
	}
	names := make([]string, len(paths))
	seen := map[string]int{}
	for i, p := range paths {
		n := base(p)
		if count[n] > 1 {
			n = filepath.Base(filepath.Dir(p)) + "-" + n
		}
		if seen[n]++; seen[n] > 1 {
			n += "-" + strconv.Itoa(seen[n])
		}
		names[i] = n
	}
	return names
}

func writeCSV(path string, names []string, reports []*Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	var tests []string
	if len(reports) > 0 {
		for _, t := range reports[0].Tests {
			tests = append(tests, t.Name)
		}
	}
	_ = w.Write(append([]string{"submission", "score", "max_score", "manual_max"}, tests...))
	order := make([]int, len(reports))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
	for _, i := range order {
		r := reports[i]
		row := []string{names[i], fmtPoints(r.Score), fmtPoints(r.MaxScore), fmtPoints(r.ManualMax)}
		for _, t := range r.Tests {
			row = append(row, fmtPoints(t.Points))
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
