package main

import (
	"fmt"
	"strings"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// Leaks lists what of the instructor's solutions and hidden tests a student version still contains: solution
// markers, outputs, hidden test cells or test names, and any distinctive line of a solution region (a line of
// at least 12 characters that appears nowhere else in the instructor notebook). It is empty for a student
// version made by StudentVersion; assign student checks it before writing.
func Leaks(s *Spec, student *notebook.Doc) []string {
	var leaks []string
	secret := map[string]string{} // line → where it comes from
	public := map[string]bool{}
	for i, c := range s.Doc.Cells {
		cs := s.Cells[i]
		src := c.Source()
		begin, end := BeginCode, EndCode
		if cs.Type == "markdown" {
			begin, end = BeginMarkdown, EndMarkdown
		}
		in := false
		for _, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			switch {
			case cs.Hidden:
				if len(t) >= 12 {
					secret[t] = fmt.Sprintf("hidden test cell %q", cs.ID)
				}
			case t == begin:
				in = true
			case t == end:
				in = false
			case in:
				if len(t) >= 12 {
					secret[t] = fmt.Sprintf("solution in cell %q", cs.ID)
				}
			default:
				public[t] = true
			}
		}
	}
	hiddenTests := map[string]string{}
	hiddenIDs := map[string]bool{}
	for _, cs := range s.Cells {
		if cs.Hidden {
			hiddenIDs[cs.ID] = true
			for _, t := range cs.Tests {
				hiddenTests[t] = cs.ID
			}
		}
	}
	for i, c := range student.Cells {
		where := fmt.Sprintf("student cell %d (id %q)", i+1, c.ID())
		if hiddenIDs[c.ID()] && c.ID() != "" {
			leaks = append(leaks, where+": is a hidden test cell")
		}
		if c.HasOutputs() {
			leaks = append(leaks, where+": has outputs or an execution count")
		}
		src := c.Source()
		for _, m := range []string{BeginCode, EndCode, BeginMarkdown, EndMarkdown} {
			if strings.Contains(src, m) {
				leaks = append(leaks, where+": contains the marker "+m)
			}
		}
		for _, name := range TestNames(src) {
			if id, ok := hiddenTests[name]; ok {
				leaks = append(leaks, fmt.Sprintf("%s: defines the hidden test %s (cell %q)", where, name, id))
			}
		}
		for _, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			if from, ok := secret[t]; ok && !public[t] {
				leaks = append(leaks, fmt.Sprintf("%s: contains a line of the %s: %q", where, from, t))
			}
		}
	}
	return leaks
}
