// Package xlsbuild writes tiny BIFF8 workbooks inside OLE2 compound files,
// for tests of the xls reader and of the Cardiotocography loader. It writes
// only what those tests need: worksheets whose cells are numbers (as NUMBER,
// RK or MULRK records, or cached FORMULA results) and strings (LABELSST
// through a shared string table that is split over CONTINUE records, or
// LABEL).
package xlsbuild

import (
	"encoding/binary"
	"math"
	"unicode/utf16"
)

// Cell is a cell to write. Exactly one of Text or Num is used (Text when
// IsText). Style selects the record for numbers: "number" (default), "rk",
// "formula"; for text: "sst" (default) or "label".
type Cell struct {
	Row, Col int
	IsText   bool
	Text     string
	Num      float64
	Style    string
}

// Sheet is a worksheet to write.
type Sheet struct {
	Name  string
	Cells []Cell
	// MulRK rows: each entry writes Values as one MULRK record at Row from Col.
	MulRK []MulRK
}

// MulRK is a run of integer-valued cells written as one MULRK record.
type MulRK struct {
	Row, Col int
	Values   []int32
}

func rec(b []byte, typ uint16, data []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, typ)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

func bof(typ uint16) []byte {
	d := make([]byte, 16)
	binary.LittleEndian.PutUint16(d, 0x0600)
	binary.LittleEndian.PutUint16(d[2:], typ)
	return d
}

func cellHead(r, c int) []byte {
	d := binary.LittleEndian.AppendUint16(nil, uint16(r))
	d = binary.LittleEndian.AppendUint16(d, uint16(c))
	return binary.LittleEndian.AppendUint16(d, 0x0F) // ixfe
}

// Workbook returns the BIFF8 Workbook stream of the sheets. sstSplit > 0
// splits the shared string table into CONTINUE records after that many
// bytes of string data (splitting inside strings).
func Workbook(sheets []Sheet, sstSplit int) []byte {
	// Shared strings.
	var sst []string
	index := map[string]int{}
	for _, s := range sheets {
		for _, c := range s.Cells {
			if c.IsText && c.Style != "label" {
				if _, ok := index[c.Text]; !ok {
					index[c.Text] = len(sst)
					sst = append(sst, c.Text)
				}
			}
		}
	}
	// Sheet substreams (positions are patched in afterwards).
	var subs [][]byte
	for _, s := range sheets {
		b := rec(nil, 0x0809, bof(0x0010))
		for _, c := range s.Cells {
			h := cellHead(c.Row, c.Col)
			switch {
			case c.IsText && c.Style == "label":
				d := binary.LittleEndian.AppendUint16(h, uint16(len([]rune(c.Text))))
				d = append(d, 0)
				for _, r := range c.Text {
					d = append(d, byte(r))
				}
				b = rec(b, 0x0204, d)
			case c.IsText:
				b = rec(b, 0x00FD, binary.LittleEndian.AppendUint32(h, uint32(index[c.Text])))
			case c.Style == "rk":
				v := uint32(int32(c.Num))<<2 | 2
				b = rec(b, 0x027E, binary.LittleEndian.AppendUint32(h, v))
			case c.Style == "formula":
				d := binary.LittleEndian.AppendUint64(h, math.Float64bits(c.Num))
				d = append(d, 0, 0, 0, 0, 0, 0, 0, 0) // flags, chn, empty formula
				b = rec(b, 0x0006, d)
			default:
				b = rec(b, 0x0203, binary.LittleEndian.AppendUint64(h, math.Float64bits(c.Num)))
			}
		}
		for _, m := range s.MulRK {
			d := binary.LittleEndian.AppendUint16(nil, uint16(m.Row))
			d = binary.LittleEndian.AppendUint16(d, uint16(m.Col))
			for _, v := range m.Values {
				d = binary.LittleEndian.AppendUint16(d, 0x0F)
				d = binary.LittleEndian.AppendUint32(d, uint32(v)<<2|2)
			}
			d = binary.LittleEndian.AppendUint16(d, uint16(m.Col+len(m.Values)-1))
			b = rec(b, 0x00BD, d)
		}
		b = rec(b, 0x000A, nil)
		subs = append(subs, b)
	}
	// Globals.
	g := rec(nil, 0x0809, bof(0x0005))
	var bsPos []int
	for _, s := range sheets {
		bsPos = append(bsPos, len(g)+4)
		d := make([]byte, 6)
		d = append(d, byte(len(s.Name)), 0)
		d = append(d, s.Name...)
		g = rec(g, 0x0085, d)
	}
	if len(sst) > 0 {
		var body []byte
		var cuts []int     // offsets in body where a CONTINUE starts, and whether inside a string's chars
		var inChars []bool // per cut: the continued string is 16-bit
		for _, s := range sst {
			u := utf16.Encode([]rune(s))
			high := false
			for _, c := range u {
				if c > 0xFF {
					high = true
				}
			}
			body = binary.LittleEndian.AppendUint16(body, uint16(len(u)))
			if high {
				body = append(body, 1)
			} else {
				body = append(body, 0)
			}
			for _, c := range u {
				if sstSplit > 0 && len(body) > 0 && len(body)%sstSplit == 0 {
					cuts = append(cuts, len(body))
					inChars = append(inChars, high)
				}
				if high {
					body = binary.LittleEndian.AppendUint16(body, c)
				} else {
					body = append(body, byte(c))
				}
			}
		}
		head := binary.LittleEndian.AppendUint32(nil, uint32(len(sst)))
		head = binary.LittleEndian.AppendUint32(head, uint32(len(sst)))
		prev := 0
		first := true
		cuts = append(cuts, len(body))
		for k, c := range cuts {
			seg := body[prev:c]
			if first {
				g = rec(g, 0x00FC, append(head, seg...))
				first = false
			} else {
				// A CONTINUE inside character data starts with an option
				// byte giving the width of the remaining characters.
				opt := byte(0)
				if inChars[k-1] {
					opt = 1
				}
				seg = append([]byte{opt}, seg...)
				g = rec(g, 0x003C, seg)
			}
			prev = c
		}
	}
	g = rec(g, 0x000A, nil)
	// Patch sheet positions.
	pos := len(g)
	for i, s := range subs {
		binary.LittleEndian.PutUint32(g[bsPos[i]:], uint32(pos))
		pos += len(s)
	}
	out := g
	for _, s := range subs {
		out = append(out, s...)
	}
	return out
}

