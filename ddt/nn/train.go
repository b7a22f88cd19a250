package nn

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// TrainSettings configure Train. A run is SGD for Epochs epochs (skipped when Epochs = 0), then a full-batch
// polish until the largest gradient component is at most GradTol.
type TrainSettings struct {
	// Epochs of minibatch SGD (with replacement, ⌈m/Batch⌉ steps per epoch) before the polish.
	Epochs int `json:"epochs"`
	// Batch is the SGD batch size.
	Batch int `json:"batch"`
	// LearningRate is the SGD step (and the GD polish step when Polish = "gd").
	LearningRate float64 `json:"learning_rate"`
	// Polish is "lbfgs" (gonum optimize.LBFGS, the default) or "gd" (full-batch gradient descent).
	Polish string `json:"polish"`
	// GradTol: the run stops when ‖∇L‖_∞ ≤ GradTol (default 1e-8).
	GradTol float64 `json:"grad_tol"`
	// MaxIter caps the polish iterations (default 20000).
	MaxIter int `json:"max_iter"`
	// Seed derives the initialisation (when Train is given no start) and the SGD minibatches.
	Seed uint64 `json:"seed"`
}

// Minimum is a trained minimum with everything needed to trust and reuse it.
type Minimum struct {
	Arch        Arch          `json:"arch"`
	WeightDecay float64       `json:"weight_decay"`
	Samples     int           `json:"samples"`
	DataHash    string        `json:"data_hash"` // DataHash of the landscape it was trained on
	Settings    TrainSettings `json:"settings"`
	Theta       []float64     `json:"theta"`
	Loss        float64       `json:"loss"`
	GradNorm    float64       `json:"grad_norm"` // Euclidean norm of ∇L(θ*)
	GradMax     float64       `json:"grad_max"`  // largest |∂L/∂θ_i|
	Accuracy    float64       `json:"accuracy"`  // training accuracy
	Iterations  int           `json:"iterations"`
	Checksum    string        `json:"checksum"` // sha256 of everything above
}

