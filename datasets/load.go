package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Errors returned (wrapped) by Load. The message always says which data set,
// which file and what happened.
var (
	// ErrNotAvailable: the data set is in neither cache nor mirror and Load
	// may not download it (Offline, or no source URL). The message names each
	// file needed and where to put it.
	ErrNotAvailable = errors.New("data not available")
	// ErrIntegrity: a checksum, the shape, the class counts or the table hash
	// does not match the registry.
	ErrIntegrity = errors.New("integrity check failed")
	// ErrDownload: the HTTP request failed, returned a non-200 status, was
	// cut short, or the archive lacks the member.
	ErrDownload = errors.New("download failed")
)

// Environment variables read by Load when the corresponding option is not given.
const (
	EnvCache  = "DDT_DATA_CACHE"  // cache folder; default os.UserCacheDir()/ddt-toolkit/datasets
	EnvMirror = "DDT_DATA_MIRROR" // mirror folder laid out like the cache; unset: no mirror
)

// DefaultTimeout bounds a Load that downloads when the context has no deadline.
const DefaultTimeout = 10 * time.Minute

// MaxDownloadBytes bounds one downloaded file or extracted member.
const MaxDownloadBytes = 512 << 20

// Option configures Load.
type Option func(*config)

type config struct {
	cacheDir, mirrorDir string
	cacheSet, mirrorSet bool
	client              *http.Client
	baseURL             string
	offline             bool
	timeout             time.Duration
	firstRows           int
}

// WithCacheDir sets the cache folder (overrides DDT_DATA_CACHE). An empty
// dir disables the cache.
func WithCacheDir(dir string) Option {
	return func(c *config) { c.cacheDir, c.cacheSet = dir, true }
}

// WithMirrorDir sets the mirror folder (overrides DDT_DATA_MIRROR). An empty
// dir disables the mirror.
func WithMirrorDir(dir string) Option {
	return func(c *config) { c.mirrorDir, c.mirrorSet = dir, true }
}

// WithHTTPClient sets the HTTP client used for downloads (default: a client
// without timeout; the context bounds the request).
func WithHTTPClient(cl *http.Client) Option { return func(c *config) { c.client = cl } }

// WithBaseURL replaces the scheme and host of every source URL by base (which
// may carry a path prefix): https://archive.ics.uci.edu/static/public/267/x.zip
// becomes base + "/static/public/267/x.zip". For a private mirror of the
// original hosts, and for tests with net/http/httptest.
func WithBaseURL(base string) Option {
	return func(c *config) { c.baseURL = strings.TrimSuffix(base, "/") }
}

// Offline forbids any network access: Load uses only the cache and the
// mirror, and otherwise fails with ErrNotAvailable naming the files needed.
func Offline() Option { return func(c *config) { c.offline = true } }

// WithTimeout bounds a Load that downloads (default DefaultTimeout when the
// context has no deadline of its own).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// FirstRows keeps only the first n rows after verification; for a data set
// with a predefined split (avila, mnist) the first n rows of the training
// part and the first n rows of the test part. Verification always covers the
// whole set.
func FirstRows(n int) Option { return func(c *config) { c.firstRows = n } }

func resolve(opts []Option) (*config, error) {
	c := &config{timeout: DefaultTimeout}
	for _, o := range opts {
		o(c)
	}
	if !c.cacheSet {
		if v := os.Getenv(EnvCache); v != "" {
			c.cacheDir = v
		} else if d, err := os.UserCacheDir(); err == nil {
			c.cacheDir = filepath.Join(d, "ddt-toolkit", "datasets")
		}
	}
	if !c.mirrorSet {
		c.mirrorDir = os.Getenv(EnvMirror)
	}
	if c.client == nil {
		c.client = &http.Client{}
	}
	if c.firstRows < 0 {
		return nil, fmt.Errorf("datasets: FirstRows(%d): must be positive", c.firstRows)
	}
	return c, nil
}

