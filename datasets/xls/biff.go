package xls

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"unicode/utf16"
)

// Record types used by the reader.
const (
	recBOF        = 0x0809
	recEOF        = 0x000A
	recBoundSheet = 0x0085
	recSST        = 0x00FC
	recContinue   = 0x003C
	recFilePass   = 0x002F
	recNumber     = 0x0203
	recRK         = 0x027E
	recMulRK      = 0x00BD
	recLabelSST   = 0x00FD
	recLabel      = 0x0204
	recFormula    = 0x0006
)

// Kind is the kind of value a cell holds.
type Kind int

const (
	Empty  Kind = iota // no value (also blank and formatted-only cells)
	Number             // a number (NUMBER, RK, MULRK, numeric FORMULA result)
	Text               // a string (LABELSST, LABEL)
)

// Cell is the value of one cell.
type Cell struct {
	Kind   Kind
	Number float64
	Text   string
}

// Workbook is an opened .xls workbook.
type Workbook struct {
	stream []byte
	sst    []string
	sheets []sheetRef
}

type sheetRef struct {
	name string
	pos  uint32
	typ  byte
}

// Sheet holds the values of one worksheet.
type Sheet struct {
	Name       string
	cells      map[uint32]Cell // key row<<16 | col
	rows, cols int
}

// Open parses the compound file and the workbook globals (sheet list, shared
// strings).
func Open(b []byte) (*Workbook, error) {
	c, err := openCompound(b)
	if err != nil {
		return nil, err
	}
	if !c.has("Workbook") {
		if c.has("Book") {
			return nil, errf("BIFF5 workbook (Excel 5/95): only BIFF8 (Excel 97–2003) is supported")
		}
		return nil, errf("no Workbook stream")
	}
	s, err := c.stream("Workbook")
	if err != nil {
		return nil, err
	}
	w := &Workbook{stream: s}
	if err := w.globals(); err != nil {
		return nil, err
	}
	return w, nil
}

// record is one BIFF record.
type record struct {
	typ  uint16
	data []byte
	pos  int
}

// next reads the record at pos.
func (w *Workbook) next(pos int) (record, int, error) {
	if pos+4 > len(w.stream) {
		return record{}, 0, errf("record header at offset %d runs past the stream (%d bytes)", pos, len(w.stream))
	}
	typ := binary.LittleEndian.Uint16(w.stream[pos:])
	n := int(binary.LittleEndian.Uint16(w.stream[pos+2:]))
	if pos+4+n > len(w.stream) {
		return record{}, 0, errf("record %#04x at offset %d: length %d runs past the stream", typ, pos, n)
	}
	return record{typ, w.stream[pos+4 : pos+4+n], pos}, pos + 4 + n, nil
}

func checkBOF(r record) error {
	if r.typ != recBOF {
		return errf("offset %d: expected BOF record, found %#04x", r.pos, r.typ)
	}
	if len(r.data) < 4 {
		return errf("offset %d: short BOF record", r.pos)
	}
	if v := binary.LittleEndian.Uint16(r.data); v != 0x0600 {
		return errf("BIFF version %#04x: only BIFF8 (0x0600) is supported", v)
	}
	return nil
}

func (w *Workbook) globals() error {
	r, pos, err := w.next(0)
	if err != nil {
		return err
	}
	if err := checkBOF(r); err != nil {
		return err
	}
	var sstSegs [][]byte
	inSST := false
	for {
		r, pos, err = w.next(pos)
		if err != nil {
			return fmt.Errorf("workbook globals: %w", err)
		}
		if r.typ == recContinue && inSST {
			sstSegs = append(sstSegs, r.data)
			continue
		}
		inSST = false
		switch r.typ {
		case recEOF:
			if sstSegs != nil {
				sst, err := parseSST(sstSegs)
				if err != nil {
					return err
				}
				w.sst = sst
			}
			return nil
		case recFilePass:
			return errf("the workbook is encrypted")
		case recBoundSheet:
			if len(r.data) < 8 {
				return errf("offset %d: short BOUNDSHEET record", r.pos)
			}
			name, _, err := shortString(r.data[6:])
			if err != nil {
				return fmt.Errorf("offset %d: sheet name: %w", r.pos, err)
			}
			w.sheets = append(w.sheets, sheetRef{name: name, pos: binary.LittleEndian.Uint32(r.data), typ: r.data[5]})
		case recSST:
			sstSegs = [][]byte{r.data}
			inSST = true
		}
	}
}

// SheetNames lists the sheets in workbook order.
func (w *Workbook) SheetNames() []string {
	var n []string
	for _, s := range w.sheets {
		n = append(n, s.name)
	}
	return n
}

