package plotting

import (
	"math"
	"math/rand/v2"
)

// NamedChart is a chart with a file-friendly name.
type NamedChart struct {
	Name  string
	Chart Chart
}

// Gallery returns one chart of every kind, drawn from small synthetic data
// (fixed seeds, no simulation): lines with a band, points with interval
// bars, a histogram with a density, a QQ plot, the landscape chart with
// trajectories and −∇L, the escape-rate chart, the density-evolution
// frames and the C against H/B chart. It is the fixture of the golden-image
// and browser tests and of the gallery notebook.
func Gallery() ([]NamedChart, error) {
	rng := rand.New(rand.NewPCG(1, 0))
	var out []NamedChart

	// Lines, a band and points with error bars.
	x := linspace(0, 4, 41)
	th, lo, hi := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	for i, v := range x {
		th[i] = math.Exp(-v)
		lo[i], hi[i] = th[i]*0.85, th[i]*1.15
	}
	px := linspace(0.25, 3.75, 8)
	py, plo, phi := make([]float64, len(px)), make([]float64, len(px)), make([]float64, len(px))
	for i, v := range px {
		py[i] = math.Exp(-v) * (1 + 0.08*rng.NormFloat64())
		plo[i], phi[i] = py[i]*0.88, py[i]*1.12
	}
	lines := New("Survival probability", "$t$", "$P(\\tau > t)$")
	lines.Y.Log = true
	lines.Caption = "synthetic data, seed 1"
	lines.Add(Band{Name: "theory ± 15%", X: x, Lo: lo, Hi: hi, Role: RoleTheory},
		Line{Name: "theory $e^{-t}$", X: x, Y: th, Role: RoleTheory},
		Points{Name: "SGD", X: px, Y: py, Lo: plo, Hi: phi, Role: RoleSGD},
		Points{Name: "GD + white noise", X: px, Y: scale(py, 1.1), Role: RoleWhiteNoise})
	out = append(out, NamedChart{"lines", lines})

	// Histogram with the exponential density, and its QQ plot.
	sample := make([]float64, 600)
	for i := range sample {
		sample[i] = rng.ExpFloat64() * 2
	}
	dx := linspace(0, 12, 100)
	dy := make([]float64, len(dx))
	for i, v := range dx {
		dy[i] = math.Exp(-v/2) / 2
	}
	hist := New("Escape times", "$\\tau$", "density")
	hist.Caption = "600 exponential samples, mean 2, seed 1"
	hist.Add(Histogram{Name: "SGD escape times", Values: sample, Bins: 30, Min: 0, Max: 12, Density: true, Role: RoleSGD},
		Line{Name: "exponential, mean 2", X: dx, Y: dy, Role: RoleTheory})
	out = append(out, NamedChart{"histogram", hist})

	qq := New("QQ plot of escape times", "exponential quantile", "sample quantile")
	qq.Legend = LegendTopLeft
	qq.Add(QQ{Name: "SGD escape times", Sample: sample, Quantile: ExpQuantile(2), Role: RoleSGD})
	out = append(out, NamedChart{"qq", qq})

	// Landscape: a tilted double well L = (x²−1)² + y²/2 + 0.3x.
	L := func(x, y float64) float64 { return (x*x-1)*(x*x-1) + 0.5*y*y + 0.3*x }
	grad := func(x, y float64) (float64, float64) { return 4*x*(x*x-1) + 0.3, y }
	g := SampleGrid(L, -1.8, 1.8, 73, -1.2, 1.2, 49)
	field := NegGradient(grad, -1.6, 1.6, 13, -1, 1, 9)
	var traj []Trajectory
	for k, role := range []Role{RoleSGD, RoleWhiteNoise} {
		r := rand.New(rand.NewPCG(7, uint64(k)))
		tx, ty := []float64{1}, []float64{0}
		for s := 0; s < 300; s++ {
			gx, gy := grad(tx[len(tx)-1], ty[len(ty)-1])
			tx = append(tx, tx[len(tx)-1]-0.01*gx+0.09*r.NormFloat64())
			ty = append(ty, ty[len(ty)-1]-0.01*gy+0.05*r.NormFloat64())
		}
		traj = append(traj, Trajectory{Name: role.String() + " path", X: clamp(tx, -1.75, 1.75), Y: clamp(ty, -1.15, 1.15), Role: role})
	}
	crit := []CriticalPoint{
		minimumOf(-1.037, 0, "a"), {X: 0.075, Y: 0, Label: "s", Eigenvalues: [2]float64{-3.93, 1}, Eigenvectors: [2][2]float64{{1, 0}, {0, 1}}},
		minimumOf(0.96, 0, "b"),
	}
	land, err := LandscapeChart{Title: "Tilted double well", Caption: "L = (θ₁²−1)² + θ₂²/2 + 0.3θ₁; η = 0.01, seeds 7/0 and 7/1",
		X: Axis{Label: "$\\theta_1$"}, Y: Axis{Label: "$\\theta_2$"}, Grid: g, Critical: crit, Field: &field, Trajectories: traj}.Figure()
	if err != nil {
		return nil, err
	}
	out = append(out, NamedChart{"landscape", land})

	// Escape-rate chart: log τ against 1/k, Kramers-like theory.
	ik := []float64{2, 3, 4, 5, 6, 7}
	var tauSGD, loSGD, hiSGD, tauWN, loWN, hiWN []float64
	for _, v := range ik {
		a := math.Exp(0.9*v) * (1 + 0.1*rng.NormFloat64())
		tauSGD, loSGD, hiSGD = append(tauSGD, a), append(loSGD, a*0.8), append(hiSGD, a*1.25)
		b := math.Exp(0.6*v) * (1 + 0.1*rng.NormFloat64())
		tauWN, loWN, hiWN = append(tauWN, b), append(loWN, b*0.8), append(hiWN, b*1.25)
	}
	tx := linspace(1.8, 7.2, 30)
	var tSGD, tWN []float64
	for _, v := range tx {
		tSGD, tWN = append(tSGD, math.Exp(0.9*v)), append(tWN, math.Exp(0.6*v))
	}
	esc, err := EscapeRateChart{Title: "Mean escape time against 1/k", Caption: "synthetic: τ ∝ exp(0.9/k) (SGD), exp(0.6/k) (white noise); 95% intervals; seed 1",
		X: Axis{Label: "$1/k$"}, Y: Axis{Label: "$\\tau_{SDE}$ (steps)", Log: true}, Legend: LegendTopLeft,
		Theory: []Curve{{Name: "DDT theory (SGD)", X: tx, Y: tSGD, Role: RoleTheory}, {Name: "Kramers (white noise)", X: tx, Y: tWN, Role: RoleExact}},
		Measured: []Measured{{Name: "SGD", X: ik, Y: tauSGD, Lo: loSGD, Hi: hiSGD, Role: RoleSGD, FitSlope: true},
			{Name: "GD + white noise", X: ik, Y: tauWN, Lo: loWN, Hi: hiWN, Role: RoleWhiteNoise, FitSlope: true}}}.Figure()
	if err != nil {
		return nil, err
	}
	out = append(out, NamedChart{"escape-rate", esc})

	// Density evolution: Ornstein–Uhlenbeck p(θ, t) from a point mass at 1.5.
	gx := linspace(-3, 3, 121)
	times := []float64{0.05, 0.2, 0.5, 1, 2, 4}
	var P, samples [][]float64
	stat := make([]float64, len(gx))
	for i, v := range gx {
		stat[i] = math.Exp(-v*v/2) / math.Sqrt(2*math.Pi)
	}
	sr := rand.New(rand.NewPCG(3, 0))
	for _, t := range times {
		m, s2 := 1.5*math.Exp(-t), 1-math.Exp(-2*t)
		row := make([]float64, len(gx))
		for i, v := range gx {
			row[i] = math.Exp(-(v-m)*(v-m)/(2*s2)) / math.Sqrt(2*math.Pi*s2)
		}
		P = append(P, row)
		smp := make([]float64, 400)
		for i := range smp {
			smp[i] = m + math.Sqrt(s2)*sr.NormFloat64()
		}
		samples = append(samples, smp)
	}
	dens, err := DensityEvolution{Title: "Density of an Ornstein–Uhlenbeck process", Caption: "dθ = −θ dt + √2 dW, θ₀ = 1.5; 400 particles, seed 3",
		X: gx, Times: times, P: P, Stationary: stat, StationaryName: "stationary N(0,1)", Samples: samples}.Frames()
	if err != nil {
		return nil, err
	}
	out = append(out, NamedChart{"density", dens})

	// C against H/B.
	var hb, c, clo, chi []float64
	for i := 0; i < 12; i++ {
		h := math.Pow(10, -3+3*float64(i)/11)
		v := h * math.Exp(0.15*rng.NormFloat64())
		hb, c, clo, chi = append(hb, h), append(c, v), append(clo, v*0.85), append(chi, v*1.18)
	}
	cov, err := CovarianceChart{Title: "Gradient-noise covariance near a minimum", Caption: "synthetic eigenvalues, B = 32, seed 1",
		Name: "eigenvalues", HOverB: hb, C: c, Lo: clo, Hi: chi}.Figure()
	if err != nil {
		return nil, err
	}
	out = append(out, NamedChart{"covariance", cov})
	return out, nil
}

func minimumOf(x, y float64, label string) CriticalPoint {
	return CriticalPoint{X: x, Y: y, Label: label, Eigenvalues: [2]float64{12*x*x - 4, 1},
		Eigenvectors: [2][2]float64{{1, 0}, {0, 1}}}
}

func scale(v []float64, a float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = a * v[i]
	}
	return out
}

func clamp(v []float64, lo, hi float64) []float64 {
	for i := range v {
		v[i] = math.Max(lo, math.Min(hi, v[i]))
	}
	return v
}
