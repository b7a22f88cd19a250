// Command nbrun executes, checks, exports and cleans the toolkit's GoNB notebooks.
//
// Usage (from anywhere inside the working tree):
//
//	nbrun [run] [-run PATTERN] [-out reports] [-cell-timeout 5m] [-budget 20m] [-html=true] [PATH ...]
//	nbrun check [PATH ...]   check notebooks are in the committed form
//	nbrun clean [PATH ...]   strip outputs, execution counts and timings in place
//	nbrun new FILE [TITLE]   create a notebook with the standard first cell
//	nbrun fetch-data NAME... download and verify public data sets (into DDT_DATA_CACHE unless the mirror has them)
//
// PATHs are notebooks or folders; the default is notebooks/. Folders are searched recursively, skipping
// folders named testdata (the failing fixtures) and .ipynb_checkpoints (run, without PATHs, also leaves out
// notebooks/assignments/: the instructor versions hold the solutions); a notebook named explicitly is
// always taken. -run keeps the notebooks whose path (relative to the repository root, with slashes)
// matches the regular expression PATTERN, as `go test -run` does for tests.
//
// run executes each notebook with `jupyter nbconvert --execute` and the GoNB kernel, with a per-cell
// timeout (the cell is interrupted and execution goes on) and a per-notebook time budget (the run is
// stopped). It does not trust the executor's exit status: it scans every cell's outputs for error
// outputs, compile errors, "panic:" and "exit status N" on stderr (a failing `!shell` line or a program
// that exits non-zero), and "--- FAIL" from %test cells, and names the notebook, the cell (1-based,
// Markdown cells included) and the first lines of the error. It then exports HTML and writes
// OUT/index.html (and index.json) with the status and run time of every notebook. A notebook may
// declare in its metadata what it needs and its own limits:
//
//	"ddt": {"datasets": ["mnist"], "cell_timeout": "2m", "budget": "10m"}
//
// The HTML reports typeset LaTeX with the MathJax 2.7 folder named by DDT_MATHJAX_DIR (default: the user
// cache, where `make setup` puts it), copied into OUT/mathjax, so that they need no network; without it
// they load MathJax from its CDN.
//
// A notebook whose data sets are in neither the data cache (DDT_DATA_CACHE) nor the mirror
// (DDT_DATA_MIRROR) is skipped, with the command that fetches them; with a mirror configured it fails.
//
// Before running, nbrun checks that Jupyter, nbconvert, the GoNB kernel and goimports are there and says
// how to install what is missing. It puts the repository's bin/ first in PATH and, when
// JUPYTER_DATA_DIR is unset, uses the repository's .jupyter/ if it exists (where `make setup` registers
// the kernel). Exit status: 0 when every notebook passed or was skipped, 1 when one failed, 2 for a
// usage or set-up problem.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/densitydiffusion/toolkit/datasets"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs nbrun with args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") && !strings.HasSuffix(args[0], ".ipynb") {
		switch args[0] {
		case "run", "check", "clean", "new", "fetch-data":
			cmd, args = args[0], args[1:]
		case "help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	root, err := FindRoot(".")
	if err != nil {
		fmt.Fprintln(stderr, "nbrun:", err)
		return 2
	}
	var code int
	switch cmd {
	case "run":
		code, err = runCmd(root, args, stdout, stderr)
	case "check":
		code, err = checkCmd(root, args, stdout)
	case "clean":
		code, err = cleanCmd(root, args, stdout)
	case "new":
		code, err = newCmd(root, args, stdout)
	case "fetch-data":
		code, err = fetchDataCmd(args, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "nbrun:", err)
	}
	return code
}

const usage = `nbrun executes, checks, exports and cleans the toolkit's GoNB notebooks.

  nbrun [run] [-run PATTERN] [-out reports] [-cell-timeout 5m] [-budget 20m] [-html=true] [PATH ...]
  nbrun check [PATH ...]    notebooks are committed without outputs, with the gonb kernel and the first cell
  nbrun clean [PATH ...]    strip outputs, execution counts and timings, in place
  nbrun new FILE [TITLE]    create a notebook with the standard first cell
  nbrun fetch-data NAME...  download public data sets into the data cache (DDT_DATA_CACHE), verified

PATH is a notebook or a folder (default notebooks/, without testdata/ folders; run also leaves out notebooks/assignments/, whose instructor versions hold the solutions).
`

