package echarts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Pinned release of the echarts library. The tarball integrity is the value
// `npm view echarts@5.6.0 dist.integrity` prints; JSSHA256 is the SHA-256 of
// package/dist/echarts.min.js inside that tarball.
const (
	Version   = "5.6.0"
	Integrity = "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=="
	JSSHA256  = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"

	// EnvJS names the environment variable that overrides the path of
	// echarts.min.js. A file named there is used as is (no checksum check),
	// so that a user can point at a locally vetted copy.
	EnvJS = "DDT_ECHARTS_JS"

	// OnlineHost is go-echarts' default asset host; it is the fallback when
	// no local copy is available.
	OnlineHost = "https://go-echarts.github.io/go-echarts-assets/assets/"
)

// ErrNotFetched reports that the local copy of echarts is absent; run
// `go run ./cmd/fetch-echarts`.
var ErrNotFetched = errors.New("echarts: local echarts.min.js not found (run `go run ./cmd/fetch-echarts`)")

// DefaultPath is where fetch-echarts stores the library:
// os.UserCacheDir()/ddt-toolkit/echarts/echarts-<Version>.min.js.
func DefaultPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("echarts: no user cache dir: %w", err)
	}
	return filepath.Join(dir, "ddt-toolkit", "echarts", "echarts-"+Version+".min.js"), nil
}

// Path returns the file Load reads: $DDT_ECHARTS_JS when set, DefaultPath
// otherwise.
func Path() (string, error) {
	if p := os.Getenv(EnvJS); p != "" {
		return p, nil
	}
	return DefaultPath()
}

// Library is a loaded copy of echarts.min.js.
type Library struct {
	Path   string
	Source []byte
}

// Load reads the library from Path. A copy at the default path must match
// JSSHA256; a missing file yields an error wrapping ErrNotFetched.
func Load() (*Library, error) {
	p, err := Path()
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFetched, p)
	}
	if err != nil {
		return nil, fmt.Errorf("echarts: %w", err)
	}
	if os.Getenv(EnvJS) == "" {
		if got := sha256Hex(src); got != JSSHA256 {
			return nil, fmt.Errorf("echarts: %s has sha256 %s, want %s (delete it and re-run fetch-echarts)", p, got, JSSHA256)
		}
	}
	if len(src) < 1000 || !bytes.Contains(src, []byte("echarts")) {
		return nil, fmt.Errorf("echarts: %s does not look like echarts.min.js", p)
	}
	return &Library{Path: p, Source: src}, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// FetchOptions configures Fetch.
type FetchOptions struct {
	// Dest is the file to write; Path() ($DDT_ECHARTS_JS, else
	// DefaultPath) when empty, so that Load reads what Fetch wrote.
	Dest string
	// NPM is the npm executable; "npm" when empty.
	NPM string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Fetch obtains echarts@Version with `npm pack` in a temporary directory,
// checks the tarball against Integrity, extracts
// package/dist/echarts.min.js, checks it against JSSHA256 and writes it
// atomically (temporary file + rename) to opt.Dest. Nothing partial is left
// behind on failure. An existing file with the right checksum is kept.
func Fetch(ctx context.Context, opt FetchOptions) (string, error) {
	dest := opt.Dest
	if dest == "" {
		var err error
		if dest, err = Path(); err != nil {
			return "", err
		}
	}
	logf := func(format string, a ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", a...)
		}
	}
	if b, err := os.ReadFile(dest); err == nil && sha256Hex(b) == JSSHA256 {
		logf("echarts %s already cached at %s", Version, dest)
		return dest, nil
	}
	npm := opt.NPM
	if npm == "" {
		npm = "npm"
	}
	tmp, err := os.MkdirTemp("", "ddt-echarts-")
	if err != nil {
		return "", fmt.Errorf("echarts: %w", err)
	}
	defer os.RemoveAll(tmp)
	logf("npm pack echarts@%s in %s", Version, tmp)
	cmd := exec.CommandContext(ctx, npm, "pack", "echarts@"+Version, "--silent")
	cmd.Dir = tmp
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("echarts: npm pack echarts@%s: %v: %s", Version, err, strings.TrimSpace(stderr.String()))
	}
	tgz, err := os.ReadFile(filepath.Join(tmp, "echarts-"+Version+".tgz"))
	if err != nil {
		return "", fmt.Errorf("echarts: npm pack produced no tarball: %w", err)
	}
	if err := CheckIntegrity(tgz, Integrity); err != nil {
		return "", err
	}
	js, err := extract(tgz, "package/dist/echarts.min.js")
	if err != nil {
		return "", err
	}
	if got := sha256Hex(js); got != JSSHA256 {
		return "", fmt.Errorf("echarts: extracted echarts.min.js has sha256 %s, want %s", got, JSSHA256)
	}
	if err := writeAtomic(dest, js); err != nil {
		return "", err
	}
	logf("wrote %s (%d bytes, sha256 %s)", dest, len(js), JSSHA256)
	return dest, nil
}

// CheckIntegrity verifies data against an npm "sha512-<base64>" integrity
// string.
func CheckIntegrity(data []byte, integrity string) error {
	want, ok := strings.CutPrefix(integrity, "sha512-")
	if !ok {
		return fmt.Errorf("echarts: unsupported integrity %q", integrity)
	}
	sum := sha512.Sum512(data)
	got := base64.StdEncoding.EncodeToString(sum[:])
	if got != want {
		return fmt.Errorf("echarts: tarball integrity mismatch: got sha512-%s, want %s", got, integrity)
	}
	return nil
}

func extract(tgz []byte, name string) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("echarts: tarball: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("echarts: %s not in tarball", name)
		}
		if err != nil {
			return nil, fmt.Errorf("echarts: tarball: %w", err)
		}
		if h.Name == name {
			b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
			if err != nil {
				return nil, fmt.Errorf("echarts: tarball: %w", err)
			}
			return b, nil
		}
	}
}

func writeAtomic(dest string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("echarts: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(dest), ".echarts-*.tmp")
	if err != nil {
		return fmt.Errorf("echarts: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, dest)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("echarts: writing %s: %w", dest, werr)
	}
	return nil
}
