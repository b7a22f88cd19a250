package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFixtures executes the failing fixtures in notebooks/testdata with Jupyter and a GoNB kernel built
// from the pinned go.mod, and checks that each fails naming the notebook, the cell and the error, and
// that the passing fixture passes. It needs Jupyter (jupyter nbconvert + jupyter_client); CI installs
// it. It takes ~35 s on two quiet cores (each notebook starts a kernel and compiles its cells; the budget
// fixture runs for its 30 s budget).
func TestFixtures(t *testing.T) {
	if _, err := exec.LookPath("jupyter"); err != nil {
		t.Skip("jupyter is not installed, so the notebook fixtures cannot be executed; install it with " +
			"`apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client` (make setup does)")
	}
	if testing.Short() {
		t.Skip("executing notebooks takes ~30 s; skipped with -short")
	}
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}

	// A kernel of our own, from the pinned go.mod, registered in a scratch JUPYTER_DATA_DIR.
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	for _, tool := range []string{"github.com/janpfeifer/gonb", "golang.org/x/tools/cmd/goimports"} {
		cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), tool)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", tool, err, out)
		}
	}
	env := append(os.Environ(), "JUPYTER_DATA_DIR="+filepath.Join(tmp, "jupyter"), "PATH="+bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
	install := exec.Command(filepath.Join(bin, "gonb"), "--install", "--force_deps")
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("registering the GoNB kernel: %v\n%s", err, out)
	}
	jupyter, err := Preflight(env)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Root: root, OutDir: filepath.Join(tmp, "reports"), CellTimeout: 2 * time.Minute, Budget: 3 * time.Minute,
		HTML: true, Env: env, Jupyter: jupyter}

	tests := []struct {
		fixture string
		cell    int
		kind    string
		line    string // a line of the error message
	}{
		// The slow ones first: they run while the others share the remaining slots.
		{"budget", 3, "running when the budget ran out", ""},
		{"hang", 3, "timeout", "signal: interrupt"},
		{"compile-error", 4, "compile error", "undefined: undefinedName"},
		{"panic", 3, "panic", "panic: runtime error: index out of range [3] with length 0"},
		{"shell-fail", 3, "shell command failed", "exit status 2"},
		{"test-fail", 3, "test failed", "--- FAIL: TestArithmetic"},
		{"ok", 0, "", ""},
	}
	results := make([]*Result, len(tests))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3) // kernels mostly wait on the compiler and timeouts: 3 at a time on 2 cores
	for i, tc := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = r.Run("notebooks/testdata/" + tc.fixture + ".ipynb")
		}()
	}
	wg.Wait()

	for i, tc := range tests {
		res := results[i]
		t.Run(tc.fixture, func(t *testing.T) {
			msgs := strings.Join(res.Messages(), "\n")
			t.Logf("%s in %v:\n%s", res.Status, res.Duration.Round(time.Millisecond), msgs)
			if tc.cell == 0 {
				if res.Status != StatusPassed {
					t.Fatalf("status %s, want passed: %s", res.Status, msgs)
				}
				if _, err := os.Stat(filepath.Join(r.OutDir, res.HTML)); err != nil {
					t.Errorf("no HTML report: %v", err)
				}
				return
			}
			if res.Status != StatusFailed {
				t.Fatalf("status %s, want failed", res.Status)
			}
			var f *Failure
			for k := range res.Failures {
				if res.Failures[k].Cell == tc.cell {
					f = &res.Failures[k]
				}
			}
			if f == nil {
				t.Fatalf("no failure names cell %d", tc.cell)
			}
			if !strings.HasPrefix(f.Kind, tc.kind) {
				t.Errorf("kind %q, want %q", f.Kind, tc.kind)
			}
			if tc.line != "" && !strings.Contains(strings.Join(f.Lines, "\n"), tc.line) {
				t.Errorf("error lines %q lack %q", f.Lines, tc.line)
			}
			want := "notebooks/testdata/" + tc.fixture + ".ipynb: cell " + strconv.Itoa(tc.cell) + " ("
			if !strings.Contains(msgs, want) {
				t.Errorf("message does not start with %q:\n%s", want, msgs)
			}
			if tc.fixture != "budget" && res.HTML == "" {
				t.Errorf("a failed notebook still gets its HTML report")
			}
		})
	}

	ix := &Index{Generated: time.Now(), Command: "TestFixtures", Results: results}
	if err := WriteIndex(r.OutDir, ix); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(r.OutDir, "index.html"))
	if !strings.Contains(string(b), `<a href="testdata/ok.html">Fixture: a notebook that passes</a>`) || !strings.Contains(string(b), "1 passed, 6 failed") {
		t.Errorf("index.html does not list the fixtures with their status")
	}
}
