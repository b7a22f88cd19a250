package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/densitydiffusion/toolkit/datasets"
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

// execute runs `jupyter nbconvert --execute` on in, writing the executed notebook to out and the log
// (nbconvert's and the kernel's) to logPath. The per-cell timeout interrupts the kernel and execution
// goes on with the next cell (the interrupted cell shows "signal: interrupt"); the budget stops the
// whole run.
func (r *Runner) execute(in, out, logPath string, cellTimeout, budget time.Duration) (overBudget bool, err error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return false, err
	}
	defer logf.Close()
	secs := int((cellTimeout + time.Second - 1) / time.Second)
	cmd := exec.Command(r.Jupyter, "nbconvert",
		"--to", "notebook", "--execute", "--allow-errors",
		"--ExecutePreprocessor.kernel_name="+KernelName,
		"--ExecutePreprocessor.timeout="+strconv.Itoa(secs),
		"--ExecutePreprocessor.interrupt_on_timeout=True",
		"--ExecutePreprocessor.startup_timeout=120",
		"--log-level=DEBUG", // logs "Executing cell:" so a run stopped by the budget can name its cell
		"--output-dir="+filepath.Dir(out),
		"--output="+filepath.Base(out),
		in)
	cmd.Dir = filepath.Dir(in)
	cmd.Env = r.Env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return false, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case err := <-done:
		return false, err
	case <-timer.C:
	}
	// Over budget. The kernel runs in its own session (jupyter_client starts it so), so find the whole
	// process tree first, then ask nbconvert to shut the kernel down, and kill what is left.
	tree := descendants(cmd.Process.Pid)
	_ = syscall.Kill(cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	for _, pid := range tree {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	_ = os.Remove(out) // a partial notebook must not pass for a result
	return true, nil
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

// descendants lists the process ids below pid (Linux /proc; empty elsewhere).
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		children[pp] = append(children[pp], p)
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// lastStartedCell reads nbconvert's debug log and returns the 1-based number of the last cell it
// started, or 0: the log says "Executing cell:" once for each non-empty code cell, in order.
func lastStartedCell(nb *Notebook, log []byte) int {
	n := bytes.Count(log, []byte("Executing cell:"))
	if n == 0 {
		return 0
	}
	k := 0
	for i, c := range nb.Cells {
		if c.CellType == "code" && strings.TrimSpace(string(c.Source)) != "" {
			k++
			if k == n {
				return i + 1
			}
		}
	}
	return 0
}

// slowestCell returns the cell with the longest execution (from nbclient's timing metadata).
func slowestCell(nb *Notebook) (int, time.Duration) {
	best, bestD := 0, time.Duration(-1)
	for i, c := range nb.Cells {
		var md struct {
			Execution map[string]string `json:"execution"`
		}
		if len(c.Metadata) == 0 || json.Unmarshal(c.Metadata, &md) != nil {
			continue
		}
		a, err1 := time.Parse(time.RFC3339Nano, md.Execution["iopub.execute_input"])
		b, err2 := time.Parse(time.RFC3339Nano, md.Execution["shell.execute_reply"])
		if err1 != nil || err2 != nil {
			continue
		}
		if d := b.Sub(a); d > bestD {
			best, bestD = i+1, d
		}
	}
	if best == 0 {
		return 0, 0
	}
	return best, bestD
}

// logTail returns the last n meaningful lines of a log (kernel log noise removed).
func logTail(b []byte, n int) []string {
	var lines []string
	for _, l := range splitNonEmpty(string(b)) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[NbConvertApp] msg_type") || strings.HasPrefix(t, "[NbConvertApp] content") {
			continue
		}
		lines = append(lines, t)
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
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

// errSetup is a problem with the machine, not with a notebook: nbrun prints it and exits 2.
type errSetup struct{ msg string }

func (e errSetup) Error() string { return e.msg }

// Preflight checks that Jupyter, nbconvert, the GoNB kernel and goimports are usable with env, and
// returns the jupyter command's path. Each failure is a message saying how to fix it.
func Preflight(env []string) (string, error) {
	path := lookPath("jupyter", env)
	if path == "" {
		return "", errSetup{`Jupyter is not installed (no "jupyter" command in PATH).
Install a headless Jupyter:
    Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client
    elsewhere:      python3 -m pip install --user nbconvert jupyter_client
or run "make setup", which installs it when run as root on Debian/Ubuntu.`}
	}
	var out bytes.Buffer
	cmd := exec.Command(path, "nbconvert", "--version")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &out
	if err := cmd.Run(); err != nil {
		return "", errSetup{fmt.Sprintf(`"jupyter nbconvert" does not run (%v: %s).
Install it:
    Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client
    elsewhere:      python3 -m pip install --user nbconvert jupyter_client`, err, strings.TrimSpace(out.String()))}
	}
	out.Reset()
	cmd = exec.Command(path, "kernelspec", "list", "--json")
	cmd.Env, cmd.Stdout = env, &out
	var specs struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        struct {
				Argv []string `json:"argv"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	dataDir := envValue(env, "JUPYTER_DATA_DIR")
	fix := `Register it: run "make setup", or
    GOBIN=$PWD/bin go install tool && JUPYTER_DATA_DIR=` + orDefault(dataDir, "$PWD/.jupyter") + ` bin/gonb --install --force_deps`
	if err := cmd.Run(); err != nil || json.Unmarshal(out.Bytes(), &specs) != nil {
		return "", errSetup{fmt.Sprintf("cannot list Jupyter kernels (jupyter kernelspec list: %v).", err)}
	}
	ks, ok := specs.Kernelspecs[KernelName]
	if !ok {
		return "", errSetup{fmt.Sprintf("the GoNB kernel (%q) is not registered with Jupyter (JUPYTER_DATA_DIR=%s).\n%s", KernelName, orDefault(dataDir, "unset"), fix)}
	}
	if len(ks.Spec.Argv) == 0 || lookPath(ks.Spec.Argv[0], env) == "" {
		bin := "none"
		if len(ks.Spec.Argv) > 0 {
			bin = ks.Spec.Argv[0]
		}
		return "", errSetup{fmt.Sprintf("the GoNB kernel registered in %s points to %s, which does not exist or is not executable.\n%s", ks.ResourceDir, bin, fix)}
	}
	if lookPath("goimports", env) == "" {
		return "", errSetup{`goimports (needed by the GoNB kernel) is not in PATH.
Install the pinned tools: GOBIN=$PWD/bin go install tool   (and put $PWD/bin in PATH), or run "make setup".`}
	}
	return path, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// lookPath finds a command in env's PATH (or checks an absolute/relative path).
func lookPath(name string, env []string) string {
	if strings.ContainsRune(name, filepath.Separator) {
		if st, err := os.Stat(name); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return name
		}
		return ""
	}
	for _, dir := range filepath.SplitList(envValue(env, "PATH")) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

var errNoRoot = errors.New("not inside the toolkit's working tree: no go.mod of " + ModulePath + " in this folder or above")

// FindRoot walks up from dir to the go.mod that declares the toolkit module.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if strings.TrimSpace(l) == "module "+ModulePath {
					return dir, nil
				}
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errNoRoot
		}
		dir = parent
	}
}
