package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Executor executes notebooks headless with Jupyter and the GoNB kernel.
type Executor struct {
	Jupyter string   // path of the jupyter command (Preflight returns it)
	Env     []string // environment of Jupyter and the kernel (Environ)
}

// Execute runs `jupyter nbconvert --execute` on in, writing the executed notebook to out and the log
// (nbconvert's and the kernel's) to logPath. The per-cell timeout interrupts the kernel and execution
// goes on with the next cell (the interrupted cell shows "signal: interrupt"); the budget stops the
// whole run.
func (e Executor) Execute(in, out, logPath string, cellTimeout, budget time.Duration) (overBudget bool, err error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return false, err
	}
	defer logf.Close()
	secs := int((cellTimeout + time.Second - 1) / time.Second)
	cmd := exec.Command(e.Jupyter, "nbconvert",
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
	cmd.Env = e.Env
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

// LastStartedCell reads nbconvert's debug log and returns the 1-based number of the last cell it
// started, or 0: the log says "Executing cell:" once for each non-empty code cell, in order.
func LastStartedCell(nb *Notebook, log []byte) int {
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

// SlowestCell returns the cell with the longest execution (from nbclient's timing metadata).
func SlowestCell(nb *Notebook) (int, time.Duration) {
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

// LogTail returns the last n meaningful lines of a log (kernel log noise removed).
func LogTail(b []byte, n int) []string {
	var lines []string
	for _, l := range SplitNonEmpty(string(b)) {
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

// SetupError is a problem with the machine, not with a notebook (Jupyter, the kernel or goimports missing):
// its message says how to fix it.
type SetupError struct{ Msg string }

func (e SetupError) Error() string { return e.Msg }

// Preflight checks that Jupyter, nbconvert, the GoNB kernel and goimports are usable with env, and
// returns the jupyter command's path. Each failure is a message saying how to fix it.
func Preflight(env []string) (string, error) {
	path := LookPath("jupyter", env)
	if path == "" {
		return "", SetupError{`Jupyter is not installed (no "jupyter" command in PATH).
Install a headless Jupyter:
    Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client
    elsewhere:      python3 -m pip install --user nbconvert jupyter_client
or run "make setup", which installs it when run as root on Debian/Ubuntu.`}
	}
	var out bytes.Buffer
	cmd := exec.Command(path, "nbconvert", "--version")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &out
	if err := cmd.Run(); err != nil {
		return "", SetupError{fmt.Sprintf(`"jupyter nbconvert" does not run (%v: %s).
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
	dataDir := EnvValue(env, "JUPYTER_DATA_DIR")
	fix := `Register it: run "make setup", or
    GOBIN=$PWD/bin go install tool && JUPYTER_DATA_DIR=` + orDefault(dataDir, "$PWD/.jupyter") + ` bin/gonb --install --force_deps`
	if err := cmd.Run(); err != nil || json.Unmarshal(out.Bytes(), &specs) != nil {
		return "", SetupError{fmt.Sprintf("cannot list Jupyter kernels (jupyter kernelspec list: %v).", err)}
	}
	ks, ok := specs.Kernelspecs[KernelName]
	if !ok {
		return "", SetupError{fmt.Sprintf("the GoNB kernel (%q) is not registered with Jupyter (JUPYTER_DATA_DIR=%s).\n%s", KernelName, orDefault(dataDir, "unset"), fix)}
	}
	if len(ks.Spec.Argv) == 0 || LookPath(ks.Spec.Argv[0], env) == "" {
		bin := "none"
		if len(ks.Spec.Argv) > 0 {
			bin = ks.Spec.Argv[0]
		}
		return "", SetupError{fmt.Sprintf("the GoNB kernel registered in %s points to %s, which does not exist or is not executable.\n%s", ks.ResourceDir, bin, fix)}
	}
	if LookPath("goimports", env) == "" {
		return "", SetupError{`goimports (needed by the GoNB kernel) is not in PATH.
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

// EnvValue returns the value of key in env (the last one wins), or "".
func EnvValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// LookPath finds a command in env's PATH (or checks an absolute/relative path).
func LookPath(name string, env []string) string {
	if strings.ContainsRune(name, filepath.Separator) {
		if st, err := os.Stat(name); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return name
		}
		return ""
	}
	for _, dir := range filepath.SplitList(EnvValue(env, "PATH")) {
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

// ErrNoRoot is FindRoot's error outside the working tree.
var ErrNoRoot = errors.New("not inside the toolkit's working tree: no go.mod of " + ModulePath + " in this folder or above")

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
			return "", ErrNoRoot
		}
		dir = parent
	}
}

// Environ returns env with root/bin first in PATH and, when JUPYTER_DATA_DIR is unset and root/.jupyter
// exists, JUPYTER_DATA_DIR=root/.jupyter.
func Environ(root string, env []string) []string {
	out := make([]string, 0, len(env)+2)
	path, hasData := "", false
	for _, kv := range env {
		switch {
		case strings.HasPrefix(kv, "PATH="):
			path = strings.TrimPrefix(kv, "PATH=")
			continue
		case strings.HasPrefix(kv, "JUPYTER_DATA_DIR="):
			hasData = kv != "JUPYTER_DATA_DIR="
		}
		out = append(out, kv)
	}
	out = append(out, "PATH="+filepath.Join(root, "bin")+string(filepath.ListSeparator)+path)
	if !hasData {
		if st, err := os.Stat(filepath.Join(root, ".jupyter")); err == nil && st.IsDir() {
			out = append(out, "JUPYTER_DATA_DIR="+filepath.Join(root, ".jupyter"))
		}
	}
	return out
}
