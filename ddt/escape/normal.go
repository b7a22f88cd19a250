package escape

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// Stream is the random stream of one trajectory: the xoroshiro128** generator of Blackman and Vigna
// ("Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021; period 2¹²⁸ − 1, 64-bit outputs,
// passes BigCrush and PractRand), whose 128-bit state is filled by SplitMix64 from (seed, trajectory). It
// implements rand.Source; trajectory i of a run with seed s draws everything from rand.New(NewStream(s, i)). It
// replaced rand.PCG in the ensembles because it needs no 128-bit multiply and its two-word state lets the fast
// path keep two trajectories in registers (doc.go, Speed).
//
// Seeding: the two state words are SplitMix64 outputs mix(base + i + k·γ), k = 1, 2, with base = mix(seed) and
// γ = 0x9E3779B97F4A7C15 (mix is SplitMix64's bijective finaliser). For one seed, distinct trajectories start
// from distinct SplitMix64 positions, and with random 128-bit starting points the chance that two of n
// trajectories of L draws overlap is about n²L/2¹²⁸ (below 10⁻¹⁸ for 10⁵ trajectories of 10⁷ draws).
type Stream struct{ s0, s1 uint64 }

const splitMixGamma = 0x9E3779B97F4A7C15

func splitMix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// NewStream returns the stream of trajectory `trajectory` of a run seeded with seed.
func NewStream(seed, trajectory uint64) *Stream {
	s := &Stream{}
	s.reset(seed, trajectory)
	return s
}

func (s *Stream) reset(seed, trajectory uint64) {
	x := splitMix(seed) + trajectory
	x += splitMixGamma
	s.s0 = splitMix(x)
	x += splitMixGamma
	s.s1 = splitMix(x)
	if s.s0|s.s1 == 0 { // impossible (the two inputs differ and mix is a bijection); kept as a guard
		s.s0 = splitMixGamma
	}
}

// Uint64 returns the next 64 random bits.
func (s *Stream) Uint64() uint64 {
	s0, s1 := s.s0, s.s1
	r := bits.RotateLeft64(s0*5, 7) * 9
	s1 ^= s0
	s.s0 = bits.RotateLeft64(s0, 24) ^ s1 ^ s1<<16
	s.s1 = bits.RotateLeft64(s1, 37)
	return r
}

var _ rand.Source = (*Stream)(nil)

// The 128-layer Marsaglia–Tsang ziggurat for the standard normal, computed from its defining recursion
// (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000). These are the tables of math/rand/v2: normalStream consumes
// a Stream exactly as rand.New(stream).NormFloat64 does and returns the same numbers (TestNormalMatchesStdlib),
// so the scalar fast path and the general path give bit-identical trajectories. The tables are computed once
// and never written afterwards.
const zigR = 3.442619855899

type zigTables struct {
	kn   [128]uint32
	wn   [128]float32
	fn   [128]float32
	wn64 [128]float64 // float64(wn[i]), exact, to save a conversion in the kernels
	// in[i] tests |j| < kn[i] with one addition and one unsigned comparison: uint64(int64(j)+off) < width
	// with off = kn − 1 and width = 2kn − 1 (off = width = 0 when kn = 0: never inside).
	in [128]struct {
		off   int64
		width uint64
		wn    float64 // = wn64[i]: one index computation serves the test and the scale
		_     float64
	}
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
		t.in[i].wn = float64(w)
		if k := int64(t.kn[i]); k > 0 {
			t.in[i].off, t.in[i].width = k-1, uint64(2*k-1)
		}
	}
	return t
}

func absInt32(i int32) uint32 {
	if i < 0 {
		return uint32(-i)
	}
	return uint32(i)
}

// normalStream returns a standard normal drawn from s, consuming s exactly as rand.New(s).NormFloat64() would.
func normalStream(s *Stream) float64 {
	u := s.Uint64()
	j := int32(u)
	i := u >> 32 & 0x7F
	x := float64(j) * float64(zig.wn[i])
	if absInt32(j) < zig.kn[i] {
		return x
	}
	return normalSlow(s, j, i, x)
}

func streamFloat64(s *Stream) float64 { return float64(s.Uint64()<<11>>11) / (1 << 53) }

// normalSlow finishes a draw that fell outside the rectangles (about 1.2% of draws), as math/rand/v2 does.
func normalSlow(s *Stream, j int32, i uint64, x float64) float64 {
	for {
		if i == 0 {
			for {
				x = -math.Log(streamFloat64(s)) * (1.0 / zigR)
				y := -math.Log(streamFloat64(s))
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return zigR + x
			}
			return -zigR - x
		}
		if zig.fn[i]+float32(streamFloat64(s))*(zig.fn[i-1]-zig.fn[i]) < float32(math.Exp(-.5*x*x)) {
			return x
		}
		u := s.Uint64()
		j = int32(u)
		i = u >> 32 & 0x7F
		x = float64(j) * float64(zig.wn[i])
		if absInt32(j) < zig.kn[i] {
			return x
		}
	}
}
