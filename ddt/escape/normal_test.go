package escape

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestStreamReference checks Stream.Uint64 against the first outputs of xoroshiro128** (the reference C code)
// from the state {1, 2}: 5760 and 97769243520 (worked out by hand), then two more from an independent
// big-integer transcription of the algorithm.
func TestStreamReference(t *testing.T) {
	s := &Stream{1, 2}
	for k, want := range []uint64{5760, 97769243520, 9706862127477703552, 9223447511460779954} {
		if got := s.Uint64(); got != want {
			t.Fatalf("output %d: %d, want %d", k, got, want)
		}
	}
}

// TestStreamsDistinct checks that streams of neighbouring trajectories and seeds differ.
func TestStreamsDistinct(t *testing.T) {
	seen := map[uint64]bool{}
	for seed := uint64(0); seed < 4; seed++ {
		for i := uint64(0); i < 1000; i++ {
			s := NewStream(seed, i)
			v := s.Uint64() ^ s.Uint64()<<1
			if seen[v] {
				t.Fatalf("seed %d trajectory %d repeats an earlier stream's start", seed, i)
			}
			seen[v] = true
		}
	}
}

// TestNormalMatchesStdlib checks that the inlined ziggurat reproduces rand.Rand.NormFloat64 over the same
// Stream bit for bit (slow path included: 2·10⁶ draws reach the tail and the wedges thousands of times).
func TestNormalMatchesStdlib(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	for _, seed := range []uint64{1, 99} {
		p := NewStream(seed, 7)
		r := rand.New(NewStream(seed, 7))
		for k := 0; k < n; k++ {
			a, b := normalStream(p), r.NormFloat64()
			if a != b {
				t.Fatalf("seed %d draw %d: %v != %v", seed, k, a, b)
			}
		}
	}
}

// TestNormalDistribution checks the normals drawn from Streams against N(0, 1): the first four moments within
// five standard errors, the Kolmogorov–Smirnov distance below its 0.1% critical value 1.95/√n, the tail
// frequency beyond the ziggurat's base (|z| > 3.4426) within five standard errors, and the lag-1 and
// cross-trajectory correlations within five standard errors of zero.
func TestNormalDistribution(t *testing.T) {
	const traj = 100
	per := 20_000
	if testing.Short() {
		per = 4_000
	}
	n := traj * per
	z := make([]float64, 0, n)
	var lag, cross float64
	prev := make([]float64, per)
	for i := 0; i < traj; i++ {
		s := NewStream(3, uint64(i))
		last := 0.0
		for k := 0; k < per; k++ {
			v := normalStream(s)
			if k > 0 {
				lag += v * last
			}
			if i > 0 {
				cross += v * prev[k]
			}
			prev[k], last = v, v
			z = append(z, v)
		}
	}
	var m1, m2, m3, m4 float64
	tail := 0
	for _, v := range z {
		v2 := v * v
		m1 += v
		m2 += v2
		m3 += v2 * v
		m4 += v2 * v2
		if math.Abs(v) > zigR {
			tail++
		}
	}
	fn := float64(n)
	m1, m2, m3, m4 = m1/fn, m2/fn, m3/fn, m4/fn
	// Standard errors of the sample moments of N(0,1): Var z = 1, Var z² = 2, Var z³ = 15, Var z⁴ = 96.
	check := func(name string, got, want, sd float64) {
		se := sd / math.Sqrt(fn)
		if math.Abs(got-want) > 5*se {
			t.Errorf("%s = %.5f, want %g ± %.5f (5 s.e.)", name, got, want, 5*se)
		} else {
			t.Logf("%s = %.5f (want %g, s.e. %.5f)", name, got, want, se)
		}
	}
	check("E z", m1, 0, 1)
	check("E z²", m2, 1, math.Sqrt(2))
	check("E z³", m3, 0, math.Sqrt(15))
	check("E z⁴", m4, 3, math.Sqrt(96))
	pTail := 2 * distuv.UnitNormal.Survival(zigR)
	check("P(|z| > r)", float64(tail)/fn, pTail, math.Sqrt(pTail*(1-pTail)))
	lagN := float64(traj * (per - 1))
	if c := lag / lagN; math.Abs(c) > 5/math.Sqrt(lagN) {
		t.Errorf("lag-1 correlation = %.5f, want 0 ± %.5f", c, 5/math.Sqrt(lagN))
	}
	crossN := float64((traj - 1) * per)
	se := 1 / math.Sqrt(crossN)
	if c := cross / crossN; math.Abs(c) > 5*se {
		t.Errorf("correlation of draw k of neighbouring trajectories = %.5f, want 0 ± %.5f", c, 5*se)
	}
	slices.Sort(z)
	d := 0.0
	for k, v := range z {
		f := distuv.UnitNormal.CDF(v)
		d = math.Max(d, math.Max(float64(k+1)/fn-f, f-float64(k)/fn))
	}
	if crit := 1.95 / math.Sqrt(fn); d > crit {
		t.Errorf("KS distance %.5f > %.5f (0.1%% critical value, n = %d)", d, crit, n)
	} else {
		t.Logf("KS distance %.5f (0.1%% critical value %.5f, n = %d)", d, crit, n)
	}
}

// TestInsideTable checks the kernels' one-comparison form of |j| < kn[i] against the direct one.
func TestInsideTable(t *testing.T) {
	js := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, math.MinInt32 + 1}
	for i := range 128 {
		k := int64(zig.kn[i])
		for _, d := range []int64{-2, -1, 0, 1, 2} {
			if v := k + d; v >= math.MinInt32 && v <= math.MaxInt32 {
				js = append(js, int32(v), int32(-v))
			}
		}
	}
	for i := range 128 {
		e := zig.in[i]
		for _, j := range js {
			if got, want := uint64(int64(j)+e.off) < e.width, absInt32(j) < zig.kn[i]; got != want {
				t.Fatalf("layer %d, j = %d: %v, want %v", i, j, got, want)
			}
		}
	}
}
