package xls_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/datasets/internal/xlsbuild"
	"github.com/densitydiffusion/toolkit/datasets/xls"
)

func sample(big bool) []xlsbuild.Sheet {
	s := xlsbuild.Sheet{Name: "Raw Data", Cells: []xlsbuild.Cell{
		{Row: 0, Col: 0, IsText: true, Text: "alpha"},
		{Row: 0, Col: 1, IsText: true, Text: "βeta"},
		{Row: 0, Col: 2, IsText: true, Text: "a fairly long header string to split", Style: "sst"},
		{Row: 0, Col: 3, IsText: true, Text: "plain label", Style: "label"},
		{Row: 1, Col: 0, Num: 0.5},
		{Row: 1, Col: 1, Num: -7, Style: "rk"},
		{Row: 1, Col: 2, Num: 1.0 / 3, Style: "formula"},
	}, MulRK: []xlsbuild.MulRK{{Row: 2, Col: 1, Values: []int32{4, -5, 6}}}}
	if big {
		for r := 3; r < 400; r++ {
			s.Cells = append(s.Cells, xlsbuild.Cell{Row: r, Col: 0, Num: float64(r) + 0.25})
		}
	}
	return []xlsbuild.Sheet{{Name: "Description", Cells: []xlsbuild.Cell{{Row: 0, Col: 0, IsText: true, Text: "hello"}}}, s}
}

func TestReadSynthetic(t *testing.T) {
	for _, big := range []bool{false, true} { // mini stream, regular sectors
		for _, split := range []int{0, 7} { // one SST record, SST split inside strings
			wb := xlsbuild.Workbook(sample(big), split)
			if big != (len(wb) >= 4096) {
				t.Fatalf("big=%v but stream has %d bytes", big, len(wb))
			}
			w, err := xls.Open(xlsbuild.Compound(wb))
			if err != nil {
				t.Fatalf("big=%v split=%d: %v", big, split, err)
			}
			if got := strings.Join(w.SheetNames(), "|"); got != "Description|Raw Data" {
				t.Fatalf("sheets %q", got)
			}
			sh, err := w.Sheet("Raw Data")
			if err != nil {
				t.Fatal(err)
			}
			want := map[[2]int]xls.Cell{
				{0, 0}: {Kind: xls.Text, Text: "alpha"},
				{0, 1}: {Kind: xls.Text, Text: "βeta"},
				{0, 2}: {Kind: xls.Text, Text: "a fairly long header string to split"},
				{0, 3}: {Kind: xls.Text, Text: "plain label"},
				{1, 0}: {Kind: xls.Number, Number: 0.5},
				{1, 1}: {Kind: xls.Number, Number: -7},
				{1, 2}: {Kind: xls.Number, Number: 1.0 / 3},
				{1, 3}: {},
				{2, 1}: {Kind: xls.Number, Number: 4},
				{2, 2}: {Kind: xls.Number, Number: -5},
				{2, 3}: {Kind: xls.Number, Number: 6},
				{9, 9}: {},
			}
			if big {
				want[[2]int{399, 0}] = xls.Cell{Kind: xls.Number, Number: 399.25}
			}
			for rc, c := range want {
				if got := sh.Cell(rc[0], rc[1]); got != c {
					t.Errorf("big=%v split=%d: cell %v = %+v, want %+v", big, split, rc, got, c)
				}
			}
			if _, err := w.Sheet("Nope"); err == nil || !strings.Contains(err.Error(), "Raw Data") {
				t.Errorf("missing sheet: %v", err)
			}
		}
	}
}

func TestMalformed(t *testing.T) {
	good := xlsbuild.Compound(xlsbuild.Workbook(sample(true), 7))
	cases := map[string][]byte{
		"empty":     nil,
		"signature": append([]byte("PK\x03\x04"), good[4:]...),
		"truncated": good[:len(good)/2],
		"header":    good[:600],
	}
	for name, b := range cases {
		if _, err := xls.Open(b); !errors.Is(err, xls.ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
	// A BIFF stream cut short inside the sheet.
	wb := xlsbuild.Workbook(sample(true), 0)
	w, err := xls.Open(xlsbuild.Compound(wb[:len(wb)-200]))
	if err == nil {
		_, err = w.Sheet("Raw Data")
	}
	if !errors.Is(err, xls.ErrFormat) || !strings.Contains(err.Error(), "past the stream") {
		t.Errorf("cut stream: %v", err)
	}
}

// TestCTGWorkbook reads the real CTG.xls when the mirror is available.
func TestCTGWorkbook(t *testing.T) {
	dir := os.Getenv("DDT_DATA_MIRROR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "datasets")
	}
	b, err := os.ReadFile(filepath.Join(dir, "cardiotocography", "CTG.xls"))
	if err != nil {
		t.Skipf("CTG.xls not available (set DDT_DATA_MIRROR to the data mirror, e.g. ../shared/datasets): %v", err)
	}
	w, err := xls.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(w.SheetNames(), "|"); got != "Description|Data|Raw Data" {
		t.Errorf("sheets %q", got)
	}
	sh, err := w.Sheet("Raw Data")
	if err != nil {
		t.Fatal(err)
	}
	if c := sh.Cell(0, 3); c.Text != "b" {
		t.Errorf("header D1 = %+v", c)
	}
	// First data row (spreadsheet row 3): b=240, e=357, LB=120, CLASS=9, NSP=2.
	for col, want := range map[int]float64{3: 240, 4: 357, 6: 120, 38: 9, 39: 2} {
		if c := sh.Cell(2, col); c.Kind != xls.Number || c.Number != want {
			t.Errorf("row 3 col %d = %+v, want %v", col, c, want)
		}
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(xlsbuild.Compound(xlsbuild.Workbook(sample(false), 7)))
	f.Add(xlsbuild.Compound(xlsbuild.Workbook(sample(true), 0)))
	f.Add([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		done := make(chan bool)
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("slow input of %d bytes", len(b)))
			}
		}()
		w, err := xls.Open(b)
		if err != nil {
			return
		}
		for _, n := range w.SheetNames() {
			sh, err := w.Sheet(n)
			if err != nil {
				continue
			}
			r, c := sh.Dims()
			sh.Cell(r-1, c-1)
			sh.NonEmptyRows()
		}
	})
}
