package echarts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckIntegrity(t *testing.T) {
	data := []byte("hello")
	sum := sha512.Sum512(data)
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if err := CheckIntegrity(data, good); err != nil {
		t.Errorf("good integrity rejected: %v", err)
	}
	if err := CheckIntegrity([]byte("hellO"), good); err == nil {
		t.Errorf("corrupt data accepted")
	}
	if err := CheckIntegrity(data, "sha1-abc"); err == nil {
		t.Errorf("unsupported algorithm accepted")
	}
}

// fakeNPM writes a script that "packs" a tarball holding js into the
// working directory, as `npm pack` does.
func fakeNPM(t *testing.T, js []byte) string {
	t.Helper()
	dir := t.TempDir()
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "package/dist/echarts.min.js", Mode: 0o644, Size: int64(len(js))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(js)
	tw.Close()
	zw.Close()
	src := filepath.Join(dir, "pkg.tgz")
	if err := os.WriteFile(src, tgz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	npm := filepath.Join(dir, "npm")
	script := "#!/bin/sh\ncp " + src + " ./echarts-" + Version + ".tgz\n"
	if err := os.WriteFile(npm, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return npm
}

// TestFetchRejectsWrongTarball: a tarball that does not match the pinned
// integrity leaves nothing in the cache.
func TestFetchRejectsWrongTarball(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "cache", "echarts.min.js")
	_, err := Fetch(context.Background(), FetchOptions{Dest: dest, NPM: fakeNPM(t, []byte("not echarts"))})
	if err == nil || !strings.Contains(err.Error(), "integrity") {
		t.Fatalf("want an integrity error, got %v", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("a file was left at %s", dest)
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 0 {
		t.Errorf("cache dir holds leftovers: %v", entries)
	}
}

func TestFetchFailingNPM(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "echarts.min.js")
	if _, err := Fetch(context.Background(), FetchOptions{Dest: dest, NPM: "/bin/false"}); err == nil {
		t.Fatal("no error from a failing npm")
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("a file was left at %s", dest)
	}
}

func TestLoadMissingAndOverride(t *testing.T) {
	t.Setenv(EnvJS, filepath.Join(t.TempDir(), "absent.js"))
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "fetch-echarts") {
		t.Errorf("missing file: %v", err)
	}
	p := filepath.Join(t.TempDir(), "e.js")
	src := "/* fake */ window.echarts={init:function(){}};" + strings.Repeat(" ", 2000)
	os.WriteFile(p, []byte(src), 0o644)
	t.Setenv(EnvJS, p)
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if lib.Path != p {
		t.Errorf("path %s, want %s", lib.Path, p)
	}
}

func TestSessionInlinesOnce(t *testing.T) {
	lib := &Library{Source: []byte("window.echarts={};/* </script> inside */")}
	s := NewSession(lib, nil)
	opt := map[string]any{"title": map[string]any{"text": "a </script> b"}, "f": string("__f__function(a){return a;}__f__")}
	a, err := s.Fragment(opt, "100px", "100px", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Fragment(opt, "100px", "100px", []byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a, "inlined by ddt-toolkit") || strings.Contains(b, "inlined by ddt-toolkit") {
		t.Errorf("library should be in the first fragment only")
	}
	if !strings.Contains(a, "function(define,exports,module)") || !strings.Contains(a, "if(!window.echarts)") {
		t.Errorf("inlined library is not shielded from require.js")
	}
	if strings.Count(a+b, "</script>") != strings.Count(a+b, "<script") {
		t.Errorf("a </script> inside the library or option was not escaped")
	}
	if !strings.Contains(a, "f\":function(a){return a;}") {
		t.Errorf("JS function not unquoted: %s", a)
	}
	if !strings.Contains(b, "ddt-echarts-fallback") {
		t.Errorf("fallback image missing")
	}
	if strings.Contains(a, "<script src=") {
		t.Errorf("fragment depends on a remote script although the library is local")
	}
}

// TestNotebookSessionMarker: in GoNB each cell is a new process; the
// marker in $GONB_TMP_DIR makes the second cell skip the library.
func TestNotebookSessionMarker(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("GONB_TMP_DIR", tmp)
	p := filepath.Join(t.TempDir(), "e.js")
	os.WriteFile(p, []byte("window.echarts={};"+strings.Repeat(" ", 2000)), 0o644)
	t.Setenv(EnvJS, p)
	cell1, cell2 := NotebookSession(), NotebookSession()
	a, _ := cell1.Fragment(map[string]any{}, "1px", "1px", nil)
	b, _ := cell2.Fragment(map[string]any{}, "1px", "1px", nil)
	if !strings.Contains(a, "inlined by ddt-toolkit") {
		t.Errorf("first cell lacks the library")
	}
	if strings.Contains(b, "inlined by ddt-toolkit") {
		t.Errorf("second cell inlined the library again")
	}
}

func TestSessionWithoutLibrary(t *testing.T) {
	s := NewSession(nil, ErrNotFetched)
	h, err := s.Fragment(map[string]any{}, "1px", "1px", []byte{1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h, "unavailable") || !strings.Contains(h, OnlineHost) {
		t.Errorf("no visible note about the online fallback")
	}
}
