package plotting

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSave(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	f := New("save", "x", "y").Add(Line{Name: "a", X: []float64{0, 1}, Y: []float64{1, 2}})
	if err := Save(f, dir, "chart"); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".png", ".svg", ".html"} {
		st, err := os.Stat(filepath.Join(dir, "chart"+ext))
		if err != nil || st.Size() == 0 {
			t.Errorf("chart%s: %v", ext, err)
		}
	}
	h, _ := os.ReadFile(filepath.Join(dir, "chart.html"))
	if !strings.Contains(string(h), "<!DOCTYPE html>") || !strings.Contains(string(h), "ddt-echarts") {
		t.Errorf("chart.html is not a page with the chart")
	}
	if err := Save(f, dir, "../escape"); err == nil {
		t.Errorf("a name with a path separator was accepted")
	}
	if err := Save(New("bad", "", "").Add(Line{Name: "a"}), dir, "bad"); err == nil {
		t.Errorf("bad chart saved")
	}
}

// TestShowOutsideNotebook: Show validates and renders but writes nothing.
func TestShowOutsideNotebook(t *testing.T) {
	f := New("show", "x", "y").Add(Line{Name: "a", X: []float64{0, 1}, Y: []float64{1, 2}})
	if err := Show(f); err != nil {
		t.Fatal(err)
	}
	if err := ShowSVG(f); err != nil {
		t.Fatal(err)
	}
	if err := Show(New("bad", "", "").Add(Line{Name: "a"})); err == nil {
		t.Errorf("Show of a bad chart gave no error")
	}
}

func TestProgressOutsideNotebook(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &Progress{Label: "trajectories", Total: 100, Out: &out, Every: 10 * time.Second, now: func() time.Time { return now }}
	for i := 0; i < 100; i++ {
		now = now.Add(300 * time.Millisecond)
		p.Add(1)
	}
	p.Done("mean escape time 12.3 ± 0.4")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// 30 s of work with a line every 10 s, then the final line.
	if len(lines) < 2 || len(lines) > 4 {
		t.Errorf("got %d lines:\n%s", len(lines), out.String())
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, "100/100 (100%) done in 29.7s — mean escape time 12.3 ± 0.4") {
		t.Errorf("final line %q", last)
	}
}
