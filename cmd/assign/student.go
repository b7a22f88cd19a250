package main

import (
	"fmt"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// StudentVersion returns the student version of an instructor notebook: hidden test cells removed, solution
// regions in code replaced by a stub that compiles and panics with "not implemented", solution regions in
// Markdown replaced by a placeholder, outputs and execution counts cleared. Cell ids and metadata are kept, so
// that the grader finds each cell of a submission again.
func StudentVersion(s *Spec) (*notebook.Doc, error) {
	out := s.Doc.Clone()
	cells := out.Cells[:0]
	for i, c := range out.Cells {
		cs := s.Cells[i]
		if cs.Hidden {
			continue
		}
		c.ClearOutputs()
		if cs.Solution {
			var src string
			var err error
			if cs.Type == "code" {
				src, err = StubCode(c.Source())
			} else {
				src, err = StubMarkdown(c.Source())
			}
			if err != nil {
				return nil, fmt.Errorf("cell %d (id %q): %v", i+1, cs.ID, err)
			}
			c.SetSource(src)
		}
		cells = append(cells, c)
	}
	out.Cells = cells
	return out, nil
}

// stubCell returns the student version of one instructor cell (for restoring a cell deleted from a submission).
func stubCell(s *Spec, i int) *notebook.RawCell {
	c := s.Doc.Cells[i].Clone()
	c.ClearOutputs()
	if s.Cells[i].Solution && s.Cells[i].Type == "code" {
		if src, err := StubCode(c.Source()); err == nil {
			c.SetSource(src)
		}
	}
	return c
}
