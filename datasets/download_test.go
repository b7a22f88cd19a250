package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// A synthetic data set "toy" with two files: a.csv is a member of a zip
// archive, b.csv is served as is and hashed strictly. Together: 6 rows, 2
// features, 2 classes.
const (
	toyA = "0.5,1.5,x\r\n-1,2,y\r\n3,4e-3,x\r\n"
	toyB = "7,8,y\n9,10,y\n-0,0.25,x\n"
)

func zipOf(t testing.TB, members map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		// Large members are stored uncompressed to keep the tests fast; the
		// small ones are deflated, as UCI's archives are.
		method := zip.Deflate
		if len(members[n]) > 1<<20 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(members[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type toyServer struct {
	*httptest.Server
	zip   []byte
	hits  atomic.Int64
	paths []string
}

// toySpec returns the spec of the toy data set and a server for it whose
// handler can be replaced.
func toySpec(t *testing.T, archiveHash bool) (Spec, *toyServer) {
	t.Helper()
	s := &toyServer{zip: zipOf(t, map[string]string{"toy/a.csv": toyA, "toy/README": "toy"})}
	f := textFormat{sep: ',', cols: 3, label: 2, codes: codes("x", "y")}
	files := []File{
		{Name: "a.csv", URL: "https://data.example.invalid/archive/toy.zip", Member: "toy/a.csv"},
		{Name: "b.csv", URL: "https://files.example.invalid/toy/b.csv", SHA256: sha256Hex([]byte(toyB)), Strict: true},
	}
	if archiveHash {
		files[0].ArchiveSHA256 = sha256Hex(s.zip)
	}
	sp := Spec{Name: "toy", Folder: "toy", Rows: 6, Features: 2, ClassNames: []string{"x", "y"}, ClassCounts: []int{3, 3},
		Files: files,
		variants: []variant{{files, func(d [][]byte) (*table, error) {
			return concatText([]string{"a.csv", "b.csv"}, d, f, true)
		}}},
	}
	tb, err := sp.variants[0].decode([][]byte{[]byte(toyA), []byte(toyB)})
	if err != nil {
		t.Fatal(err)
	}
	sp.TableSHA256 = tb.hash(tb.rows)
	sp.NTrain = 3
	s.Server = httptest.NewServer(nil)
	s.Config.Handler = s.serveGood()
	t.Cleanup(s.Close)
	return sp, s
}

func (s *toyServer) serveGood() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/archive/toy.zip":
			w.Write(s.zip)
		case "/toy/b.csv":
			w.Write([]byte(toyB))
		default:
			http.NotFound(w, r)
		}
	})
}

func (s *toyServer) handle(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	})
}

func toyOpts(s *toyServer, cache string, more ...Option) []Option {
	return append([]Option{WithCacheDir(cache), WithMirrorDir(""), WithBaseURL(s.URL), WithHTTPClient(s.Client())}, more...)
}

func TestDownloadGood(t *testing.T) {
	sp, srv := toySpec(t, true)
	cache := t.TempDir()
	d, err := load(context.Background(), sp, toyOpts(srv, cache))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 6 || d.Dim() != 2 || d.NTrain != 3 || !slices.Equal(d.Y, []int{0, 1, 0, 1, 1, 0}) {
		t.Fatalf("got %d×%d NTrain=%d Y=%v", d.Len(), d.Dim(), d.NTrain, d.Y)
	}
	if got := d.X.At(2, 1); got != 4e-3 {
		t.Errorf("X[2,1] = %v", got)
	}
	if got := filesUnder(t, cache); !slices.Equal(got, []string{"toy/a.csv", "toy/b.csv"}) {
		t.Errorf("cache holds %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(cache, "toy", "a.csv")); string(b) != toyA {
		t.Errorf("cached a.csv = %q", b)
	}
	// The second load comes from the cache, even with the server gone.
	hits := srv.hits.Load()
	srv.Close()
	if _, err := load(context.Background(), sp, toyOpts(srv, cache, Offline())); err != nil {
		t.Fatalf("from cache: %v", err)
	}
	if srv.hits.Load() != hits {
		t.Error("the cached load touched the server")
	}
}

// assertCacheEmpty checks that a failed load left no file of the data set.
func assertCacheEmpty(t *testing.T, cache string) {
	t.Helper()
	if got := filesUnder(t, cache); len(got) != 0 {
		t.Errorf("after the failure the cache holds %v", got)
	}
}

func TestDownloadWrongArchiveChecksum(t *testing.T) {
	sp, srv := toySpec(t, true)
	srv.zip = zipOf(t, map[string]string{"toy/a.csv": toyA + "5,5,x\n", "toy/README": "toy"})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrIntegrity, "toy", "archive", "SHA-256", sp.Files[0].ArchiveSHA256)
	assertCacheEmpty(t, cache)
}

