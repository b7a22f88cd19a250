package escape

import (
	"math"
	"math/bits"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
	"github.com/densitydiffusion/toolkit/ddt/noise"
)

// The scalar fast path: a 1-D Scalar landscape, a Scalar noise model and a Hyperplane criterion. Each worker
// advances lanes trajectories side by side (each with its own PCG stream, held by value, and the ziggurat of
// normal.go inlined), which lets the CPU overlap the independent random-number and update chains. The
// arithmetic is written to match the general path operation by operation, so both give identical results
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

type lane struct {
	pcg    pcg
	x      float64
	step   int
	traj   int
	status int
	// A draw that fell outside the ziggurat's rectangles is finished outside the kernel (pendingNormal), so
	// that the kernel's loop makes no calls and keeps its constants in registers.
	pj int32
	pi uint64
	pz float64
}

const (
	running = iota
	escapedNow
	censoredNow
	divergedNow
	pendingNormal
)

// kernel is the scalar step shared by the fast-path kernels' parameters.
type kernel struct {
	eta, amp, p, nrm, margin, max2 float64
	steps                          int
	constAmp                       bool
	// (lo, hi) is an interval of x, a little inside the exact boundaries, where a lane is certainly neither
	// escaped nor diverged; only outside it are the exact tests evaluated.
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
		kp.lo, kp.hi = 0, 0 // empty: always run the exact tests
	}
}

func (r *runner) workFast() {
	var ls [lanes]lane
	active := 0
	// The W1 kernel keeps two lanes in registers; the others cycle through up to eight lanes in memory.
	want := lanes
	if r.quartic && r.white {
		want = 2
	}
	for active < want {
		i := r.claim()
		if i < 0 {
			break
		}
		ls[active] = lane{pcg: pcg{hi: r.cfg.Seed, lo: uint64(i)}, x: r.cfg.Start[0], traj: i}
		active++
	}
	kp := kernel{eta: r.cfg.Eta, amp: r.amp, p: r.p, nrm: r.nrm, margin: r.margin,
		max2: r.maxNorm * r.maxNorm, steps: r.cfg.Steps, constAmp: r.constAmp}
	kp.safeInterval()
	for active > 0 {
		if r.quartic && r.white {
			if active == 2 {
				kp.quarticWhite2(&ls[0], &ls[1])
			} else {
				kp.quarticWhite(&ls, active)
			}
		} else {
			kp.scalar(&ls, active, r.scalarL, r.scalarN)
		}
		// Finish the steps whose normal needs the slow path, exactly as the kernels would have.
		for k := 0; k < active; k++ {
			if l := &ls[k]; l.status == pendingNormal {
				x := l.x
				var d, amp float64
				if r.quartic && r.white {
					d, amp = x*x*x-x, kp.amp
				} else {
					d, amp = r.scalarL.Deriv(x), kp.amp
					if !kp.constAmp {
						amp = r.scalarN.Amplitude(x, kp.eta)
					}
				}
				z := normalSlow(&l.pcg, l.pj, l.pi, l.pz)
				x = float64(x-float64(kp.eta*d)) + float64(amp*z)
				l.x = x
				l.step++
				l.status = kp.classify(x, l.step)
			}
		}
		// Retire finished lanes (from the top, so that moving the last lane down is safe).
		for k := active - 1; k >= 0; k-- {
			l := &ls[k]
			switch l.status {
			case running:
				continue
			case divergedNow:
				r.fail(&DivergenceError{Trajectory: l.traj, Step: l.step, Norm: math.Sqrt(l.x * l.x)}, l.traj)
				return
			}
			out := l.step
			if l.status == censoredNow {
				out = Censored
			}
			var final []float64
			if r.res.Final != nil {
				final = []float64{l.x}
			}
			r.finish(l.traj, out, final)
			if i := r.claim(); i >= 0 {
				ls[k] = lane{pcg: pcg{hi: r.cfg.Seed, lo: uint64(i)}, x: r.cfg.Start[0], traj: i}
			} else {
				active--
				ls[k] = ls[active]
			}
		}
		if r.stop.Load() || r.ctx.Err() != nil {
			r.stop.Store(true)
			return
		}
	}
}