// Sheet reads the named worksheet.
func (w *Workbook) Sheet(name string) (*Sheet, error) {
	for _, ref := range w.sheets {
		if ref.name != name {
			continue
		}
		if ref.typ != 0 {
			return nil, errf("sheet %q is not a worksheet (type %d)", name, ref.typ)
		}
		return w.readSheet(ref)
	}
	return nil, errf("no sheet %q (sheets: %q)", name, w.SheetNames())
}

func (w *Workbook) readSheet(ref sheetRef) (*Sheet, error) {
	sh := &Sheet{Name: ref.name, cells: map[uint32]Cell{}}
	pos := int(ref.pos)
	r, pos, err := w.next(pos)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", ref.name, err)
	}
	if err := checkBOF(r); err != nil {
		return nil, fmt.Errorf("sheet %q: %w", ref.name, err)
	}
	for {
		r, pos, err = w.next(pos)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", ref.name, err)
		}
		d := r.data
		bad := func() error {
			return errf("sheet %q: record %#04x at offset %d: %d bytes is too short", ref.name, r.typ, r.pos, len(d))
		}
		switch r.typ {
		case recEOF:
			return sh, nil
		case recBOF:
			return nil, errf("sheet %q: nested BOF at offset %d (embedded charts are not supported)", ref.name, r.pos)
		case recNumber:
			if len(d) < 14 {
				return nil, bad()
			}
			sh.set(d, Cell{Kind: Number, Number: math.Float64frombits(binary.LittleEndian.Uint64(d[6:]))})
		case recRK:
			if len(d) < 10 {
				return nil, bad()
			}
			sh.set(d, Cell{Kind: Number, Number: rk(binary.LittleEndian.Uint32(d[6:]))})
		case recMulRK:
			if len(d) < 6 || (len(d)-6)%6 != 0 {
				return nil, bad()
			}
			row := binary.LittleEndian.Uint16(d)
			col := binary.LittleEndian.Uint16(d[2:])
			n := (len(d) - 6) / 6
			last := binary.LittleEndian.Uint16(d[len(d)-2:])
			if int(last)-int(col)+1 != n {
				return nil, errf("sheet %q: MULRK at offset %d: columns %d..%d but %d values", ref.name, r.pos, col, last, n)
			}
			for k := 0; k < n; k++ {
				v := rk(binary.LittleEndian.Uint32(d[4+6*k+2:]))
				sh.put(row, col+uint16(k), Cell{Kind: Number, Number: v})
			}
		case recLabelSST:
			if len(d) < 10 {
				return nil, bad()
			}
			i := binary.LittleEndian.Uint32(d[6:])
			if int64(i) >= int64(len(w.sst)) {
				return nil, errf("sheet %q: LABELSST at offset %d: string %d of %d", ref.name, r.pos, i, len(w.sst))
			}
			sh.set(d, Cell{Kind: Text, Text: w.sst[i]})
		case recLabel:
			if len(d) < 9 {
				return nil, bad()
			}
			s, err := longString([][]byte{d[6:]})
			if err != nil {
				return nil, fmt.Errorf("sheet %q: LABEL at offset %d: %w", ref.name, r.pos, err)
			}
			sh.set(d, Cell{Kind: Text, Text: s})
		case recFormula:
			if len(d) < 14 {
				return nil, bad()
			}
			// A cached result whose top bytes are 0xFFFF is a string, boolean or error.
			if d[12] != 0xFF || d[13] != 0xFF {
				sh.set(d, Cell{Kind: Number, Number: math.Float64frombits(binary.LittleEndian.Uint64(d[6:]))})
			}
		}
	}
}

// rk decodes an RK number.
func rk(v uint32) float64 {
	var f float64
	if v&2 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&^3) << 32)
	}
	if v&1 != 0 {
		f /= 100
	}
	return f
}

func (sh *Sheet) set(d []byte, c Cell) {
	sh.put(binary.LittleEndian.Uint16(d), binary.LittleEndian.Uint16(d[2:]), c)
}

func (sh *Sheet) put(row, col uint16, c Cell) {
	sh.cells[uint32(row)<<16|uint32(col)] = c
	sh.rows = max(sh.rows, int(row)+1)
	sh.cols = max(sh.cols, int(col)+1)
}

// Dims returns the number of rows and columns up to the last cell with a value.
func (sh *Sheet) Dims() (rows, cols int) { return sh.rows, sh.cols }

// Cell returns the value at (row, col), 0-based; Empty outside the sheet.
func (sh *Sheet) Cell(row, col int) Cell {
	if row < 0 || col < 0 || row >= sh.rows || col >= sh.cols {
		return Cell{}
	}
	return sh.cells[uint32(row)<<16|uint32(col)]
}

