package escape

import (
	"math"
	"math/bits"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
)

// The scalar fast path: a 1-D Scalar landscape, a Scalar noise model and a Hyperplane criterion. Each worker
// advances several trajectories side by side, each with its own Stream (held by value) and the ziggurat of
// normal.go written out inline, so that the CPU overlaps the independent random-number and update chains of
// different trajectories (one trajectory alone is bound by the 18-cycle latency of its x − η(x³ − x) + a·z
// update). W1 (Quartic with White noise) keeps two lanes in registers (quarticWhite2); other scalar problems
// cycle through up to `lanes` lanes in memory (scalar). A kernel runs until some lane leaves the safe interval
// (kernel.lo, kernel.hi), so the exact escape, divergence and budget tests (classify) run only then. The
// arithmetic matches the general path operation by operation, so both give identical results
// (TestIdenticalForAnyGOMAXPROCS).
const lanes = 8

func (r *runner) setupFast() bool {
	cfg := r.cfg
	if cfg.Landscape.Dim() != 1 {
		return false
	}
	sl, ok := cfg.Landscape.(landscape.Scalar)
	if !ok {
		return false
	}
	sn, ok := cfg.Noise.(noise.Scalar)
	if !ok {
		return false
	}
	if a := sn.Amplitude(cfg.Start[0], cfg.Eta); math.IsNaN(a) || math.IsInf(a, 0) {
		return false
	}
	h, ok := cfg.Escape.(Hyperplane)
	if !ok {
		if hp, ok2 := cfg.Escape.(*Hyperplane); ok2 && hp != nil {
			h, ok = *hp, true
		}
	}
	if !ok || len(h.Point) != 1 {
		return false
	}
	r.scalarL, r.scalarN = sl, sn
	r.p, r.nrm, r.margin = h.Point[0], h.Normal[0], h.Margin
	_, r.quartic = sl.(landscape.Quartic)
	switch m := sn.(type) {
	case *noise.White:
		r.white, r.constAmp = true, true
	case *noise.Gaussian:
		r.constAmp = true
	case *noise.Rescaled:
		switch m.Base().(type) {
		case *noise.White, *noise.Gaussian:
			r.constAmp = true
		}
	}
	if r.constAmp {
		r.amp = sn.Amplitude(cfg.Start[0], cfg.Eta)
	}
	return true
}

// lane is one trajectory in flight on the fast path.
type lane struct {
	st   Stream
	x    float64
	step int
	traj int
	slow uint64 // quarticWhite2: a draw whose slow part is pending (0: none)
}

const (
	running = iota
	escapedNow
	censoredNow
	divergedNow
)

// kernel holds the parameters of the fast-path kernels.
type kernel struct {
	eta, amp, p, nrm, margin, max2 float64
	steps                          int
	constAmp                       bool
	// (lo, hi) is an interval of x, a little inside the exact boundaries, where a lane is certainly neither
	// escaped nor diverged; a kernel stops after a round in which some lane left it, and the exact tests
	// (classify) run only then.
	lo, hi float64
}

// safeInterval computes kernel.lo and kernel.hi conservatively from the hyperplane and MaxNorm.
func (kp *kernel) safeInterval() {
	r := math.Sqrt(kp.max2) * (1 - 1e-9)
	kp.lo, kp.hi = -r, r
	edge := kp.p + kp.margin/kp.nrm
	slack := 1e-9 * (math.Abs(kp.p) + math.Abs(kp.margin/kp.nrm) + 1)
	if kp.nrm > 0 {
		kp.hi = math.Min(kp.hi, edge-slack)
	} else {
		kp.lo = math.Max(kp.lo, edge+slack)
	}
	if !(kp.lo < kp.hi) {
		kp.lo, kp.hi = 0, 0 // empty: stop after every round and run the exact tests
	}
}

func (r *runner) newLane(i int) lane {
	l := lane{x: r.cfg.Start[0], traj: i}
	l.st.reset(r.cfg.Seed, uint64(i))
	return l
}

