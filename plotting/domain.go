package plotting

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Curve is a named line of plain data, for theory and exact-numerics lines.
type Curve struct {
	Name string
	X, Y []float64
	Role Role
}

// Measured is a named set of Monte Carlo estimates with interval bounds
// (Lo, Hi absolute; nil for none).
type Measured struct {
	Name      string
	X, Y      []float64
	Lo, Hi    []float64
	Role      Role
	FitSlope  bool // fit a line in the plotted coordinates; slope in the legend
	FitDashed bool // draw the fitted line (dashed, same colour)
}

// EscapeRateChart is the escape-rate chart: −log γ (or log τ) against a
// control variable (1/k, log k, B, 1/η), Monte Carlo points with interval
// bars, theory and exact lines, and fitted slopes in the legend.
type EscapeRateChart struct {
	Title, Caption string
	X, Y           Axis // e.g. Axis{Label: "$1/k$"}, Axis{Label: "$\\tau$", Log: true}
	Measured       []Measured
	Theory         []Curve
	Legend         LegendPlace
}

// Slope fits y = a + b·x by least squares in the plotted coordinates, with
// natural logarithms on log axes (so the slope of ln τ against 1/k reads as
// an effective barrier), and returns b and its standard error.
func Slope(x, y []float64, logX, logY bool) (slope, se float64, err error) {
	var xs, ys []float64
	if len(x) != len(y) {
		return 0, 0, fmt.Errorf("%w: slope fit with %d x and %d y", ErrLength, len(x), len(y))
	}
	for i := range x {
		a, b := x[i], y[i]
		if !finite(a) || !finite(b) {
			continue
		}
		if logX {
			if a <= 0 {
				return 0, 0, fmt.Errorf("%w: x[%d] = %g", ErrLogAxis, i, a)
			}
			a = math.Log(a)
		}
		if logY {
			if b <= 0 {
				return 0, 0, fmt.Errorf("%w: y[%d] = %g", ErrLogAxis, i, b)
			}
			b = math.Log(b)
		}
		xs, ys = append(xs, a), append(ys, b)
	}
	if len(xs) < 2 {
		return 0, 0, fmt.Errorf("%w: slope fit needs 2 finite points, has %d", ErrEmpty, len(xs))
	}
	alpha, beta := stat.LinearRegression(xs, ys, nil, false)
	if len(xs) > 2 {
		var rss, sxx float64
		mx := stat.Mean(xs, nil)
		for i := range xs {
			r := ys[i] - alpha - beta*xs[i]
			rss += r * r
			sxx += (xs[i] - mx) * (xs[i] - mx)
		}
		if sxx > 0 {
			se = math.Sqrt(rss / float64(len(xs)-2) / sxx)
		}
	}
	return beta, se, nil
}

// Figure builds the chart.
func (c EscapeRateChart) Figure() (*Figure, error) {
	if len(c.Measured) == 0 && len(c.Theory) == 0 {
		return nil, fmt.Errorf("%w: escape-rate chart has no data", ErrEmpty)
	}
	f := &Figure{Title: c.Title, Caption: c.Caption, X: c.X, Y: c.Y, Legend: c.Legend}
	for _, t := range c.Theory {
		f.Add(Line{Name: t.Name, X: t.X, Y: t.Y, Role: t.Role})
	}
	for _, m := range c.Measured {
		name := m.Name
		if m.FitSlope {
			b, se, err := Slope(m.X, m.Y, c.X.Log, c.Y.Log)
			if err != nil {
				return nil, fmt.Errorf("escape-rate chart, %q: %w", m.Name, err)
			}
			name = fmt.Sprintf("%s (%s %.3g ± %.2g)", m.Name, slopeName(c.X.Log, c.Y.Log), b, se)
			if m.FitDashed {
				fx, fy := fitLine(m.X, m.Y, c.X.Log, c.Y.Log)
				f.Add(Line{Name: name, X: fx, Y: fy, Role: m.Role, Dashed: true})
			}
		}
		f.Add(Points{Name: name, X: m.X, Y: m.Y, Lo: m.Lo, Hi: m.Hi, Role: m.Role})
	}
	return f, nil
}

func slopeName(logX, logY bool) string {
	switch {
	case logX && logY:
		return "slope of ln y vs ln x"
	case logY:
		return "slope of ln y"
	case logX:
		return "slope vs ln x"
	}
	return "slope"
}