// classify returns the status of a lane after a step to x (the same tests, in the same order, as the kernels).
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

// quarticWhite is the W1 kernel: L′(x) = x³ − x and a constant amplitude. It advances lanes [0, n) together
// until one of them finishes (escapes, is censored or diverges) or checkEvery rounds have passed; it makes no
// calls, so the loop's constants stay in registers.
func (kp *kernel) quarticWhite(ls *[lanes]lane, n int) {
	eta, amp, p, nrm, margin, max2, steps := kp.eta, kp.amp, kp.p, kp.nrm, kp.margin, kp.max2, kp.steps
	kn, wn := &zig.kn, &zig.wn
	for round := 0; round < checkEvery; round++ {
		stop := false
		for k := 0; k < n; k++ {
			l := &ls[k]
			x := l.x
			d := x*x*x - x
			// normalPCG, inlined by hand (the compiler will not).
			hi, lo := bits.Mul64(l.pcg.lo, pcgMulLo)
			hi += l.pcg.hi*pcgMulLo + l.pcg.lo*pcgMulHi
			lo, c := bits.Add64(lo, pcgIncLo, 0)
			hi, _ = bits.Add64(hi, pcgIncHi, c)
			l.pcg.lo, l.pcg.hi = lo, hi
			hi ^= hi >> 32
			hi *= pcgCheapMul
			hi ^= hi >> 48
			u := hi * (lo | 1)
			j := int32(u)
			i := u >> 32 & 0x7F
			z := float64(j) * float64(wn[i])
			if absInt32(j) >= kn[i] {
				l.pj, l.pi, l.pz, l.status, stop = j, i, z, pendingNormal, true
				continue
			}
			x = float64(x-float64(eta*d)) + float64(amp*z)
			l.x = x
			l.step++
			switch {
			case !(x*x <= max2):
				l.status, stop = divergedNow, true
			case (x-p)*nrm >= margin:
				l.status, stop = escapedNow, true
			case l.step == steps:
				l.status, stop = censoredNow, true
			}
		}
		if stop {
			return
		}
	}
}