func (r *runner) workFast() {
	var buf [lanes]lane
	active := 0
	want := lanes
	if r.quartic && r.white {
		want = 2 // quarticWhite2: two lanes in registers (measured faster than 3, 4 or 8 lanes)
	}
	for active < want {
		i := r.claim()
		if i < 0 {
			break
		}
		buf[active] = r.newLane(i)
		active++
	}
	kp := kernel{eta: r.cfg.Eta, amp: r.amp, p: r.p, nrm: r.nrm, margin: r.margin,
		max2: r.maxNorm * r.maxNorm, steps: r.cfg.Steps, constAmp: r.constAmp}
	kp.safeInterval()
	w1 := r.quartic && r.white
	for active > 0 {
		ls := buf[:active]
		n := checkEvery
		for k := range ls {
			n = min(n, kp.steps-ls[k].step)
		}
		var rounds int
		if w1 && len(ls) == 2 {
			rounds = kp.quarticWhite2(&ls[0], &ls[1], n)
		} else if w1 {
			rounds = kp.quarticWhite(ls, n)
		} else {
			rounds = kp.scalar(ls, n, r.scalarL, r.scalarN)
		}
		for k := range ls {
			ls[k].step += rounds
		}
		// Retire finished lanes (from the top, so that moving the last lane down is safe).
		for k := active - 1; k >= 0; k-- {
			l := &buf[k]
			switch kp.classify(l.x, l.step) {
			case running:
				continue
			case divergedNow:
				r.fail(&DivergenceError{Trajectory: l.traj, Step: l.step, Norm: math.Sqrt(l.x * l.x)}, l.traj)
				return
			case escapedNow:
				r.finishLane(l, l.step)
			case censoredNow:
				r.finishLane(l, Censored)
			}
			if i := r.claim(); i >= 0 {
				buf[k] = r.newLane(i)
			} else {
				active--
				buf[k] = buf[active]
			}
		}
		if r.stop.Load() || r.ctx.Err() != nil {
			r.stop.Store(true)
			return
		}
	}
}

func (r *runner) finishLane(l *lane, out int) {
	var final []float64
	if r.res.Final != nil {
		final = []float64{l.x}
	}
	r.finish(l.traj, out, final)
}

// classify returns the status of a lane after a step to x (the tests, in the order, of the general path).
func (kp *kernel) classify(x float64, step int) int {
	switch {
	case !(x*x <= kp.max2):
		return divergedNow
	case (x-kp.p)*kp.nrm >= kp.margin:
		return escapedNow
	case step == kp.steps:
		return censoredNow
	}
	return running
}

// quarticWhite is the W1 kernel: L′(x) = x³ − x and a constant amplitude. It advances every lane of ls by one
// step per round, for at most n rounds, and returns after the first round in which some lane left the safe
// interval; it returns the number of rounds done (the same for every lane).
func (kp *kernel) quarticWhite(ls []lane, n int) int {
	eta, amp, lo, hi := kp.eta, kp.amp, kp.lo, kp.hi
	in, wn := &zig.in, &zig.wn64
	for r := 1; r <= n; r++ {
		out := false
		for k := range ls {
			l := &ls[k]
			// Stream.Uint64, written out so that the state stays in registers.
			s0, s1 := l.st.s0, l.st.s1
			u := bits.RotateLeft64(s0*5, 7) * 9
			s1 ^= s0
			l.st = Stream{bits.RotateLeft64(s0, 24) ^ s1 ^ s1<<16, bits.RotateLeft64(s1, 37)}
			// The ziggurat of normalStream.
			j := int32(u)
			i := u >> 32 & 0x7F
			z := float64(j) * wn[i]
			if e := &in[i]; uint64(int64(j)+e.off) >= e.width { // |j| ≥ kn[i]
				z = normalSlow(&l.st, j, i, z)
			}
			x := l.x
			x = float64(x-float64(eta*(x*x*x-x))) + float64(amp*z)
			l.x = x
			if !(x > lo && x < hi) {
				out = true
			}
		}
		if out {
			return r
		}
	}
	return n
}