// fitLine returns the two end points of the least-squares line.
func fitLine(x, y []float64, logX, logY bool) ([]float64, []float64) {
	tr := func(v float64, l bool) float64 {
		if l {
			return math.Log10(v)
		}
		return v
	}
	inv := func(v float64, l bool) float64 {
		if l {
			return math.Pow(10, v)
		}
		return v
	}
	var xs, ys []float64
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			xs, ys = append(xs, tr(x[i], logX)), append(ys, tr(y[i], logY))
		}
	}
	a, b := stat.LinearRegression(xs, ys, nil, false)
	lo, hi := xs[0], xs[0]
	for _, v := range xs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return []float64{inv(lo, logX), inv(hi, logX)}, []float64{inv(a+b*lo, logY), inv(a+b*hi, logY)}
}

// CriticalPoint is a stationary point of a 2-D landscape with its Hessian
// eigen-decomposition.
type CriticalPoint struct {
	X, Y  float64
	Label string // e.g. "a", "b", "saddle"
	// Eigenvalues and unit Eigenvectors [k] = (x, y) of the Hessian.
	Eigenvalues  [2]float64
	Eigenvectors [2][2]float64
}

// Kind classifies the point from the Hessian's eigenvalue signs.
func (p CriticalPoint) Kind() string {
	switch {
	case p.Eigenvalues[0] > 0 && p.Eigenvalues[1] > 0:
		return "minimum"
	case p.Eigenvalues[0] < 0 && p.Eigenvalues[1] < 0:
		return "maximum"
	}
	return "saddle"
}

// LandscapeChart is a 2-D loss landscape: heatmap and contours of L on a
// grid, critical points (minima ●, saddles ◆, maxima ▲) with their Hessian
// eigen-directions (blue: positive curvature, red: negative, the escape
// direction at a saddle), optional −∇L arrows and trajectories.
type LandscapeChart struct {
	Title, Caption string
	X, Y           Axis
	Grid           Grid
	Levels         []float64 // contour levels; nil: 12 automatic
	Critical       []CriticalPoint
	Field          *VectorField // e.g. NegGradient(...); nil for none
	Trajectories   []Trajectory
}

// Figure builds the chart.
func (c LandscapeChart) Figure() (*Figure, error) {
	f := &Figure{Title: c.Title, Caption: c.Caption, X: c.X, Y: c.Y, Legend: LegendRight}
	f.Add(Heatmap{Name: "L", Grid: c.Grid, ZName: "L"}, Contour{Name: "level sets", Grid: c.Grid, Levels: c.Levels, N: 12})
	if c.Field != nil {
		f.Add(*c.Field)
	}
	for _, t := range c.Trajectories {
		f.Add(t)
	}
	if len(c.Critical) > 0 {
		if len(c.Grid.X) < 2 || len(c.Grid.Y) < 2 {
			return nil, fmt.Errorf("%w: landscape grid", ErrEmpty)
		}
		span := math.Min(c.Grid.X[len(c.Grid.X)-1]-c.Grid.X[0], c.Grid.Y[len(c.Grid.Y)-1]-c.Grid.Y[0])
		arm := 0.08 * span
		byKind := map[string]*Markers{}
		order := []string{"minimum", "saddle", "maximum"}
		shapes := map[string]Shape{"minimum": ShapeCircle, "saddle": ShapeDiamond, "maximum": ShapeTriangle}
		pos := Segments{Name: "Hessian eigvec, λ > 0", Color: color.RGBA{0x56, 0xB4, 0xE9, 0xff}, Width: 2}
		neg := Segments{Name: "Hessian eigvec, λ < 0", Color: color.RGBA{0xD5, 0x5E, 0x00, 0xff}, Width: 2}
		for _, p := range c.Critical {
			k := p.Kind()
			m := byKind[k]
			if m == nil {
				m = &Markers{Name: k + "s", Shape: shapes[k], Color: color.RGBA{0xff, 0xff, 0xff, 0xff}, Size: 4.5,
					LabelColor: color.RGBA{0xff, 0xff, 0xff, 0xff}}
				if k == "minimum" {
					m.Name = "minima"
				} else if k == "maximum" {
					m.Name = "maxima"
				}
				byKind[k] = m
			}
			m.X, m.Y, m.Labels = append(m.X, p.X), append(m.Y, p.Y), append(m.Labels, p.Label)
			for e := 0; e < 2; e++ {
				v := p.Eigenvectors[e]
				n := math.Hypot(v[0], v[1])
				if !(n > 0) || !finite(p.Eigenvalues[e]) {
					return nil, fmt.Errorf("plotting: critical point %q has an invalid eigenpair", p.Label)
				}
				s := &pos
				if p.Eigenvalues[e] < 0 {
					s = &neg
				}
				dx, dy := arm*v[0]/n, arm*v[1]/n
				s.X0, s.Y0 = append(s.X0, p.X-dx), append(s.Y0, p.Y-dy)
				s.X1, s.Y1 = append(s.X1, p.X+dx), append(s.Y1, p.Y+dy)
			}
		}
		for _, s := range []Segments{pos, neg} {
			if len(s.X0) > 0 {
				f.Add(s)
			}
		}
		for _, k := range order {
			if m := byKind[k]; m != nil {
				f.Add(*m)
			}
		}
	}
	return f, nil
}

