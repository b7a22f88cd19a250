// Command peerbench measures the toolkit's benchmarks side by side with the numpy and PyTorch peers of
// ../shared/peers (workloads W1, W2, W3 of its README) and prints the ratios.
//
// Usage (from the repository root):
//
//	go run ./cmd/peerbench [-rounds 3] [-peers ../shared/peers] [-python /usr/bin/python3] [-only W1,W2,W3] [-cpu 2]
//
// Each round runs the peer and then our benchmark for the same work, back to back, so that both see the
// same machine load; the table reports every round and the median ratio (ours / peer for rates, peer / ours
// for times: above 1 means the toolkit is faster). Shared machines are noisy: quote ratios measured together,
// never one absolute figure. Our benchmarks run with -cpu 2 (GOMAXPROCS 2, as the peers' 2 threads) whatever the
// machine's core count, so the ratios mean the same on a 2-core CI box and on a workstation. The peers need numpy and torch (Debian: apt-get install -y python3-numpy
// python3-torch); a workload whose peer cannot run is reported as such and the others go on.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Workload is one peer script and the Go benchmark that does the same work.
type Workload struct {
	ID        string
	Peer      []string // script and arguments, relative to the peers folder
	PeerKey   string   // the peer's JSON figure
	Package   string   // Go package of the benchmark
	Bench     string   // benchmark name (a -bench pattern anchored at both ends)
	BenchTime string   // -benchtime
	OurKey    string   // the metric our benchmark reports with b.ReportMetric
	Higher    bool     // true for rates (higher is better), false for times
}

// Workloads are W1–W3 of ../shared/peers/README.md with the peers' default settings.
var Workloads = []Workload{
	{ID: "W1", Peer: []string{"escape_numpy.py"}, PeerKey: "particle_steps_per_s",
		Package: "./ddt/escape", Bench: "BenchmarkW1EscapeEnsemble", BenchTime: "3x", OurKey: "particle-steps/s", Higher: true},
	{ID: "W2", Peer: []string{"mlp_torch.py"}, PeerKey: "steps_per_s",
		Package: "./ddt/nn", Bench: "BenchmarkW2MLPStep", BenchTime: "20000x", OurKey: "steps/s", Higher: true},
	{ID: "W3-hessian", Peer: []string{"hessian_torch.py"}, PeerKey: "hessian_seconds",
		Package: "./ddt/nn", Bench: "BenchmarkW3Hessian", BenchTime: "3x", OurKey: "hessian_s", Higher: false},
	{ID: "W3-covariance", Peer: []string{"hessian_torch.py"}, PeerKey: "covariance_seconds",
		Package: "./ddt/nn", Bench: "BenchmarkW3Hessian", BenchTime: "3x", OurKey: "covariance_s", Higher: false},
}

// Round is one side-by-side measurement.
type Round struct {
	Peer, Ours, Ratio float64
}

func main() {
	code, err := run(os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
	}
	os.Exit(code)
}

