package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/densitydiffusion/toolkit/datasets"
	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// Status of a notebook in a run.
const (
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusInvalid = "invalid" // not in the committed form: not executed
	StatusSkipped = "skipped" // needs data that is not available
)

// Result is what one notebook's run produced.
type Result struct {
	Path        string        `json:"path"`  // as given or found, relative to the repository root
	Title       string        `json:"title"` // first Markdown heading
	Status      string        `json:"status"`
	Reason      string        `json:"reason,omitempty"` // why skipped, invalid, or failed without a failing cell
	Fetch       string        `json:"fetch,omitempty"`  // command that fetches the missing data of a skipped notebook
	Failures    []Failure     `json:"failures,omitempty"`
	Duration    time.Duration `json:"duration_ns"`
	CellTimeout time.Duration `json:"cell_timeout_ns"`
	Budget      time.Duration `json:"budget_ns"`
	SlowestCell int           `json:"slowest_cell,omitempty"` // 1-based
	SlowestTime time.Duration `json:"slowest_time_ns,omitempty"`
	HTML        string        `json:"html,omitempty"`     // relative to the reports folder
	Executed    string        `json:"executed,omitempty"` // executed .ipynb, relative to the reports folder
	Log         string        `json:"log,omitempty"`      // executor log, relative to the reports folder (kept on failure)
}

// Messages lists the failure lines of a result, each naming the notebook.
func (r *Result) Messages() []string {
	var ms []string
	if r.Reason != "" {
		ms = append(ms, r.Path+": "+r.Reason)
	}
	for _, f := range r.Failures {
		ms = append(ms, r.Path+": "+f.String())
	}
	return ms
}

// Runner executes notebooks with Jupyter and the GoNB kernel.
type Runner struct {
	Root        string        // repository root (holds go.mod)
	OutDir      string        // reports folder
	CellTimeout time.Duration // default per-cell timeout
	Budget      time.Duration // default per-notebook time budget
	HTML        bool          // export HTML
	MathJax     string        // MathJax 2.7 folder copied into OutDir/mathjax for offline LaTeX; "" uses the CDN
	Env         []string      // environment of Jupyter and the kernel
	Jupyter     string        // path of the jupyter command
	Progress    io.Writer     // one line per notebook; nil for none
}

// outName maps notebooks/x/y.ipynb to x/y (relative to the notebooks folder when under it).
func (r *Runner) outName(path string) string {
	rel, err := filepath.Rel(filepath.Join(r.Root, "notebooks"), absPath(r.Root, path))
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(path)
	}
	return strings.TrimSuffix(filepath.ToSlash(rel), ".ipynb")
}

func absPath(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// Run executes one notebook: it checks the committed form, the data it needs, executes it with a
// per-cell timeout inside its budget, scans the outputs, and exports HTML.
func (r *Runner) Run(path string) *Result {
	res := &Result{Path: path, CellTimeout: r.CellTimeout, Budget: r.Budget}
	nb, err := ReadNotebook(absPath(r.Root, path))
	if err != nil {
		res.Status, res.Reason = StatusInvalid, strings.TrimPrefix(err.Error(), absPath(r.Root, path)+": ")
		return res
	}
	res.Title = nb.Title()
	if ps := CheckCommitted(nb); len(ps) > 0 {
		var msgs []string
		for _, p := range ps {
			msgs = append(msgs, strings.ReplaceAll(p.String(), "FILE", path))
		}
		res.Status, res.Reason = StatusInvalid, strings.Join(msgs, "; ")
		return res
	}
	if res.CellTimeout, res.Budget, err = nb.Durations(r.CellTimeout, r.Budget); err != nil {
		res.Status, res.Reason = StatusInvalid, err.Error()
		return res
	}
	if status, reason, fetch := checkData(nb.Metadata.DDT.Datasets, r.Env); status != "" {
		res.Status, res.Reason, res.Fetch = status, reason, fetch
		return res
	}

	name := r.outName(path)
	executed := filepath.Join(r.OutDir, name+".ipynb")
	logPath := filepath.Join(r.OutDir, name+".log")
	if err := os.MkdirAll(filepath.Dir(executed), 0o755); err != nil {
		res.Status, res.Reason = StatusFailed, err.Error()
		return res
	}
	_ = os.Remove(executed)
	_ = os.Remove(filepath.Join(r.OutDir, name+".html"))

	start := time.Now()
	overBudget, runErr := r.execute(absPath(r.Root, path), executed, logPath, res.CellTimeout, res.Budget)
	res.Duration = time.Since(start)
	res.Log = name + ".log"
	logText, _ := os.ReadFile(logPath)

	out, readErr := ReadNotebook(executed)
	switch {
	case overBudget:
		res.Status = StatusFailed
		res.Reason = fmt.Sprintf("exceeded its time budget of %v and was stopped", res.Budget)
		if c := lastStartedCell(nb, logText); c > 0 {
			res.Failures = []Failure{{Cell: c, Kind: "running when the budget ran out", Source: firstLine(string(nb.Cells[c-1].Source))}}
		}
		return res
	case readErr != nil:
		res.Status = StatusFailed
		res.Reason = "the executor wrote no executed notebook"
		if runErr != nil {
			res.Reason += " (" + runErr.Error() + ")"
		}
		res.Reason += ": " + strings.Join(logTail(logText, 6), " | ")
		return res
	}
	res.Executed = name + ".ipynb"
	res.Failures = ScanOutputs(out)
	res.SlowestCell, res.SlowestTime = slowestCell(out)
	if runErr != nil && len(res.Failures) == 0 {
		res.Reason = "the executor failed: " + strings.Join(logTail(logText, 6), " | ")
	}
	if r.HTML {
		if err := r.exportHTML(executed, filepath.Join(r.OutDir, name+".html")); err != nil {
			res.Reason = strings.TrimPrefix(res.Reason+"; ", "; ") + "HTML export failed: " + err.Error()
		} else {
			res.HTML = name + ".html"
		}
	}
	if len(res.Failures) > 0 || res.Reason != "" {
		res.Status = StatusFailed
	} else {
		res.Status = StatusPassed
		_ = os.Remove(logPath)
		res.Log = ""
	}
	return res
}

// execute runs the notebook headless (notebook.Executor: jupyter nbconvert with the GoNB kernel), writing the
// executed notebook to out and the log to logPath; the per-cell timeout interrupts a cell and execution goes
// on, the budget stops the whole run.
func (r *Runner) execute(in, out, logPath string, cellTimeout, budget time.Duration) (overBudget bool, err error) {
	return notebook.Executor{Jupyter: r.Jupyter, Env: r.Env}.Execute(in, out, logPath, cellTimeout, budget)
}

// exportHTML converts an executed notebook to HTML.
func (r *Runner) exportHTML(executed, html string) error {
	args := []string{"nbconvert", "--to", "html", "--output-dir=" + filepath.Dir(html), "--output=" + filepath.Base(html)}
	if r.MathJax != "" {
		up, err := filepath.Rel(filepath.Dir(html), r.OutDir)
		if err != nil {
			return err
		}
		args = append(args, "--HTMLExporter.mathjax_url="+filepath.ToSlash(filepath.Join(up, "mathjax", "MathJax.js"))+"?config=TeX-AMS_CHTML-full,Safe")
	}
	cmd := exec.Command(r.Jupyter, append(args, executed)...)
	cmd.Env = r.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, strings.Join(logTail(out, 4), " | "))
	}
	return nil
}