func TestDownloadWrongTableHash(t *testing.T) {
	sp, srv := toySpec(t, false) // archive hash unknown: the table hash catches it
	srv.zip = zipOf(t, map[string]string{"toy/a.csv": "0.5,1.5,x\r\n-1,2,y\r\n3,4e-2,x\r\n"})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrIntegrity, "toy", "table hash", sp.TableSHA256)
	assertCacheEmpty(t, cache)
}

func TestDownloadWrongClassCounts(t *testing.T) {
	sp, srv := toySpec(t, false)
	srv.zip = zipOf(t, map[string]string{"toy/a.csv": "0.5,1.5,y\r\n-1,2,y\r\n3,4e-3,x\r\n"})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrIntegrity, "class counts [2 4], want [3 3]")
	assertCacheEmpty(t, cache)
}

func TestDownloadStrictFileChecksum(t *testing.T) {
	sp, srv := toySpec(t, true)
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/toy/b.csv" {
			w.Write([]byte(toyB + "1,1,x\n"))
			return
		}
		w.Write(srv.zip)
	})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrIntegrity, "b.csv", "SHA-256")
	assertCacheEmpty(t, cache)
}

func TestDownloadTruncatedBody(t *testing.T) {
	sp, srv := toySpec(t, true)
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(srv.zip)))
		w.Write(srv.zip[:len(srv.zip)/2]) // the server then closes the connection
	})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "toy.zip", "cut short")
	assertCacheEmpty(t, cache)
}

func TestDownloadTruncatedZip(t *testing.T) {
	// A server that announces the short length: only the zip reader notices.
	sp, srv := toySpec(t, false)
	srv.zip = srv.zip[:len(srv.zip)-30]
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "not a readable zip archive")
	assertCacheEmpty(t, cache)
}

func TestDownload404(t *testing.T) {
	sp, srv := toySpec(t, true)
	srv.Config.Handler = srv.handle(http.NotFound)
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "404", "/archive/toy.zip")
	assertCacheEmpty(t, cache)
}

func TestDownloadSecondFileFails(t *testing.T) {
	// a.csv arrives intact, b.csv is missing: nothing may be cached.
	sp, srv := toySpec(t, true)
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/archive/toy.zip" {
			w.Write(srv.zip)
			return
		}
		http.Error(w, "gone", http.StatusGone)
	})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "410", "b.csv")
	assertCacheEmpty(t, cache)
}

func TestDownloadMissingMember(t *testing.T) {
	sp, srv := toySpec(t, false)
	srv.zip = zipOf(t, map[string]string{"other/a.csv": toyA})
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "no member toy/a.csv", "other/a.csv")
	assertCacheEmpty(t, cache)
}

func TestDownloadHangsPastDeadline(t *testing.T) {
	sp, srv := toySpec(t, true)
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	cache := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := load(ctx, sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "deadline exceeded")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q does not wrap context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v after a 200 ms deadline", el)
	}
	assertCacheEmpty(t, cache)

	// The same with WithTimeout and a context without deadline.
	_, err = load(context.Background(), sp, toyOpts(srv, cache, WithTimeout(100*time.Millisecond)))
	wantErr(t, err, ErrDownload, "deadline exceeded")
	assertCacheEmpty(t, cache)
}

func TestMirrorWinsOverNetwork(t *testing.T) {
	sp, srv := toySpec(t, true)
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the network was used although the mirror has the data: %s", r.URL)
		http.NotFound(w, r)
	})
	mirror := t.TempDir()
	os.MkdirAll(filepath.Join(mirror, "toy"), 0o755)
	os.WriteFile(filepath.Join(mirror, "toy", "a.csv"), []byte(toyA), 0o644)
	os.WriteFile(filepath.Join(mirror, "toy", "b.csv"), []byte(toyB), 0o644)
	cache := t.TempDir()
	d, err := load(context.Background(), sp, append(toyOpts(srv, cache), WithMirrorDir(mirror)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 6 || srv.hits.Load() != 0 {
		t.Errorf("rows %d, server hits %d", d.Len(), srv.hits.Load())
	}
}

func TestCorruptMirrorFallsBackToNetwork(t *testing.T) {
	sp, srv := toySpec(t, true)
	mirror := t.TempDir()
	os.MkdirAll(filepath.Join(mirror, "toy"), 0o755)
	os.WriteFile(filepath.Join(mirror, "toy", "a.csv"), []byte("1,2,x\n"), 0o644)
	os.WriteFile(filepath.Join(mirror, "toy", "b.csv"), []byte(toyB), 0o644)
	cache := t.TempDir()
	if _, err := load(context.Background(), sp, append(toyOpts(srv, cache), WithMirrorDir(mirror))); err != nil {
		t.Fatal(err)
	}
	if srv.hits.Load() == 0 {
		t.Error("a corrupt mirror copy was accepted")
	}
	// Offline, the corrupt mirror copy is reported.
	_, err := load(context.Background(), sp, append(toyOpts(srv, t.TempDir(), Offline()), WithMirrorDir(mirror)))
	wantErr(t, err, ErrNotAvailable, "mirror copy", "failed verification", "shape 4×2, want 6×2")
}

func TestCorruptCacheReplaced(t *testing.T) {
	sp, srv := toySpec(t, true)
	cache := t.TempDir()
	os.MkdirAll(filepath.Join(cache, "toy"), 0o755)
	os.WriteFile(filepath.Join(cache, "toy", "a.csv"), []byte(toyA[:20]), 0o644) // cut short
	os.WriteFile(filepath.Join(cache, "toy", "b.csv"), []byte(toyB), 0o644)
	if _, err := load(context.Background(), sp, toyOpts(srv, cache)); err != nil {
		t.Fatal(err)
	}
	if srv.hits.Load() == 0 {
		t.Fatal("the corrupt cache entry was used")
	}
	if b, _ := os.ReadFile(filepath.Join(cache, "toy", "a.csv")); string(b) != toyA {
		t.Errorf("cache entry not replaced: %q", b)
	}

	// Corrupt again, and the download fails: the cache is emptied and the
	// error reports both.
	os.WriteFile(filepath.Join(cache, "toy", "a.csv"), []byte("garbage\n"), 0o644)
	srv.Config.Handler = srv.handle(http.NotFound)
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "cache entry", "corrupt", "removed", "line 1", "404")
	assertCacheEmpty(t, cache)
}

