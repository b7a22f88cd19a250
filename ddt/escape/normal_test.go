package escape

import (
	"math/rand/v2"
	"testing"
)

// TestNormalMatchesStdlib checks that the inlined ziggurat reproduces rand.Rand.NormFloat64 bit for bit.
func TestNormalMatchesStdlib(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	for _, seed := range []uint64{1, 99} {
		p := &pcg{hi: seed, lo: 7}
		r := rand.New(rand.NewPCG(seed, 7))
		for k := 0; k < n; k++ {
			a, b := normalPCG(p), r.NormFloat64()
			if a != b {
				t.Fatalf("seed %d draw %d: %v != %v", seed, k, a, b)
			}
		}
	}
}

func TestPCGMatchesStdlib(t *testing.T) {
	p := &pcg{hi: 5, lo: 11}
	q := rand.NewPCG(5, 11)
	for k := 0; k < 100000; k++ {
		if a, b := p.Uint64(), q.Uint64(); a != b {
			t.Fatalf("draw %d: %x != %x", k, a, b)
		}
	}
}
