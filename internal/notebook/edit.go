package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Doc is a notebook held as generic JSON, so that what a tool does not know about (cell ids, metadata of
// other tools, nbformat_minor) survives a read-modify-write unchanged.
type Doc struct {
	top   map[string]any
	Cells []*RawCell
}

// RawCell is one cell of a Doc.
type RawCell struct {
	m map[string]any
}

// ReadDoc reads an .ipynb file.
func ReadDoc(path string) (*Doc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := ParseDoc(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// ParseDoc parses the JSON of a notebook (nbformat 4).
func ParseDoc(b []byte) (*Doc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("not a valid notebook: %v", err)
	}
	if v, _ := top["nbformat"].(json.Number); v.String() != "4" {
		return nil, fmt.Errorf("not a valid notebook: nbformat %v, want 4", top["nbformat"])
	}
	list, ok := top["cells"].([]any)
	if !ok {
		return nil, errors.New("not a valid notebook: no cells list")
	}
	d := &Doc{top: top}
	for i, c := range list {
		m, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("not a valid notebook: cell %d is not an object", i+1)
		}
		if t, _ := m["cell_type"].(string); t == "" {
			return nil, fmt.Errorf("not a valid notebook: cell %d has no cell_type", i+1)
		}
		d.Cells = append(d.Cells, &RawCell{m: m})
	}
	return d, nil
}

// Bytes returns the notebook JSON in nbformat's own layout (sorted keys, one-space indent, final newline).
func (d *Doc) Bytes() []byte {
	cells := make([]any, len(d.Cells))
	for i, c := range d.Cells {
		cells[i] = c.m
	}
	top := make(map[string]any, len(d.top))
	for k, v := range d.top {
		top[k] = v
	}
	top["cells"] = cells
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(top) // maps, slices, strings, numbers and bools read from JSON: cannot fail
	return buf.Bytes()
}

// Write writes the notebook to path.
func (d *Doc) Write(path string) error { return os.WriteFile(path, d.Bytes(), 0o644) }

// Metadata returns the notebook's metadata object (created if absent).
func (d *Doc) Metadata() map[string]any {
	m, ok := d.top["metadata"].(map[string]any)
	if !ok {
		m = map[string]any{}
		d.top["metadata"] = m
	}
	return m
}

// Clone returns a deep copy of the notebook.
func (d *Doc) Clone() *Doc {
	c, err := ParseDoc(d.Bytes())
	if err != nil {
		panic("notebook: a notebook does not survive its own encoding: " + err.Error()) // cannot happen
	}
	return c
}

// Title returns the first Markdown heading, or "".
func (d *Doc) Title() string {
	for _, c := range d.Cells {
		if c.Type() != "markdown" {
			continue
		}
		for _, l := range strings.Split(c.Source(), "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "#") {
				return strings.TrimSpace(strings.TrimLeft(l, "#"))
			}
		}
	}
	return ""
}

// NewCodeCell returns an empty code cell with the given id and source.
func NewCodeCell(id, src string) *RawCell {
	c := &RawCell{m: map[string]any{"cell_type": "code", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil}}
	if id != "" {
		c.m["id"] = id
	}
	c.SetSource(src)
	return c
}

// Type is "code", "markdown" or "raw".
func (c *RawCell) Type() string { s, _ := c.m["cell_type"].(string); return s }

// ID is the cell's nbformat 4.5 id, or "".
func (c *RawCell) ID() string { s, _ := c.m["id"].(string); return s }

// Source returns the cell's source as one string.
func (c *RawCell) Source() string { return joinText(c.m["source"]) }

// SetSource sets the source, in Jupyter's list-of-lines form.
func (c *RawCell) SetSource(s string) {
	lines := []any{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	c.m["source"] = lines
}

// Metadata returns the cell's metadata object (created if absent).
func (c *RawCell) Metadata() map[string]any {
	m, ok := c.m["metadata"].(map[string]any)
	if !ok {
		m = map[string]any{}
		c.m["metadata"] = m
	}
	return m
}

// Clone returns a deep copy of the cell.
func (c *RawCell) Clone() *RawCell {
	b, _ := json.Marshal(c.m)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	_ = dec.Decode(&m)
	return &RawCell{m: m}
}

// ClearOutputs removes outputs, the execution count and execution timings.
func (c *RawCell) ClearOutputs() {
	if c.Type() == "code" {
		c.m["outputs"] = []any{}
		c.m["execution_count"] = nil
	}
	delete(c.Metadata(), "execution")
}

// HasOutputs reports whether a code cell carries outputs or an execution count.
func (c *RawCell) HasOutputs() bool {
	if c.Type() != "code" {
		return false
	}
	outs, _ := c.m["outputs"].([]any)
	return len(outs) > 0 || c.m["execution_count"] != nil
}

// Typed returns the cell in the typed form ScanCell reads.
func (c *RawCell) Typed() (Cell, error) {
	var t Cell
	b, err := json.Marshal(c.m)
	if err != nil {
		return t, err
	}
	err = json.Unmarshal(b, &t)
	return t, err
}

// Field returns a top-level field of the cell's JSON object (nil if absent).
func (c *RawCell) Field(key string) any { return c.m[key] }

// SetField sets a top-level field of the cell's JSON object.
func (c *RawCell) SetField(key string, v any) { c.m[key] = v }

// DeleteField removes a top-level field of the cell's JSON object.
func (c *RawCell) DeleteField(key string) { delete(c.m, key) }

// NewDoc returns an empty notebook for the GoNB kernel (nbformat 4.5).
func NewDoc() *Doc {
	return &Doc{top: map[string]any{
		"metadata":       map[string]any{"kernelspec": map[string]any{"display_name": "Go (gonb)", "language": "go", "name": KernelName}},
		"nbformat":       4,
		"nbformat_minor": 5,
	}}
}

// joinText reads Jupyter's multi-line string: a string or a list of strings.
func joinText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b strings.Builder
		for _, p := range t {
			if s, ok := p.(string); ok {
				b.WriteString(s)
			}
		}
		return b.String()
	}
	return ""
}