func TestOfflineNamesFilesAndPlaces(t *testing.T) {
	sp, srv := toySpec(t, true)
	cache := t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache, Offline()))
	wantErr(t, err, ErrNotAvailable, "offline", "a.csv", "member toy/a.csv of https://data.example.invalid/archive/toy.zip",
		"b.csv", filepath.Join(cache, "toy"), EnvMirror)
	if srv.hits.Load() != 0 {
		t.Error("offline load used the network")
	}
	assertCacheEmpty(t, cache)
}

func TestStaleTempFilesRemoved(t *testing.T) {
	sp, srv := toySpec(t, true)
	cache := t.TempDir()
	dir := filepath.Join(cache, "toy")
	os.MkdirAll(dir, 0o755)
	stale := filepath.Join(dir, ".a.csv"+tempSuffix+"123")
	os.WriteFile(stale, []byte("half"), 0o644)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	if _, err := load(context.Background(), sp, toyOpts(srv, cache)); err != nil {
		t.Fatal(err)
	}
	if got := filesUnder(t, cache); !slices.Equal(got, []string{"toy/a.csv", "toy/b.csv"}) {
		t.Errorf("cache holds %v", got)
	}
}

func TestFallbackURL(t *testing.T) {
	sp, srv := toySpec(t, true)
	sp.Files[1].Fallbacks = []string{"https://elsewhere.example.invalid/copies/b.csv"}
	sp.variants[0].files = sp.Files
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/archive/toy.zip":
			w.Write(srv.zip)
		case "/copies/b.csv":
			w.Write([]byte(toyB))
		default:
			http.Error(w, "forbidden", http.StatusForbidden)
		}
	})
	cache := t.TempDir()
	if _, err := load(context.Background(), sp, toyOpts(srv, cache)); err != nil {
		t.Fatal(err)
	}
	// All sources failing: every failure is reported.
	srv.Config.Handler = srv.handle(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/archive/toy.zip" {
			w.Write(srv.zip)
			return
		}
		http.Error(w, "forbidden", http.StatusForbidden)
	})
	cache = t.TempDir()
	_, err := load(context.Background(), sp, toyOpts(srv, cache))
	wantErr(t, err, ErrDownload, "every source failed", "/toy/b.csv", "/copies/b.csv", "403")
	assertCacheEmpty(t, cache)
}

func TestUnknownName(t *testing.T) {
	_, err := Load(context.Background(), "cardiotocography", Offline(), WithHTTPClient(noNetwork(t)))
	wantErr(t, err, ErrUnknown, "cardiotocography-class", "cardiotocography-nsp", "mnist")
}

// TestMNISTWrongChecksum serves wrong bytes for the real MNIST entry: the
// strict SHA-256 check rejects them before any parsing, on every fallback.
func TestMNISTWrongChecksum(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		w.Write([]byte("not the MNIST file"))
	}))
	defer srv.Close()
	cache := t.TempDir()
	_, err := Load(context.Background(), "mnist", WithCacheDir(cache), WithMirrorDir(""), WithBaseURL(srv.URL), WithHTTPClient(srv.Client()))
	wantErr(t, err, ErrIntegrity, "train-images-idx3-ubyte.gz", "SHA-256", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609")
	if !errors.Is(err, ErrDownload) {
		t.Errorf("%v does not wrap ErrDownload", err)
	}
	want := []string{"/exdb/mnist/train-images-idx3-ubyte.gz", "/mnist/train-images-idx3-ubyte.gz", "/cvdf-datasets/mnist/train-images-idx3-ubyte.gz"}
	if !slices.Equal(paths, want) {
		t.Errorf("requested %v, want %v", paths, want)
	}
	assertCacheEmpty(t, cache)
}
