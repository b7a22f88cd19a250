package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// ErrFormat is returned (wrapped) when a file is malformed: a row with the
// wrong number of fields, a field that is not a finite number, an unknown
// class label, a bad header. The message names the file and the line.
var ErrFormat = errors.New("malformed data")

// textFormat describes a delimited text table.
type textFormat struct {
	sep    byte           // ',' for comma-separated; ' ' for runs of spaces and tabs
	header []string       // exact header expected on the first line; nil if none
	cols   int            // fields per row
	label  int            // index of the label field; -1 if every field is numeric
	codes  map[string]int // label code -> class index (when label >= 0)
}

// parseText parses a delimited text table. Lines may end in LF or CRLF; a
// UTF-8 byte order mark and blank lines at the very end are accepted; any
// other deviation is an error naming the line (1-based).
// It returns the numeric fields row-major (cols-1 per row when there is a
// label field, cols otherwise) and the class indices.
func parseText(data []byte, f textFormat) (x []float64, y []int, rows int, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// Blank lines are accepted only at the end of the file.
	end := len(data)
	for end > 0 && (data[end-1] == '\n' || data[end-1] == '\r' || data[end-1] == ' ' || data[end-1] == '\t') {
		end--
	}
	data = data[:end]
	if len(data) == 0 {
		return nil, nil, 0, fmt.Errorf("%w: no data rows", ErrFormat)
	}
	nf := f.cols
	if f.label >= 0 {
		nf--
	}
	fields := make([][]byte, 0, f.cols)
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		l = bytes.TrimSuffix(l, []byte{'\r'})
		fields = splitFields(fields[:0], l, f.sep)
		if line == 1 && f.header != nil {
			if len(fields) != len(f.header) {
				return nil, nil, 0, fmt.Errorf("%w: line 1: header has %d fields, want %d (%v)", ErrFormat, len(fields), len(f.header), f.header)
			}
			for j, h := range f.header {
				if string(fields[j]) != h {
					return nil, nil, 0, fmt.Errorf("%w: line 1: header field %d is %q, want %q", ErrFormat, j+1, fields[j], h)
				}
			}
			continue
		}
		if len(fields) == 0 || (len(fields) == 1 && len(fields[0]) == 0) {
			return nil, nil, 0, fmt.Errorf("%w: line %d: empty line", ErrFormat, line)
		}
		if len(fields) != f.cols {
			return nil, nil, 0, fmt.Errorf("%w: line %d: %d fields, want %d", ErrFormat, line, len(fields), f.cols)
		}
		for j, fd := range fields {
			if j == f.label {
				c, ok := f.codes[string(fd)]
				if !ok {
					return nil, nil, 0, fmt.Errorf("%w: line %d, field %d: unknown class label %q", ErrFormat, line, j+1, truncate(fd))
				}
				y = append(y, c)
				continue
			}
			v, perr := strconv.ParseFloat(string(fd), 64)
			if perr != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, 0, fmt.Errorf("%w: line %d, field %d: %q is not a finite number", ErrFormat, line, j+1, truncate(fd))
			}
			x = append(x, v)
		}
		rows++
	}
	if rows == 0 {
		return nil, nil, 0, fmt.Errorf("%w: no data rows", ErrFormat)
	}
	if len(x) != rows*nf {
		return nil, nil, 0, fmt.Errorf("%w: internal: %d values for %d rows", ErrFormat, len(x), rows)
	}
	return x, y, rows, nil
}