// scalar is the kernel for any Scalar landscape and Scalar noise (state-dependent amplitudes included); it
// works like quarticWhite.
func (kp *kernel) scalar(ls []lane, n int, sl landscape.Scalar, sn noise.Scalar) int {
	eta, lo, hi := kp.eta, kp.lo, kp.hi
	for r := 1; r <= n; r++ {
		out := false
		for k := range ls {
			l := &ls[k]
			x := l.x
			d := sl.Deriv(x)
			amp := kp.amp
			if !kp.constAmp {
				amp = sn.Amplitude(x, eta)
			}
			z := normalStream(&l.st)
			x = float64(x-float64(eta*d)) + float64(amp*z)
			l.x = x
			if !(x > lo && x < hi) {
				out = true
			}
		}
		if out {
			return r
		}
	}
	return n
}

// quarticWhite2 is quarticWhite for exactly two lanes held in registers (the fastest layout measured: the two
// independent update chains overlap, and the loop makes no calls, so nothing is spilled around one). A draw
// that falls outside the ziggurat's rectangles (about 1.2% of draws) ends the kernel after that round, with
// the draw kept in lane.slow; its slow part and its step are finished after the loop, exactly as normalStream
// would have.
func (kp *kernel) quarticWhite2(a, b *lane, n int) int {
	eta, amp, lo, hi := kp.eta, kp.amp, kp.lo, kp.hi
	in := &zig.in
	a0, a1, xa := a.st.s0, a.st.s1, a.x
	b0, b1, xb := b.st.s0, b.st.s1, b.x
	r := 0
	for r < n {
		r++
		ua := bits.RotateLeft64(a0*5, 7) * 9
		a1 ^= a0
		a0 = bits.RotateLeft64(a0, 24) ^ a1 ^ a1<<16
		a1 = bits.RotateLeft64(a1, 37)
		ub := bits.RotateLeft64(b0*5, 7) * 9
		b1 ^= b0
		b0 = bits.RotateLeft64(b0, 24) ^ b1 ^ b1<<16
		b1 = bits.RotateLeft64(b1, 37)
		ja, ea := int32(ua), &in[ua>>32&0x7F]
		jb, eb := int32(ub), &in[ub>>32&0x7F]
		okA := uint64(int64(ja)+ea.off) < ea.width
		okB := uint64(int64(jb)+eb.off) < eb.width
		if okA {
			xa = float64(xa-float64(eta*(xa*xa*xa-xa))) + float64(amp*(float64(ja)*ea.wn))
		}
		if okB {
			xb = float64(xb-float64(eta*(xb*xb*xb-xb))) + float64(amp*(float64(jb)*eb.wn))
		}
		if !(okA && okB) {
			if !okA {
				a.slow = ua // never 0: u = 0 lies inside the base layer's rectangle
			}
			if !okB {
				b.slow = ub
			}
			break
		}
		if !(xa > lo && xa < hi) || !(xb > lo && xb < hi) {
			break
		}
	}
	a.st, a.x = Stream{a0, a1}, xa
	b.st, b.x = Stream{b0, b1}, xb
	if a.slow != 0 {
		a.x, a.slow = kp.finishW1(&a.st, a.slow, xa), 0
	}
	if b.slow != 0 {
		b.x, b.slow = kp.finishW1(&b.st, b.slow, xb), 0
	}
	return r
}

// finishW1 completes a W1 step from x whose draw u fell outside the ziggurat's rectangles.
func (kp *kernel) finishW1(st *Stream, u uint64, x float64) float64 {
	j, i := int32(u), u>>32&0x7F
	z := normalSlow(st, j, i, float64(j)*zig.wn64[i])
	return float64(x-float64(kp.eta*(x*x*x-x))) + float64(kp.amp*z)
}
