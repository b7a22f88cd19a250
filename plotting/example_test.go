package plotting_test

import (
	"fmt"
	"math"
	"os"

	"github.com/densitydiffusion/toolkit/plotting"
)

// A figure is built from series; Show displays it in a GoNB cell, Save
// writes PNG, SVG and HTML files.
func Example() {
	x := []float64{1, 2, 3, 4, 5}
	tau := []float64{2.7, 7.4, 20.1, 54.6, 148.4}
	f := plotting.New("Mean escape time", "$1/k$", "$\\tau$")
	f.Y.Log = true
	f.Caption = "seed 1, η = 0.1, 1000 trajectories"
	f.Add(
		plotting.Line{Name: "theory", X: x, Y: tau, Role: plotting.RoleTheory},
		plotting.Points{Name: "SGD", X: x, Y: tau, Lo: scale(tau, 0.9), Hi: scale(tau, 1.1), Role: plotting.RoleSGD},
	)
	if err := plotting.Show(f); err != nil { // in a notebook: interactive chart with PNG inside
		fmt.Println(err)
	}
	dir, _ := os.MkdirTemp("", "plots")
	defer os.RemoveAll(dir)
	if err := plotting.Save(f, dir, "escape"); err != nil { // escape.png, escape.svg, escape.html
		fmt.Println(err)
	}
	fmt.Println("ok")
	// Output: ok
}

// Bad input is an error, never a panic.
func ExampleFigure_Check() {
	f := plotting.New("", "x", "y")
	f.Y.Log = true
	f.Add(plotting.Line{Name: "loss", X: []float64{1, 2, 3}, Y: []float64{1, 0, math.NaN()}})
	_, err := f.Check()
	fmt.Println(err)
	// Output: figure "": plotting: non-positive value on a log axis: "loss" has y[1] = 0
}

// NaN and ±Inf values are skipped and counted.
func ExampleReport() {
	f := plotting.New("", "x", "y").Add(plotting.Line{Name: "loss", X: []float64{1, 2, 3}, Y: []float64{1, math.NaN(), 3}})
	r, err := f.Check()
	fmt.Println(r.Skipped, err)
	// Output: 1 <nil>
}

// The escape-rate chart fits slopes in the plotted coordinates.
func ExampleEscapeRateChart() {
	ik := []float64{2, 3, 4, 5}
	var tau []float64
	for i, v := range ik {
		tau = append(tau, math.Exp(0.8*v)*(1+0.05*float64(i%2))) // noisy
	}
	f, err := plotting.EscapeRateChart{
		Title: "Escape time against 1/k",
		X:     plotting.Axis{Label: "$1/k$"}, Y: plotting.Axis{Label: "$\\tau$", Log: true},
		Measured: []plotting.Measured{{Name: "SGD", X: ik, Y: tau, Role: plotting.RoleSGD, FitSlope: true}},
	}.Figure()
	if err != nil {
		fmt.Println(err)
		return
	}
	opt, _ := f.ECharts()
	// Legend entries carry the name and the icon of what the series draws.
	for _, e := range opt["legend"].(map[string]any)["data"].([]any) {
		fmt.Println(e.(map[string]any)["name"])
	}
	// Output: SGD (slope of ln y 0.81 ± 0.014)
}

// A landscape with its critical points and Hessian eigen-directions.
func ExampleLandscapeChart() {
	L := func(x, y float64) float64 { return (x*x-1)*(x*x-1) + y*y }
	f, err := plotting.LandscapeChart{
		Title: "Double well", X: plotting.Axis{Label: "$\\theta_1$"}, Y: plotting.Axis{Label: "$\\theta_2$"},
		Grid: plotting.SampleGrid(L, -1.6, 1.6, 65, -1, 1, 41),
		Critical: []plotting.CriticalPoint{
			{X: -1, Label: "a", Eigenvalues: [2]float64{8, 2}, Eigenvectors: [2][2]float64{{1, 0}, {0, 1}}},
			{X: 0, Label: "s", Eigenvalues: [2]float64{-4, 2}, Eigenvectors: [2][2]float64{{1, 0}, {0, 1}}},
		},
	}.Figure()
	if err != nil {
		fmt.Println(err)
		return
	}
	png, err := plotting.PNG(f)
	fmt.Println(len(png) > 0, err)
	// Output: true <nil>
}

// Progress reports a long simulation; in a notebook it updates in place.
func ExampleProgress() {
	p := plotting.NewProgress("trajectories", 1000)
	for i := 0; i < 1000; i++ {
		p.Add(1)
	}
	p.Done("escape rate 3.1e-4")
}

func scale(v []float64, a float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = a * v[i]
	}
	return out
}
