package escape

import (
	"math"
	"math/bits"
)

// pcg is PCG-DXSM with a 128-bit state, the generator of rand.PCG, written out so that the fast path can keep
// its state in registers: pcg{hi: s1, lo: s2} yields exactly the stream of rand.NewPCG(s1, s2)
// (TestPCGMatchesStdlib).
type pcg struct{ hi, lo uint64 }

const (
	pcgMulHi    = 2549297995355413924
	pcgMulLo    = 4865540595714422341
	pcgIncHi    = 6364136223846793005
	pcgIncLo    = 1442695040888963407
	pcgCheapMul = 0xda942042e4dd58b5
)

func (p *pcg) Uint64() uint64 {
	hi, lo := bits.Mul64(p.lo, pcgMulLo)
	hi += p.hi*pcgMulLo + p.lo*pcgMulHi
	lo, c := bits.Add64(lo, pcgIncLo, 0)
	hi, _ = bits.Add64(hi, pcgIncHi, c)
	p.lo, p.hi = lo, hi
	hi ^= hi >> 32
	hi *= pcgCheapMul
	hi ^= hi >> 48
	hi *= lo | 1
	return hi
}

// The 128-layer Marsaglia–Tsang ziggurat for the standard normal, computed from its defining recursion
// (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000). With these tables normalPCG consumes a rand.PCG stream
// exactly as rand.Rand.NormFloat64 does and returns the same numbers (TestNormalMatchesStdlib), so the scalar
// fast path and the general path give bit-identical trajectories. The tables are computed once and never
// written afterwards.
const zigR = 3.442619855899

type zigTables struct {
	kn   [128]uint32
	wn   [128]float32
	fn   [128]float32
	wn64 [128]float64 // float64(wn[i]), exact, to save a conversion in the kernels
}

var zig = newZigTables()

func newZigTables() *zigTables {
	const m1 = 2147483648.0
	const vn = 9.91256303526217e-3
	t := &zigTables{}
	dn := zigR
	tn := dn
	q := vn / math.Exp(-0.5*dn*dn)
	t.kn[0] = uint32((dn / q) * m1)
	t.kn[1] = 0
	t.wn[0] = float32(q / m1)
	t.wn[127] = float32(dn / m1)
	t.fn[0] = 1
	t.fn[127] = float32(math.Exp(-0.5 * dn * dn))
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(vn/dn+math.Exp(-0.5*dn*dn)))
		t.kn[i+1] = uint32((dn / tn) * m1)
		tn = dn
		t.fn[i] = float32(math.Exp(-0.5 * dn * dn))
		t.wn[i] = float32(dn / m1)
	}
	for i, w := range t.wn {
		t.wn64[i] = float64(w)
	}
	return t
}

func absInt32(i int32) uint32 {
	if i < 0 {
		return uint32(-i)
	}
	return uint32(i)
}

// normalPCG returns a standard normal drawn from p, consuming p exactly as rand.New(rand.NewPCG(hi, lo)).NormFloat64()
// would.
func normalPCG(p *pcg) float64 {
	u := p.Uint64()
	j := int32(u)
	i := u >> 32 & 0x7F
	x := float64(j) * float64(zig.wn[i])
	if absInt32(j) < zig.kn[i] {
		return x
	}
	return normalSlow(p, j, i, x)
}

func pcgFloat64(p *pcg) float64 { return float64(p.Uint64()<<11>>11) / (1 << 53) }

// normalSlow finishes a draw that fell outside the rectangles (under 1% of draws).
func normalSlow(p *pcg, j int32, i uint64, x float64) float64 {
	for {
		if i == 0 {
			for {
				x = -math.Log(pcgFloat64(p)) * (1.0 / zigR)
				y := -math.Log(pcgFloat64(p))
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return zigR + x
			}
			return -zigR - x
		}
		if zig.fn[i]+float32(pcgFloat64(p))*(zig.fn[i-1]-zig.fn[i]) < float32(math.Exp(-.5*x*x)) {
			return x
		}
		u := p.Uint64()
		j = int32(u)
		i = u >> 32 & 0x7F
		x = float64(j) * float64(zig.wn[i])
		if absInt32(j) < zig.kn[i] {
			return x
		}
	}
}
