package main

import (
	"strings"
	"testing"
)

func TestBenchMetric(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkW3Hessian-2   	       3	 612345678 ns/op	         0.4812 hessian_s	         0.1400 covariance_s
BenchmarkW1EscapeEnsemble-2 	       3	1234 ns/op	 6.59e+07 particle-steps/s	 6.7 cpu-ns/particle-step
PASS`)
	for _, c := range []struct {
		name, unit string
		want       float64
	}{
		{"BenchmarkW3Hessian", "hessian_s", 0.4812},
		{"BenchmarkW3Hessian", "covariance_s", 0.14},
		{"BenchmarkW1EscapeEnsemble", "particle-steps/s", 6.59e7},
	} {
		got, err := BenchMetric(out, c.name, c.unit)
		if err != nil || got != c.want {
			t.Errorf("BenchMetric(%s, %s) = %v, %v; want %v", c.name, c.unit, got, err, c.want)
		}
	}
	if _, err := BenchMetric(out, "BenchmarkW2MLPStep", "steps/s"); err == nil {
		t.Error("a missing benchmark must be an error")
	}
	if _, err := BenchMetric(out, "BenchmarkW3", "hessian_s"); err == nil {
		t.Error("a prefix of a benchmark name must not match")
	}
}

func TestPeerFigure(t *testing.T) {
	got, err := PeerFigure([]byte("warming up\n{\"steps_per_s\": 6800.5, \"seconds\": 2.9}\n"), "steps_per_s")
	if err != nil || got != 6800.5 {
		t.Errorf("PeerFigure = %v, %v", got, err)
	}
	for _, bad := range []string{"not json", `{"steps_per_s": 0}`, `{"other": 1}`} {
		if _, err := PeerFigure([]byte(bad), "steps_per_s"); err == nil {
			t.Errorf("PeerFigure(%q) accepted bad output", bad)
		}
	}
}

func TestRatioAndMedian(t *testing.T) {
	rate := Workload{Higher: true}
	time := Workload{Higher: false}
	if r := ratio(rate, 2, 10); r != 5 {
		t.Errorf("rate ratio = %v, want 5 (ours faster)", r)
	}
	if r := ratio(time, 2, 0.5); r != 4 {
		t.Errorf("time ratio = %v, want 4 (ours faster)", r)
	}
	if m := MedianRatio([]Round{{Ratio: 3}, {Ratio: 1}, {Ratio: 2}}); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := MedianRatio([]Round{{Ratio: 3}, {Ratio: 1}}); m != 2 {
		t.Errorf("even median = %v", m)
	}
	if w := selectWorkloads("W3"); len(w) != 2 || !strings.HasPrefix(w[0].ID, "W3") {
		t.Errorf("selectWorkloads(W3) = %v", w)
	}
}

// TestRunRejectsBadFlags: zero rounds, zero CPUs and a missing peers folder stop before anything runs.
func TestRunRejectsBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-rounds", "0", "-peers", dir},
		{"-cpu", "0", "-peers", dir},
		{"-peers", dir + "/missing"},
	} {
		var out strings.Builder
		if code, err := run(args, &out); code != 2 || err == nil {
			t.Errorf("run(%q) = %d, %v; want exit 2 with an error", args, code, err)
		}
		if out.Len() != 0 {
			t.Errorf("run(%q) printed %q before failing", args, out.String())
		}
	}
}
