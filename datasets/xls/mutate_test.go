package xls_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/datasets/internal/xlsbuild"
	"github.com/densitydiffusion/toolkit/datasets/xls"
)

// TestMutatedWorkbooksNeverPanicOrHang runs the reader on 5,000 seeded
// random mutations of the synthetic workbooks (a deterministic complement to
// FuzzOpen that runs in every test run).
func TestMutatedWorkbooksNeverPanicOrHang(t *testing.T) {
	seeds := [][]byte{xlsbuild.Compound(xlsbuild.Workbook(sample(false), 7)), xlsbuild.Compound(xlsbuild.Workbook(sample(true), 0))}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 5000; k++ {
		b := append([]byte(nil), seeds[k%2]...)
		for m := 0; m < 1+rng.IntN(4); m++ {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[i] = byte(rng.IntN(256))
			case 1:
				b[i] = 0xFF
			case 2:
				b[i] = 0
			}
		}
		start := time.Now()
		done := make(chan bool)
		go func() {
			w, err := xls.Open(b)
			if err == nil {
				for _, n := range w.SheetNames() {
					if sh, err := w.Sheet(n); err == nil {
						sh.NonEmptyRows()
					}
				}
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("input %d hangs", k)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("input %d took %v", k, el)
		}
	}
}