// Load returns the named data set, verified. It looks in the cache, then in
// the mirror, then downloads from the canonical source (unless Offline),
// extracts the zip member, verifies the result and writes the cache
// atomically. A cache entry that fails verification is removed and replaced.
// After a failed Load the cache holds no file of the data set that Load
// would have written.
func Load(ctx context.Context, name string, opts ...Option) (*Dataset, error) {
	sp, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return load(ctx, sp, opts)
}

func load(ctx context.Context, sp Spec, opts []Option) (*Dataset, error) {
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	t, err := fetchTable(ctx, &sp, cfg)
	if err != nil {
		return nil, err
	}
	return sp.dataset(t, cfg.firstRows), nil
}

func fetchTable(ctx context.Context, sp *Spec, cfg *config) (*table, error) {
	var notes []string
	// 1. Cache.
	if cfg.cacheDir != "" {
		dir := filepath.Join(cfg.cacheDir, sp.Folder)
		removeStaleTemps(dir)
		for _, v := range sp.variants {
			data, ok, err := readAll(dir, v.files)
			if err != nil {
				notes = append(notes, fmt.Sprintf("cache: %v", err))
				continue
			}
			if !ok {
				continue
			}
			t, err := sp.verify(v, data)
			if err == nil {
				return t, nil
			}
			removeFiles(dir, v.files)
			notes = append(notes, fmt.Sprintf("cache entry in %s was corrupt and has been removed (%v)", dir, err))
		}
	}
	// 2. Mirror (read only).
	if cfg.mirrorDir != "" {
		dir := filepath.Join(cfg.mirrorDir, sp.Folder)
		for _, v := range sp.variants {
			data, ok, err := readAll(dir, v.files)
			if err != nil {
				notes = append(notes, fmt.Sprintf("mirror: %v", err))
				continue
			}
			if !ok {
				continue
			}
			t, err := sp.verify(v, data)
			if err == nil {
				return t, nil
			}
			notes = append(notes, fmt.Sprintf("mirror copy in %s failed verification (%v)", dir, err))
		}
	}
	// 3. Download.
	var dl *variant
	for i := range sp.variants {
		if downloadable(sp.variants[i].files) {
			dl = &sp.variants[i]
			break
		}
	}
	if cfg.offline || dl == nil {
		return nil, sp.notAvailable(cfg, notes, dl == nil)
	}
	if _, ok := ctx.Deadline(); !ok && cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	data, err := download(ctx, cfg, dl.files)
	if err == nil {
		var t *table
		t, err = sp.verify(*dl, data)
		if err == nil {
			if cfg.cacheDir != "" {
				dir := filepath.Join(cfg.cacheDir, sp.Folder)
				if werr := writeAll(dir, dl.files, data); werr != nil {
					// The data are verified; a cache that cannot be written
					// is not fatal, and writeAll leaves nothing behind.
					_ = werr
				}
			}
			return t, nil
		}
	}
	if cfg.cacheDir != "" {
		removeFiles(filepath.Join(cfg.cacheDir, sp.Folder), dl.files)
	}
	extra := ""
	if len(notes) > 0 {
		extra = " [before downloading: " + strings.Join(notes, "; ") + "]"
	}
	return nil, fmt.Errorf("datasets: %s: %w%s", sp.Name, err, extra)
}

func downloadable(files []File) bool {
	for _, f := range files {
		if f.URL == "" {
			return false
		}
	}
	return len(files) > 0
}

