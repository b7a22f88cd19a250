package plotting

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
)

// Role tags a series with what it represents, so that every chart in the
// project draws the same kind of result in the same colour and line style.
type Role int

const (
	// RoleAuto takes the next colour of the house palette.
	RoleAuto Role = iota
	// RoleSGD is stochastic gradient descent (blue, solid, circles).
	RoleSGD
	// RoleWhiteNoise is gradient descent with isotropic white noise
	// (orange, solid, triangles).
	RoleWhiteNoise
	// RoleTheory is a closed-form or asymptotic prediction (black, solid).
	RoleTheory
	// RoleExact is an exact numerical answer: quadrature, Fokker–Planck,
	// MFPT integrals (green, dashed).
	RoleExact
	// RoleReference is a guide line such as y = x (grey, dotted).
	RoleReference
)

func (r Role) String() string {
	switch r {
	case RoleAuto:
		return "auto"
	case RoleSGD:
		return "SGD"
	case RoleWhiteNoise:
		return "GD + white noise"
	case RoleTheory:
		return "theory"
	case RoleExact:
		return "exact numerics"
	case RoleReference:
		return "reference"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// House colours: the Okabe–Ito palette, safe for colour-blind readers.
var (
	colorSGD        = color.RGBA{0x00, 0x72, 0xB2, 0xff} // blue
	colorWhiteNoise = color.RGBA{0xE6, 0x9F, 0x00, 0xff} // orange
	colorTheory     = color.RGBA{0x00, 0x00, 0x00, 0xff} // black
	colorExact      = color.RGBA{0x00, 0x9E, 0x73, 0xff} // bluish green
	colorReference  = color.RGBA{0x88, 0x88, 0x88, 0xff} // grey
)

// autoColor returns the i-th colour for series without a role.
func autoColor(i int) color.RGBA {
	p := [...]color.RGBA{
		{0xD5, 0x5E, 0x00, 0xff}, // vermillion
		{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
		{0x56, 0xB4, 0xE9, 0xff}, // sky blue
		{0x00, 0x72, 0xB2, 0xff}, // blue
		{0xE6, 0x9F, 0x00, 0xff}, // orange
		{0x00, 0x9E, 0x73, 0xff}, // bluish green
		{0x6A, 0x3D, 0x9A, 0xff}, // purple
	}
	return p[i%len(p)]
}

// Color returns the house colour of a role; RoleAuto returns the first
// automatic colour.
func (r Role) Color() color.RGBA {
	switch r {
	case RoleSGD:
		return colorSGD
	case RoleWhiteNoise:
		return colorWhiteNoise
	case RoleTheory:
		return colorTheory
	case RoleExact:
		return colorExact
	case RoleReference:
		return colorReference
	}
	return autoColor(0)
}

// dashes returns the line dash pattern of a role.
func (r Role) dashes() []vg.Length {
	switch r {
	case RoleExact:
		return []vg.Length{vg.Points(6), vg.Points(3)}
	case RoleReference:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	}
	return nil
}

// echartsLineType is the echarts lineStyle.type of a role.
func (r Role) echartsLineType() string {
	switch r {
	case RoleExact:
		return "dashed"
	case RoleReference:
		return "dotted"
	}
	return "solid"
}

// Shape is a marker shape.
type Shape int

const (
	ShapeCircle Shape = iota
	ShapeTriangle
	ShapeSquare
	ShapeCross
	ShapeDiamond
)

func (r Role) shape() Shape {
	if r == RoleWhiteNoise {
		return ShapeTriangle
	}
	return ShapeCircle
}

func (s Shape) echarts() string {
	switch s {
	case ShapeTriangle:
		return "triangle"
	case ShapeSquare:
		return "rect"
	case ShapeCross:
		// A rotated plus drawn as an SVG path.
		return "path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z"
	case ShapeDiamond:
		return "diamond"
	}
	return "circle"
}

// House sizes. A notebook cell is about 16 cm wide at 96 dpi; charts are
// 15 cm × 10 cm, rendered at 144 dpi for crisp PNGs on high-density screens.
const (
	DefaultWidth  = 15 * vg.Centimeter
	DefaultHeight = 10 * vg.Centimeter
	// DPI of PNG output.
	DPI = 144
	// fontSize of tick labels and legend; titles are 2 pt larger.
	fontSize = 10
)

// viridis stops; used for heatmaps in both back ends.
var viridis = []color.RGBA{
	{0x44, 0x01, 0x54, 0xff}, {0x48, 0x28, 0x78, 0xff}, {0x3E, 0x4A, 0x89, 0xff},
	{0x31, 0x68, 0x8E, 0xff}, {0x26, 0x82, 0x8E, 0xff}, {0x1F, 0x9E, 0x89, 0xff},
	{0x35, 0xB7, 0x79, 0xff}, {0x6D, 0xCD, 0x59, 0xff}, {0xB4, 0xDE, 0x2C, 0xff},
	{0xFD, 0xE7, 0x25, 0xff},
}

// colormap returns the viridis colour at t ∈ [0, 1].
func colormap(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{}
	}
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(viridis)-1)
	i := int(f)
	if i >= len(viridis)-1 {
		return viridis[len(viridis)-1]
	}
	a, b, u := viridis[i], viridis[i+1], f-float64(i)
	lerp := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + u*(float64(y)-float64(x)))) }
	return color.RGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), 0xff}
}

// contourColor is the colour of contour level i of n: dark over light
// heatmaps, so contours stay visible on top of a heatmap.
func contourColor(i, n int) color.RGBA {
	if n <= 1 {
		return color.RGBA{0x30, 0x30, 0x30, 0xff}
	}
	g := uint8(0x20 + 0x60*i/(n-1))
	return color.RGBA{g, g, g, 0xff}
}

func hex(c color.RGBA) string {
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

func rgba(c color.RGBA, alpha float64) string {
	return fmt.Sprintf("rgba(%d,%d,%d,%.2f)", c.R, c.G, c.B, alpha)
}

func withAlpha(c color.RGBA, alpha float64) color.NRGBA {
	return color.NRGBA{c.R, c.G, c.B, uint8(math.Round(alpha * 255))}
}