// DensityEvolution shows frames of a density p(θ, t), e.g. a Fokker–Planck
// solution: P[k][i] is the density at X[i] at time Times[k]. Optional
// Stationary is drawn in every frame (theory), and Samples[k] (simulated
// particle positions at Times[k]) as a normalised histogram.
type DensityEvolution struct {
	Title, Caption string
	XLabel         string // "$\\theta$" when empty
	X              []float64
	Times          []float64
	P              [][]float64
	Stationary     []float64 // on X; nil for none
	StationaryName string
	Samples        [][]float64 // nil, or one slice per time
	Cols           int
}

// Frames builds the chart.
func (d DensityEvolution) Frames() (*Frames, error) {
	if len(d.Times) == 0 || len(d.X) == 0 {
		return nil, fmt.Errorf("%w: density evolution needs X and Times", ErrEmpty)
	}
	if len(d.P) != len(d.Times) {
		return nil, fmt.Errorf("%w: %d density rows for %d times", ErrLength, len(d.P), len(d.Times))
	}
	if d.Samples != nil && len(d.Samples) != len(d.Times) {
		return nil, fmt.Errorf("%w: %d sample sets for %d times", ErrLength, len(d.Samples), len(d.Times))
	}
	if d.Stationary != nil && len(d.Stationary) != len(d.X) {
		return nil, fmt.Errorf("%w: stationary density has %d values for %d X", ErrLength, len(d.Stationary), len(d.X))
	}
	xl := d.XLabel
	if xl == "" {
		xl = "$\\theta$"
	}
	ymax := 0.0
	for _, row := range append(append([][]float64{}, d.P...), d.Stationary) {
		for _, v := range row {
			if finite(v) {
				ymax = math.Max(ymax, v)
			}
		}
	}
	if !(ymax > 0) {
		ymax = 1
	}
	xmin, xmax := d.X[0], d.X[len(d.X)-1]
	fr := &Frames{Title: d.Title, Caption: d.Caption, Cols: d.Cols}
	sname := d.StationaryName
	if sname == "" {
		sname = "stationary"
	}
	for k, t := range d.Times {
		f := &Figure{X: Axis{Label: xl, Min: xmin, Max: xmax}, Y: Axis{Label: "$p(\\theta, t)$", Min: 0, Max: 1.1 * ymax}}
		if d.Samples != nil {
			f.Add(Histogram{Name: "SGD particles", Values: d.Samples[k], Bins: 40, Min: xmin, Max: xmax, Density: true, Role: RoleSGD})
		}
		if d.Stationary != nil {
			f.Add(Line{Name: sname, X: d.X, Y: d.Stationary, Role: RoleTheory})
		}
		f.Add(Line{Name: "Fokker–Planck", X: d.X, Y: d.P[k], Role: RoleExact})
		fr.Frames = append(fr.Frames, f)
		fr.Labels = append(fr.Labels, fmt.Sprintf("t = %.4g", t))
	}
	return fr, nil
}

// CovarianceChart plots measured gradient-noise covariance C against the
// prediction H/B on log-log axes with the line y = x (the paper's C ≈ H/B
// near a minimum). Values must be positive (use eigenvalues or diagonal
// entries); Lo/Hi are optional interval bounds on C.
type CovarianceChart struct {
	Title, Caption string
	Name           string // legend of the points; "C vs H/B" when empty
	HOverB, C      []float64
	Lo, Hi         []float64
	Role           Role
}

// Figure builds the chart.
func (c CovarianceChart) Figure() (*Figure, error) {
	name := c.Name
	if name == "" {
		name = "C vs H/B"
	}
	role := c.Role
	if role == RoleAuto {
		role = RoleSGD
	}
	f := &Figure{Title: c.Title, Caption: c.Caption, Legend: LegendTopLeft,
		X: Axis{Label: "$H/B$ (predicted)", Log: true}, Y: Axis{Label: "$C$ (measured)", Log: true}}
	f.Add(Identity{}, Points{Name: name, X: c.HOverB, Y: c.C, Lo: c.Lo, Hi: c.Hi, Role: role})
	if _, err := f.Check(); err != nil {
		return nil, err
	}
	return f, nil
}
