package datasets

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/densitydiffusion/toolkit/datasets/internal/xlsbuild"
)

var avilaLike = textFormat{sep: ',', cols: 11, label: 10, codes: codes("A", "B", "C", "D", "E", "F", "G", "H", "I", "W", "X", "Y")}
var spaceLike = textFormat{sep: ' ', cols: 5, label: 4, codes: codes(numberedNames(1, 11)...)}

func readTestdata(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseTextCRLF(t *testing.T) {
	x, y, rows, err := parseText(readTestdata(t, "avila-tiny.txt"), avilaLike)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 3 || len(x) != 30 || !slices.Equal(y, []int{0, 5, 11}) || x[0] != 0.266074 || x[20] != -0.015 {
		t.Fatalf("rows %d, y %v, x[0] %v, x[20] %v", rows, y, x[0], x[20])
	}
	// LF, a byte order mark and trailing blank lines give the same table.
	lf := "\xef\xbb\xbf" + strings.ReplaceAll(string(readTestdata(t, "avila-tiny.txt")), "\r\n", "\n") + "\n\n"
	x2, y2, _, err := parseText([]byte(lf), avilaLike)
	if err != nil || !slices.Equal(x, x2) || !slices.Equal(y, y2) {
		t.Fatalf("LF variant differs: %v", err)
	}
}

func TestParseTextSpaces(t *testing.T) {
	x, y, rows, err := parseText(readTestdata(t, "space-tiny.txt"), spaceLike)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 2 || !slices.Equal(x, []float64{1, 2, 3, 4, -0.5, 0, 0, 0}) || !slices.Equal(y, []int{0, 10}) {
		t.Fatalf("x %v y %v", x, y)
	}
}

func TestParseTextErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		in   string
		f    textFormat
		want string
	}{
		{"1,2,3,4,5,6,7,8,9,10,A\r\n1,2,3,4,5,6,7,8,9,A\r\n", avilaLike, "line 2: 10 fields, want 11"},
		{"1,2,3,4,5,6,7,8,9,10,A\n1,2,x3,4,5,6,7,8,9,10,A\n", avilaLike, `line 2, field 3: "x3" is not a finite number`},
		{"1,2,3,4,5,6,7,8,9,NaN,A\n", avilaLike, `line 1, field 10: "NaN" is not a finite number`},
		{"1,2,3,4,5,6,7,8,9,-Inf,A\n", avilaLike, "not a finite number"},
		{"1,2,3,4,5,6,7,8,9,1e999,A\n", avilaLike, "not a finite number"},
		{"1,2,3,4,5,6,7,8,9,10,A\n1,2,3,4,5,6,7,8,9,10,Z\n", avilaLike, `line 2, field 11: unknown class label "Z"`},
		{"1,2,3,4,5,6,7,8,9,10,A\n\n1,2,3,4,5,6,7,8,9,10,A\n", avilaLike, "line 2: empty line"},
		{"", avilaLike, "no data rows"},
		{"\r\n\r\n", avilaLike, "no data rows"},
		{"1 2 3 4 1\n1 2 3 4 5 1\n", spaceLike, "line 2: 6 fields, want 5"},
		{"1 2 3 4 1\n1 2 3 4 12\n", spaceLike, `line 2, field 5: unknown class label "12"`},
		{"b,e\n1,2\n", textFormat{sep: ',', header: []string{"b", "e"}, cols: 2, label: -1}, ""},
		{"b,x\n1,2\n", textFormat{sep: ',', header: []string{"b", "e"}, cols: 2, label: -1}, `line 1: header field 2 is "x", want "e"`},
		{"b\n1,2\n", textFormat{sep: ',', header: []string{"b", "e"}, cols: 2, label: -1}, "line 1: header has 1 fields, want 2"},
	}
	for _, c := range cases {
		_, _, _, err := parseText([]byte(c.in), c.f)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.in, err)
			}
			continue
		}
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want ErrFormat mentioning %q", c.in, err, c.want)
		}
	}
}

