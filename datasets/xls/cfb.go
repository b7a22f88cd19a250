package xls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// ErrFormat is returned (wrapped) for malformed or unsupported input.
var ErrFormat = errors.New("xls: malformed or unsupported workbook")

var cfbSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

const (
	secFree   = 0xFFFFFFFF
	secEnd    = 0xFFFFFFFE
	secFAT    = 0xFFFFFFFD
	secDIFAT  = 0xFFFFFFFC
	secMaxReg = 0xFFFFFFFA
)

// compound is a parsed OLE2 compound file.
type compound struct {
	data       []byte
	secSize    int
	nSec       int
	fat        []uint32
	miniFAT    []uint32
	miniStream []byte
	miniCutoff uint32
	entries    []dirEntry
}

type dirEntry struct {
	name  string
	typ   byte // 1 storage, 2 stream, 5 root
	start uint32
	size  uint64
}

func le16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }
func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

func errf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, a...)...)
}

func openCompound(b []byte) (*compound, error) {
	if len(b) < 512 || !bytes.Equal(b[:8], cfbSignature) {
		return nil, errf("not an OLE2 compound file (bad signature)")
	}
	shift := le16(b, 0x1E)
	if shift != 9 && shift != 12 {
		return nil, errf("sector shift %d (want 9 or 12)", shift)
	}
	c := &compound{data: b, secSize: 1 << shift}
	c.nSec = (len(b) - c.secSize) / c.secSize
	if len(b) < c.secSize {
		c.nSec = 0
	}
	if le16(b, 0x20) != 6 {
		return nil, errf("mini sector shift %d (want 6)", le16(b, 0x20))
	}
	nFAT := int(le32(b, 0x2C))
	dirStart := le32(b, 0x30)
	c.miniCutoff = le32(b, 0x38)
	miniFATStart := le32(b, 0x3C)
	difatStart := le32(b, 0x44)
	nDIFAT := int(le32(b, 0x48))
	if nFAT > c.nSec || nDIFAT > c.nSec {
		return nil, errf("header declares %d FAT and %d DIFAT sectors, file has %d sectors", nFAT, nDIFAT, c.nSec)
	}
	// FAT sector ids: 109 in the header, the rest in the DIFAT chain.
	var fatSecs []uint32
	for i := 0; i < 109 && len(fatSecs) < nFAT; i++ {
		fatSecs = append(fatSecs, le32(b, 0x4C+4*i))
	}
	per := c.secSize/4 - 1
	s := difatStart
	for i := 0; i < nDIFAT && len(fatSecs) < nFAT; i++ {
		sec, err := c.sector(s)
		if err != nil {
			return nil, fmt.Errorf("DIFAT sector %d: %w", i, err)
		}
		for j := 0; j < per && len(fatSecs) < nFAT; j++ {
			fatSecs = append(fatSecs, le32(sec, 4*j))
		}
		s = le32(sec, c.secSize-4)
	}
	if len(fatSecs) < nFAT {
		return nil, errf("found %d of %d FAT sectors", len(fatSecs), nFAT)
	}
	for i, fs := range fatSecs {
		sec, err := c.sector(fs)
		if err != nil {
			return nil, fmt.Errorf("FAT sector %d: %w", i, err)
		}
		for j := 0; j < c.secSize/4; j++ {
			c.fat = append(c.fat, le32(sec, 4*j))
		}
	}
	dir, err := c.chain(dirStart, -1)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	for off := 0; off+128 <= len(dir); off += 128 {
		e := dir[off : off+128]
		nl := int(le16(e, 0x40))
		if nl < 2 || nl > 64 || nl%2 != 0 {
			c.entries = append(c.entries, dirEntry{})
			continue
		}
		u := make([]uint16, nl/2-1)
		for k := range u {
			u[k] = le16(e, 2*k)
		}
		c.entries = append(c.entries, dirEntry{
			name: string(utf16.Decode(u)), typ: e[0x42], start: le32(e, 0x74),
			size: binary.LittleEndian.Uint64(e[0x78:]),
		})
	}
	if len(c.entries) == 0 || c.entries[0].typ != 5 {
		return nil, errf("no root directory entry")
	}
	if shift == 9 {
		// Version 3 files: the high 32 bits of the size may hold garbage.
		for i := range c.entries {
			c.entries[i].size &= 0xFFFFFFFF
		}
	}
	root := c.entries[0]
	if root.size > 0 {
		if c.miniStream, err = c.chain(root.start, int64(root.size)); err != nil {
			return nil, fmt.Errorf("mini stream: %w", err)
		}
		mf, err := c.chain(miniFATStart, -1)
		if err != nil && miniFATStart != secEnd {
			return nil, fmt.Errorf("mini FAT: %w", err)
		}
		for j := 0; j+4 <= len(mf); j += 4 {
			c.miniFAT = append(c.miniFAT, le32(mf, j))
		}
	}
	return c, nil
}

func (c *compound) sector(id uint32) ([]byte, error) {
	if id > secMaxReg || int64(id) >= int64(c.nSec) {
		return nil, errf("sector id %#x out of range (%d sectors)", id, c.nSec)
	}
	off := (int(id) + 1) * c.secSize
	return c.data[off : off+c.secSize], nil
}

// chain reads the sector chain starting at start; size < 0 reads it whole.
func (c *compound) chain(start uint32, size int64) ([]byte, error) {
	if size > int64(c.nSec)*int64(c.secSize) {
		return nil, errf("stream size %d exceeds the file", size)
	}
	var out []byte
	seen := 0
	for s := start; s != secEnd; {
		if seen > c.nSec {
			return nil, errf("sector chain loops")
		}
		seen++
		sec, err := c.sector(s)
		if err != nil {
			return nil, err
		}
		out = append(out, sec...)
		if size >= 0 && int64(len(out)) >= size {
			return out[:size], nil
		}
		if int(s) >= len(c.fat) {
			return nil, errf("sector %d has no FAT entry", s)
		}
		s = c.fat[s]
	}
	if size >= 0 && int64(len(out)) < size {
		return nil, errf("sector chain holds %d bytes, stream size is %d", len(out), size)
	}
	return out, nil
}

func (c *compound) miniChain(start uint32, size int64) ([]byte, error) {
	var out []byte
	seen := 0
	for s := start; int64(len(out)) < size; {
		if s == secEnd {
			return nil, errf("mini chain ends after %d of %d bytes", len(out), size)
		}
		if seen > len(c.miniFAT) || int(s) >= len(c.miniFAT) {
			return nil, errf("bad mini chain (sector %#x)", s)
		}
		seen++
		off := int(s) * 64
		if off+64 > len(c.miniStream) {
			return nil, errf("mini sector %d outside the mini stream", s)
		}
		out = append(out, c.miniStream[off:off+64]...)
		s = c.miniFAT[s]
	}
	return out[:size], nil
}

// stream returns the contents of the named stream (case-insensitive).
func (c *compound) stream(name string) ([]byte, error) {
	for _, e := range c.entries[1:] {
		if e.typ != 2 || !strings.EqualFold(e.name, name) {
			continue
		}
		if e.size < uint64(c.miniCutoff) {
			return c.miniChain(e.start, int64(e.size))
		}
		return c.chain(e.start, int64(e.size))
	}
	return nil, errf("no %q stream", name)
}

func (c *compound) has(name string) bool {
	for _, e := range c.entries[1:] {
		if e.typ == 2 && strings.EqualFold(e.name, name) {
			return true
		}
	}
	return false
}
