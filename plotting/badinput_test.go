package plotting

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// render runs both back ends and returns the first error.
func render(c Chart) error {
	if _, err := PNG(c); err != nil {
		return err
	}
	if _, err := SVG(c); err != nil {
		return err
	}
	_, err := c.ECharts()
	return err
}

func TestBadInputIsAnError(t *testing.T) {
	nan := math.NaN()
	logY := func(s ...Series) *Figure { f := New("t", "x", "y"); f.Y.Log = true; return f.Add(s...) }
	logX := func(s ...Series) *Figure { f := New("t", "x", "y"); f.X.Log = true; return f.Add(s...) }
	lin := func(s ...Series) *Figure { return New("t", "x", "y").Add(s...) }
	cases := []struct {
		name string
		fig  *Figure
		want error
	}{
		{"no series", lin(), ErrEmpty},
		{"empty line", lin(Line{Name: "a"}), ErrEmpty},
		{"empty points", lin(Points{Name: "a"}), ErrEmpty},
		{"empty band", lin(Band{Name: "a"}), ErrEmpty},
		{"empty histogram", lin(Histogram{Name: "a"}), ErrEmpty},
		{"empty QQ", lin(QQ{Name: "a", Quantile: ExpQuantile(1)}), ErrEmpty},
		{"empty grid", lin(Heatmap{Name: "a"}), ErrEmpty},
		{"empty field", lin(VectorField{Name: "a"}), ErrEmpty},
		{"empty segments", lin(Segments{Name: "a"}), ErrEmpty},
		{"all NaN line", lin(Line{Name: "a", X: []float64{nan}, Y: []float64{1}}), ErrEmpty},
		{"line lengths", lin(Line{Name: "a", X: []float64{1, 2}, Y: []float64{1}}), ErrLength},
		{"points lengths", lin(Points{Name: "a", X: []float64{1, 2}, Y: []float64{1, 2}, Lo: []float64{1}, Hi: []float64{1, 2}}), ErrLength},
		{"points one bound", lin(Points{Name: "a", X: []float64{1}, Y: []float64{1}, Lo: []float64{1}}), ErrLength},
		{"band lengths", lin(Band{Name: "a", X: []float64{1, 2}, Lo: []float64{1, 2}, Hi: []float64{1}}), ErrLength},
		{"grid rows", lin(Contour{Name: "a", Grid: Grid{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}}}}), ErrLength},
		{"grid ragged", lin(Heatmap{Name: "a", Grid: Grid{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}, {1}}}}), ErrLength},
		{"field rows", lin(VectorField{Name: "a", X: []float64{0, 1}, Y: []float64{0}, U: [][]float64{{1, 1}}, V: nil}), ErrLength},
		{"markers labels", lin(Markers{Name: "a", X: []float64{1}, Y: []float64{1}, Labels: []string{"a", "b"}}), ErrLength},
		{"log y zero", logY(Line{Name: "a", X: []float64{1, 2}, Y: []float64{1, 0}}), ErrLogAxis},
		{"log y negative", logY(Points{Name: "a", X: []float64{1, 2}, Y: []float64{1, -3}}), ErrLogAxis},
		{"log x zero", logX(Line{Name: "a", X: []float64{0, 2}, Y: []float64{1, 2}}), ErrLogAxis},
		{"log y interval", logY(Points{Name: "a", X: []float64{1}, Y: []float64{1}, Lo: []float64{-1}, Hi: []float64{2}}), ErrLogAxis},
		{"log y band", logY(Band{Name: "a", X: []float64{1}, Lo: []float64{0}, Hi: []float64{2}}), ErrLogAxis},
		{"log range", func() *Figure {
			f := logY(Line{Name: "a", X: []float64{1, 2}, Y: []float64{1, 2}})
			f.Y.Min, f.Y.Max = -1, 10
			return f
		}(), ErrLogAxis},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := render(c.fig)
			if err == nil {
				t.Fatalf("no error")
			}
			if !errors.Is(err, c.want) {
				t.Errorf("error %q does not wrap %v", err, c.want)
			}
		})
	}
	// Other invalid input: still an error, never a panic.
	others := []Chart{
		nilFigure(),
		lin(Heatmap{Name: "a", Grid: Grid{X: []float64{1, 0}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}, {3, 4}}}}),
		logX(Histogram{Name: "a", Values: []float64{1, 2}}),
		lin(QQ{Name: "a", Sample: []float64{1}}),
		lin(Histogram{Name: "a", Values: []float64{1}, Min: 2, Max: 1}),
		lin(Contour{Name: "a", Grid: Grid{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}, {3, 4}}}, Levels: []float64{nan}}),
		&Frames{},
		&Frames{Frames: []*Figure{lin(Line{Name: "a", X: []float64{1}, Y: []float64{1}})}, Labels: []string{"a", "b"}},
		&Frames{Frames: []*Figure{nil}},
	}
	for i, c := range others {
		if err := render(c); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	if _, err := PNG(nil); err == nil {
		t.Errorf("nil chart: no error")
	}
}

func nilFigure() *Figure { return nil }

// TestNonFiniteSkippedAndCounted documents the NaN policy: non-finite
// values are skipped, counted and noted under the chart.
func TestNonFiniteSkippedAndCounted(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	f := New("NaN policy", "x", "y").Add(
		Line{Name: "line", X: []float64{0, 1, 2, 3}, Y: []float64{0, nan, 2, inf}},
		Points{Name: "pts", X: []float64{0, nan, 2}, Y: []float64{1, 1, 1}},
		Histogram{Name: "h", Values: []float64{1, 2, nan, 3}},
		Heatmap{Name: "g", Grid: Grid{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, nan}, {3, 4}}}},
	)
	r, err := f.Check()
	if err != nil {
		t.Fatal(err)
	}
	if r.Skipped != 5 {
		t.Errorf("skipped %d values, want 5", r.Skipped)
	}
	if err := render(f); err != nil {
		t.Fatal(err)
	}
	opt, err := f.ECharts()
	if err != nil {
		t.Fatal(err)
	}
	titles := opt["title"].([]map[string]any)
	if len(titles) < 2 || !strings.Contains(titles[1]["subtext"].(string), "5 non-finite values skipped") {
		t.Errorf("interactive chart does not note the skipped values: %v", titles)
	}
}

func TestLatexToUnicode(t *testing.T) {
	for in, want := range map[string]string{
		`$-\log\gamma$`:           "−log γ",
		`$1/k$`:                   "1/k",
		`$\theta_1$`:              "θ₁",
		`$\sigma^2$`:              "σ²",
		`$\frac{\Delta L}{\eta}$`: "ΔL/η",
		`$\lambda_{\max}$ value`:  "λₘₐₓ value",
		`rate $\gamma$ (1/step)`:  "rate γ (1/step)",
		`plain 95%`:               "plain 95%",
		`$\mathrm{Tr}(H)/B$`:      "Tr(H)/B",
	} {
		if got := LatexToUnicode(in); got != want {
			t.Errorf("LatexToUnicode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlope(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 3 * math.Exp(0.7*v)
	}
	b, se, err := Slope(x, y, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(b-0.7) > 1e-12 || se > 1e-9 {
		t.Errorf("slope %g ± %g, want 0.7 ± 0", b, se)
	}
	if _, _, err := Slope(x, []float64{1, 2, 0, 3}, false, true); !errors.Is(err, ErrLogAxis) {
		t.Errorf("slope of a non-positive value on a log axis: %v", err)
	}
}
