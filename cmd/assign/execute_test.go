package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// kernel is a GoNB kernel of our own, from the pinned go.mod, registered in a scratch JUPYTER_DATA_DIR: built
// once per test binary.
var kernel struct {
	once    sync.Once
	dir     string
	env     []string
	jupyter string
	err     string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if kernel.dir != "" {
		_ = os.RemoveAll(kernel.dir)
	}
	os.Exit(code)
}

// needKernel skips the test when Jupyter is missing or with -short, and returns an Executor.
func needKernel(t *testing.T) (Executor, string) {
	t.Helper()
	if _, err := exec.LookPath("jupyter"); err != nil {
		t.Skip("jupyter is not installed, so the assignments cannot be executed; install it with " +
			"`apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client` (make setup does)")
	}
	if testing.Short() {
		t.Skip("executing the assignment notebooks takes about two minutes; skipped with -short")
	}
	root, err := notebook.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	kernel.once.Do(func() {
		dir, err := os.MkdirTemp("", "assign-kernel-")
		if err != nil {
			kernel.err = err.Error()
			return
		}
		kernel.dir = dir
		bin := filepath.Join(dir, "bin")
		for _, tool := range []string{"github.com/janpfeifer/gonb", "golang.org/x/tools/cmd/goimports"} {
			cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), tool)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				kernel.err = "building " + tool + ": " + err.Error() + "\n" + string(out)
				return
			}
		}
		env := append(os.Environ(), "JUPYTER_DATA_DIR="+filepath.Join(dir, "jupyter"),
			"PATH="+bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
		install := exec.Command(filepath.Join(bin, "gonb"), "--install", "--force_deps")
		install.Env = env
		if out, err := install.CombinedOutput(); err != nil {
			kernel.err = "registering the GoNB kernel: " + err.Error() + "\n" + string(out)
			return
		}
		kernel.env = env
		kernel.jupyter, _ = exec.LookPath("jupyter")
	})
	if kernel.err != "" {
		t.Fatal(kernel.err)
	}
	return jupyterExecutor(notebook.Executor{Jupyter: kernel.jupyter, Env: kernel.env}), root
}

// edit replaces old by new in the source of the cell with the given id (old must be there).
func edit(t *testing.T, d *notebook.Doc, id, old, new string) {
	t.Helper()
	for _, c := range d.Cells {
		if c.ID() == id {
			src := c.Source()
			if !strings.Contains(src, old) {
				t.Fatalf("cell %q does not contain %q", id, old)
			}
			c.SetSource(strings.Replace(src, old, new, 1))
			return
		}
	}
	t.Fatalf("no cell %q", id)
}

func deleteCell(t *testing.T, d *notebook.Doc, id string) {
	t.Helper()
	for i, c := range d.Cells {
		if c.ID() == id {
			d.Cells = append(d.Cells[:i], d.Cells[i+1:]...)
			return
		}
	}
	t.Fatalf("no cell %q", id)
}

// scenario is one submission to grade and what the report must say.
type scenario struct {
	name       string
	assignment string                                // file in notebooks/assignments
	make       func(*testing.T, *Spec) *notebook.Doc // the submission
	// fail maps each test expected to fail to the kind of its failure; every other test must pass, and the
	// score must be the maximum less exactly the points of these tests.
	fail map[string]string
	// allFail: every test fails with this kind (the student version).
	allFail string
	// note is a substring one of the report's notes must contain.
	note string
	// cell is a cell problem "id: kind" the report must list.
	cell string
	// feedback maps a test to a substring its feedback must contain.
	feedback map[string]string
}

func instructorVersion(t *testing.T, s *Spec) *notebook.Doc { return s.Doc.Clone() }