// notAvailable builds the error for an offline miss.
func (sp *Spec) notAvailable(cfg *config, notes []string, noURL bool) error {
	var b strings.Builder
	if cfg.offline {
		b.WriteString("offline and not found in cache or mirror")
	} else {
		b.WriteString("not found in cache or mirror, and it has no download source")
	}
	for i, v := range sp.variants {
		if i == 0 {
			b.WriteString("; needs ")
		} else {
			b.WriteString("; or ")
		}
		for j, f := range v.files {
			if j > 0 {
				b.WriteString(" and ")
			}
			b.WriteString(f.Name)
			if f.URL != "" {
				if f.Member != "" {
					fmt.Fprintf(&b, " (member %s of %s)", f.Member, f.URL)
				} else {
					fmt.Fprintf(&b, " (from %s)", f.URL)
				}
			}
		}
	}
	var where []string
	if cfg.cacheDir != "" {
		where = append(where, filepath.Join(cfg.cacheDir, sp.Folder))
	}
	if cfg.mirrorDir != "" {
		where = append(where, filepath.Join(cfg.mirrorDir, sp.Folder))
	} else {
		where = append(where, "$"+EnvMirror+"/"+sp.Folder+" (set "+EnvMirror+")")
	}
	fmt.Fprintf(&b, "; put the file(s) in %s", strings.Join(where, " or "))
	if cfg.offline && !noURL {
		b.WriteString(", or load without Offline to download")
	}
	if len(notes) > 0 {
		b.WriteString(" [" + strings.Join(notes, "; ") + "]")
	}
	return fmt.Errorf("datasets: %s: %w: %s", sp.Name, ErrNotAvailable, b.String())
}

// verify checks file hashes, parses, and checks shape, class counts and the
// table hash.
func (sp *Spec) verify(v variant, data [][]byte) (*table, error) {
	for i, f := range v.files {
		if f.SHA256 == "" || !f.Strict {
			continue
		}
		if got := sha256Hex(data[i]); got != f.SHA256 {
			return nil, fmt.Errorf("%w: %s: SHA-256 %s, want %s", ErrIntegrity, f.Name, got, f.SHA256)
		}
	}
	t, err := v.decode(data)
	if err != nil {
		return nil, err
	}
	if t.rows != sp.Rows || t.cols != sp.Features {
		return nil, fmt.Errorf("%w: shape %d×%d, want %d×%d", ErrIntegrity, t.rows, t.cols, sp.Rows, sp.Features)
	}
	if sp.NTrain != 0 && t.nTrain != sp.NTrain {
		return nil, fmt.Errorf("%w: training part has %d rows, want %d", ErrIntegrity, t.nTrain, sp.NTrain)
	}
	if got := t.classCounts(len(sp.ClassNames)); !equalInts(got, sp.ClassCounts) {
		return nil, fmt.Errorf("%w: class counts %v, want %v", ErrIntegrity, got, sp.ClassCounts)
	}
	if sp.TableSHA256 != "" {
		if got := t.hash(t.rows); got != sp.TableSHA256 {
			return nil, fmt.Errorf("%w: table hash %s, want %s", ErrIntegrity, got, sp.TableSHA256)
		}
	}
	if sp.PrefixSHA256 != "" {
		if got := t.hash(sp.PrefixRows); got != sp.PrefixSHA256 {
			return nil, fmt.Errorf("%w: table hash of the first %d rows %s, want %s", ErrIntegrity, sp.PrefixRows, got, sp.PrefixSHA256)
		}
	}
	return t, nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readAll reads every file of a variant from dir. ok is false (and err nil)
// when some file does not exist.
func readAll(dir string, files []File) (data [][]byte, ok bool, err error) {
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		data = append(data, b)
	}
	return data, true, nil
}

func removeFiles(dir string, files []File) {
	for _, f := range files {
		_ = os.Remove(filepath.Join(dir, f.Name))
	}
}

const tempSuffix = ".partial-"

