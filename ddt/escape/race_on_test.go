//go:build race

package escape_test

// raceEnabled selects the light settings of the Monte Carlo tests under the race detector (about ten times
// slower); they test the same claims with fewer settings and trajectories.
const raceEnabled = true
