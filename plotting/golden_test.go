package plotting

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/cmpimg"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// goldenDelta is the per-pixel YIQ tolerance of cmpimg.EqualApprox: it
// absorbs anti-aliasing differences between machines, not changed marks.
const goldenDelta = 0.05

// TestGolden renders every gallery chart and compares it with
// testdata/<name>.png. Run `go test ./plotting -run TestGolden -update` to
// accept new images (then look at them).
func TestGolden(t *testing.T) {
	charts, err := Gallery()
	if err != nil {
		t.Fatal(err)
	}
	charts = append(charts, extraCharts()...)
	for _, nc := range charts {
		t.Run(nc.Name, func(t *testing.T) {
			got, err := PNG(nc.Chart)
			if err != nil {
				t.Fatal(err)
			}
			// Rendering is deterministic: twice gives the same bytes.
			again, err := PNG(nc.Chart)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, again) {
				t.Errorf("%s: two renderings differ", nc.Name)
			}
			path := filepath.Join("testdata", nc.Name+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			ok, err := cmpimg.EqualApprox("png", got, want, goldenDelta)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				out := filepath.Join(artifactDir(t), nc.Name+".got.png")
				_ = os.WriteFile(out, got, 0o644)
				t.Errorf("%s differs from %s; got image written to %s", nc.Name, path, out)
			}
		})
	}
}

// artifactDir is $DDT_TEST_ARTIFACTS or a temporary directory.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("DDT_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err == nil {
			return d
		}
	}
	d := filepath.Join(os.TempDir(), "ddt-plotting-artifacts")
	_ = os.MkdirAll(d, 0o755)
	return d
}

// extraCharts cover series on their own: contours with −∇L and
// trajectories without a heatmap, and a log-log chart with markers,
// segments and a dashed line.
func extraCharts() []NamedChart {
	L := func(x, y float64) float64 { return x*x*x*x/4 - x*x/2 + y*y }
	g := SampleGrid(L, -1.6, 1.6, 41, -1, 1, 31)
	field := NegGradient(func(x, y float64) (float64, float64) { return x*x*x - x, 2 * y }, -1.5, 1.5, 11, -0.9, 0.9, 7)
	c := New("Contours, −∇L and a trajectory", "$\\theta_1$", "$\\theta_2$")
	c.Legend = LegendRight
	c.Add(Contour{Name: "level sets", Grid: g, N: 8}, field,
		Trajectory{Name: "GD", X: []float64{-1.4, -1.2, -1.05, -1.01, -1}, Y: []float64{0.8, 0.4, 0.15, 0.05, 0}, Role: RoleTheory})
	x := []float64{1, 10, 100, 1000}
	ll := New("Power law on log-log axes", "batch size $B$", "$\\hat\\sigma^2_B = \\mathrm{Tr}(\\bar{C})$")
	ll.X.Log, ll.Y.Log = true, true
	ll.Add(Line{Name: "$\\propto 1/B$", X: x, Y: []float64{1, 0.1, 0.01, 0.001}, Role: RoleExact},
		Line{Name: "dashed", X: x, Y: []float64{2, 0.2, 0.02, 0.002}, Dashed: true},
		Markers{Name: "marked", X: []float64{10, 100}, Y: []float64{0.1, 0.01}, Labels: []string{"B=10", "B=100"}, Shape: ShapeSquare},
		Segments{Name: "segment", X0: []float64{1}, Y0: []float64{0.001}, X1: []float64{1000}, Y1: []float64{1}, Role: RoleReference})
	return []NamedChart{{"contour-field", c}, {"loglog", ll}}
}

// TestGoldenDetectsChange: the tolerance is not so loose that a different
// chart passes as the golden one.
func TestGoldenDetectsChange(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "lines.png"))
	if err != nil {
		t.Skip("no golden image yet")
	}
	charts, err := Gallery()
	if err != nil {
		t.Fatal(err)
	}
	f := *charts[0].Chart.(*Figure)
	f.Series = f.Series[:len(f.Series)-1] // drop one series
	got, err := PNG(&f)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cmpimg.EqualApprox("png", got, want, goldenDelta); err != nil || ok {
		t.Errorf("a chart without one series passed as the golden image (ok=%v, err=%v)", ok, err)
	}
}
