package theory

import (
	"fmt"
	"math"
	"sort"
)

// StationaryProblem1D describes the zero-current (equilibrium) density of dθ = −L'(θ) dt + sqrt(2D(θ)) dW on
// [Left, Right] with reflecting walls at both ends.
type StationaryProblem1D struct {
	// Grad is L'(θ); Diffusion is D(θ) > 0. Both required.
	Grad      func(theta float64) float64
	Diffusion func(theta float64) float64
	// Left < Right, both finite.
	Left, Right float64
	// Convention is the stochastic interpretation (zero value Itô).
	Convention Convention
	// Panels, RelTol, MaxPanels as in Problem1D.
	Panels    int
	RelTol    float64
	MaxPanels int
	// Breaks lists kinks or jumps of L' or D, as in Problem1D.
	Breaks []float64
}

// Stationary1D is a normalised stationary density P(θ) ∝ e^{−Φ(θ)} D(θ)^{α−1} on [Left, Right], with Φ' = L'/D
// and α set by the convention (Itô: P ∝ e^{−Φ}/D; isothermal: P ∝ e^{−Φ}). Its methods are safe for concurrent
// use only if the user functions are.
type Stationary1D struct {
	f      field
	breaks []float64
	phi    []float64 // Φ at break points, Φ(Left) = 0
	logCum []float64 // log of the unnormalised mass in [Left, breaks[i]]
	logZ   float64
}

// NewStationary1D computes Φ on adaptive Gauss–Legendre panels and the normalisation constant.
func NewStationary1D(p StationaryProblem1D) (*Stationary1D, error) {
	if p.Grad == nil || p.Diffusion == nil {
		return nil, fmt.Errorf("%w: Grad and Diffusion must be set", ErrDomain)
	}
	alpha, err := p.Convention.alpha()
	if err != nil {
		return nil, err
	}
	if math.IsNaN(p.Left) || math.IsNaN(p.Right) || math.IsInf(p.Left, 0) || math.IsInf(p.Right, 0) ||
		!(p.Left < p.Right) {
		return nil, fmt.Errorf("%w: need finite Left < Right, got [%v, %v]", ErrDomain, p.Left, p.Right)
	}
	tol, n0, maxPanels := defaults(p.RelTol, p.Panels, p.MaxPanels)
	s := &Stationary1D{f: field{grad: p.Grad, diff: p.Diffusion, alpha: alpha}}
	f := &s.f
	breaks, err := f.panels(breakPoints(p.Left, p.Right, p.Breaks, false), n0, maxPanels)
	if err != nil {
		return nil, err
	}
	_, logI := f.cumulative(breaks)
	prev := logI[len(logI)-1]
	for {
		if f.err != nil {
			return nil, f.err
		}
		if 2*(len(breaks)-1) > maxPanels {
			return nil, fmt.Errorf("%w: stationary density needs more than %d panels", ErrNotConverged, maxPanels)
		}
		breaks = halve(breaks)
		phi, logI := f.cumulative(breaks)
		if f.err != nil {
			return nil, f.err
		}
		cur := logI[len(logI)-1]
		if math.Abs(cur-prev) <= tol {
			s.breaks, s.phi, s.logCum, s.logZ = breaks, phi, logI, cur
			return s, nil
		}
		prev = cur
	}
}

// Left and Right return the domain.
func (s *Stationary1D) Left() float64  { return s.breaks[0] }
func (s *Stationary1D) Right() float64 { return s.breaks[len(s.breaks)-1] }

// Potential returns Φ(θ) − Φ(Left) = ∫_Left^θ L'/D, or an error outside the domain.
func (s *Stationary1D) Potential(theta float64) (float64, error) {
	i, err := s.locate(theta)
	if err != nil {
		return math.NaN(), err
	}
	f := s.f
	v := s.phi[i] + f.phiInc(s.breaks[i], theta)
	if f.err != nil {
		return math.NaN(), f.err
	}
	return v, nil
}

// LogDensity returns log P(θ), or an error outside [Left, Right] or when a user function fails at θ.
func (s *Stationary1D) LogDensity(theta float64) (float64, error) {
	phi, err := s.Potential(theta)
	if err != nil {
		return math.NaN(), err
	}
	f := s.f
	_, d := f.eval(theta)
	if f.err != nil {
		return math.NaN(), f.err
	}
	return -phi + (f.alpha-1)*math.Log(d) - s.logZ, nil
}

// Density returns P(θ): 0 outside [Left, Right], NaN only where a user function returns an invalid value
// (LogDensity reports that as an error).
func (s *Stationary1D) Density(theta float64) float64 {
	if theta < s.Left() || theta > s.Right() || math.IsNaN(theta) {
		return 0
	}
	l, err := s.LogDensity(theta)
	if err != nil {
		return math.NaN()
	}
	return math.Exp(l)
}

// CDF returns ∫_Left^θ P: 0 left of the domain, 1 right of it.
func (s *Stationary1D) CDF(theta float64) float64 {
	switch {
	case theta <= s.Left():
		return 0
	case theta >= s.Right():
		return 1
	}
	i, _ := s.locate(theta)
	f := s.f
	l := logAdd(s.logCum[i], -s.phi[i]+f.logInner(s.breaks[i], theta))
	if f.err != nil {
		return math.NaN()
	}
	return math.Min(1, math.Exp(l-s.logZ))
}

// locate returns the panel index holding theta.
func (s *Stationary1D) locate(theta float64) (int, error) {
	if math.IsNaN(theta) || theta < s.Left() || theta > s.Right() {
		return 0, fmt.Errorf("%w: θ = %v outside [%v, %v]", ErrDomain, theta, s.Left(), s.Right())
	}
	i := sort.SearchFloat64s(s.breaks, theta)
	if i > 0 && (i == len(s.breaks) || s.breaks[i] > theta) {
		i--
	}
	if i == len(s.breaks)-1 {
		i--
	}
	return i, nil
}
