package datasets

import (
	"fmt"
	"strconv"

	"github.com/densitydiffusion/toolkit/datasets/xls"
)

// parseCTGXLS reads the "Raw Data" sheet of CTG.xls, the member of the
// canonical UCI archive, and derives the Cardiotocography table exactly as
// parseCTGCSV does from the sheet's CSV export.
//
// The sheet has a header row naming the columns (FileName, Date, SegFile, b,
// e, …, CLASS, NSP), then the 2,126 data rows, then, after an empty row,
// summary rows of formulas. The data block runs from the first row after
// the header in which every column the loader needs holds a number to the
// first row in which none does; a row inside the block with some of those
// cells missing is an error naming its spreadsheet row.
func parseCTGXLS(b []byte, label ctgLabel) (*table, error) {
	w, err := xls.Open(b)
	if err != nil {
		return nil, fmt.Errorf("%w: CTG.xls: %v", ErrFormat, err)
	}
	sh, err := w.Sheet("Raw Data")
	if err != nil {
		return nil, fmt.Errorf("%w: CTG.xls: %v", ErrFormat, err)
	}
	rows, cols := sh.Dims()
	// Find the header row and the column of each needed field.
	hdr, colOf := -1, make([]int, len(ctgRawColumns))
	for r := 0; r < min(rows, 50) && hdr < 0; r++ {
		names := map[string]int{}
		for c := 0; c < cols; c++ {
			if cl := sh.Cell(r, c); cl.Kind == xls.Text {
				if _, dup := names[cl.Text]; !dup {
					names[cl.Text] = c
				}
			}
		}
		ok := true
		for k, n := range ctgRawColumns {
			c, found := names[n]
			if !found {
				ok = false
				break
			}
			colOf[k] = c
		}
		if ok {
			hdr = r
		}
	}
	if hdr < 0 {
		return nil, fmt.Errorf("%w: CTG.xls: sheet \"Raw Data\": no header row naming %v", ErrFormat, ctgRawColumns)
	}
	var raw []float64
	var lines []string
	started := false
	vals := make([]float64, len(ctgRawColumns))
	for r := hdr + 1; r < rows; r++ {
		have := 0
		for k, c := range colOf {
			if cl := sh.Cell(r, c); cl.Kind == xls.Number {
				vals[k] = cl.Number
				have++
			}
		}
		if have == 0 {
			if started {
				break
			}
			continue
		}
		line := "sheet \"Raw Data\" row " + strconv.Itoa(r+1)
		if have < len(colOf) {
			var missing []string
			for k, c := range colOf {
				if sh.Cell(r, c).Kind != xls.Number {
					missing = append(missing, ctgRawColumns[k])
				}
			}
			return nil, fmt.Errorf("%w: CTG.xls: %s: no number in column(s) %v", ErrFormat, line, missing)
		}
		started = true
		raw = append(raw, vals...)
		lines = append(lines, line)
	}
	if !started {
		return nil, fmt.Errorf("%w: CTG.xls: sheet \"Raw Data\" has no data rows", ErrFormat)
	}
	return ctgTable(raw, lines, label)
}
