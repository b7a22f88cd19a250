// Package plotting draws the charts of the density-diffusion toolkit: static
// images for reports (gonum/plot: PNG, SVG) and interactive charts for
// exploring (echarts: zoom, tooltips, legend toggles), from one figure
// model, shown inline in GoNB notebooks or written to files.
//
// # Figures and series
//
// A Figure holds axes (linear or log), a title, a caption (state the seed
// and the settings) and a list of Series. Each series draws one thing:
//
//	Line, Points (with interval bars), Band, Histogram, Heatmap, Contour,
//	Trajectory, VectorField (NegGradient gives −∇L), QQ, Markers, Segments,
//	Identity (y = x)
//
// Series take plain data (slices, a Grid of function values), so charts
// do not depend on the simulation packages. Labels accept LaTeX-style math
// between dollar signs (`$-\log\gamma$`, `$\tau_{SDE}$`, `$\hat\gamma$`,
// `$\frac{\eta}{2B}$`): Greek letters and symbols become Unicode, accents
// combining marks (γ̂), and sub- and superscripts are set smaller and lowered
// or raised — by a text handler in PNG and SVG, as echarts rich text in
// titles, axis names and legends. Tooltips use the plain Unicode form
// (LatexToUnicode: θ₁, σ², τ_SDE).
//
// One house style: a Role gives every kind of result the same colour and
// line in every chart — RoleSGD (blue, circles), RoleWhiteNoise (orange,
// triangles), RoleTheory (black, solid), RoleExact (green, dashed),
// RoleReference (grey, dotted). Charts are 15 cm × 10 cm at 144 dpi, Liberation
// fonts (embedded in gonum/plot), so rendering is deterministic.
//
// # Bad input
//
// Rendering validates the data: an empty series, slices of mismatched
// lengths and a non-positive value on a log axis are errors (wrapping
// ErrEmpty, ErrLength, ErrLogAxis), never panics. NaN and ±Inf values are
// skipped and counted: Figure.Check reports the count and the chart prints
// "n non-finite values skipped" under the plot.
//
// # Domain charts
//
// EscapeRateChart (−log γ or log τ against 1/k, log k, B or 1/η; Monte
// Carlo points with intervals, theory lines, fitted slopes in the legend),
// LandscapeChart (heatmap and contours with critical points and Hessian
// eigen-directions, −∇L and trajectories), DensityEvolution (frames of a
// Fokker–Planck solution: small multiples statically, an echarts timeline
// interactively) and CovarianceChart (C against H/B on log-log axes with
// y = x). Gallery returns one chart of each kind.
//
// # Display
//
// In a GoNB cell:
//
//	plotting.Show(fig)       // interactive echarts, the PNG inside as fallback
//	plotting.ShowStatic(fig) // PNG only; ShowSVG for SVG
//
// Show always ends with gonbui.Sync(). Outside a notebook Show renders (so
// errors surface) but displays nothing; Save(fig, dir, name) writes
// name.png, name.svg and name.html. Progress shows the progress of a long
// simulation, updated in place in a live notebook, one final line in an
// executed report.
//
// # The interactive back end and go-echarts
//
// The interactive back end writes the echarts option tree itself (interactive.go) rather than building
// it with go-echarts' typed chart builders, and uses go-echarts where it fits: opts.FuncOpts for the
// JavaScript functions inside options (custom renderItem series, formatters) and its asset host as the
// online fallback for the echarts script. The reason is the figure model: one Figure must render the same
// series as gonum/plot and as echarts, including interval bars and bands drawn as custom series, heatmaps
// of cells with one shared visualMap across timeline frames, rich-text LaTeX in titles and legends, and
// log axes with fitted lines; go-echarts' typed builders cover these only partly, and its page templates
// load echarts from a CDN, which leaves archived reports blank. The charts are checked in headless
// Chromium (TestBrowserGallery draws every chart type, TestBrowserReports every executed report).
//
// The echarts library is never committed: `go run ./cmd/fetch-echarts`
// puts the pinned, checksummed copy in the user cache (see package
// plotting/echarts; DDT_ECHARTS_JS overrides the path). It is inlined once
// per kernel session, shielded from require.js. Without it, charts load
// echarts from go-echarts' asset host and say so; offline, the static
// image stays in place, so a chart is never a blank area.
package plotting
