package notebook

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocRoundTrip: a notebook read as a Doc and written back keeps what no tool of ours knows about (cell
// ids, other metadata, nbformat_minor), in nbformat's layout.
func TestDocRoundTrip(t *testing.T) {
	in := `{"cells": [{"cell_type": "code", "execution_count": 3, "id": "a-1", "metadata": {"tags": ["x"], "execution": {"t": 1}},
 "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}], "source": ["x := 1\n", "fmt.Println(x)"]},
 {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Title\ntext"}],
 "metadata": {"kernelspec": {"name": "gonb"}, "other": {"keep": 1.5}}, "nbformat": 4, "nbformat_minor": 5}`
	d, err := ParseDoc([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if d.Title() != "Title" || len(d.Cells) != 2 || d.Cells[0].ID() != "a-1" || d.Cells[0].Source() != "x := 1\nfmt.Println(x)" {
		t.Fatalf("parsed %q, %d cells, id %q, source %q", d.Title(), len(d.Cells), d.Cells[0].ID(), d.Cells[0].Source())
	}
	if !d.Cells[0].HasOutputs() {
		t.Error("outputs not seen")
	}
	typed, err := d.Cells[0].Typed()
	if err != nil || len(typed.Outputs) != 1 || string(typed.Outputs[0].Text) != "1\n" {
		t.Errorf("typed cell %+v, %v", typed, err)
	}
	d.Cells[0].ClearOutputs()
	d.Cells[1].SetSource("# New\n")
	path := filepath.Join(t.TempDir(), "n.ipynb")
	if err := d.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadDoc(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Cells[0].HasOutputs() || back.Title() != "New" {
		t.Errorf("outputs %v, title %q after the round trip", back.Cells[0].HasOutputs(), back.Title())
	}
	var raw map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["nbformat_minor"] != 5.0 || raw["metadata"].(map[string]any)["other"].(map[string]any)["keep"] != 1.5 {
		t.Errorf("lost fields: %s", b)
	}
	md := raw["cells"].([]any)[0].(map[string]any)["metadata"].(map[string]any)
	if _, ok := md["execution"]; ok || md["tags"] == nil {
		t.Errorf("cell metadata %v: want tags kept and execution timings dropped", md)
	}
	if !strings.Contains(string(b), "\n \"cells\": [\n") {
		t.Errorf("not in nbformat's one-space layout:\n%s", b)
	}
	// A Clone is independent of its original.
	c := back.Clone()
	c.Cells[1].SetSource("changed")
	if back.Cells[1].Source() == "changed" {
		t.Error("Clone shares cells with the original")
	}
}

func TestParseDocErrors(t *testing.T) {
	for _, in := range []string{`{`, `{"nbformat": 3, "cells": []}`, `{"nbformat": 4}`, `{"nbformat": 4, "cells": [1]}`, `{"nbformat": 4, "cells": [{}]}`} {
		if _, err := ParseDoc([]byte(in)); err == nil || !strings.Contains(err.Error(), "not a valid notebook") {
			t.Errorf("ParseDoc(%s): %v", in, err)
		}
	}
}

// ExampleScanCell classifies the outputs of an executed cell: here a program that panicked.
func ExampleScanCell() {
	cell := Cell{CellType: "code", Outputs: []Output{{OutputType: "stream", Name: "stderr",
		Text: "panic: not implemented\n\ngoroutine 1 [running]:\nmain.main()\nexit status 2\n"}}}
	f, failed := ScanCell(cell)
	fmt.Println(failed, f.Kind, f.Lines[0])
	// Output: true panic panic: not implemented
}

// ExampleNewDoc builds a notebook for the GoNB kernel cell by cell.
func ExampleNewDoc() {
	d := NewDoc()
	d.Cells = append(d.Cells, NewCodeCell("setup", FirstCell), NewCodeCell("hello", "%%\nfmt.Println(\"hello\")"))
	back, _ := ParseDoc(d.Bytes())
	fmt.Println(len(back.Cells), back.Cells[1].ID(), strings.HasPrefix(back.Cells[0].Source(), "// Standard first cell"))
	// Output: 2 hello true
}
