package fokkerplanck

// Snapshots are density frames on a fixed grid, in a plain form for plotting and animation: no plotting
// types, only slices.
//
// 1-D: Y is nil and Frames[k][i] = P(X[i], Times[k]).
// 2-D: Frames[k][j*len(X)+i] = P(X[i], Y[j], Times[k]) (row-major, one row per Y value).
// X and Y are cell centres; Frames hold cell averages (densities, not masses).
type Snapshots struct {
	X, Y   []float64
	Times  []float64
	Frames [][]float64
	// MinRatio is the most negative min P/max P after any step of the run that produced the frames (Evolve),
	// or 0 when P stayed ≥ 0: how far a scheme's ringing went below zero, within the guard's NegativeTol.
	MinRatio float64
}

// Len returns the number of frames.
func (s *Snapshots) Len() int { return len(s.Frames) }

// At returns P at frame k, cell (i, j); j is ignored in 1-D.
func (s *Snapshots) At(k, i, j int) float64 {
	if s.Y == nil {
		return s.Frames[k][i]
	}
	return s.Frames[k][j*len(s.X)+i]
}

// Max returns the largest value over all frames (a fixed colour scale for an animation).
func (s *Snapshots) Max() float64 {
	m := 0.0
	for _, f := range s.Frames {
		for _, v := range f {
			if v > m {
				m = v
			}
		}
	}
	return m
}
