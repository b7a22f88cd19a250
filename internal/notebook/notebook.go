package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// ModulePath is the import path of the toolkit that notebooks import from the working tree.
const ModulePath = "github.com/densitydiffusion/toolkit"

// FirstCell is the standard first cell of every notebook. It makes GoNB's scratch module (in
// $GONB_TMP_DIR, where `!*` lines run) use the toolkit from the working tree that holds the notebook:
// it walks up from the notebook's directory ($GONB_DIR) to the go.mod that declares the toolkit module,
// and adds a replace directive plus a requirement (a replace alone is not enough for GoNB's `go get`).
// Walking up, rather than `$GONB_DIR/..`, works for notebooks at any depth (notebooks/,
// notebooks/assignments/) and in copies of the tree without a .git folder. When no such go.mod is found
// the line fails with a message, and nbrun reports the notebook as failed.
const FirstCell = `// Standard first cell (checked by nbrun): use the toolkit from this working tree.
!*d="$GONB_DIR"; while [ "$d" != / ] && ! grep -qs '^module ` + ModulePath + `$' "$d/go.mod"; do d="$(dirname "$d")"; done; \
  [ "$d" != / ] || { echo "nbrun: no go.mod of ` + ModulePath + ` above $GONB_DIR" >&2; exit 1; }; \
  go mod edit -replace ` + ModulePath + `="$d" -require ` + ModulePath + `@v0.0.0`

// KernelName is the Jupyter kernelspec every notebook must declare.
const KernelName = "gonb"

// Text is Jupyter's multi-line string: either a JSON string or a list of strings to concatenate.
type Text string

// UnmarshalJSON accepts a string or a list of strings.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var parts []string
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		*t = Text(strings.Join(parts, ""))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = Text(s)
	return nil
}

// Output is one output of a code cell.
type Output struct {
	OutputType string                     `json:"output_type"`
	Name       string                     `json:"name"` // stream name: stdout or stderr
	Text       Text                       `json:"text"`
	Data       map[string]json.RawMessage `json:"data"`
	Ename      string                     `json:"ename"`
	Evalue     string                     `json:"evalue"`
	Traceback  []string                   `json:"traceback"`
}

// Cell is one notebook cell.
type Cell struct {
	CellType       string          `json:"cell_type"`
	Source         Text            `json:"source"`
	Outputs        []Output        `json:"outputs"`
	ExecutionCount *int            `json:"execution_count"`
	Metadata       json.RawMessage `json:"metadata"`
}

// Requirements is what a notebook declares under metadata "ddt" (all optional):
//
//	"ddt": {"datasets": ["mnist"], "cell_timeout": "2m", "budget": "10m"}
type Requirements struct {
	// Datasets names the public data sets the notebook reads (folders of the data cache or mirror).
	Datasets []string `json:"datasets"`
	// CellTimeout and Budget override nbrun's defaults for this notebook (Go duration strings).
	CellTimeout string `json:"cell_timeout"`
	Budget      string `json:"budget"`
}

// Notebook is the typed, read-only view of an .ipynb file: cells, outputs and the metadata the tools read.
type Notebook struct {
	NBFormat int    `json:"nbformat"`
	Cells    []Cell `json:"cells"`
	Metadata struct {
		Kernelspec *struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
		DDT Requirements `json:"ddt"`
	} `json:"metadata"`
}

// ReadNotebook reads and parses an .ipynb file, with errors that name the file.
func ReadNotebook(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such notebook", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ParseNotebook(path, b)
}

// ParseNotebook parses the JSON of a notebook; path is used in errors only.
func ParseNotebook(path string, b []byte) (*Notebook, error) {
	var nb Notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("%s: not a valid notebook: %v", path, err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("%s: nbformat %d, want 4", path, nb.NBFormat)
	}
	return &nb, nil
}

// Title is the first Markdown heading of the notebook, or "".
func (nb *Notebook) Title() string {
	for _, c := range nb.Cells {
		if c.CellType != "markdown" {
			continue
		}
		for _, line := range strings.Split(string(c.Source), "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "#") {
				return strings.TrimSpace(strings.TrimLeft(line, "#"))
			}
		}
	}
	return ""
}

