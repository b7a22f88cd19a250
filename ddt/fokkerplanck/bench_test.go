package fokkerplanck

import (
	"fmt"
	"math"
	"testing"
)

// Benchmarks for doc.go. Run:
//
//	go test ./ddt/fokkerplanck/ -run '^$' -bench . -benchtime 3x

func bench1D(b *testing.B, n int) *Solver1D {
	s, err := NewSolver1D(Problem1D{Coefficients1D: doubleWell(func(x float64) float64 { return 0.05 * (1 + x*x/2) }), Lo: -2.5, Hi: 2.5, Cells: n})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func bench2D(b *testing.B, n int) *Solver2D {
	c := tilted(2, 0.3)
	c.Diffusion = func(x, y float64) Matrix2 { return Matrix2{XX: 0.1 * math.Max(math.Abs(3*x*x-1), 0.2), YY: 0.1 * 2} }
	s, err := NewSolver2D(Problem2D{Coefficients2D: c, XLo: -2.2, XHi: 2.2, YLo: -2, YHi: 2, NX: n, NY: n})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkStationary1D: build the 2,000-cell generator and solve J = 0 directly.
func BenchmarkStationary1D(b *testing.B) {
	for b.Loop() {
		s := bench1D(b, 2000)
		if _, err := s.Stationary(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelax1D: reach the stationary density by backward-Euler stepping (Δt = 100) from a Gaussian until
// the L1 distance to it is below 1e-8.
func BenchmarkRelax1D(b *testing.B) {
	s := bench1D(b, 2000)
	want, _ := s.Stationary()
	steps := 0
	for b.Loop() {
		p, _ := s.Gaussian(1.5, 0.1)
		st, _ := s.NewStepper(BackwardEuler, 100)
		steps = 0
		for {
			st.Step(p)
			steps++
			l1 := 0.0
			for i := range p {
				l1 += math.Abs(p[i]-want[i]) * s.Width()
			}
			if l1 < 1e-8 {
				break
			}
		}
	}
	b.ReportMetric(float64(steps), "steps")
}

func BenchmarkStep1D(b *testing.B) {
	s := bench1D(b, 2000)
	for _, sch := range []Scheme{BackwardEuler, CrankNicolson} {
		b.Run(sch.String(), func(b *testing.B) {
			st, _ := s.NewStepper(sch, 0.01)
			p, _ := s.Gaussian(1, 0.2)
			for b.Loop() {
				st.Step(p)
			}
		})
	}
}

func BenchmarkEscapeRate1D(b *testing.B) {
	s, _ := NewSolver1D(Problem1D{Coefficients1D: doubleWell(constD(0.04)), Lo: -2.5, Hi: 1, Cells: 2000, Right: Absorbing})
	for b.Loop() {
		if _, err := s.EscapeRate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStationary2D: build the 200×200 generator (state-dependent D with cross terms off) and find
// the stationary density by shifted inverse iteration (one banded LU + a few solves).
func BenchmarkStationary2D(b *testing.B) {
	for b.Loop() {
		s := bench2D(b, 200)
		if _, err := s.Stationary(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFactor2D: one backward-Euler factorisation at 200×200 (paid once per Δt).
func BenchmarkFactor2D(b *testing.B) {
	s := bench2D(b, 200)
	for b.Loop() {
		if _, err := s.NewStepper(BackwardEuler, 0.05); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStep2D: one step at 100×100 and 200×200, backward Euler (banded LU) and Douglas ADI.
func BenchmarkStep2D(b *testing.B) {
	for _, n := range []int{100, 200} {
		s := bench2D(b, n)
		for _, sch := range []Scheme{BackwardEuler, Douglas} {
			st, _ := s.NewStepper(sch, 0.05)
			p, _ := s.Gaussian(1, 0.5, 0.2, 0.2)
			b.Run(fmt.Sprintf("%dx%d/%v", n, n, sch), func(b *testing.B) {
				for b.Loop() {
					st.Step(p)
				}
			})
		}
	}
}

// BenchmarkAnimate2D: a notebook cell's work: build the problem and record 100 frames, 5 steps apart
// (Δt = 0.05, t = 0..24.75): 100×100 with backward Euler, 200×200 with Douglas ADI.
func BenchmarkAnimate2D(b *testing.B) {
	times := make([]float64, 100)
	for k := range times {
		times[k] = float64(k) * 0.25
	}
	for _, c := range []struct {
		n   int
		sch Scheme
	}{{100, BackwardEuler}, {200, Douglas}} {
		b.Run(fmt.Sprintf("%dx%d/%v", c.n, c.n, c.sch), func(b *testing.B) {
			for b.Loop() {
				s := bench2D(b, c.n)
				p0, _ := s.Gaussian(1, 0.8, 0.15, 0.15)
				if _, err := s.Evolve(p0, times, c.sch, 0.05); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
