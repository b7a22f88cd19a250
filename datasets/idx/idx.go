// Package idx reads the IDX file format used by the MNIST data set.
//
// An IDX file starts with a 4-byte magic number: two zero bytes, a type code
// (0x08 for unsigned bytes, the only type MNIST uses) and the number of
// dimensions; then one big-endian uint32 per dimension; then the data in
// row-major order. The MNIST files are distributed gzip-compressed; wrap the
// reader with compress/gzip (or call ReadGzip).
//
// Readers never allocate more than the input actually holds: a header that
// declares more data than follows is reported as truncated, with the index
// of the first incomplete item.
package idx

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// TypeUint8 is the IDX type code of unsigned bytes.
const TypeUint8 = 0x08

// MaxElements bounds the number of elements an IDX header may declare.
// MNIST's training images hold 47,040,000.
const MaxElements = 1 << 31

// ErrFormat is returned (wrapped) for any malformed IDX input.
var ErrFormat = errors.New("idx: malformed input")

// Array is an IDX array of unsigned bytes.
type Array struct {
	// Dims are the dimensions, outermost first (for MNIST images: N, 28, 28).
	Dims []int
	// Data holds the elements in row-major order; len(Data) is the product of Dims.
	Data []byte
}

// ItemSize is the number of elements in one item (the product of all but
// the first dimension); 1 for a vector.
func (a *Array) ItemSize() int {
	s := 1
	for _, d := range a.Dims[1:] {
		s *= d
	}
	return s
}

// Read reads one IDX array of unsigned bytes from r. Trailing bytes after the
// declared data are an error.
func Read(r io.Reader) (*Array, error) {
	br := bufio.NewReader(r)
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%w: bad magic % x (want 00 00 type ndim)", ErrFormat, magic)
	}
	if magic[2] != TypeUint8 {
		return nil, fmt.Errorf("%w: element type 0x%02x not supported (only 0x08, unsigned byte)", ErrFormat, magic[2])
	}
	nd := int(magic[3])
	if nd < 1 {
		return nil, fmt.Errorf("%w: zero dimensions", ErrFormat)
	}
	dims := make([]int, nd)
	total := uint64(1)
	for i := range dims {
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("%w: dimension %d: %v", ErrFormat, i, err)
		}
		d := binary.BigEndian.Uint32(b[:])
		dims[i] = int(d)
		total *= uint64(d)
		if total > MaxElements {
			return nil, fmt.Errorf("%w: header declares more than %d elements", ErrFormat, uint64(MaxElements))
		}
	}
	a := &Array{Dims: dims}
	item := uint64(a.ItemSize())
	// Read no more than the declared size (+1 to detect trailing data), and
	// let the buffer grow only as far as data actually arrives.
	data, err := io.ReadAll(io.LimitReader(br, int64(total)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: data: %v", ErrFormat, err)
	}
	if uint64(len(data)) < total {
		first := uint64(len(data))
		if item > 0 {
			first /= item
		}
		return nil, fmt.Errorf("%w: truncated: header declares %v (%d bytes) but only %d bytes follow; item %d is incomplete",
			ErrFormat, dims, total, len(data), first)
	}
	if uint64(len(data)) > total {
		return nil, fmt.Errorf("%w: trailing data after the %d declared bytes", ErrFormat, total)
	}
	a.Data = data
	return a, nil
}

// ReadGzip reads one gzip-compressed IDX array, as MNIST distributes them.
func ReadGzip(r io.Reader) (*Array, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
	}
	defer zr.Close()
	a, err := Read(zr)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Images checks that a is a stack of images (three dimensions) and returns
// their number, height and width.
func (a *Array) Images() (n, height, width int, err error) {
	if len(a.Dims) != 3 {
		return 0, 0, 0, fmt.Errorf("%w: images need 3 dimensions, got %v", ErrFormat, a.Dims)
	}
	return a.Dims[0], a.Dims[1], a.Dims[2], nil
}

// Labels checks that a is a vector and returns its elements.
func (a *Array) Labels() ([]byte, error) {
	if len(a.Dims) != 1 {
		return nil, fmt.Errorf("%w: labels need 1 dimension, got %v", ErrFormat, a.Dims)
	}
	return a.Data, nil
}
