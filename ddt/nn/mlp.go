package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Activation is the nonlinearity applied after every hidden layer.
type Activation int

const (
	// Tanh is the hyperbolic tangent.
	Tanh Activation = iota
	// ReLU is max(0, z). Its second derivative is taken as zero (exact almost everywhere).
	ReLU
)

// String returns "tanh" or "relu".
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Arch describes a fully connected classifier: Inputs → Hidden[0] → … → Hidden[len-1] → Classes, the
// activation after every hidden layer and a softmax cross-entropy loss on the Classes logits. With no hidden
// layers it is multinomial logistic (softmax) regression.
type Arch struct {
	Inputs     int        `json:"inputs"`
	Hidden     []int      `json:"hidden"`
	Classes    int        `json:"classes"`
	Activation Activation `json:"activation"`
}

// MLP is a fully connected network with a fixed architecture. Its parameters live in one flat []float64:
// layer by layer, each layer an out × (in+1) row-major matrix whose last column is the bias, so that
// z_o = Σ_i W[o,i]·a_i + W[o,in]. MLP holds no mutable state and is safe for concurrent use.
type MLP struct {
	arch  Arch
	sizes []int // sizes[0] = Inputs, …, sizes[L] = Classes
	off   []int // off[l] = first parameter of layer l; off[L] = number of parameters
}

// NewMLP checks the architecture and returns the network.
func NewMLP(a Arch) (*MLP, error) {
	if a.Inputs < 1 {
		return nil, fmt.Errorf("nn: Inputs = %d, need at least 1", a.Inputs)
	}
	if a.Classes < 2 {
		return nil, fmt.Errorf("nn: Classes = %d, need at least 2", a.Classes)
	}
	for i, h := range a.Hidden {
		if h < 1 {
			return nil, fmt.Errorf("nn: Hidden[%d] = %d, need at least 1", i, h)
		}
	}
	if a.Activation != Tanh && a.Activation != ReLU {
		return nil, fmt.Errorf("nn: unknown activation %d", int(a.Activation))
	}
	a.Hidden = append([]int(nil), a.Hidden...)
	sizes := append(append([]int{a.Inputs}, a.Hidden...), a.Classes)
	off := make([]int, len(sizes))
	for l := 0; l+1 < len(sizes); l++ {
		off[l+1] = off[l] + sizes[l+1]*(sizes[l]+1)
	}
	return &MLP{arch: a, sizes: sizes, off: off}, nil
}

// SoftmaxRegression is NewMLP with no hidden layer.
func SoftmaxRegression(inputs, classes int) (*MLP, error) {
	return NewMLP(Arch{Inputs: inputs, Classes: classes})
}

// Arch returns a copy of the architecture.
func (n *MLP) Arch() Arch {
	a := n.arch
	a.Hidden = append([]int(nil), a.Hidden...)
	return a
}

// NumParams is the number of parameters P.
func (n *MLP) NumParams() int { return n.off[len(n.off)-1] }

// Layers is the number of affine layers (hidden layers + 1).
func (n *MLP) Layers() int { return len(n.sizes) - 1 }

// LayerRange returns the half-open parameter range [start, end) of affine layer l (0-based) and its shape
// out × (in+1).
func (n *MLP) LayerRange(l int) (start, end, out, in int) {
	return n.off[l], n.off[l+1], n.sizes[l+1], n.sizes[l]
}

// Init writes a random initialisation into theta (length NumParams): weights N(0, s²/fan_in) with s = 1
// for tanh (LeCun) and s = √2 for ReLU (He), biases zero.
func (n *MLP) Init(theta []float64, rng *rand.Rand) error {
	if len(theta) != n.NumParams() {
		return fmt.Errorf("nn: Init: len(theta) = %d, want %d", len(theta), n.NumParams())
	}
	if rng == nil {
		return errors.New("nn: Init: nil rng")
	}
	gain := 1.0
	if n.arch.Activation == ReLU {
		gain = math.Sqrt2
	}
	for l := 0; l < n.Layers(); l++ {
		start, _, out, in := n.LayerRange(l)
		sd := gain / math.Sqrt(float64(in))
		for o := 0; o < out; o++ {
			row := theta[start+o*(in+1) : start+(o+1)*(in+1)]
			for i := 0; i < in; i++ {
				row[i] = sd * rng.NormFloat64()
			}
			row[in] = 0
		}
	}
	return nil
}