func runCmd(root string, args []string, stdout, stderr io.Writer) (int, error) {
	fl := flag.NewFlagSet("nbrun run", flag.ContinueOnError)
	fl.SetOutput(stderr)
	pattern := fl.String("run", "", "execute only notebooks whose path matches this regular expression")
	out := fl.String("out", "reports", "folder for the executed notebooks, HTML reports and index.html")
	cellTimeout := fl.Duration("cell-timeout", 5*time.Minute, "per-cell timeout (a notebook's metadata ddt.cell_timeout overrides it)")
	budget := fl.Duration("budget", 20*time.Minute, "per-notebook time budget (metadata ddt.budget overrides it)")
	html := fl.Bool("html", true, "export HTML reports")
	if err := fl.Parse(args); err != nil {
		return 2, nil
	}
	if *cellTimeout <= 0 || *budget <= 0 {
		return 2, errors.New("-cell-timeout and -budget must be positive")
	}
	paths, err := Select(root, fl.Args(), *pattern)
	if err != nil {
		return 2, err
	}
	if len(fl.Args()) == 0 {
		// The instructor versions of the assignments hold their solutions: they are checked (nbrun check)
		// and graded in tests (go test ./cmd/assign), never published as reports unless named explicitly.
		if paths = WithoutAssignments(paths); len(paths) == 0 {
			return 2, fmt.Errorf("no notebooks to run outside %s (name it explicitly to execute an assignment)", AssignmentsDir)
		}
	}
	env := Environ(root, os.Environ())
	jupyter, err := Preflight(env)
	if err != nil {
		return 2, err
	}
	outDir := absPath(mustCwd(), *out)
	r := &Runner{Root: root, OutDir: outDir, CellTimeout: *cellTimeout, Budget: *budget, HTML: *html, Env: env, Jupyter: jupyter}
	if *html {
		if src := FindMathJax(env); src == "" {
			fmt.Fprintf(stdout, "nbrun: note: MathJax is not in the cache (make setup fetches it); reports load it from its CDN to typeset LaTeX\n")
		} else if err := CopyMathJax(src, filepath.Join(outDir, "mathjax")); err != nil {
			fmt.Fprintf(stdout, "nbrun: note: %v; reports load MathJax from its CDN\n", err)
		} else {
			r.MathJax = src
		}
	}
	fmt.Fprintf(stdout, "nbrun: executing %d notebook(s) (cell timeout %v, budget %v) into %s\n", len(paths), *cellTimeout, *budget, rel(mustCwd(), outDir))
	ix := &Index{Generated: time.Now(), Command: strings.TrimSpace("nbrun run " + strings.Join(args, " "))}
	failed := 0
	for _, p := range paths {
		res := r.Run(p)
		ix.Results = append(ix.Results, res)
		switch res.Status {
		case StatusPassed:
			fmt.Fprintf(stdout, "PASS  %s  %s\n", p, fmtDuration(res.Duration))
		case StatusSkipped:
			fmt.Fprintf(stdout, "SKIP  %s: %s; fetch with: %s\n", p, res.Reason, res.Fetch)
		default:
			failed++
			fmt.Fprintf(stdout, "FAIL  %s  %s\n", p, fmtDuration(res.Duration))
			for _, m := range res.Messages() {
				fmt.Fprintf(stdout, "      %s\n", strings.ReplaceAll(m, "\n", "\n      "))
			}
			if res.Log != "" {
				fmt.Fprintf(stdout, "      log: %s\n", rel(mustCwd(), filepath.Join(outDir, res.Log)))
			}
		}
	}
	if err := WriteIndex(outDir, ix); err != nil {
		return 2, fmt.Errorf("writing the index: %v", err)
	}
	c := ix.Counts()
	fmt.Fprintf(stdout, "nbrun: %d passed, %d failed, %d invalid, %d skipped; index: %s\n",
		c[StatusPassed], c[StatusFailed], c[StatusInvalid], c[StatusSkipped], rel(mustCwd(), filepath.Join(outDir, "index.html")))
	if failed > 0 {
		return 1, nil
	}
	return 0, nil
}

func checkCmd(root string, args []string, stdout io.Writer) (int, error) {
	paths, err := Select(root, args, "")
	if err != nil {
		return 2, err
	}
	bad := 0
	for _, p := range paths {
		nb, err := ReadNotebook(filepath.Join(root, p))
		if err != nil {
			fmt.Fprintln(stdout, strings.Replace(err.Error(), filepath.Join(root, p), p, 1))
			bad++
			continue
		}
		for _, pr := range CheckCommitted(nb) {
			fmt.Fprintf(stdout, "%s: %s\n", p, strings.ReplaceAll(pr.String(), "FILE", p))
			bad++
		}
	}
	if bad > 0 {
		return 1, fmt.Errorf("%d problem(s) in %d notebook(s) checked", bad, len(paths))
	}
	fmt.Fprintf(stdout, "nbrun: %d notebook(s) in the committed form\n", len(paths))
	return 0, nil
}

