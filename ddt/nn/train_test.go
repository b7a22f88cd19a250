package nn

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainSaveLoad(t *testing.T) {
	ls, _ := toyLandscape(t, Arch{Inputs: 3, Hidden: []int{4}, Classes: 3, Activation: Tanh}, 60, 0.01, 21)
	m, err := Train(ls, nil, TrainSettings{Epochs: 5, Batch: 8, LearningRate: 0.1, GradTol: 1e-10, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, ls.Dim())
	ls.Grad(g, m.Theta)
	for _, v := range g {
		if math.Abs(v) > 1e-10 {
			t.Fatalf("gradient component %g above the tolerance", v)
		}
	}
	// A minimum: the Hessian is positive definite there (weight decay > 0).
	eig, err := ls.TopEigen(m.Theta, 1, nil)
	if err != nil || eig.Values[0] <= 0 {
		t.Fatalf("λ_max = %v, %v", eig.Values, err)
	}
	path := filepath.Join(t.TempDir(), "min.json")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadMinimumFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Matches(ls); err != nil {
		t.Fatal(err)
	}
	for i := range m.Theta {
		if back.Theta[i] != m.Theta[i] {
			t.Fatal("θ not reproduced bit for bit")
		}
	}
	// Same seed, same minimum.
	m2, err := Train(ls, nil, TrainSettings{Epochs: 5, Batch: 8, LearningRate: 0.1, GradTol: 1e-10, Seed: 3})
	if err != nil || m2.Checksum != m.Checksum {
		t.Fatalf("training is not reproducible: %v", err)
	}
	// A corrupted file is refused.
	raw, _ := os.ReadFile(path)
	bad := bytes.Replace(raw, []byte(`"loss": `), []byte(`"loss": 1`), 1)
	if _, err := LoadMinimum(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("corrupted file accepted: %v", err)
	}
	// Another data set is refused.
	other, _ := toyLandscape(t, Arch{Inputs: 3, Hidden: []int{4}, Classes: 3, Activation: Tanh}, 60, 0.01, 22)
	if err := back.Matches(other); err == nil {
		t.Error("minimum accepted on another data set")
	}
}

func TestTrainDivergenceNamesStep(t *testing.T) {
	ls, _ := toyLandscape(t, Arch{Inputs: 3, Hidden: []int{4}, Classes: 3, Activation: ReLU}, 60, 0, 23)
	_, err := Train(ls, nil, TrainSettings{Epochs: 3, Batch: 8, LearningRate: 1e308, Seed: 1})
	var de *DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("want a DivergenceError, got %v", err)
	}
	if de.Step < 0 || de.Step > 30 || !strings.Contains(err.Error(), "step") {
		t.Errorf("divergence reported at step %d: %v", de.Step, err)
	}
}

func TestBadInputErrors(t *testing.T) {
	for _, a := range []Arch{{Inputs: 0, Classes: 2}, {Inputs: 2, Classes: 1}, {Inputs: 2, Hidden: []int{0}, Classes: 2}, {Inputs: 2, Classes: 2, Activation: 7}} {
		if _, err := NewMLP(a); err == nil {
			t.Errorf("%+v accepted", a)
		}
	}
	ls, _ := toyLandscape(t, Arch{Inputs: 2, Classes: 2}, 10, 0, 1)
	for _, s := range []TrainSettings{{Epochs: -1}, {Epochs: 1, Batch: 0, LearningRate: 0.1}, {Epochs: 1, Batch: 2, LearningRate: math.NaN()}, {Polish: "newton"}, {GradTol: -1}} {
		if _, err := Train(ls, nil, s); err == nil {
			t.Errorf("settings %+v accepted", s)
		}
	}
	if _, err := NoiseFactor(10, 0, WithReplacement); err == nil {
		t.Error("B = 0 accepted")
	}
}