// removeStaleTemps removes temporary files that a process killed while
// writing the cache left behind (older than an hour, so that a concurrent
// writer is not disturbed).
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") || !strings.Contains(e.Name(), tempSuffix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeAll writes the files atomically (temporary file in the same folder,
// then rename). On error it removes whatever it wrote.
func writeAll(dir string, files []File, data [][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, f := range files {
		if err := writeAtomic(dir, f.Name, data[i]); err != nil {
			removeFiles(dir, files[:i])
			return err
		}
	}
	return nil
}

func writeAtomic(dir, name string, b []byte) (err error) {
	tmp, err := os.CreateTemp(dir, "."+name+tempSuffix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// download fetches every file of a variant; archives shared by several files
// are fetched once.
func download(ctx context.Context, cfg *config, files []File) ([][]byte, error) {
	archives := map[string][]byte{}
	var out [][]byte
	for _, f := range files {
		body, ok := archives[f.URL]
		if !ok {
			var err error
			body, err = fetchAny(ctx, cfg, f)
			if err != nil {
				return nil, err
			}
			archives[f.URL] = body
		}
		if f.Member == "" {
			out = append(out, body)
			continue
		}
		m, err := extract(body, f)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// fetchAny tries the canonical URL, then (for strictly hashed files) the
// fallbacks.
func fetchAny(ctx context.Context, cfg *config, f File) ([]byte, error) {
	urls := []string{f.URL}
	if f.Strict && f.SHA256 != "" {
		urls = append(urls, f.Fallbacks...)
	}
	var errs []error
	for _, u := range urls {
		u = rebase(u, cfg.baseURL)
		b, err := fetch(ctx, cfg.client, u)
		if err == nil && f.Strict && f.SHA256 != "" && f.Member == "" {
			if got := sha256Hex(b); got != f.SHA256 {
				err = fmt.Errorf("%w: %s from %s: SHA-256 %s, want %s", ErrIntegrity, f.Name, u, got, f.SHA256)
			}
		}
		if err == nil && f.Member != "" && f.ArchiveSHA256 != "" {
			if got := sha256Hex(b); got != f.ArchiveSHA256 {
				err = fmt.Errorf("%w: archive %s: SHA-256 %s, want %s", ErrIntegrity, u, got, f.ArchiveSHA256)
			}
		}
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil || len(urls) == 1 {
			return nil, err
		}
		errs = append(errs, err)
	}
	format := "%w: %s: every source failed:" + strings.Repeat(" %w;", len(errs))
	args := append([]any{ErrDownload, f.Name}, anys(errs)...)
	return nil, fmt.Errorf(strings.TrimSuffix(format, ";"), args...)
}

func anys(errs []error) []any {
	a := make([]any, len(errs))
	for i, e := range errs {
		a[i] = e
	}
	return a
}

func rebase(u, base string) string {
	if base == "" {
		return u
	}
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return base + p.EscapedPath()
}

func fetch(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDownload, u, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: GET %s: %w", ErrDownload, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: GET %s: HTTP status %s", ErrDownload, u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxDownloadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: GET %s: truncated body, cut short after %d bytes: %w", ErrDownload, u, len(b), err)
	}
	if len(b) > MaxDownloadBytes {
		return nil, fmt.Errorf("%w: GET %s: larger than %d bytes", ErrDownload, u, MaxDownloadBytes)
	}
	if resp.ContentLength >= 0 && int64(len(b)) != resp.ContentLength {
		return nil, fmt.Errorf("%w: GET %s: truncated body: got %d of %d bytes", ErrDownload, u, len(b), resp.ContentLength)
	}
	return b, nil
}

// extract returns member f.Member of the zip archive in body.
func extract(body []byte, f File) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a readable zip archive (truncated or corrupt?): %v", ErrDownload, f.URL, err)
	}
	for _, zf := range zr.File {
		if zf.Name != f.Member {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: member %s: %v", ErrDownload, f.URL, f.Member, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, MaxDownloadBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: member %s is corrupt: %v", ErrIntegrity, f.URL, f.Member, err)
		}
		if len(b) > MaxDownloadBytes {
			return nil, fmt.Errorf("%w: %s: member %s larger than %d bytes", ErrDownload, f.URL, f.Member, MaxDownloadBytes)
		}
		return b, nil
	}
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
	}
	return nil, fmt.Errorf("%w: %s has no member %s (members: %s)", ErrDownload, f.URL, f.Member, strings.Join(names, ", "))
}