// MathJaxVersion is the MathJax release `make setup` fetches (npm pack mathjax@MathJaxVersion).
const MathJaxVersion = "2.7.9"

// FindMathJax returns the MathJax folder to inline into reports: DDT_MATHJAX_DIR, else the user cache
// (where `make setup` puts it); "" when neither holds MathJax.js.
func FindMathJax(env []string) string {
	dir := envValue(env, "DDT_MATHJAX_DIR")
	if dir == "" {
		if c, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(c, "ddt-toolkit", "mathjax-"+MathJaxVersion)
		}
	}
	if dir == "" {
		return ""
	}
	if st, err := os.Stat(filepath.Join(dir, "MathJax.js")); err != nil || st.IsDir() {
		return ""
	}
	return dir
}

// CopyMathJax copies the MathJax folder src to dst (OUT/mathjax) unless dst holds it already, so that
// reports typeset LaTeX with no network. A partial copy is removed.
func CopyMathJax(src, dst string) error {
	if _, err := os.Stat(filepath.Join(dst, "MathJax.js")); err == nil {
		return nil
	}
	tmp := dst + ".partial"
	_ = os.RemoveAll(tmp)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err == nil {
		_ = os.RemoveAll(dst)
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("copying MathJax from %s: %v", src, err)
	}
	return nil
}

// datasetDirs are the folders where a data set NAME is looked for, as NAME/ below each.
func datasetDirs(env []string) (mirror string, dirs []string) {
	get := func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	cache := get("DDT_DATA_CACHE")
	if cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(d, "ddt-toolkit", "datasets")
		}
	}
	mirror = get("DDT_DATA_MIRROR")
	if cache != "" {
		dirs = append(dirs, cache)
	}
	if mirror != "" {
		dirs = append(dirs, mirror)
	}
	return mirror, dirs
}

// FetchDataCommand is the command that fills the data cache, followed by the data set names.
const FetchDataCommand = "go run ./cmd/nbrun fetch-data"

// checkData returns a status ("" when all data is there), a reason and the fetch command for a
// notebook needing the named data sets (names of the datasets registry). Missing data skips the
// notebook; when a mirror is configured (as in CI) missing data is a failure, because the mirror is meant
// to hold it all. An unknown name makes the notebook invalid.
func checkData(names []string, env []string) (status, reason, fetch string) {
	if len(names) == 0 {
		return "", "", ""
	}
	mirror, dirs := datasetDirs(env)
	var missing []string
	for _, n := range names {
		spec, err := datasets.Lookup(n)
		if err != nil {
			return StatusInvalid, fmt.Sprintf("metadata ddt.datasets names %q, which is not a data set (known: %s)", n, strings.Join(datasets.Names(), ", ")), ""
		}
		if !hasData(dirs, spec) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return "", "", ""
	}
	sort.Strings(missing)
	fetch = FetchDataCommand + " " + strings.Join(missing, " ")
	where := strings.Join(dirs, " or ")
	if mirror != "" {
		return StatusFailed, fmt.Sprintf("needs data set(s) %s, not found in %s (DDT_DATA_MIRROR is set, so they should be there)", strings.Join(missing, ", "), where), fetch
	}
	return StatusSkipped, fmt.Sprintf("needs data set(s) %s, not found in %s", strings.Join(missing, ", "), where), fetch
}

// hasData reports whether one of dirs holds the files of the data set, in its own layout or in one of
// the alternative layouts the registry accepts. (Contents are verified when the notebook loads them.)
func hasData(dirs []string, spec datasets.Spec) bool {
	layouts := append([][]datasets.File{spec.Files}, spec.Alternatives...)
	for _, d := range dirs {
		for _, files := range layouts {
			if len(files) == 0 {
				continue
			}
			all := true
			for _, f := range files {
				if st, err := os.Stat(filepath.Join(d, spec.Folder, f.Name)); err != nil || !st.Mode().IsRegular() {
					all = false
					break
				}
			}
			if all {
				return true
			}
		}
	}
	return false
}
