package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/datasets"
)

// notebookJSON builds a notebook whose code cells have the given outputs (JSON lists), after the
// standard first cell.
func notebookJSON(t *testing.T, cells ...string) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(NewNotebook("test"), &doc); err != nil {
		t.Fatal(err)
	}
	list := doc["cells"].([]any)[:2] // first cell, title
	for _, outs := range cells {
		var o []any
		if err := json.Unmarshal([]byte(outs), &o); err != nil {
			t.Fatalf("bad outputs %s: %v", outs, err)
		}
		list = append(list, map[string]any{"cell_type": "code", "metadata": map[string]any{}, "source": "%%\nwork()", "outputs": o, "execution_count": 1})
	}
	doc["cells"] = list
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parse(t *testing.T, b []byte) *Notebook {
	t.Helper()
	nb, err := ParseNotebook("test.ipynb", b)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

const compileErrorHTML = `{"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<style>\n.gonb-err-location {}\n</style>\n",
 "<div class=\"jp-RenderedText\" data-mime-type=\"application/vnd.jupyter.stderr\">\n<div style=\"white-space: pre-wrap;\"> # gonb_1</div>\n",
 "<div><span class=\"gonb-err-hover-area\"><span class=\"gonb-cell-line-info\">Cell[3]: Line 2</span> <span class=\"gonb-err-location\">./main.go:11:13: </span></span>undefined: undefinedName &amp; more<div class=\"gonb-err-context\">\nfunc main() {\n<div class=\"gonb-err-line\">fmt.Println(undefinedName)\n</div>\n}\n</div></div>\n</div>"]}}`

func TestScanOutputs(t *testing.T) {
	tests := []struct {
		name    string
		outputs string
		kind    string // "" means: no failure
		line    string // a line the failure must contain
	}{
		{"clean", `[{"output_type":"stream","name":"stdout","text":"ok\n"}]`, "", ""},
		{"stderr warning", `[{"output_type":"stream","name":"stderr","text":["warning: slow\n","exit status is fine\n"]}]`, "", ""},
		{"image", `[{"output_type":"display_data","metadata":{},"data":{"image/png":"iVBOR","text/html":"<b>chart</b>"}}]`, "", ""},
		{"test pass", `[{"output_type":"stream","name":"stdout","text":"=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n"}]`, "", ""},
		{"error output", `[{"output_type":"error","ename":"ERROR","evalue":"boom","traceback":["\u001b[31mboom\u001b[0m at line 3"]}]`, "error", "boom at line 3"},
		{"panic", `[{"output_type":"stream","name":"stderr","text":"panic: runtime error: index out of range [3] with length 0\n\ngoroutine 1 [running]:\nexit status 2\n"},{"output_type":"error","ename":"ERROR","evalue":"exit status 2","traceback":[]}]`, "panic", "panic: runtime error: index out of range [3] with length 0"},
		{"fatal error", `[{"output_type":"stream","name":"stderr","text":"fatal error: all goroutines are asleep - deadlock!\n"}]`, "panic", "fatal error: all goroutines are asleep - deadlock!"},
		{"failing shell", `[{"output_type":"stream","name":"stderr","text":"ls: cannot access 'x': No such file or directory\nexit status 2\n"},{"output_type":"stream","name":"stdout","text":"next line ran\n"}]`, "shell command failed", "ls: cannot access 'x': No such file or directory"},
		{"failing test", `[{"output_type":"stream","name":"stdout","text":"=== RUN   TestA\n    main_test.go:8: 1+1 = 2, want 3\n--- FAIL: TestA (0.00s)\nFAIL\n"},{"output_type":"stream","name":"stderr","text":"exit status 1\n"}]`, "test failed", "main_test.go:8: 1+1 = 2, want 3"},
		{"timeout", `[{"output_type":"stream","name":"stdout","text":"sleeping\n"},{"output_type":"stream","name":"stderr","text":"signal: interrupt\n"},{"output_type":"error","ename":"ERROR","evalue":"signal: interrupt","traceback":["signal: interrupt"]}]`, "timeout", "signal: interrupt"},
		{"killed", `[{"output_type":"stream","name":"stderr","text":"signal: killed\n"}]`, "killed", "signal: killed"},
		{"compile error", "[" + compileErrorHTML + `,{"output_type":"error","ename":"ERROR","evalue":"failed to run \"go build\": exit status 1","traceback":[]}]`, "compile error", "Cell[3]: Line 2 ./main.go:11:13: undefined: undefinedName & more"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := parse(t, notebookJSON(t, `[]`, tc.outputs))
			fs := ScanOutputs(nb)
			if tc.kind == "" {
				if len(fs) != 0 {
					t.Fatalf("false alarm: %v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("got %d failures %v, want 1", len(fs), fs)
			}
			f := fs[0]
			if f.Cell != 4 {
				t.Errorf("cell = %d, want 4 (first cell, title, empty code cell, this one)", f.Cell)
			}
			if !strings.HasPrefix(f.Kind, tc.kind) {
				t.Errorf("kind = %q, want prefix %q", f.Kind, tc.kind)
			}
			if !containsLine(f.Lines, tc.line) {
				t.Errorf("lines %q do not contain %q", f.Lines, tc.line)
			}
			if strings.Contains(strings.Join(f.Lines, "\n"), "gonb-err-context") || strings.Contains(strings.Join(f.Lines, "\n"), "func main") {
				t.Errorf("HTML or hidden context leaked into the message: %q", f.Lines)
			}
			if s := f.String(); !strings.Contains(s, "cell 4 (In [1]: work()): "+f.Kind) {
				t.Errorf("message %q does not name the cell and its source", s)
			}
		})
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

func TestScanKeepsFirstLines(t *testing.T) {
	var long strings.Builder
	long.WriteString("panic: deep\n")
	for i := 0; i < 50; i++ {
		long.WriteString("frame\n")
	}
	b, _ := json.Marshal(long.String())
	nb := parse(t, notebookJSON(t, `[{"output_type":"stream","name":"stderr","text":`+string(b)+`}]`))
	fs := ScanOutputs(nb)
	if len(fs) != 1 || len(fs[0].Lines) != maxLines+1 || fs[0].Lines[0] != "panic: deep" {
		t.Fatalf("want the first %d lines and an ellipsis, got %q", maxLines, fs)
	}
}

func TestCheckCommitted(t *testing.T) {
	if ps := CheckCommitted(parse(t, NewNotebook("fresh"))); len(ps) != 0 {
		t.Fatalf("a new notebook is not in the committed form: %v", ps)
	}
	withOutputs := parse(t, notebookJSON(t, `[]`, `[{"output_type":"stream","name":"stdout","text":"x"}]`))
	ps := CheckCommitted(withOutputs)
	if len(ps) != 1 || ps[0].Cell != 3 || !strings.Contains(ps[0].Message, "outputs are committed (2 cell(s))") || !strings.Contains(ps[0].Message, "nbrun clean") {
		t.Errorf("outputs committed: got %v", ps)
	}

	var doc map[string]any
	_ = json.Unmarshal(NewNotebook("x"), &doc)
	doc["metadata"].(map[string]any)["kernelspec"] = map[string]any{"name": "python3"}
	cells := doc["cells"].([]any)
	cells[0].(map[string]any)["source"] = "!*go mod edit -replace x=../"
	b, _ := json.Marshal(doc)
	ps = CheckCommitted(parse(t, b))
	if len(ps) != 2 || !strings.Contains(ps[0].String(), `kernelspec is "python3", want "gonb"`) || !strings.Contains(ps[1].String(), "cell 1: the first cell is not the standard first cell") {
		t.Errorf("wrong kernel and first cell: got %v", ps)
	}

	// Trailing spaces and a trailing newline in the first cell are not a difference.
	cells[0].(map[string]any)["source"] = strings.ReplaceAll(FirstCell, "\n", "  \n") + "\n"
	doc["metadata"].(map[string]any)["kernelspec"] = map[string]any{"name": "gonb"}
	b, _ = json.Marshal(doc)
	if ps := CheckCommitted(parse(t, b)); len(ps) != 0 {
		t.Errorf("whitespace-only changes rejected: %v", ps)
	}
}

func TestClean(t *testing.T) {
	in := notebookJSON(t, `[{"output_type":"stream","name":"stdout","text":"<b>x</b> é"}]`)
	// Add metadata that must survive, and timings that must not.
	var doc map[string]any
	_ = json.Unmarshal(in, &doc)
	doc["metadata"].(map[string]any)["ddt"] = map[string]any{"datasets": []any{"mnist"}, "weight": 1.25e-7}
	cell := doc["cells"].([]any)[2].(map[string]any)
	cell["metadata"] = map[string]any{"execution": map[string]any{"iopub.execute_input": "t"}, "tags": []any{"keep"}}
	in, _ = json.Marshal(doc)

	out, changed, err := Clean(in)
	if err != nil || !changed {
		t.Fatalf("Clean: changed=%v err=%v", changed, err)
	}
	nb := parse(t, out)
	if ps := CheckCommitted(nb); len(ps) != 0 {
		t.Errorf("cleaned notebook not in committed form: %v", ps)
	}
	if got := nb.Metadata.DDT.Datasets; len(got) != 1 || got[0] != "mnist" {
		t.Errorf("metadata lost: %v", got)
	}
	s := string(out)
	for _, want := range []string{`"weight": 1.25e-7`, `"tags": [`, "\n \"cells\": [\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("cleaned JSON lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "execute_input") || strings.Contains(s, `\u003c`) {
		t.Errorf("timings kept or HTML escaped:\n%s", s)
	}
	again, changed, err := Clean(out)
	if err != nil || changed || !bytes.Equal(again, out) {
		t.Errorf("Clean is not idempotent (changed=%v, err=%v)", changed, err)
	}
	if _, _, err := Clean([]byte(`{"cells": 3}`)); err == nil {
		t.Error("Clean accepted a notebook without a cell list")
	}
}

func TestNotebookMetadata(t *testing.T) {
	var doc map[string]any
	_ = json.Unmarshal(NewNotebook("My title"), &doc)
	doc["metadata"].(map[string]any)["ddt"] = map[string]any{"cell_timeout": "90s", "budget": "nonsense"}
	b, _ := json.Marshal(doc)
	nb := parse(t, b)
	if nb.Title() != "My title" {
		t.Errorf("title = %q", nb.Title())
	}
	if _, _, err := nb.Durations(time.Minute, time.Hour); err == nil || !strings.Contains(err.Error(), `ddt.budget = "nonsense"`) {
		t.Errorf("bad budget accepted: %v", err)
	}
	nb.Metadata.DDT.Budget = ""
	ct, bud, err := nb.Durations(time.Minute, time.Hour)
	if err != nil || ct != 90*time.Second || bud != time.Hour {
		t.Errorf("durations = %v, %v, %v; want 1m30s, 1h0m0s, nil", ct, bud, err)
	}
	if _, err := ParseNotebook("x.ipynb", []byte(`{"nbformat": 3, "cells": []}`)); err == nil {
		t.Error("nbformat 3 accepted")
	}
	if _, err := ReadNotebook(filepath.Join(t.TempDir(), "missing.ipynb")); err == nil || !strings.Contains(err.Error(), "no such notebook") {
		t.Errorf("missing notebook: %v", err)
	}
}

func TestRenderIndex(t *testing.T) {
	ix := &Index{Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Command: "nbrun", Results: []*Result{
		{Path: "notebooks/00-quickstart.ipynb", Title: "Quickstart", Status: StatusPassed, Duration: 12300 * time.Millisecond, CellTimeout: time.Minute, Budget: 10 * time.Minute, HTML: "00-quickstart.html", SlowestCell: 5, SlowestTime: 3 * time.Second},
		{Path: "notebooks/01-bad.ipynb", Status: StatusFailed, Duration: 2 * time.Second, Failures: []Failure{{Cell: 3, Exec: 2, Kind: "panic", Source: "x()", Lines: []string{"panic: <script>alert(1)</script>"}}}, Log: "01-bad.log"},
		{Path: "notebooks/02-mnist.ipynb", Status: StatusSkipped, Reason: "needs data set(s) mnist", Fetch: "go run ./cmd/fetch-data mnist"},
	}}
	b, err := RenderIndex(ix)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		`<a href="00-quickstart.html">Quickstart</a>`, `class="status passed">passed`, "12.3s", "slowest: cell 5, 3.0s",
		`class="status failed">failed`, "cell 3 (In [2]: x()): panic", "&lt;script&gt;", `<a href="01-bad.log">log</a>`,
		`class="status skipped">skipped`, "needs data set(s) mnist", "<code>go run ./cmd/fetch-data mnist</code>",
		"1 passed, 1 failed, 0 invalid, 1 skipped",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(s, "<script>") {
		t.Error("index does not escape error text")
	}
	dir := t.TempDir()
	if err := WriteIndex(dir, ix); err != nil {
		t.Fatal(err)
	}
	var back Index
	j, _ := os.ReadFile(filepath.Join(dir, "index.json"))
	if err := json.Unmarshal(j, &back); err != nil || len(back.Results) != 3 || back.Results[1].Failures[0].Cell != 3 {
		t.Errorf("index.json does not round-trip: %v", err)
	}
}

// tree makes a fake working tree with notebooks, and returns its root.
func tree(t *testing.T, files ...string) string {
	t.Helper()
	root := t.TempDir()
	write := func(p string, b []byte) {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module "+ModulePath+"\n\ngo 1.26\n"))
	for _, f := range files {
		write(f, NewNotebook(f))
	}
	return root
}

func TestSelect(t *testing.T) {
	root := tree(t, "notebooks/00-a.ipynb", "notebooks/01-b.ipynb", "notebooks/assignments/a1.ipynb",
		"notebooks/testdata/panic.ipynb", "notebooks/.ipynb_checkpoints/00-a-checkpoint.ipynb")
	t.Chdir(root)
	got, err := Select(root, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "notebooks/00-a.ipynb notebooks/01-b.ipynb notebooks/assignments/a1.ipynb"
	if strings.Join(got, " ") != want {
		t.Errorf("default selection = %v, want %s (no testdata, no checkpoints)", got, want)
	}
	if got := WithoutAssignments(got); strings.Join(got, " ") != "notebooks/00-a.ipynb notebooks/01-b.ipynb" {
		t.Errorf("report selection = %v, want no assignments (their instructor versions hold the solutions)", got)
	}
	if got, _ := Select(root, nil, "01-"); strings.Join(got, " ") != "notebooks/01-b.ipynb" {
		t.Errorf("-run 01- = %v", got)
	}
	if got, _ := Select(root, []string{"notebooks/testdata"}, ""); strings.Join(got, " ") != "notebooks/testdata/panic.ipynb" {
		t.Errorf("explicit testdata folder = %v", got)
	}
	t.Chdir(filepath.Join(root, "notebooks"))
	if got, _ := Select(root, []string{"00-a.ipynb"}, ""); strings.Join(got, " ") != "notebooks/00-a.ipynb" {
		t.Errorf("path relative to the current folder = %v", got)
	}
	for _, c := range []struct {
		args         []string
		pattern, msg string
	}{
		{[]string{"nope.ipynb"}, "", "nope.ipynb: no such notebook or folder"},
		{nil, "zzz", `no notebook matches -run "zzz"`},
		{nil, "(", "-run \"(\""},
		{[]string{"../go.mod"}, "", "not a notebook"},
	} {
		if _, err := Select(root, c.args, c.pattern); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Select(%v, %q) error = %v, want %q", c.args, c.pattern, err, c.msg)
		}
	}
}

func TestCheckData(t *testing.T) {
	mirror := t.TempDir()
	cache := t.TempDir()
	banknote, err := datasets.Lookup("banknote")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range banknote.Files {
		p := filepath.Join(mirror, banknote.Folder, f.Name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		_ = os.WriteFile(p, []byte("1"), 0o644)
	}
	_ = os.MkdirAll(filepath.Join(cache, "mnist"), 0o755) // empty: not there

	st, reason, fetch := checkData([]string{"mnist", "avila"}, []string{"DDT_DATA_CACHE=" + cache})
	if st != StatusSkipped || !strings.Contains(reason, "avila, mnist") || fetch != FetchDataCommand+" avila mnist" {
		t.Errorf("no data, no mirror: %q %q %q", st, reason, fetch)
	}
	st, reason, _ = checkData([]string{"banknote", "mnist"}, []string{"DDT_DATA_CACHE=" + cache, "DDT_DATA_MIRROR=" + mirror})
	if st != StatusFailed || !strings.Contains(reason, "DDT_DATA_MIRROR is set") || strings.Contains(reason, "banknote") {
		t.Errorf("mirror without mnist: %q %q", st, reason)
	}
	if st, _, _ := checkData([]string{"banknote"}, []string{"DDT_DATA_CACHE=" + cache, "DDT_DATA_MIRROR=" + mirror}); st != "" {
		t.Errorf("banknote is in the mirror, status %q", st)
	}
	if st, reason, _ := checkData([]string{"no-such-data-set"}, nil); st != StatusInvalid || !strings.Contains(reason, "not a data set (known: ") {
		t.Errorf("unknown data set: %q %q", st, reason)
	}
}

func TestRunWithoutExecuting(t *testing.T) {
	root := tree(t, "notebooks/00-a.ipynb", "notebooks/01-data.ipynb", "notebooks/02-out.ipynb")
	set := func(p string, edit func(doc map[string]any)) {
		full := filepath.Join(root, p)
		var doc map[string]any
		b, _ := os.ReadFile(full)
		_ = json.Unmarshal(b, &doc)
		edit(doc)
		b, _ = json.Marshal(doc)
		_ = os.WriteFile(full, b, 0o644)
	}
	set("notebooks/01-data.ipynb", func(doc map[string]any) {
		doc["metadata"].(map[string]any)["ddt"] = map[string]any{"datasets": []any{"mnist"}}
	})
	set("notebooks/02-out.ipynb", func(doc map[string]any) {
		c := doc["cells"].([]any)[2].(map[string]any)
		c["outputs"] = []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "hello"}}
		c["execution_count"] = 1
	})
	r := &Runner{Root: root, OutDir: filepath.Join(root, "reports"), CellTimeout: time.Minute, Budget: time.Minute,
		Env: []string{"DDT_DATA_CACHE=" + t.TempDir()}, Jupyter: "/nonexistent/jupyter"}
	res := r.Run("notebooks/01-data.ipynb")
	if res.Status != StatusSkipped || res.Fetch != FetchDataCommand+" mnist" {
		t.Errorf("data missing: %+v", res)
	}
	res = r.Run("notebooks/02-out.ipynb")
	if res.Status != StatusInvalid || !strings.Contains(strings.Join(res.Messages(), "\n"),
		"notebooks/02-out.ipynb: cell 3: outputs are committed (1 cell(s)); strip them with `go run ./cmd/nbrun clean notebooks/02-out.ipynb`") {
		t.Errorf("outputs committed: %+v", res.Messages())
	}
	res = r.Run("notebooks/nope.ipynb")
	if res.Status != StatusInvalid || res.Reason != "no such notebook" {
		t.Errorf("missing notebook: %+v", res)
	}
}

func TestPreflight(t *testing.T) {
	empty := t.TempDir()
	_, err := Preflight([]string{"PATH=" + empty})
	if err == nil || !strings.Contains(err.Error(), "Jupyter is not installed") || !strings.Contains(err.Error(), "apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client") {
		t.Fatalf("no jupyter: %v", err)
	}

	// A fake jupyter with nbconvert but no kernels.
	bin := t.TempDir()
	fake := "#!/bin/sh\ncase \"$1\" in\n nbconvert) echo 6.5.3;;\n kernelspec) echo '{\"kernelspecs\": {\"python3\": {\"resource_dir\": \"/x\", \"spec\": {\"argv\": [\"python3\"]}}}}';;\nesac\n"
	if err := os.WriteFile(filepath.Join(bin, "jupyter"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Preflight([]string{"PATH=" + bin, "JUPYTER_DATA_DIR=/tmp/jd"})
	if err == nil || !strings.Contains(err.Error(), `GoNB kernel ("gonb") is not registered with Jupyter (JUPYTER_DATA_DIR=/tmp/jd)`) || !strings.Contains(err.Error(), "make setup") {
		t.Fatalf("no kernel: %v", err)
	}

	// Registered, but the kernel binary is gone (a moved working tree).
	fake = strings.Replace(fake, `"python3": {"resource_dir": "/x", "spec": {"argv": ["python3"]}}`, `"gonb": {"resource_dir": "/k", "spec": {"argv": ["/gone/bin/gonb", "--kernel"]}}`, 1)
	_ = os.WriteFile(filepath.Join(bin, "jupyter"), []byte(fake), 0o755)
	_, err = Preflight([]string{"PATH=" + bin})
	if err == nil || !strings.Contains(err.Error(), "points to /gone/bin/gonb, which does not exist") {
		t.Fatalf("stale kernel: %v", err)
	}
}

func TestMainErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"run", "notebooks/no-such-notebook.ipynb"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "no such notebook or folder") {
		t.Errorf("missing path: code %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	t.Chdir(t.TempDir())
	if code := Main([]string{"check"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "not inside the toolkit's working tree") {
		t.Errorf("outside the tree: code %d, stderr %q", code, errOut.String())
	}
}

func TestLastStartedCellAndSlowest(t *testing.T) {
	var doc map[string]any
	_ = json.Unmarshal(notebookJSON(t, `[]`, `[]`), &doc)
	cells := doc["cells"].([]any)
	cells[2].(map[string]any)["metadata"] = map[string]any{"execution": map[string]any{"iopub.execute_input": "2026-11-25T19:28:20.000000Z", "shell.execute_reply": "2026-11-25T19:28:21.000000Z"}}
	cells[3].(map[string]any)["metadata"] = map[string]any{"execution": map[string]any{"iopub.execute_input": "2026-11-25T19:28:21.000000Z", "shell.execute_reply": "2026-11-25T19:28:25.500000Z"}}
	b, _ := json.Marshal(doc)
	nb := parse(t, b)
	if c, d := slowestCell(nb); c != 4 || d != 4500*time.Millisecond {
		t.Errorf("slowest = cell %d, %v; want cell 4, 4.5s", c, d)
	}
	log := []byte("[NbConvertApp] Executing cell:\n!*go mod\n[NbConvertApp] Executing cell:\n%%\nwork()\n")
	if c := lastStartedCell(nb, log); c != 3 {
		t.Errorf("last started = %d, want 3 (the Markdown title is not executed)", c)
	}
}

func TestMathJax(t *testing.T) {
	src := t.TempDir()
	if got := FindMathJax([]string{"DDT_MATHJAX_DIR=" + src}); got != "" {
		t.Errorf("a folder without MathJax.js was taken: %q", got)
	}
	_ = os.MkdirAll(filepath.Join(src, "jax", "input"), 0o755)
	_ = os.WriteFile(filepath.Join(src, "MathJax.js"), []byte("// mj"), 0o644)
	_ = os.WriteFile(filepath.Join(src, "jax", "input", "TeX.js"), []byte("// tex"), 0o644)
	if got := FindMathJax([]string{"DDT_MATHJAX_DIR=" + src}); got != src {
		t.Fatalf("FindMathJax = %q, want %q", got, src)
	}
	out := filepath.Join(t.TempDir(), "reports")
	dst := filepath.Join(out, "mathjax")
	if err := CopyMathJax(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "jax", "input", "TeX.js")); err != nil || string(b) != "// tex" {
		t.Errorf("copy incomplete: %q %v", b, err)
	}
	if _, err := os.Stat(dst + ".partial"); err == nil {
		t.Error("partial copy left behind")
	}
	if err := CopyMathJax(filepath.Join(src, "missing"), filepath.Join(out, "other")); err == nil {
		t.Error("copying a missing folder succeeded")
	} else if _, err := os.Stat(filepath.Join(out, "other.partial")); err == nil {
		t.Error("partial copy left behind after an error")
	}
}