func cleanCmd(root string, args []string, stdout io.Writer) (int, error) {
	paths, err := Select(root, args, "")
	if err != nil {
		return 2, err
	}
	for _, p := range paths {
		full := filepath.Join(root, p)
		b, err := os.ReadFile(full)
		if err != nil {
			return 1, err
		}
		clean, changed, err := Clean(b)
		if err != nil {
			return 1, fmt.Errorf("%s: %v", p, err)
		}
		if changed {
			if err := os.WriteFile(full, clean, 0o644); err != nil {
				return 1, err
			}
			fmt.Fprintf(stdout, "cleaned %s\n", p)
		}
	}
	return 0, nil
}

func newCmd(root string, args []string, stdout io.Writer) (int, error) {
	if len(args) < 1 || len(args) > 2 || !strings.HasSuffix(args[0], ".ipynb") {
		return 2, errors.New("usage: nbrun new FILE.ipynb [TITLE]")
	}
	title := strings.TrimSuffix(filepath.Base(args[0]), ".ipynb")
	if len(args) == 2 {
		title = args[1]
	}
	path := absPath(mustCwd(), args[0])
	if _, err := os.Stat(path); err == nil {
		return 1, fmt.Errorf("%s exists already", args[0])
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 1, err
	}
	if err := os.WriteFile(path, NewNotebook(title), 0o644); err != nil {
		return 1, err
	}
	fmt.Fprintf(stdout, "created %s\n", args[0])
	return 0, nil
}

// fetchDataCmd loads each named data set, which verifies it and fills the cache (from the mirror when
// DDT_DATA_MIRROR has it, else from its canonical source).
func fetchDataCmd(names []string, stdout io.Writer) (int, error) {
	if len(names) == 0 {
		return 2, fmt.Errorf("usage: nbrun fetch-data NAME...  (data sets: %s)", strings.Join(datasets.Names(), ", "))
	}
	for _, n := range names {
		ctx, cancel := context.WithTimeout(context.Background(), datasets.DefaultTimeout)
		d, err := datasets.Load(ctx, n)
		cancel()
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "%s: %d rows × %d features, verified (in the data cache or the mirror, where notebooks find it)\n", n, d.Len(), d.Dim())
	}
	return 0, nil
}

// AssignmentsDir holds the coursework's instructor notebooks (with solutions), relative to the root.
const AssignmentsDir = "notebooks/assignments"

// WithoutAssignments drops the notebooks under AssignmentsDir from a selection.
func WithoutAssignments(paths []string) []string {
	kept := paths[:0:0]
	for _, p := range paths {
		if !strings.HasPrefix(p, AssignmentsDir+"/") {
			kept = append(kept, p)
		}
	}
	return kept
}

// Select resolves PATH arguments (relative to the current folder) to notebooks, as slash paths
// relative to root, sorted, filtered by the pattern.
func Select(root string, args []string, pattern string) ([]string, error) {
	var re *regexp.Regexp
	if pattern != "" {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			return nil, fmt.Errorf("-run %q: %v", pattern, err)
		}
	}
	if len(args) == 0 {
		args = []string{filepath.Join(root, "notebooks")}
	}
	cwd := mustCwd()
	seen := map[string]bool{}
	var paths []string
	add := func(full string) {
		p := filepath.ToSlash(rel(root, full))
		if !seen[p] && (re == nil || re.MatchString(p)) {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, a := range args {
		full := absPath(cwd, a)
		st, err := os.Stat(full)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such notebook or folder", a)
			}
			return nil, err
		}
		if !st.IsDir() {
			if !strings.HasSuffix(full, ".ipynb") {
				return nil, fmt.Errorf("%s: not a notebook (.ipynb)", a)
			}
			add(full)
			continue
		}
		err = filepath.WalkDir(full, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != full && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".ipynb") {
				add(p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(paths) == 0 {
		if re != nil {
			return nil, fmt.Errorf("no notebook matches -run %q in %s", pattern, strings.Join(args, " "))
		}
		return nil, fmt.Errorf("no notebooks in %s", strings.Join(args, " "))
	}
	sort.Strings(paths)
	return paths, nil
}

func mustCwd() string {
	d, err := os.Getwd()
	if err != nil {
		return "."
	}
	return d
}

func rel(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil {
		return p
	}
	return r
}
