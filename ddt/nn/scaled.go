package nn

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/densitydiffusion/toolkit/ddt/landscape"
)

// Scaled is the sharpness knob of THEORY.md §5 (C5) on a finite-sum landscape: L_k(φ) = L(√k·φ).
// A minimum θ* of L becomes the minimum φ* = θ*/√k of L_k with the same loss, every Hessian is multiplied by k
// (∇²L_k(φ) = k·∇²L(√k·φ)), every per-sample gradient by √k, so the gradient-noise covariance is multiplied
// by k too, and every loss barrier is unchanged. This avoids the reparametrisation trap (Dinh et al. 2017): the
// landscape is the same up to a linear change of coordinates.
//
// Scaled is landscape.Scaled (the same map, the same Loss, Grad and Hessian; TestScaledAgreesWithLandscapeScaled)
// extended to finite sums: landscape.Scaled returns a plain landscape.Landscape, so it drops Samples and
// SampleGrad, and minibatch SGD noise, the gradient-noise covariance and the escape experiments on a scaled
// network need them. Use landscape.Scaled for analytic landscapes and NewScaled for a network on data (any
// landscape.FiniteSum). It is safe for concurrent use. Equivalently, SGD with step η on L_k started at θ*/√k
// is, in θ = √k·φ coordinates, SGD with step k·η on L started at θ*; white noise of strength D becomes white
// noise of strength k·D (see package experiment).
type Scaled struct {
	inner landscape.FiniteSum
	k     float64
	sk    float64
	pool  sync.Pool
}

var _ landscape.FiniteSum = (*Scaled)(nil)

// NewScaled returns L_k for k > 0.
func NewScaled(l landscape.FiniteSum, k float64) (*Scaled, error) {
	if l == nil {
		return nil, fmt.Errorf("nn: NewScaled: nil landscape")
	}
	if !(k > 0) || math.IsInf(k, 0) {
		return nil, fmt.Errorf("nn: NewScaled: sharpness factor k = %v, need a finite k > 0", k)
	}
	s := &Scaled{inner: l, k: k, sk: math.Sqrt(k)}
	n := l.Dim()
	s.pool.New = func() any { b := make([]float64, n); return &b }
	return s, nil
}

// K returns the sharpness factor.
func (s *Scaled) K() float64 { return s.k }

// ToScaled maps a point θ of L to φ = θ/√k of L_k.
func (s *Scaled) ToScaled(theta []float64) []float64 {
	out := make([]float64, len(theta))
	for i, v := range theta {
		out[i] = v / s.sk
	}
	return out
}

func (s *Scaled) up(phi []float64) *[]float64 {
	b := s.pool.Get().(*[]float64)
	if len(phi) != len(*b) {
		panic(fmt.Sprintf("nn: Scaled: theta has length %d, want %d", len(phi), len(*b)))
	}
	for i, v := range phi {
		(*b)[i] = s.sk * v
	}
	return b
}

// Dim is the number of parameters.
func (s *Scaled) Dim() int { return s.inner.Dim() }

// Samples is the number of per-sample losses.
func (s *Scaled) Samples() int { return s.inner.Samples() }

// Loss returns L(√k·φ).
func (s *Scaled) Loss(phi []float64) float64 {
	b := s.up(phi)
	defer s.pool.Put(b)
	return s.inner.Loss(*b)
}

// Grad writes √k·∇L(√k·φ).
func (s *Scaled) Grad(dst, phi []float64) {
	b := s.up(phi)
	defer s.pool.Put(b)
	s.inner.Grad(dst, *b)
	for i := range dst {
		dst[i] *= s.sk
	}
}

// SampleGrad writes √k·∇ℓ_j(√k·φ).
func (s *Scaled) SampleGrad(dst, phi []float64, j int) {
	b := s.up(phi)
	defer s.pool.Put(b)
	s.inner.SampleGrad(dst, *b, j)
	for i := range dst {
		dst[i] *= s.sk
	}
}

// Hessian writes k·∇²L(√k·φ).
func (s *Scaled) Hessian(dst *mat.SymDense, phi []float64) {
	b := s.up(phi)
	defer s.pool.Put(b)
	s.inner.Hessian(dst, *b)
	dst.ScaleSym(s.k, dst)
}