// splitFields splits a line into fields. With sep ' ' fields are separated by
// runs of spaces and tabs (leading and trailing blanks ignored); otherwise by
// the single byte sep, with blanks around each field trimmed.
func splitFields(dst [][]byte, l []byte, sep byte) [][]byte {
	if sep == ' ' {
		return append(dst, bytes.Fields(l)...)
	}
	for {
		i := bytes.IndexByte(l, sep)
		if i < 0 {
			return append(dst, bytes.TrimSpace(l))
		}
		dst = append(dst, bytes.TrimSpace(l[:i]))
		l = l[i+1:]
	}
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// codes maps label codes to class indices in order.
func codes(c ...string) map[string]int {
	m := make(map[string]int, len(c))
	for i, s := range c {
		m[s] = i
	}
	return m
}

// Cardiotocography.

// ctgRawColumns are the columns of the "Raw Data" sheet that the loader uses,
// in the order of the CSV export ctg-raw-data.csv.
var ctgRawColumns = []string{"b", "e", "LB", "AC", "FM", "UC", "DL", "DS", "DP", "ASTV", "MSTV", "ALTV", "MLTV",
	"Width", "Min", "Max", "Nmax", "Nzeros", "Mode", "Mean", "Median", "Variance", "Tendency", "CLASS", "NSP"}

// ctgFeatureNames are the 21 features of the UCI data set, in order.
var ctgFeatureNames = []string{"LB", "AC", "FM", "UC", "DL", "DS", "DP", "ASTV", "MSTV", "ALTV", "MLTV",
	"Width", "Min", "Max", "Nmax", "Nzeros", "Mode", "Mean", "Median", "Variance", "Tendency"}

// ctgLabel selects the label column of Cardiotocography.
type ctgLabel int

const (
	ctgClass ctgLabel = iota // CLASS: FHR pattern, 10 classes
	ctgNSP                   // NSP: normal, suspect, pathologic
)

// ctgTable builds the Cardiotocography table from raw rows of the "Raw Data"
// sheet (columns ctgRawColumns). AC, FM, UC, DL, DS and DP are counts over
// the segment [b, e] (in seconds); the features are the per-second rates
// count/(e − b), as in the workbook's "Data" sheet. lines[i] names row i in
// error messages.
func ctgTable(raw []float64, lines []string, label ctgLabel) (*table, error) {
	const nc = 25
	n := len(raw) / nc
	t := &table{rows: n, cols: len(ctgFeatureNames), x: make([]float64, 0, n*len(ctgFeatureNames)), y: make([]int, n)}
	for i := 0; i < n; i++ {
		r := raw[i*nc : (i+1)*nc]
		b, e := r[0], r[1]
		if !(e > b) {
			return nil, fmt.Errorf("%w: %s: segment end e=%v is not after start b=%v", ErrFormat, lines[i], e, b)
		}
		d := e - b
		t.x = append(t.x, r[2])
		for j := 3; j <= 8; j++ {
			t.x = append(t.x, r[j]/d)
		}
		t.x = append(t.x, r[9:23]...)
		cls, nsp := r[23], r[24]
		switch label {
		case ctgClass:
			if cls != math.Trunc(cls) || cls < 1 || cls > 10 {
				return nil, fmt.Errorf("%w: %s: CLASS=%v is not an integer in 1..10", ErrFormat, lines[i], cls)
			}
			t.y[i] = int(cls) - 1
		default:
			if nsp != math.Trunc(nsp) || nsp < 1 || nsp > 3 {
				return nil, fmt.Errorf("%w: %s: NSP=%v is not an integer in 1..3", ErrFormat, lines[i], nsp)
			}
			t.y[i] = int(nsp) - 1
		}
	}
	return t, nil
}

// parseCTGCSV parses the "Raw Data" sheet exported as CSV with a header
// (ctg-raw-data.csv) and derives the Cardiotocography table.
func parseCTGCSV(data []byte, label ctgLabel) (*table, error) {
	raw, _, rows, err := parseText(data, textFormat{sep: ',', header: ctgRawColumns, cols: len(ctgRawColumns), label: -1})
	if err != nil {
		return nil, err
	}
	lines := make([]string, rows)
	for i := range lines {
		lines[i] = "line " + strconv.Itoa(i+2)
	}
	return ctgTable(raw, lines, label)
}
