package fokkerplanck

import (
	"errors"
	"fmt"
	"math"
)

// ErrNegativeDensity: a time step drove the density below −tol·max P (see NegativeDensityError).
var ErrNegativeDensity = errors.New("fokkerplanck: negative density")

// NegativeTol is the tolerance of the positivity guard that Evolve and SurvivalDecay apply after every step: a
// step after which some P_i < −NegativeTol·max P stops the run with a *NegativeDensityError.
//
// A density is never negative; the schemes keep it so exactly in the cases the package documentation lists
// (backward Euler for every Δt, Crank–Nicolson for Δt·max|A_ii| ≤ 2, explicit Euler within MaxStableStep, all
// without cross terms), where only rounding, ~1e-16·max P, can dip below zero. Beyond them the stiff modes of
// Crank–Nicolson and Douglas have amplification factors near −1 and ring: a smooth start rings little
// (notebook 03's leak, Crank–Nicolson at Δt·max|A_ii| = 60 from a Gaussian: −5e-7·max P; a 2-D Douglas run with
// cross terms at Δt·max|A_ii| ≈ 75: −1.2e-4·max P), a sharp one or a longer step rings visibly (the same leak at
// Δt·max|A_ii| = 600: −0.23·max P). 1e-3 is below the resolution of a chart of P and lets the former through;
// callers who need P ≥ 0 to a tighter tolerance read Snapshots.MinRatio or step with Stepper1D.StepChecked.
const NegativeTol = 1e-3

// NegativeDensityError reports the first step after which the density fell below −Tol·max P. It wraps
// ErrNegativeDensity.
type NegativeDensityError struct {
	Scheme Scheme
	// Dt is the step and Stiffness = Δt·max|A_ii|: Crank–Nicolson keeps P ≥ 0 for Stiffness ≤ 2, and so does
	// Douglas without cross terms (its explicit stage is (I + ½ΔtA_x)(I + ½ΔtA_y)).
	Dt, Stiffness float64
	// Step counts the steps of the run (Evolve, SurvivalDecay) or of the stepper (StepChecked), this one
	// included (1 = the first step); Time is the time it reached.
	Step int
	Time float64
	// Cell is the index of the most negative cell (row-major j·NX + i in 2-D), at X (and Y in 2-D).
	Cell int
	X, Y float64
	twoD bool
	// Min is P at that cell, Max the largest P after the step, Tol the tolerance that was exceeded.
	Min, Max, Tol float64
}

func (e *NegativeDensityError) Error() string {
	where := fmt.Sprintf("θ = %.4g", e.X)
	if e.twoD {
		where = fmt.Sprintf("x = %.4g, y = %.4g", e.X, e.Y)
	}
	return fmt.Sprintf("fokkerplanck: %v step %d (t = %.6g, Δt = %.3g, Δt·max|A_ii| = %.3g) drove P to %.3g = %.3g·max P "+
		"at cell %d (%s), below −%.3g·max P; %v keeps P ≥ 0 only for Δt·max|A_ii| ≤ %s: take a shorter "+
		"step or BackwardEuler", e.Scheme, e.Step, e.Time, e.Dt, e.Stiffness, e.Min, e.Min/e.Max, e.Cell, where,
		e.Tol, e.Scheme, positiveLimit(e.Scheme))
}

// Unwrap lets errors.Is(err, ErrNegativeDensity) match.
func (e *NegativeDensityError) Unwrap() error { return ErrNegativeDensity }

func positiveLimit(s Scheme) string {
	switch s {
	case BackwardEuler:
		return "∞ (without cross terms)"
	case CrankNicolson, Douglas:
		return "2 (without cross terms)"
	case Explicit:
		return "1"
	}
	return "?"
}

// extremes returns the largest value of p and the index and value of its smallest; NaNs are skipped (the
// divergence checks report them).
func extremes(p []float64) (imin int, lo, hi float64) {
	imin, lo, hi = -1, math.Inf(1), math.Inf(-1)
	for i, v := range p {
		if v < lo {
			imin, lo = i, v
		}
		if v > hi {
			hi = v
		}
	}
	return imin, lo, hi
}

// minRatio is min P / max P when min P < 0 (the most negative value relative to the peak), else 0.
func minRatio(lo, hi float64) float64 {
	if !(lo < 0) {
		return 0
	}
	if !(hi > 0) {
		return math.Inf(-1)
	}
	return lo / hi
}

// guard checks p after a step: it returns min P/max P (0 when P ≥ 0) and a *NegativeDensityError (without
// Step, Time and the cell's coordinates, which the caller fills in) when min P < −tol·max P.
func guard(p []float64, tol float64) (float64, *NegativeDensityError) {
	imin, lo, hi := extremes(p)
	r := minRatio(lo, hi)
	if imin < 0 || !(lo < -tol*math.Max(hi, 0)) {
		return r, nil
	}
	return r, &NegativeDensityError{Cell: imin, Min: lo, Max: hi, Tol: tol}
}

func checkTol(tol float64) error {
	if !(tol >= 0) || math.IsInf(tol, 1) {
		return fmt.Errorf("%w: positivity tolerance %g (need 0 ≤ tol < ∞)", ErrBadDensity, tol)
	}
	return nil
}

// StepChecked advances p by one step, as Step, and then applies the positivity guard with tolerance tol ≥ 0:
// when some P_i < −tol·max P it returns a *NegativeDensityError naming the step (counted from the stepper's
// first), the cell and the values; p then holds the offending density. tol = 0 demands P ≥ 0 exactly;
// Evolve and SurvivalDecay use NegativeTol.
func (st *Stepper1D) StepChecked(p []float64, tol float64) error {
	if err := checkTol(tol); err != nil {
		return err
	}
	st.Step(p)
	_, e := guard(p, tol)
	if e == nil {
		return nil
	}
	e.Step, e.Time = st.steps, float64(st.steps)*st.dt
	st.fill(e)
	return e
}

func (st *Stepper1D) fill(e *NegativeDensityError) {
	e.Scheme, e.Dt, e.Stiffness, e.X = st.scheme, st.dt, st.dt*st.s.maxD, st.s.x[e.Cell]
}

// StepChecked advances p by one step and applies the positivity guard, as Stepper1D.StepChecked.
func (st *Stepper2D) StepChecked(p []float64, tol float64) error {
	if err := checkTol(tol); err != nil {
		return err
	}
	st.Step(p)
	_, e := guard(p, tol)
	if e == nil {
		return nil
	}
	e.Step, e.Time = st.steps, float64(st.steps)*st.dt
	st.fill(e)
	return e
}

func (st *Stepper2D) fill(e *NegativeDensityError) {
	nx := st.s.p.NX
	e.Scheme, e.Dt, e.Stiffness = st.scheme, st.dt, st.dt*st.s.maxD
	e.X, e.Y, e.twoD = st.s.x[e.Cell%nx], st.s.y[e.Cell/nx], true
}