// Compound wraps stream as the "Workbook" stream of a version-3 OLE2
// compound file (512-byte sectors). Streams shorter than 4096 bytes go to
// the mini stream, as the format requires.
func Compound(stream []byte) []byte {
	const ss = 512
	pad := func(b []byte, n int) []byte {
		for len(b)%n != 0 {
			b = append(b, 0)
		}
		return b
	}
	fat := []uint32{0xFFFFFFFD, 0xFFFFFFFE} // sector 0: FAT, sector 1: directory
	var sectors [][]byte
	chain := func(data []byte) uint32 {
		data = pad(data, ss)
		start := uint32(len(fat))
		for i := 0; i < len(data)/ss; i++ {
			if i == len(data)/ss-1 {
				fat = append(fat, 0xFFFFFFFE)
			} else {
				fat = append(fat, uint32(len(fat)+1))
			}
			sectors = append(sectors, data[i*ss:(i+1)*ss])
		}
		return start
	}
	var rootStart, miniFATStart uint32 = 0xFFFFFFFE, 0xFFFFFFFE
	var rootSize uint32
	var wbStart uint32
	nMiniFAT := uint32(0)
	if len(stream) < 4096 {
		nm := (len(stream) + 63) / 64
		mf := make([]byte, 0, 4*nm)
		for i := 0; i < nm; i++ {
			next := uint32(i + 1)
			if i == nm-1 {
				next = 0xFFFFFFFE
			}
			mf = binary.LittleEndian.AppendUint32(mf, next)
		}
		for len(mf)%ss != 0 {
			mf = binary.LittleEndian.AppendUint32(mf, 0xFFFFFFFF)
		}
		miniFATStart = chain(mf)
		nMiniFAT = uint32(len(mf) / ss)
		mini := pad(append([]byte(nil), stream...), 64)
		rootSize = uint32(len(mini))
		rootStart = chain(mini)
		wbStart = 0
	} else {
		wbStart = chain(stream)
	}
	entry := func(name string, typ byte, start, size uint32) []byte {
		e := make([]byte, 128)
		u := utf16.Encode([]rune(name))
		for i, c := range u {
			binary.LittleEndian.PutUint16(e[2*i:], c)
		}
		binary.LittleEndian.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = typ
		binary.LittleEndian.PutUint32(e[0x44:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[0x48:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[0x4C:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[0x74:], start)
		binary.LittleEndian.PutUint32(e[0x78:], size)
		return e
	}
	dir := entry("Root Entry", 5, rootStart, rootSize)
	wb := entry("Workbook", 2, wbStart, uint32(len(stream)))
	binary.LittleEndian.PutUint32(dir[0x4C:], 1) // child
	dir = append(dir, wb...)
	dir = pad(dir, ss)
	fatSec := make([]byte, 0, ss)
	for _, v := range fat {
		fatSec = binary.LittleEndian.AppendUint32(fatSec, v)
	}
	for len(fatSec) < ss {
		fatSec = binary.LittleEndian.AppendUint32(fatSec, 0xFFFFFFFF)
	}
	h := make([]byte, 512)
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	binary.LittleEndian.PutUint16(h[0x18:], 0x3E)
	binary.LittleEndian.PutUint16(h[0x1A:], 3)
	binary.LittleEndian.PutUint16(h[0x1C:], 0xFFFE)
	binary.LittleEndian.PutUint16(h[0x1E:], 9)
	binary.LittleEndian.PutUint16(h[0x20:], 6)
	binary.LittleEndian.PutUint32(h[0x2C:], 1) // FAT sectors
	binary.LittleEndian.PutUint32(h[0x30:], 1) // directory start
	binary.LittleEndian.PutUint32(h[0x38:], 4096)
	binary.LittleEndian.PutUint32(h[0x3C:], miniFATStart)
	binary.LittleEndian.PutUint32(h[0x40:], nMiniFAT)
	binary.LittleEndian.PutUint32(h[0x44:], 0xFFFFFFFE)
	for i := 0; i < 109; i++ {
		binary.LittleEndian.PutUint32(h[0x4C+4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(h[0x4C:], 0) // FAT in sector 0
	out := append(h, fatSec...)
	out = append(out, dir...)
	for _, s := range sectors {
		out = append(out, s...)
	}
	return out
}
