package stats

import "errors"

// Error values returned (wrapped with details) by the functions of this package. Test with errors.Is.
var (
	// ErrInput reports malformed data: empty or mismatched slices, NaN or negative times, too few points.
	ErrInput = errors.New("stats: invalid input")
	// ErrLevel reports a confidence level outside (0, 1).
	ErrLevel = errors.New("stats: confidence level must be in (0, 1)")
	// ErrNoEscapes reports a quantity that needs at least one escape (a log τ to fit, a KS test).
	ErrNoEscapes = errors.New("stats: no escapes observed")
	// ErrCensoring reports censoring that a method does not support (KS needs one common censoring time).
	ErrCensoring = errors.New("stats: unsupported censoring pattern")
	// ErrDegenerate reports a fit whose design is singular (all x equal) or whose weights are all zero.
	ErrDegenerate = errors.New("stats: degenerate fit")
)
