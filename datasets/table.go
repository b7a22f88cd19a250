package datasets

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// table is a parsed, normalised data table: the form every source format is
// reduced to before verification. Features are either float64 values (x) or,
// for image data, unsigned bytes (pix); labels are class indices.
type table struct {
	rows, cols int
	x          []float64 // rows*cols, row-major; nil when pix is used
	pix        []byte    // rows*cols, row-major; nil when x is used
	y          []int
	nTrain     int // rows [0, nTrain) are the source's training part; 0 if none
}

// classCounts counts the labels of t for k classes.
func (t *table) classCounts(k int) []int {
	c := make([]int, k)
	for _, l := range t.y {
		if l >= 0 && l < k {
			c[l]++
		}
	}
	return c
}

// hash returns the table hash of the first n rows of t (n = t.rows for the
// whole table). See the package documentation for the definition.
func (t *table) hash(n int) string {
	h := sha256.New()
	h.Write([]byte("ddt-table-v1\n"))
	var b [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	put(uint64(n))
	put(uint64(t.cols))
	if t.pix != nil {
		h.Write([]byte{'u', '8'})
	} else {
		h.Write([]byte{'f', '8'})
	}
	buf := make([]byte, 0, 8*t.cols+8)
	for i := 0; i < n; i++ {
		buf = buf[:0]
		if t.pix != nil {
			buf = append(buf, t.pix[i*t.cols:(i+1)*t.cols]...)
		} else {
			for _, v := range t.x[i*t.cols : (i+1)*t.cols] {
				if v == 0 {
					v = 0 // normalise -0 to +0
				}
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
		}
		buf = binary.LittleEndian.AppendUint64(buf, uint64(t.y[i]))
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// head returns the first n rows of t (sharing storage).
func (t *table) head(n int) *table {
	if n >= t.rows {
		return t
	}
	u := *t
	u.rows = n
	if t.x != nil {
		u.x = t.x[:n*t.cols]
	}
	if t.pix != nil {
		u.pix = t.pix[:n*t.cols]
	}
	u.y = t.y[:n]
	if u.nTrain > n {
		u.nTrain = 0
	}
	return &u
}