// DataHash is a sha256 over the architecture, the weight decay and the data (rows and labels), so a saved
// minimum can refuse to be used on another problem.
func (ls *Landscape) DataHash() string {
	h := sha256.New()
	a, _ := json.Marshal(ls.net.arch)
	h.Write(a)
	var buf [8]byte
	put := func(v float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	}
	put(ls.l2)
	for _, v := range ls.x {
		put(v)
	}
	for _, y := range ls.y {
		binary.LittleEndian.PutUint64(buf[:], uint64(y))
		h.Write(buf[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Train runs SGD then a full-batch polish from theta0 (or from net.Init with Settings.Seed when theta0 is
// nil) and returns the minimum. Divergence (a non-finite loss or gradient) stops it with an error naming the
// step; failing to reach GradTol within MaxIter is an error too (the Minimum reached so far is returned with it).
func Train(ls *Landscape, theta0 []float64, s TrainSettings) (*Minimum, error) {
	if s.GradTol == 0 {
		s.GradTol = 1e-8
	}
	if s.MaxIter == 0 {
		s.MaxIter = 20000
	}
	if s.Polish == "" {
		s.Polish = "lbfgs"
	}
	switch {
	case s.Epochs < 0:
		return nil, fmt.Errorf("nn: Train: Epochs = %d < 0", s.Epochs)
	case s.Epochs > 0 && s.Batch < 1:
		return nil, fmt.Errorf("nn: Train: Batch = %d, need ≥ 1 for SGD", s.Batch)
	case (s.Epochs > 0 || s.Polish == "gd") && !(s.LearningRate > 0 && !math.IsInf(s.LearningRate, 0)):
		return nil, fmt.Errorf("nn: Train: LearningRate = %v, need a finite value > 0", s.LearningRate)
	case !(s.GradTol > 0):
		return nil, fmt.Errorf("nn: Train: GradTol = %v, need > 0", s.GradTol)
	case s.MaxIter < 0:
		return nil, fmt.Errorf("nn: Train: MaxIter = %d < 0", s.MaxIter)
	case s.Polish != "lbfgs" && s.Polish != "gd":
		return nil, fmt.Errorf("nn: Train: Polish = %q, want \"lbfgs\" or \"gd\"", s.Polish)
	}
	P := ls.Dim()
	theta := make([]float64, P)
	rng := rand.New(rand.NewPCG(s.Seed, 0x747261696e))
	if theta0 == nil {
		if err := ls.net.Init(theta, rng); err != nil {
			return nil, err
		}
	} else {
		if len(theta0) != P {
			return nil, fmt.Errorf("nn: Train: len(theta0) = %d, want %d", len(theta0), P)
		}
		copy(theta, theta0)
	}
	g := make([]float64, P)
	iters := 0
	if s.Epochs > 0 {
		idx := make([]int, s.Batch)
		steps := s.Epochs * ((ls.m + s.Batch - 1) / s.Batch)
		for t := 0; t < steps; t++ {
			for i := range idx {
				idx[i] = rng.IntN(ls.m)
			}
			l := ls.BatchGrad(g, theta, idx)
			if math.IsNaN(l) || math.IsInf(l, 0) || !allFinite(g) {
				return nil, &DivergenceError{Step: t, Phase: "SGD training", Value: l}
			}
			axpy(-s.LearningRate, g, theta)
			iters++
		}
	}
	var polishErr error
	switch s.Polish {
	case "gd":
		for t := 0; ; t++ {
			ls.Grad(g, theta)
			if !allFinite(g) {
				return nil, &DivergenceError{Step: t, Phase: "GD polish", Value: math.NaN()}
			}
			if floats.Norm(g, math.Inf(1)) <= s.GradTol {
				break
			}
			if t == s.MaxIter {
				polishErr = fmt.Errorf("nn: Train: GD polish stopped after %d iterations with ‖∇L‖_∞ = %.3g > %.3g", t, floats.Norm(g, math.Inf(1)), s.GradTol)
				break
			}
			axpy(-s.LearningRate, g, theta)
			iters++
		}
	case "lbfgs":
		p := optimize.Problem{
			Func: ls.Loss,
			Grad: func(dst, x []float64) { ls.Grad(dst, x) },
		}
		res, err := optimize.Minimize(p, theta, &optimize.Settings{
			GradientThreshold: s.GradTol,
			MajorIterations:   s.MaxIter,
			Converger:         optimize.NeverTerminate{},
		}, &optimize.LBFGS{})
		if res != nil {
			if !allFinite(res.X) {
				return nil, &DivergenceError{Step: iters + res.Stats.MajorIterations, Phase: "L-BFGS polish", Value: res.F}
			}
			copy(theta, res.X)
			iters += res.Stats.MajorIterations
		}
		if err != nil || res == nil || res.Status != optimize.GradientThreshold {
			// L-BFGS's line search gives up where the loss no longer changes in float64, which can be above
			// GradTol: finish with Newton steps on the exact Hessian (small networks only).
			ls.Grad(g, theta)
			if floats.Norm(g, math.Inf(1)) > s.GradTol {
				n, nerr := newtonPolish(ls, theta, s.GradTol, 50)
				iters += n
				ls.Grad(g, theta)
				if nerr != nil || floats.Norm(g, math.Inf(1)) > s.GradTol {
					polishErr = fmt.Errorf("nn: Train: L-BFGS stopped (%v, %v) and Newton polish (%v) left ‖∇L‖_∞ = %.3g > %.3g",
						statusOf(res), err, nerr, floats.Norm(g, math.Inf(1)), s.GradTol)
				}
			}
		}
	}
	ls.Grad(g, theta)
	out := &Minimum{
		Arch: ls.net.Arch(), WeightDecay: ls.l2, Samples: ls.m, DataHash: ls.DataHash(), Settings: s,
		Theta: theta, Loss: ls.Loss(theta), GradNorm: floats.Norm(g, 2), GradMax: floats.Norm(g, math.Inf(1)),
		Accuracy: ls.Accuracy(theta), Iterations: iters,
	}
	if polishErr == nil && out.GradMax > s.GradTol {
		polishErr = fmt.Errorf("nn: Train: ‖∇L‖_∞ = %.3g > %.3g", out.GradMax, s.GradTol)
	}
	out.Checksum = out.checksum()
	return out, polishErr
}

func statusOf(r *optimize.Result) string {
	if r == nil {
		return "no result"
	}
	return r.Status.String()
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// DivergenceError reports a run whose loss or parameters stopped being finite, and the step where it happened.
type DivergenceError struct {
	Step  int
	Phase string
	Value float64
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("nn: %s diverged at step %d (loss %v): lower the learning rate", e.Phase, e.Step, e.Value)
}

func (m *Minimum) checksum() string {
	c := *m
	c.Checksum = ""
	b, _ := json.Marshal(&c)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Save writes the minimum as indented JSON.
func (m *Minimum) Save(w io.Writer) error {
	m.Checksum = m.checksum()
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(m)
}

// SaveFile writes the minimum to path atomically (a temporary file renamed into place, so no partial file is
// left behind).
func (m *Minimum) SaveFile(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".minimum-*.json")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := m.Save(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// LoadMinimum reads a minimum written by Save and verifies its checksum.
func LoadMinimum(r io.Reader) (*Minimum, error) {
	var m Minimum
	dec := json.NewDecoder(r)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("nn: LoadMinimum: %w", err)
	}
	if m.Checksum == "" || m.Checksum != m.checksum() {
		return nil, errors.New("nn: LoadMinimum: checksum mismatch (file corrupt or edited)")
	}
	return &m, nil
}

// LoadMinimumFile is LoadMinimum on a file.
func LoadMinimumFile(path string) (*Minimum, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadMinimum(f)
}

// Matches reports whether m was trained on this landscape (same architecture, weight decay and data).
func (m *Minimum) Matches(ls *Landscape) error {
	if len(m.Theta) != ls.Dim() {
		return fmt.Errorf("nn: minimum has %d parameters, landscape %d", len(m.Theta), ls.Dim())
	}
	if m.DataHash != ls.DataHash() {
		return errors.New("nn: minimum was trained on another data set, architecture or weight decay")
	}
	return nil
}

// MaxNewtonDim is the largest parameter count for which Train finishes with Newton steps on the exact Hessian.
const MaxNewtonDim = 3000

// newtonPolish takes up to maxIter damped Newton steps θ ← θ − t·H⁻¹∇L (t halved until ‖∇L‖ decreases) and
// stops once ‖∇L‖_∞ ≤ tol. It fails where the Hessian is not positive definite (not near a minimum).
func newtonPolish(ls *Landscape, theta []float64, tol float64, maxIter int) (int, error) {
	P := ls.Dim()
	if P > MaxNewtonDim {
		return 0, fmt.Errorf("%d parameters > MaxNewtonDim", P)
	}
	h := mat.NewSymDense(P, nil)
	g := make([]float64, P)
	trial := make([]float64, P)
	gt := make([]float64, P)
	var chol mat.Cholesky
	dir := mat.NewVecDense(P, nil)
	for it := 0; it < maxIter; it++ {
		ls.Grad(g, theta)
		gn := floats.Norm(g, 2)
		if floats.Norm(g, math.Inf(1)) <= tol {
			return it, nil
		}
		ls.Hessian(h, theta)
		if !chol.Factorize(h) {
			return it, errors.New("Hessian not positive definite")
		}
		if err := chol.SolveVecTo(dir, mat.NewVecDense(P, g)); err != nil {
			return it, err
		}
		ok := false
		for t := 1.0; t > 1e-6; t /= 2 {
			for i := range trial {
				trial[i] = theta[i] - t*dir.AtVec(i)
			}
			ls.Grad(gt, trial)
			if floats.Norm(gt, 2) < gn {
				ok = true
				break
			}
		}
		if !ok {
			return it, errors.New("no Newton step reduces the gradient (rounding floor reached)")
		}
		copy(theta, trial)
	}
	return maxIter, nil
}