// work is the scratch space of one goroutine for one sample: pre-activations z[l] (layer l's output before
// the nonlinearity), inputs act[l] of layer l (act[0] aliases the sample), errors d[l] = ∂ℓ/∂z[l], and
// e[l] = ∂ℓ/∂act[l] for l ≥ 1; R-operator (Hessian-vector) counterparts rz, ra, rd.
type work struct {
	z, act, d, e   [][]float64
	rz, ra, rd, re [][]float64
	g              []float64 // one per-sample gradient
	ylab           int       // label of the sample in the last forward pass
}

func (n *MLP) newWork() *work {
	L := n.Layers()
	w := &work{}
	mk := func() [][]float64 { return make([][]float64, L+1) }
	w.z, w.act, w.d, w.e = mk(), mk(), mk(), mk()
	w.rz, w.ra, w.rd, w.re = mk(), mk(), mk(), mk()
	for l := 0; l <= L; l++ {
		s := n.sizes[l]
		if l > 0 {
			w.act[l] = make([]float64, s)
			w.e[l] = make([]float64, s)
			w.ra[l] = make([]float64, s)
			w.re[l] = make([]float64, s)
		}
		if l < L {
			o := n.sizes[l+1]
			w.z[l] = make([]float64, o)
			w.d[l] = make([]float64, o)
			w.rz[l] = make([]float64, o)
			w.rd[l] = make([]float64, o)
		}
	}
	w.g = make([]float64, n.NumParams())
	return w
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy: y += alpha*x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

// forward runs the network on one sample x and returns the cross-entropy loss for label y. It leaves the
// softmax probabilities in w.d[L-1] (backward then subtracts the one-hot target).
func (n *MLP) forward(w *work, theta, x []float64, y int) float64 {
	L := n.Layers()
	w.act[0] = x
	w.ylab = y
	relu := n.arch.Activation == ReLU
	for l := 0; l < L; l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		W := theta[n.off[l]:n.off[l+1]]
		a := w.act[l][:in]
		z := w.z[l][:out]
		for o := range z {
			row := W[o*(in+1) : (o+1)*(in+1)]
			z[o] = dot(a, row[:in]) + row[in]
		}
		if l+1 < L {
			next := w.act[l+1][:out]
			if relu {
				for o, v := range z {
					next[o] = max(v, 0)
				}
			} else {
				for o, v := range z {
					next[o] = math.Tanh(v)
				}
			}
		}
	}
	// Softmax cross-entropy on the logits z[L-1]; probabilities into d[L-1].
	z := w.z[L-1]
	p := w.d[L-1]
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	var s float64
	for c, v := range z {
		p[c] = math.Exp(v - mx)
		s += p[c]
	}
	inv := 1 / s
	for c := range p {
		p[c] *= inv
	}
	return mx + math.Log(s) - z[y]
}

// backward (after forward) adds scale·∇ℓ(θ) into g. It leaves d[l] = ∂ℓ/∂z[l] and e[l] = ∂ℓ/∂act[l].
func (n *MLP) backward(w *work, theta []float64, y int, scale float64, g []float64) {
	L := n.Layers()
	w.d[L-1][y] -= 1
	relu := n.arch.Activation == ReLU
	for l := L - 1; l >= 0; l-- {
		in, out := n.sizes[l], n.sizes[l+1]
		W := theta[n.off[l]:n.off[l+1]]
		G := g[n.off[l]:n.off[l+1]]
		a := w.act[l][:in]
		d := w.d[l][:out]
		for o, dv := range d {
			sd := scale * dv
			row := G[o*(in+1) : (o+1)*(in+1)]
			axpy(sd, a, row[:in])
			row[in] += sd
		}
		if l == 0 {
			break
		}
		e := w.e[l][:in]
		clear(e)
		for o, dv := range d {
			axpy(dv, W[o*(in+1):o*(in+1)+in], e)
		}
		dp := w.d[l-1][:in]
		if relu {
			zp := w.z[l-1][:in]
			for i := range dp {
				if zp[i] > 0 {
					dp[i] = e[i]
				} else {
					dp[i] = 0
				}
			}
		} else {
			for i := range dp {
				dp[i] = (1 - a[i]*a[i]) * e[i]
			}
		}
	}
}