func run(args []string, stdout io.Writer) (int, error) {
	fl := flag.NewFlagSet("peerbench", flag.ContinueOnError)
	rounds := fl.Int("rounds", 3, "side-by-side rounds per workload")
	peers := fl.String("peers", filepath.Join("..", "shared", "peers"), "folder of the peer scripts")
	python := fl.String("python", "/usr/bin/python3", "Python interpreter with numpy and torch")
	only := fl.String("only", "", "comma-separated workload ids or prefixes (default: all)")
	cpus := fl.Int("cpu", 2, "GOMAXPROCS of our benchmarks (go test -cpu): the peers use 2 threads, so keep 2 for a fair ratio")
	if err := fl.Parse(args); err != nil {
		return 2, nil
	}
	if *rounds < 1 {
		return 2, errors.New("-rounds must be at least 1")
	}
	if *cpus < 1 {
		return 2, errors.New("-cpu must be at least 1")
	}
	if st, err := os.Stat(*peers); err != nil || !st.IsDir() {
		return 2, fmt.Errorf("no peers folder at %s (set -peers)", *peers)
	}
	fmt.Fprintf(stdout, "| workload | round | peer | ours | ratio (>1: toolkit faster) |\n|---|---|---|---|---|\n")
	failed := false
	for _, w := range selectWorkloads(*only) {
		var rs []Round
		for r := 1; r <= *rounds; r++ {
			peer, err := runPeer(*python, *peers, w)
			if err != nil {
				fmt.Fprintf(stdout, "| %s | %d | peer failed: %v | | |\n", w.ID, r, err)
				failed = true
				break
			}
			ours, err := runOurs(w, *cpus)
			if err != nil {
				fmt.Fprintf(stdout, "| %s | %d | %.4g | benchmark failed: %v | |\n", w.ID, r, peer, err)
				failed = true
				break
			}
			rd := Round{Peer: peer, Ours: ours, Ratio: ratio(w, peer, ours)}
			rs = append(rs, rd)
			fmt.Fprintf(stdout, "| %s | %d | %.4g | %.4g | %.2f× |\n", w.ID, r, rd.Peer, rd.Ours, rd.Ratio)
		}
		if len(rs) > 0 {
			fmt.Fprintf(stdout, "| **%s** | median of %d | | | **%.2f×** |\n", w.ID, len(rs), MedianRatio(rs))
		}
	}
	if failed {
		return 1, nil
	}
	return 0, nil
}

func selectWorkloads(only string) []Workload {
	if only == "" {
		return Workloads
	}
	var out []Workload
	for _, w := range Workloads {
		for _, p := range strings.Split(only, ",") {
			if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(w.ID, p) {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

func ratio(w Workload, peer, ours float64) float64 {
	if w.Higher {
		return ours / peer
	}
	return peer / ours
}

// MedianRatio is the median of the rounds' ratios.
func MedianRatio(rs []Round) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = r.Ratio
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func runPeer(python, dir string, w Workload) (float64, error) {
	cmd := exec.Command(python, append([]string{filepath.Join(dir, w.Peer[0])}, w.Peer[1:]...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", w.Peer[0], err, lastLine(stderr.String()))
	}
	return PeerFigure(out, w.PeerKey)
}

// PeerFigure reads the figure named key from the last JSON line a peer printed.
func PeerFigure(out []byte, key string) (float64, error) {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		return 0, fmt.Errorf("peer output is not a JSON line: %v", err)
	}
	v, ok := m[key].(float64)
	if !ok || v <= 0 {
		return 0, fmt.Errorf("peer output has no positive %q", key)
	}
	return v, nil
}

// runOurs runs our benchmark of w with GOMAXPROCS = cpus (the peers run 2 threads: W2, W3 take a thread count,
// numpy's W1 uses one core), so that the ratio does not grow with the machine's core count.
func runOurs(w Workload, cpus int) (float64, error) {
	cmd := exec.Command("go", "test", w.Package, "-run", "^$", "-bench", "^"+w.Bench+"$", "-benchtime", w.BenchTime, "-count", "1", "-cpu", strconv.Itoa(cpus))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("go test -bench %s: %v: %s", w.Bench, err, lastLine(string(out)))
	}
	return BenchMetric(out, w.Bench, w.OurKey)
}

// BenchMetric reads the metric unit from the result line of benchmark name in go test -bench output
// ("BenchmarkX-2   3   123 ns/op   4.5e+07 particle-steps/s ...").
func BenchMetric(out []byte, name, unit string) (float64, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || (f[0] != name && !strings.HasPrefix(f[0], name+"-")) {
			continue
		}
		for i := 3; i < len(f); i++ {
			if f[i] == unit {
				return strconv.ParseFloat(f[i-1], 64)
			}
		}
	}
	return 0, fmt.Errorf("no %q in the output of %s", unit, name)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