// quarticWhite2 is quarticWhite for exactly two lanes held in registers (the fastest layout measured). It
// stops after the round in which either lane finishes or needs a slow normal, or when a lane reaches its
// budget, and leaves both lanes exactly as the one-lane kernel would have.
func (kp *kernel) quarticWhite2(a, b *lane) {
	eta, amp, p, nrm, margin, max2 := kp.eta, kp.amp, kp.p, kp.nrm, kp.margin, kp.max2
	xlo, xhi := kp.lo, kp.hi
	kn, wn := &zig.kn, &zig.wn64
	n := min(checkEvery, kp.steps-a.step, kp.steps-b.step)
	h0, l0, x0 := a.pcg.hi, a.pcg.lo, a.x
	h1, l1, x1 := b.pcg.hi, b.pcg.lo, b.x
	sa, sb := running, running
	r := 0
	for r < n {
		r++
		d0 := x0*x0*x0 - x0
		d1 := x1*x1*x1 - x1
		hi, lo := bits.Mul64(l0, pcgMulLo)
		hi += h0*pcgMulLo + l0*pcgMulHi
		lo, c := bits.Add64(lo, pcgIncLo, 0)
		hi, _ = bits.Add64(hi, pcgIncHi, c)
		h0, l0 = hi, lo
		hi ^= hi >> 32
		hi *= pcgCheapMul
		hi ^= hi >> 48
		u0 := hi * (lo | 1)
		hi, lo = bits.Mul64(l1, pcgMulLo)
		hi += h1*pcgMulLo + l1*pcgMulHi
		lo, c = bits.Add64(lo, pcgIncLo, 0)
		hi, _ = bits.Add64(hi, pcgIncHi, c)
		h1, l1 = hi, lo
		hi ^= hi >> 32
		hi *= pcgCheapMul
		hi ^= hi >> 48
		u1 := hi * (lo | 1)
		j0, i0 := int32(u0), u0>>32&0x7F
		j1, i1 := int32(u1), u1>>32&0x7F
		z0 := float64(j0) * wn[i0]
		z1 := float64(j1) * wn[i1]
		if absInt32(j0) < kn[i0] {
			x0 = float64(x0-float64(eta*d0)) + float64(amp*z0)
			// Inside (lo, hi) neither test below can fire; outside (or NaN) run them exactly.
			if !(x0 > xlo && x0 < xhi) {
				if !(x0*x0 <= max2) {
					sa = divergedNow
				} else if (x0-p)*nrm >= margin {
					sa = escapedNow
				}
			}
		} else {
			a.pj, a.pi, a.pz, sa = j0, i0, z0, pendingNormal
		}
		if absInt32(j1) < kn[i1] {
			x1 = float64(x1-float64(eta*d1)) + float64(amp*z1)
			if !(x1 > xlo && x1 < xhi) {
				if !(x1*x1 <= max2) {
					sb = divergedNow
				} else if (x1-p)*nrm >= margin {
					sb = escapedNow
				}
			}
		} else {
			b.pj, b.pi, b.pz, sb = j1, i1, z1, pendingNormal
		}
		if sa != running || sb != running {
			break
		}
	}
	a.pcg.hi, a.pcg.lo, a.x, a.step = h0, l0, x0, a.step+r
	b.pcg.hi, b.pcg.lo, b.x, b.step = h1, l1, x1, b.step+r
	if sa == pendingNormal {
		a.step--
	}
	if sb == pendingNormal {
		b.step--
	}
	if sa == running && a.step == kp.steps {
		sa = censoredNow
	}
	if sb == running && b.step == kp.steps {
		sb = censoredNow
	}
	a.status, b.status = sa, sb
}

// scalar is the kernel for any Scalar landscape and Scalar noise (state-dependent amplitudes included).
func (kp *kernel) scalar(ls *[lanes]lane, n int, sl landscape.Scalar, sn noise.Scalar) {
	eta, p, nrm, margin, max2, steps := kp.eta, kp.p, kp.nrm, kp.margin, kp.max2, kp.steps
	kn, wn := &zig.kn, &zig.wn
	for round := 0; round < checkEvery; round++ {
		stop := false
		for k := 0; k < n; k++ {
			l := &ls[k]
			x := l.x
			d := sl.Deriv(x)
			amp := kp.amp
			if !kp.constAmp {
				amp = sn.Amplitude(x, eta)
			}
			hi, lo := bits.Mul64(l.pcg.lo, pcgMulLo)
			hi += l.pcg.hi*pcgMulLo + l.pcg.lo*pcgMulHi
			lo, c := bits.Add64(lo, pcgIncLo, 0)
			hi, _ = bits.Add64(hi, pcgIncHi, c)
			l.pcg.lo, l.pcg.hi = lo, hi
			hi ^= hi >> 32
			hi *= pcgCheapMul
			hi ^= hi >> 48
			u := hi * (lo | 1)
			j := int32(u)
			i := u >> 32 & 0x7F
			z := float64(j) * float64(wn[i])
			if absInt32(j) >= kn[i] {
				l.pj, l.pi, l.pz, l.status, stop = j, i, z, pendingNormal, true
				continue
			}
			x = float64(x-float64(eta*d)) + float64(amp*z)
			l.x = x
			l.step++
			switch {
			case !(x*x <= max2):
				l.status, stop = divergedNow, true
			case (x-p)*nrm >= margin:
				l.status, stop = escapedNow, true
			case l.step == steps:
				l.status, stop = censoredNow, true
			}
		}
		if stop {
			return
		}
	}
}
