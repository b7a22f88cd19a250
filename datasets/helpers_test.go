package datasets

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mirrorDir returns the local data mirror: $DDT_DATA_MIRROR, or
// ../shared/datasets relative to the repository root. It skips the test
// when neither exists.
func mirrorDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv(EnvMirror); d != "" {
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("%s=%s: %v", EnvMirror, d, err)
		}
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "shared", "datasets"))
	if err == nil {
		if _, err = os.Stat(d); err == nil {
			return d
		}
	}
	t.Skipf("no data mirror: %s is unset and %s does not exist; set %s to a folder laid out like /work/shared/datasets to run this test", EnvMirror, d, EnvMirror)
	return ""
}

// noNetwork is an HTTP client that fails the test on any request.
func noNetwork(t testing.TB) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected network access: %s %s", r.Method, r.URL)
		return nil, errors.New("network access is not allowed in this test")
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// filesUnder lists regular files under dir (relative paths).
func filesUnder(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			r, _ := filepath.Rel(dir, p)
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantErr(t testing.TB, err error, target error, substrings ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", target)
	}
	t.Logf("error: %v", err)
	if target != nil && !errors.Is(err, target) {
		t.Errorf("error %q does not wrap %v", err, target)
	}
	for _, s := range substrings {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}