func TestParseCTGCSV(t *testing.T) {
	tb, err := parseCTGCSV(readTestdata(t, "ctg-tiny.csv"), ctgClass)
	if err != nil {
		t.Fatal(err)
	}
	if tb.rows != 2 || tb.cols != 21 || !slices.Equal(tb.y, []int{8, 5}) {
		t.Fatalf("rows %d cols %d y %v", tb.rows, tb.cols, tb.y)
	}
	// Row 2: e − b = 400 s; AC=4, FM=1, UC=4, DL=2, DS=0, DP=1 per second.
	want := []float64{132, 4.0 / 400, 1.0 / 400, 4.0 / 400, 2.0 / 400, 0, 1.0 / 400, 17, 2.1}
	if got := tb.x[21 : 21+len(want)]; !slices.Equal(got, want) {
		t.Errorf("row 2 features %v, want %v", got, want)
	}
	nsp, err := parseCTGCSV(readTestdata(t, "ctg-tiny.csv"), ctgNSP)
	if err != nil || !slices.Equal(nsp.y, []int{1, 0}) || !slices.Equal(nsp.x, tb.x) {
		t.Fatalf("NSP labels %v, %v", nsp.y, err)
	}
	base := string(readTestdata(t, "ctg-tiny.csv"))
	lines := strings.Split(base, "\n")
	bad := map[string]string{
		"e not after b":  strings.Replace(base, "10,410,", "410,410,", 1),
		"CLASS 11":       strings.Replace(base, ",6,1\n", ",11,1\n", 1),
		"CLASS 2.5":      strings.Replace(base, ",6,1\n", ",2.5,1\n", 1),
		"missing column": lines[0] + "\n" + lines[1] + "\n" + strings.TrimSuffix(lines[2], ",1") + "\n",
		"header":         strings.Replace(base, "Tendency", "Trend", 1),
	}
	wants := map[string]string{
		"e not after b":  "line 3: segment end e=410 is not after start b=410",
		"CLASS 11":       "line 3: CLASS=11 is not an integer in 1..10",
		"CLASS 2.5":      "line 3: CLASS=2.5",
		"missing column": "line 3: 24 fields, want 25",
		"header":         `line 1: header field 23 is "Trend", want "Tendency"`,
	}
	for name, in := range bad {
		_, err := parseCTGCSV([]byte(in), ctgClass)
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), wants[name]) {
			t.Errorf("%s: %v, want %q", name, err, wants[name])
		}
	}
	_, err = parseCTGCSV([]byte(strings.Replace(base, ",6,1\n", ",6,4\n", 1)), ctgNSP)
	if err == nil || !strings.Contains(err.Error(), "NSP=4") {
		t.Errorf("NSP 4: %v", err)
	}
}

// ctgSheet builds a tiny "Raw Data" sheet like the workbook's: header row,
// an empty row, data rows, an empty row, a summary row.
func ctgSheet(rows [][]float64, summary bool) []byte {
	cols := []string{"FileName", "Date", "SegFile", "b", "e", "LBE", "LB", "AC", "FM", "UC", "ASTV", "MSTV", "ALTV", "MLTV",
		"DL", "DS", "DP", "DR", "Width", "Min", "Max", "Nmax", "Nzeros", "Mode", "Mean", "Median", "Variance", "Tendency",
		"A", "B", "C", "D", "E", "AD", "DE", "LD", "FS", "SUSP", "CLASS", "NSP"}
	sh := xlsbuild.Sheet{Name: "Raw Data"}
	colOf := map[string]int{}
	for c, n := range cols {
		colOf[n] = c
		sh.Cells = append(sh.Cells, xlsbuild.Cell{Row: 0, Col: c, IsText: true, Text: n})
	}
	for i, r := range rows {
		sh.Cells = append(sh.Cells, xlsbuild.Cell{Row: 2 + i, Col: 0, IsText: true, Text: "file.txt"})
		for k, v := range r {
			style := "number"
			if v == math.Trunc(v) && k%2 == 0 {
				style = "rk"
			}
			sh.Cells = append(sh.Cells, xlsbuild.Cell{Row: 2 + i, Col: colOf[ctgRawColumns[k]], Num: v, Style: style})
		}
	}
	if summary {
		sh.Cells = append(sh.Cells, xlsbuild.Cell{Row: 3 + len(rows), Col: colOf["AC"], Num: 564, Style: "formula"})
	}
	return xlsbuild.Compound(xlsbuild.Workbook([]xlsbuild.Sheet{{Name: "Description"}, sh}, 0))
}