// sigma1 and sigma2 are σ' and σ” at hidden unit i of act[l] (l ≥ 1), computed from the stored activation.
func (n *MLP) sigma12(w *work, l, i int) (s1, s2 float64) {
	if n.arch.Activation == ReLU {
		if w.z[l-1][i] > 0 {
			return 1, 0
		}
		return 0, 0
	}
	a := w.act[l][i]
	s1 = 1 - a*a
	return s1, -2 * a * s1
}

// hvp (after forward and backward on one sample) adds scale·∇²ℓ(θ)·v into hv, by Pearlmutter's R-operator
// (forward-over-reverse differentiation along v); exact up to rounding.
func (n *MLP) hvp(w *work, theta, v []float64, scale float64, hv []float64) {
	L := n.Layers()
	// R-forward.
	for l := 0; l < L; l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		W := theta[n.off[l]:n.off[l+1]]
		V := v[n.off[l]:n.off[l+1]]
		a := w.act[l][:in]
		rz := w.rz[l][:out]
		for o := range rz {
			vr := V[o*(in+1) : (o+1)*(in+1)]
			s := dot(a, vr[:in]) + vr[in]
			if l > 0 {
				s += dot(w.ra[l][:in], W[o*(in+1):o*(in+1)+in])
			}
			rz[o] = s
		}
		if l+1 < L {
			ra := w.ra[l+1][:out]
			for o := range ra {
				s1, _ := n.sigma12(w, l+1, o)
				ra[o] = s1 * rz[o]
			}
		}
	}
	n.rSoftmaxError(w)
	// R-backward.
	for l := L - 1; l >= 0; l-- {
		in, out := n.sizes[l], n.sizes[l+1]
		W := theta[n.off[l]:n.off[l+1]]
		V := v[n.off[l]:n.off[l+1]]
		HV := hv[n.off[l]:n.off[l+1]]
		a := w.act[l][:in]
		d := w.d[l][:out]
		rd := w.rd[l][:out]
		for o := range d {
			row := HV[o*(in+1) : (o+1)*(in+1)]
			axpy(scale*rd[o], a, row[:in])
			row[in] += scale * rd[o]
			if l > 0 {
				axpy(scale*d[o], w.ra[l][:in], row[:in])
			}
		}
		if l == 0 {
			break
		}
		re := w.re[l][:in]
		clear(re)
		for o := range d {
			axpy(d[o], V[o*(in+1):o*(in+1)+in], re)
			axpy(rd[o], W[o*(in+1):o*(in+1)+in], re)
		}
		n.rBackActivation(w, l)
	}
}

// rSoftmaxError writes rd[L−1] = R{d[L−1]}, the R-derivative of the softmax error d = p − onehot (stored in
// d[L−1] by backward, so p = d + onehot): R{p} = p ⊙ (Rz − pᵀRz), from rz[L−1].
func (n *MLP) rSoftmaxError(w *work) {
	L := n.Layers()
	d, rz, rd := w.d[L-1], w.rz[L-1], w.rd[L-1]
	prob := func(c int) float64 {
		if c == w.ylab {
			return d[c] + 1
		}
		return d[c]
	}
	var pr float64
	for c := range rz {
		pr += prob(c) * rz[c]
	}
	for c := range rz {
		rd[c] = prob(c) * (rz[c] - pr)
	}
}

// rBackActivation carries the R-derivative through the activation below layer l (l ≥ 1): with re = R{Wᵀd_l}
// already in w.re[l] and e = Wᵀd_l in w.e[l], rd[l−1] = σ″(z)·Rz·e + σ′(z)·re.
func (n *MLP) rBackActivation(w *work, l int) {
	in := n.sizes[l]
	rdp := w.rd[l-1][:in]
	e := w.e[l][:in]
	rzp := w.rz[l-1][:in]
	re := w.re[l][:in]
	for i := range rdp {
		s1, s2 := n.sigma12(w, l, i)
		rdp[i] = s2*rzp[i]*e[i] + s1*re[i]
	}
}