// Durations returns the per-cell timeout and the notebook budget: the notebook's own values where it
// declares them, else the defaults.
func (nb *Notebook) Durations(cellTimeout, budget time.Duration) (time.Duration, time.Duration, error) {
	parse := func(s string, def time.Duration, what string) (time.Duration, error) {
		if s == "" {
			return def, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("metadata ddt.%s = %q is not a positive duration like \"90s\" or \"5m\"", what, s)
		}
		return d, nil
	}
	ct, err := parse(nb.Metadata.DDT.CellTimeout, cellTimeout, "cell_timeout")
	if err != nil {
		return 0, 0, err
	}
	b, err := parse(nb.Metadata.DDT.Budget, budget, "budget")
	if err != nil {
		return 0, 0, err
	}
	return ct, b, nil
}

// Problem is one reason a committed notebook is not in the committed form.
type Problem struct {
	Cell    int // 1-based cell number, 0 for the notebook as a whole
	Message string
}

func (p Problem) String() string {
	if p.Cell == 0 {
		return p.Message
	}
	return fmt.Sprintf("cell %d: %s", p.Cell, p.Message)
}

// CheckCommitted reports what keeps a notebook from its committed form: outputs or execution counts
// saved, a kernel other than gonb, a missing or altered standard first cell.
func CheckCommitted(nb *Notebook) []Problem {
	var ps []Problem
	if nb.Metadata.Kernelspec == nil || nb.Metadata.Kernelspec.Name != KernelName {
		name := "none"
		if nb.Metadata.Kernelspec != nil {
			name = fmt.Sprintf("%q", nb.Metadata.Kernelspec.Name)
		}
		ps = append(ps, Problem{0, fmt.Sprintf("kernelspec is %s, want %q (the GoNB kernel)", name, KernelName)})
	}
	if len(nb.Cells) == 0 || nb.Cells[0].CellType != "code" || Normalize(string(nb.Cells[0].Source)) != Normalize(FirstCell) {
		ps = append(ps, Problem{1, "the first cell is not the standard first cell (see `nbrun new` or README: Adding a notebook)"})
	}
	outputs := 0
	first := 0
	for i, c := range nb.Cells {
		if c.CellType == "code" && (len(c.Outputs) > 0 || c.ExecutionCount != nil) {
			outputs++
			if first == 0 {
				first = i + 1
			}
		}
	}
	if outputs > 0 {
		ps = append(ps, Problem{first, fmt.Sprintf("outputs are committed (%d cell(s)); strip them with `go run ./cmd/nbrun clean FILE`", outputs)})
	}
	return ps
}

// Normalize trims trailing spaces of every line and blank lines at both ends.
func Normalize(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// Clean strips outputs, execution counts and execution timings from the notebook JSON b and returns
// it in nbformat's own layout (sorted keys, one-space indent, UTF-8, final newline), so that a
// notebook saved by Jupyter and cleaned by nbrun differ only where they should.
func Clean(b []byte) ([]byte, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, false, fmt.Errorf("not a valid notebook: %v", err)
	}
	cells, ok := doc["cells"].([]any)
	if !ok {
		return nil, false, errors.New("not a valid notebook: no cells list")
	}
	for _, ci := range cells {
		c, ok := ci.(map[string]any)
		if !ok {
			return nil, false, errors.New("not a valid notebook: a cell is not an object")
		}
		if c["cell_type"] == "code" {
			c["outputs"] = []any{}
			c["execution_count"] = nil
		}
		if md, ok := c["metadata"].(map[string]any); ok {
			delete(md, "execution")
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, false, err
	}
	out := buf.Bytes()
	return out, !bytes.Equal(out, b), nil
}

// NewNotebook returns the JSON of an empty notebook in the committed form: gonb kernelspec, the
// standard first cell, a title cell.
func NewNotebook(title string) []byte {
	cell := func(typ, src string, id string) map[string]any {
		c := map[string]any{"cell_type": typ, "id": id, "metadata": map[string]any{}, "source": SplitLines(src)}
		if typ == "code" {
			c["outputs"] = []any{}
			c["execution_count"] = nil
		}
		return c
	}
	doc := map[string]any{
		"cells": []any{
			cell("code", FirstCell, "setup"),
			cell("markdown", "# "+title+"\n\nWhat this notebook shows, in two sentences.", "title"),
			cell("code", "%%\nfmt.Println(\"hello from the toolkit\")", "first-code"),
		},
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"display_name": "Go (gonb)", "language": "go", "name": KernelName},
			"language_info": map[string]any{"name": "go"},
		},
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(doc) // only maps, strings and numbers: cannot fail
	return buf.Bytes()
}

// SplitLines splits s into Jupyter's list-of-lines form (each line keeps its "\n").
func SplitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}