// NonEmptyRows returns the indices of rows holding at least one value, in order.
func (sh *Sheet) NonEmptyRows() []int {
	seen := map[int]bool{}
	for k := range sh.cells {
		seen[int(k>>16)] = true
	}
	r := make([]int, 0, len(seen))
	for k := range seen {
		r = append(r, k)
	}
	sort.Ints(r)
	return r
}

// shortString decodes a ShortXLUnicodeString (8-bit length).
func shortString(b []byte) (string, int, error) {
	if len(b) < 2 {
		return "", 0, errf("short string header")
	}
	n, high := int(b[0]), b[1]&1 != 0
	w := 1
	if high {
		w = 2
	}
	if 2+n*w > len(b) {
		return "", 0, errf("string of %d characters runs past its record", n)
	}
	return decode(b[2:2+n*w], high), 2 + n*w, nil
}

func decode(b []byte, high bool) string {
	if !high {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c) // Latin-1
		}
		return string(r)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// segReader reads across a record and its CONTINUE records.
type segReader struct {
	segs [][]byte
	i    int
	off  int
}

func (r *segReader) done() bool {
	for r.i < len(r.segs) && r.off == len(r.segs[r.i]) {
		r.i++
		r.off = 0
	}
	return r.i >= len(r.segs)
}

// take reads n bytes, crossing segment boundaries.
func (r *segReader) take(n int) ([]byte, error) {
	var out []byte
	for n > 0 {
		if r.done() {
			return nil, errf("shared strings: data ends %d bytes early", n)
		}
		s := r.segs[r.i][r.off:]
		k := min(n, len(s))
		out = append(out, s[:k]...)
		r.off += k
		n -= k
	}
	return out, nil
}

// chars reads cch characters; at a segment boundary a new option byte gives
// the width of the remaining characters.
func (r *segReader) chars(cch int, high bool) (string, error) {
	var u []uint16
	var lat []byte
	out := ""
	flush := func() {
		if high {
			out += string(utf16.Decode(u))
		} else {
			out += decode(lat, false)
		}
		u, lat = u[:0], lat[:0]
	}
	for cch > 0 {
		if r.i >= len(r.segs) {
			return "", errf("shared strings: string ends %d characters early", cch)
		}
		if r.off == len(r.segs[r.i]) {
			flush()
			r.i++
			r.off = 0
			if r.i >= len(r.segs) || len(r.segs[r.i]) == 0 {
				return "", errf("shared strings: string ends %d characters early", cch)
			}
			high = r.segs[r.i][0]&1 != 0
			r.off = 1
			continue
		}
		s := r.segs[r.i][r.off:]
		if high {
			if len(s) < 2 {
				return "", errf("shared strings: split UTF-16 character")
			}
			u = append(u, binary.LittleEndian.Uint16(s))
			r.off += 2
		} else {
			lat = append(lat, s[0])
			r.off++
		}
		cch--
	}
	flush()
	return out, nil
}

// readString reads one XLUnicodeRichExtendedString.
func (r *segReader) readString() (string, error) {
	h, err := r.take(3)
	if err != nil {
		return "", err
	}
	cch := int(binary.LittleEndian.Uint16(h))
	flags := h[2]
	runs, ext := 0, 0
	if flags&0x8 != 0 {
		b, err := r.take(2)
		if err != nil {
			return "", err
		}
		runs = int(binary.LittleEndian.Uint16(b))
	}
	if flags&0x4 != 0 {
		b, err := r.take(4)
		if err != nil {
			return "", err
		}
		ext = int(binary.LittleEndian.Uint32(b))
	}
	s, err := r.chars(cch, flags&1 != 0)
	if err != nil {
		return "", err
	}
	if err := r.skip(4*runs + ext); err != nil {
		return "", err
	}
	return s, nil
}

func (r *segReader) skip(n int) error {
	for n > 0 {
		if r.done() {
			return errf("shared strings: formatting data ends %d bytes early", n)
		}
		k := min(n, len(r.segs[r.i])-r.off)
		r.off += k
		n -= k
	}
	return nil
}

func parseSST(segs [][]byte) ([]string, error) {
	if len(segs[0]) < 8 {
		return nil, errf("short SST record")
	}
	unique := int(binary.LittleEndian.Uint32(segs[0][4:]))
	segs[0] = segs[0][8:]
	r := &segReader{segs: segs}
	var out []string
	for i := 0; i < unique; i++ {
		if r.done() {
			return nil, errf("shared strings: %d of %d strings present", i, unique)
		}
		s, err := r.readString()
		if err != nil {
			return nil, fmt.Errorf("string %d: %w", i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// longString decodes an XLUnicodeString (16-bit length) from segments.
func longString(segs [][]byte) (string, error) {
	r := &segReader{segs: segs}
	h, err := r.take(3)
	if err != nil {
		return "", err
	}
	return r.chars(int(binary.LittleEndian.Uint16(h)), h[2]&1 != 0)
}
