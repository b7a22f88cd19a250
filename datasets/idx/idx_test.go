package idx

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func makeIDX(dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, TypeUint8, byte(len(dims))})
	for _, d := range dims {
		b.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	b.Write(data)
	return b.Bytes()
}

func TestReadImagesAndLabels(t *testing.T) {
	pix := make([]byte, 2*3*2)
	for i := range pix {
		pix[i] = byte(i)
	}
	a, err := Read(bytes.NewReader(makeIDX([]uint32{2, 3, 2}, pix)))
	if err != nil {
		t.Fatal(err)
	}
	n, h, w, err := a.Images()
	if err != nil || n != 2 || h != 3 || w != 2 || a.ItemSize() != 6 || !bytes.Equal(a.Data, pix) {
		t.Fatalf("got n=%d h=%d w=%d item=%d err=%v", n, h, w, a.ItemSize(), err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(makeIDX([]uint32{4}, []byte{1, 2, 3, 4}))
	zw.Close()
	l, err := ReadGzip(&gz)
	if err != nil {
		t.Fatal(err)
	}
	lab, err := l.Labels()
	if err != nil || !bytes.Equal(lab, []byte{1, 2, 3, 4}) {
		t.Fatalf("labels %v %v", lab, err)
	}
	if _, err := l.Labels(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := l.Images(); err == nil {
		t.Fatal("a vector accepted as images")
	}
}

func TestReadMalformed(t *testing.T) {
	cases := map[string]struct {
		in   []byte
		want string
	}{
		"empty":     {nil, "header"},
		"magic":     {[]byte{1, 0, 8, 1, 0, 0, 0, 1, 5}, "bad magic"},
		"type":      {[]byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 5}, "not supported"},
		"ndim0":     {[]byte{0, 0, 8, 0}, "zero dimensions"},
		"shortdim":  {[]byte{0, 0, 8, 2, 0, 0, 0, 1}, "dimension 1"},
		"truncated": {makeIDX([]uint32{3, 2, 2}, make([]byte, 9)), "item 2 is incomplete"},
		"trailing":  {makeIDX([]uint32{2}, []byte{1, 2, 3}), "trailing"},
		"huge":      {makeIDX([]uint32{1 << 30, 1 << 30, 1 << 30}, nil), "more than"},
	}
	for name, c := range cases {
		_, err := Read(bytes.NewReader(c.in))
		if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrFormat containing %q", name, err, c.want)
		}
	}
	if _, err := ReadGzip(bytes.NewReader([]byte("not gzip"))); !errors.Is(err, ErrFormat) {
		t.Errorf("gzip: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(makeIDX([]uint32{2, 2, 2}, make([]byte, 8)))
	f.Add(makeIDX([]uint32{3}, []byte{1, 2}))
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		total := 1
		for _, d := range a.Dims {
			total *= d
		}
		if total != len(a.Data) {
			t.Fatalf("dims %v but %d bytes", a.Dims, len(a.Data))
		}
	})
}