func TestParseCTGXLSSynthetic(t *testing.T) {
	csv, err := parseCTGCSV(readTestdata(t, "ctg-tiny.csv"), ctgClass)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, _, err := parseText(readTestdata(t, "ctg-tiny.csv"), textFormat{sep: ',', header: ctgRawColumns, cols: 25, label: -1})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]float64{raw[:25], raw[25:]}
	tb, err := parseCTGXLS(ctgSheet(rows, true), ctgClass)
	if err != nil {
		t.Fatal(err)
	}
	if tb.hash(tb.rows) != csv.hash(csv.rows) {
		t.Errorf("workbook and CSV tables differ: %v vs %v", tb.x, csv.x)
	}
	// A row with a missing value inside the block names the sheet row.
	short := slices.Clone(rows[1])
	bad := ctgSheet([][]float64{rows[0], short[:20]}, false)
	_, err = parseCTGXLS(bad, ctgClass)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), `sheet "Raw Data" row 4: no number in column(s) [Median Variance Tendency CLASS NSP]`) {
		t.Errorf("incomplete row: %v", err)
	}
	_, err = parseCTGXLS([]byte("not a workbook"), ctgClass)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "CTG.xls") {
		t.Errorf("garbage: %v", err)
	}
	noData := xlsbuild.Compound(xlsbuild.Workbook([]xlsbuild.Sheet{{Name: "Raw Data", Cells: []xlsbuild.Cell{{IsText: true, Text: "b"}}}}, 0))
	_, err = parseCTGXLS(noData, ctgClass)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "no header row") {
		t.Errorf("no header: %v", err)
	}
}

func FuzzParseText(f *testing.F) {
	f.Add(readTestdata(f, "avila-tiny.txt"), false)
	f.Add(readTestdata(f, "space-tiny.txt"), true)
	f.Add([]byte("1,2,3,4,5,6,7,8,9,10,A\n\n"), false)
	f.Add([]byte("\xef\xbb\xbf1 2 3 4 5\r\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, space bool) {
		f := avilaLike
		if space {
			f = spaceLike
		}
		x, y, rows, err := parseText(b, f)
		if err != nil {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "line ") && !strings.Contains(err.Error(), "no data rows") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if len(x) != rows*(f.cols-1) || len(y) != rows {
			t.Fatalf("%d values, %d labels for %d rows", len(x), len(y), rows)
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite value %v accepted", v)
			}
		}
	})
}

func FuzzParseCTGCSV(f *testing.F) {
	f.Add(readTestdata(f, "ctg-tiny.csv"))
	f.Add([]byte(strings.Join(ctgRawColumns, ",") + "\n0,0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := parseCTGCSV(b, ctgNSP)
		if err != nil {
			return
		}
		for _, v := range tb.x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite feature %v", v)
			}
		}
		for _, l := range tb.y {
			if l < 0 || l > 2 {
				t.Fatalf("label %d", l)
			}
		}
	})
}

func FuzzParseCTGXLS(f *testing.F) {
	f.Add(ctgSheet([][]float64{{0, 100, 120, 2, 0, 5, 1, 0, 0, 73, 0.5, 43, 2.4, 64, 62, 126, 2, 0, 120, 137, 121, 73, 1, 9, 2}}, true))
	f.Add(ctgSheet(nil, false))
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := parseCTGXLS(b, ctgClass)
		if err != nil {
			return
		}
		if len(tb.x) != tb.rows*tb.cols || len(tb.y) != tb.rows {
			t.Fatalf("inconsistent table")
		}
	})
}