func studentVersion(t *testing.T, s *Spec) *notebook.Doc {
	st, err := StudentVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestGradeAssignments executes every assignment with Jupyter and the GoNB kernel as the grader does: the
// instructor version scores full marks, the student version compiles, runs and scores zero with "not
// implemented" feedback on every test, and submissions with a wrong answer, a compile error, a panic, an endless
// loop, a deadlock or a deleted cell lose exactly the points of the tests they fail, within the time limits. Every
// assignment has a submission with a wrong answer, a hang and a panic in different exercises.
func TestGradeAssignments(t *testing.T) {
	exe, root := needKernel(t)
	lim := Limits{Cell: 45 * time.Second, Test: 8 * time.Second, Budget: 4 * time.Minute}
	scenarios := []scenario{
		{
			// One stream for all trajectories (a wrong answer), an endless loop in KramersTime (the tests that call
			// it hit their time limit, the cell that draws the chart its per-cell timeout) and a panic in ExactTime.
			name: "a2 wrong answer, hang and panic", assignment: "a2-kramers-escape.ipynb",
			make: func(t *testing.T, s *Spec) *notebook.Doc {
				d := s.Doc.Clone()
				edit(t, d, "ex2-code", "	for i := range n {\n		rng := rand.New(rand.NewPCG(seed, uint64(i)))",
					"	rng := rand.New(rand.NewPCG(seed, 0))\n	for i := range n {")
				edit(t, d, "ex1-code", "return 2 * math.Pi", "for {\n	}\n	return 2 * math.Pi")
				edit(t, d, "ex3-code", "tau, err := theory.MFPT1D", "var xs []float64\n	_ = xs[3]\n	tau, err := theory.MFPT1D")
				return d
			},
			fail: map[string]string{"TestEscapeTimesStreamsHidden": KindFailed,
				"TestKramersTimeValue": KindTimeout, "TestKramersTimeHidden": KindTimeout,
				"TestExactTimeRough": KindPanic, "TestExactTimeHidden": KindPanic},
			feedback: map[string]string{
				"TestKramersTimeValue": "it was running KramersTime",
				"TestExactTimeRough":   "in ExactTime",
			},
			cell: "compare-run: " + KindTimeout,
		},
		{
			// A panic in RunSGD (the iterates appended to a slice of length 0 by index), which also stops the cell
			// that draws the cloud before it runs long, and an endless loop in StationaryVariance (a fixed-point
			// iteration that never updates its variable): Exercise 1 keeps its points.
			name: "a1 hang and panic", assignment: "a1-sgd-noise.ipynb",
			make: func(t *testing.T, s *Spec) *notebook.Doc {
				d := s.Doc.Clone()
				edit(t, d, "ex2-code", "out := make([][]float64, steps)\n\tfor s := range out {",
					"out := make([][]float64, 0, steps)\n\tfor s := range steps {")
				edit(t, d, "ex3-code", "return eta / (float64(B) * (2 - eta*h))",
					"v := 0.0\n\tfor v != (1-eta*h)*(1-eta*h)*v+eta*eta*h/float64(B) {\n\t\t// v = … forgotten\n\t}\n\treturn eta / (float64(B) * (2 - eta*h))")
				return d
			},
			fail: map[string]string{"TestRunSGDBasics": KindPanic, "TestRunSGDStationaryHidden": KindPanic,
				"TestStationaryVarianceLimit": KindTimeout, "TestStationaryVarianceHidden": KindTimeout},
			feedback: map[string]string{
				"TestRunSGDBasics":             "in RunSGD",
				"TestRunSGDStationaryHidden":   "index out of range",
				"TestStationaryVarianceLimit":  "it was running StationaryVariance",
				"TestStationaryVarianceHidden": "within its time limit of 8s",
			},
			cell: "cloud-run: " + KindPanic,
		},
		{
			// A wrong answer in Exercise 1 (the chain rule's factor √k forgotten: the public check at k = 1 and at the
			// minimum still passes, the hidden central differences do not), a panic in Exercise 2 (NegLogRates fills
			// a nil slice by index; the sweep cell calls it before FitLine, so it panics instead of hanging) and a
			// deadlock in Exercise 3 (FitLine sends on an unbuffered channel nobody receives from: a hang that, unlike
			// a2's endless loop, parks the goroutine instead of spinning, and costs no CPU while it waits).
			// TestFitLineHidden calls FitLine before NegLogRates, so it times out rather than panics.
			name: "a3 wrong answer, hang and panic", assignment: "a3-flat-minima.ipynb",
			make: func(t *testing.T, s *Spec) *notebook.Doc {
				d := s.Doc.Clone()
				edit(t, d, "ex1-code", "return sk * Grad(sk*theta)", "return Grad(sk*theta)")
				edit(t, d, "ex2-code", "for _, k := range ks {\n\t\tsgd = append(sgd, LogTau(k, eta*k*ha/(2*batch)))",
					"for i, k := range ks {\n\t\tsgd[i] = LogTau(k, eta*k*ha/(2*batch))")
				edit(t, d, "ex3-code", "f, err := stats.LinearFit(x, y, nil)",
					"n := make(chan int)\n\tn <- len(x) // unbuffered, and nobody receives\n\tf, err := stats.LinearFit(x, y, nil)")
				return d
			},
			fail: map[string]string{"TestScaledGradHidden": KindFailed,
				"TestNegLogRatesBasics": KindPanic, "TestLogTauHidden": KindPanic,
				"TestFitLineExact": KindTimeout, "TestFitLineHidden": KindTimeout},
			feedback: map[string]string{
				"TestScaledGradHidden":  "central difference",
				"TestNegLogRatesBasics": "in NegLogRates",
				"TestLogTauHidden":      "index out of range [0] with length 0",
				"TestFitLineExact":      "it was running FitLine",
				"TestFitLineHidden":     "it was running FitLine",
			},
			cell: "sweep-run: " + KindPanic,
		},
		{name: "a1 instructor", assignment: "a1-sgd-noise.ipynb", make: instructorVersion},
		{name: "a2 instructor", assignment: "a2-kramers-escape.ipynb", make: instructorVersion},
		{name: "a3 instructor", assignment: "a3-flat-minima.ipynb", make: instructorVersion},
		{name: "a1 student", assignment: "a1-sgd-noise.ipynb", make: studentVersion, allFail: KindNotImplemented},
		{name: "a2 student", assignment: "a2-kramers-escape.ipynb", make: studentVersion, allFail: KindNotImplemented},
		{name: "a3 student", assignment: "a3-flat-minima.ipynb", make: studentVersion, allFail: KindNotImplemented},
		{
			// A wrong answer (the mean is not subtracted), a deleted cell (RunSGD's) and a cell that does not
			// compile (int times float64).
			name: "a1 wrong answer, deleted cell and compile error", assignment: "a1-sgd-noise.ipynb",
			make: func(t *testing.T, s *Spec) *notebook.Doc {
				d := s.Doc.Clone()
				edit(t, d, "ex1-code", "s += (g[i] - mean[i]) * (g[k] - mean[k])", "s += g[i] * g[k]")
				deleteCell(t, d, "ex2-code")
				edit(t, d, "ex3-code", "return eta / (float64(B) * (2 - eta*h))", "return eta / (B * (2 - eta*h))")
				return d
			},
			fail: map[string]string{"TestNoiseCovarianceHidden": KindFailed,
				"TestRunSGDBasics": KindNotImplemented, "TestRunSGDStationaryHidden": KindNotImplemented,
				"TestStationaryVarianceLimit": KindCompile, "TestStationaryVarianceHidden": KindCompile},
			cell: "ex3-code: " + KindCompile,
			note: `cell "ex2-code" (defines RunSGD) was deleted`,
			feedback: map[string]string{
				"TestNoiseCovarianceHidden":   "mean subtracted?",
				"TestStationaryVarianceLimit": `StationaryVariance is undefined because its cell "ex3-code" does not compile: invalid operation`,
			},
		},
	}

	dir := t.TempDir()
	reports := make([]*Report, len(scenarios))
	specs := make([]*Spec, len(scenarios))
	var wg sync.WaitGroup
	// Kernels mostly wait on the compiler and on timeouts: 3 at a time on 2 cores, the scenarios with hangs (the
	// longest) listed first.
	sem := make(chan struct{}, 3)
	start := time.Now()
	for i, sc := range scenarios {
		s, err := loadSpec(filepath.Join(root, "notebooks", "assignments", sc.assignment))
		if err != nil {
			t.Fatal(err)
		}
		specs[i] = s
		sub := filepath.Join(dir, strings.ReplaceAll(sc.name, " ", "-")+".ipynb")
		if err := sc.make(t, s).Write(sub); err != nil {
			t.Fatal(err)
		}
		g := &Grader{Spec: s, Name: sc.assignment, Root: root, Limits: lim, Exec: exe}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			reports[i] = g.Grade(sub)
		}()
	}
	wg.Wait()
	t.Logf("graded %d submissions in %v", len(scenarios), time.Since(start).Round(time.Second))

	for i, sc := range scenarios {
		r, s := reports[i], specs[i]
		t.Run(sc.name, func(t *testing.T) {
			t.Logf("%s", r.Summary())
			if want := s.MaxScore(); r.MaxScore != want {
				t.Errorf("max score %g, want %g", r.MaxScore, want)
			}
			if len(r.Tests) != len(s.Tests()) {
				t.Fatalf("%d test results, want %d", len(r.Tests), len(s.Tests()))
			}
			want := s.MaxScore()
			for _, tr := range r.Tests {
				kind, shouldFail := sc.fail[tr.Name]
				if sc.allFail != "" {
					kind, shouldFail = sc.allFail, true
				}
				switch {
				case shouldFail && tr.Status != Failed:
					t.Errorf("%s passed, want it to fail (%s)", tr.Name, kind)
				case shouldFail && tr.Kind != kind:
					t.Errorf("%s failed as %q, want %q: %v", tr.Name, tr.Kind, kind, tr.Feedback)
				case shouldFail && len(tr.Feedback) == 0:
					t.Errorf("%s failed without feedback", tr.Name)
				case !shouldFail && tr.Status != Passed:
					t.Errorf("%s failed (%s: %v), want it to pass", tr.Name, tr.Kind, tr.Feedback)
				}
				if shouldFail {
					want -= tr.Max
					if tr.Points != 0 {
						t.Errorf("%s failed but earned %g points", tr.Name, tr.Points)
					}
				}
				if sub, ok := sc.feedback[tr.Name]; ok && !strings.Contains(strings.Join(tr.Feedback, "\n"), sub) {
					t.Errorf("%s: feedback %q lacks %q", tr.Name, tr.Feedback, sub)
				}
				if kind == KindNotImplemented && shouldFail && !strings.Contains(strings.Join(tr.Feedback, " "), `"not implemented"`) {
					t.Errorf("%s: feedback %q does not say \"not implemented\"", tr.Name, tr.Feedback)
				}
			}
			if r.Score != want {
				t.Errorf("score %g, want %g (the maximum %g less exactly the points of the failing tests)", r.Score, want, s.MaxScore())
			}
			if sc.note != "" && !strings.Contains(strings.Join(r.Notes, "\n"), sc.note) {
				t.Errorf("no note says %q: %q", sc.note, r.Notes)
			}
			if sc.cell != "" {
				var got []string
				for _, c := range r.Cells {
					got = append(got, c.Cell+": "+c.Kind)
				}
				sort.Strings(got)
				found := false
				for _, g := range got {
					found = found || g == sc.cell
				}
				if !found {
					t.Errorf("cell problems %q lack %q", got, sc.cell)
				}
			}
			// Within the time limits: a hang costs at most one cell timeout plus one test limit per test.
			if limit := (2*lim.Cell + time.Duration(len(r.Tests))*lim.Test + 2*time.Minute).Seconds(); r.Seconds > limit {
				t.Errorf("grading took %.0f s, more than the limits allow (%.0f s)", r.Seconds, limit)
			}
		})
	}
}
