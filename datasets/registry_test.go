package datasets

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/densitydiffusion/toolkit/datasets/xls"
)

// Shapes and class counts as documented in /work/shared/datasets/README.md
// and the sources' own descriptions.
var documented = map[string]struct {
	rows, features, classes, nTrain int
}{
	"avila":                  {20867, 10, 12, 10430},
	"banknote":               {1372, 4, 2, 0},
	"cardiotocography-class": {2126, 21, 10, 0},
	"cardiotocography-nsp":   {2126, 21, 3, 0},
	"sensorless":             {58509, 48, 11, 0},
	"sensorless-head":        {5748, 48, 11, 0},
	"mnist":                  {70000, 784, 10, 60000},
}

func TestRegistryEntries(t *testing.T) {
	names := Names()
	if len(names) != len(documented) {
		t.Errorf("registry has %v", names)
	}
	for _, n := range names {
		sp, err := Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		doc, ok := documented[n]
		if !ok {
			t.Errorf("%s: not documented in the test", n)
			continue
		}
		if sp.Rows != doc.rows || sp.Features != doc.features || len(sp.ClassNames) != doc.classes || sp.NTrain != doc.nTrain {
			t.Errorf("%s: spec %d×%d, %d classes, NTrain %d; documented %+v", n, sp.Rows, sp.Features, len(sp.ClassNames), sp.NTrain, doc)
		}
		sum := 0
		for _, c := range sp.ClassCounts {
			sum += c
		}
		if sum != sp.Rows || len(sp.ClassCounts) != len(sp.ClassNames) {
			t.Errorf("%s: class counts %v do not add up to %d rows over %d classes", n, sp.ClassCounts, sp.Rows, len(sp.ClassNames))
		}
		if sp.FeatureNames != nil && len(sp.FeatureNames) != sp.Features {
			t.Errorf("%s: %d feature names for %d features", n, len(sp.FeatureNames), sp.Features)
		}
		if sp.Licence == "" || sp.Citation == "" || sp.Homepage == "" || sp.Title == "" {
			t.Errorf("%s: licence, citation, homepage or title missing", n)
		}
		if sp.TableSHA256 == "" && sp.PrefixSHA256 == "" {
			t.Errorf("%s: no table hash pinned", n)
		}
		if !slices.ContainsFunc(sp.variants, func(v variant) bool { return downloadable(v.files) }) {
			t.Errorf("%s: no downloadable variant", n)
		}
		for _, f := range sp.Files {
			if f.URL != "" && !strings.HasPrefix(f.URL, "https://archive.ics.uci.edu/static/public/") && !strings.HasPrefix(f.URL, "http://yann.lecun.com/exdb/mnist/") {
				t.Errorf("%s: unexpected source %s", n, f.URL)
			}
		}
		// Lookup returns copies.
		sp.ClassNames[0] = "changed"
		if sp.FeatureNames != nil {
			sp.FeatureNames[0] = "changed"
		}
		sp.Files[0].Name = "changed"
		if again, _ := Lookup(n); again.ClassNames[0] == "changed" || again.Files[0].Name == "changed" ||
			(again.FeatureNames != nil && again.FeatureNames[0] == "changed") {
			t.Errorf("%s: Lookup shares state", n)
		}
	}
}

// TestLoadFromMirror loads every registry entry that the mirror holds and
// checks the documented shape and class counts (MNIST: TestMNISTFromMirror).
func TestLoadFromMirror(t *testing.T) {
	mirror := mirrorDir(t)
	for _, n := range Names() {
		if n == "mnist" || n == "sensorless" {
			continue
		}
		t.Run(n, func(t *testing.T) {
			cache := t.TempDir()
			d, err := Load(context.Background(), n, WithMirrorDir(mirror), WithCacheDir(cache), Offline(), WithHTTPClient(noNetwork(t)))
			if err != nil {
				t.Fatal(err)
			}
			doc := documented[n]
			sp, _ := Lookup(n)
			if d.Len() != doc.rows || d.Dim() != doc.features || d.NumClasses() != doc.classes || d.NTrain != doc.nTrain {
				t.Errorf("loaded %d×%d, %d classes, NTrain %d; documented %+v", d.Len(), d.Dim(), d.NumClasses(), d.NTrain, doc)
			}
			if got := d.ClassCounts(); !slices.Equal(got, sp.ClassCounts) {
				t.Errorf("class counts %v, want %v", got, sp.ClassCounts)
			}
			if got := filesUnder(t, cache); len(got) != 0 {
				t.Errorf("a mirror hit wrote the cache: %v", got)
			}
		})
	}
}

func TestAvilaTrainingCountsMatchDescription(t *testing.T) {
	mirror := mirrorDir(t)
	d, err := Load(context.Background(), "avila", WithMirrorDir(mirror), WithCacheDir(""), Offline())
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := d.TrainTest()
	if err != nil {
		t.Fatal(err)
	}
	// "Class distribution (training set)" in avila-description.txt.
	want := []int{4286, 5, 103, 352, 1095, 1961, 446, 519, 831, 44, 522, 266}
	if got := train.ClassCounts(); !slices.Equal(got, want) {
		t.Errorf("training counts %v, description says %v", got, want)
	}
	if train.Len() != 10430 || test.Len() != 10437 {
		t.Errorf("train %d, test %d", train.Len(), test.Len())
	}
	// The authors z-normalised the features over the whole set: means ≈ 0.
	all, err := FitStandardizer(d)
	if err != nil {
		t.Fatal(err)
	}
	for j, m := range all.Mean {
		if math.Abs(m) > 0.05 { // largest observed: 0.018 (upper margin, which has outliers: sd 2.85)
			t.Errorf("feature %d: mean %v over the whole set; the description says z-normalised", j, m)
		}
	}
	t.Logf("standard deviations over the whole set: %.3g", all.Scale)
}

func TestSensorlessFullNeedsDownload(t *testing.T) {
	mirror := mirrorDir(t)
	cache := t.TempDir()
	_, err := Load(context.Background(), "sensorless", WithMirrorDir(mirror), WithCacheDir(cache), Offline(), WithHTTPClient(noNetwork(t)))
	wantErr(t, err, ErrNotAvailable, "Sensorless_drive_diagnosis.txt", uciSensorless, filepath.Join(cache, "sensorless"), filepath.Join(mirror, "sensorless"))
}

func ctgWorkbook(t *testing.T, mirror string) *xls.Workbook {
	b, err := os.ReadFile(filepath.Join(mirror, "cardiotocography", "CTG.xls"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := xls.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestCTGWorkbookMatchesCSV: the canonical workbook and its CSV export give
// the same table, bit for bit.
func TestCTGWorkbookMatchesCSV(t *testing.T) {
	mirror := mirrorDir(t)
	dir := filepath.Join(mirror, "cardiotocography")
	xb, err := os.ReadFile(filepath.Join(dir, "CTG.xls"))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := os.ReadFile(filepath.Join(dir, "ctg-raw-data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []ctgLabel{ctgClass, ctgNSP} {
		a, err := parseCTGXLS(xb, l)
		if err != nil {
			t.Fatal(err)
		}
		c, err := parseCTGCSV(cb, l)
		if err != nil {
			t.Fatal(err)
		}
		if a.rows != 2126 || !slices.Equal(a.x, c.x) || !slices.Equal(a.y, c.y) || a.hash(a.rows) != c.hash(c.rows) {
			t.Errorf("label set %d: workbook and CSV tables differ", l)
		}
	}
}

// TestCTGRatesMatchDataSheet compares the derived features with the cached
// formula results of the workbook's "Data" sheet (columns K..AE hold LB,
// the rates AC..DP = count/(e − b), and ASTV..Tendency; row 3 is the first
// data row).
func TestCTGRatesMatchDataSheet(t *testing.T) {
	mirror := mirrorDir(t)
	d, err := Load(context.Background(), "cardiotocography-nsp", WithMirrorDir(mirror), WithCacheDir(""), Offline())
	if err != nil {
		t.Fatal(err)
	}
	sh, err := ctgWorkbook(t, mirror).Sheet("Data")
	if err != nil {
		t.Fatal(err)
	}
	for j, name := range ctgFeatureNames {
		if c := sh.Cell(1, 10+j); c.Text != name {
			t.Fatalf("Data sheet column %d is %q, want %q", 10+j, c.Text, name)
		}
	}
	worst := 0.0
	for i := 0; i < d.Len(); i++ {
		for j := 0; j < d.Dim(); j++ {
			c := sh.Cell(2+i, 10+j)
			if c.Kind != xls.Number {
				t.Fatalf("Data sheet row %d col %d empty", 3+i, 11+j)
			}
			got := d.X.At(i, j)
			diff := math.Abs(got-c.Number) / math.Max(1, math.Abs(c.Number))
			worst = math.Max(worst, diff)
		}
		if nsp := sh.Cell(2+i, 45); nsp.Number != float64(d.Y[i]+1) {
			t.Fatalf("row %d: NSP %v, loaded class %d", 3+i, nsp.Number, d.Y[i])
		}
	}
	t.Logf("largest relative difference to the Data sheet: %.3g", worst)
	if worst > 4e-16 {
		t.Errorf("derived features differ from the Data sheet by up to %.3g (relative)", worst)
	}
}

// TestRealEntriesDownload runs the real registry entries through the
// download path against a local server that serves archives built from the
// mirror files (the UCI layout: /static/public/ID/NAME.zip).
func TestRealEntriesDownload(t *testing.T) {
	mirror := mirrorDir(t)
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(mirror, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// The full Sensorless file is not in the mirror: fake one from the head
	// fixture plus synthetic rows, with the documented shape and counts. It
	// passes because the full set's own hash is unknown (see Spec.Notes).
	var full strings.Builder
	full.WriteString(read("sensorless/Sensorless_drive_diagnosis.head5748.txt"))
	add := func(class, n int) {
		for i := 0; i < n; i++ {
			for j := 0; j < 48; j++ {
				fmt.Fprintf(&full, "%d.%d ", class, j)
			}
			fmt.Fprintf(&full, "%d\n", class)
		}
	}
	add(2, 5319-429)
	for c := 3; c <= 11; c++ {
		add(c, 5319)
	}
	archives := map[string][]byte{
		"/static/public/459/avila.zip": zipOf(t, map[string]string{"avila/avila-tr.txt": read("avila/avila-tr.txt"),
			"avila/avila-ts.txt": read("avila/avila-ts.txt"), "avila/avila-description.txt": read("avila/avila-description.txt")}),
		"/static/public/267/banknote+authentication.zip": zipOf(t, map[string]string{
			// as UCI serves it, with CRLF line ends: the table hash still matches
			"data_banknote_authentication.txt": strings.ReplaceAll(read("banknote/data_banknote_authentication.txt"), "\n", "\r\n")}),
		"/static/public/193/cardiotocography.zip":                       zipOf(t, map[string]string{"CTG.xls": read("cardiotocography/CTG.xls")}),
		"/static/public/325/dataset+for+sensorless+drive+diagnosis.zip": zipOf(t, map[string]string{"Sensorless_drive_diagnosis.txt": full.String()}),
	}
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.Path)
		if b, ok := archives[r.URL.Path]; ok {
			w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	cache := t.TempDir()
	wantCache := map[string][]string{
		"avila":                  {"avila/avila-tr.txt", "avila/avila-ts.txt"},
		"banknote":               {"banknote/data_banknote_authentication.txt"},
		"cardiotocography-class": {"cardiotocography/CTG.xls"},
		"cardiotocography-nsp":   {"cardiotocography/CTG.xls"},
		"sensorless":             {"sensorless/Sensorless_drive_diagnosis.txt"},
		"sensorless-head":        {"sensorless/Sensorless_drive_diagnosis.txt"},
	}
	for _, n := range []string{"avila", "banknote", "cardiotocography-class", "sensorless", "sensorless-head", "cardiotocography-nsp"} {
		requests = nil
		d, err := Load(context.Background(), n, WithMirrorDir(""), WithCacheDir(cache), WithBaseURL(srv.URL), WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		sp, _ := Lookup(n)
		if d.Len() != sp.Rows || !slices.Equal(d.ClassCounts(), sp.ClassCounts) {
			t.Errorf("%s: %d rows, counts %v", n, d.Len(), d.ClassCounts())
		}
		for _, f := range wantCache[n] {
			if _, err := os.Stat(filepath.Join(cache, f)); err != nil {
				t.Errorf("%s: cache lacks %s", n, f)
			}
		}
		// sensorless-head and cardiotocography-nsp reuse the cache entries
		// of sensorless and cardiotocography-class.
		if reused := n == "sensorless-head" || n == "cardiotocography-nsp"; reused != (len(requests) == 0) {
			t.Errorf("%s: requests %v", n, requests)
		}
	}
	// A tampered fake: one class-3 row relabelled 4 fails the class counts.
	bad := strings.Replace(full.String(), " 3\n", " 4\n", 1)
	archives["/static/public/325/dataset+for+sensorless+drive+diagnosis.zip"] = zipOf(t, map[string]string{"Sensorless_drive_diagnosis.txt": bad})
	cache2 := t.TempDir()
	_, err := Load(context.Background(), "sensorless", WithMirrorDir(""), WithCacheDir(cache2), WithBaseURL(srv.URL), WithHTTPClient(srv.Client()))
	wantErr(t, err, ErrIntegrity, "class counts")
	// A change inside the first 5,748 rows fails the prefix hash.
	bad = strings.Replace(full.String(), "-3.0146e-07", "-3.0147e-07", 1)
	archives["/static/public/325/dataset+for+sensorless+drive+diagnosis.zip"] = zipOf(t, map[string]string{"Sensorless_drive_diagnosis.txt": bad})
	_, err = Load(context.Background(), "sensorless", WithMirrorDir(""), WithCacheDir(cache2), WithBaseURL(srv.URL), WithHTTPClient(srv.Client()))
	wantErr(t, err, ErrIntegrity, "first 5748 rows")
	assertCacheEmpty(t, cache2)
	if !bytes.Contains([]byte(full.String()), []byte("-3.0146e-07")) {
		t.Fatal("test fixture changed")
	}
}

// TestMNISTFromMirror parses MNIST once (70,000 images are verified in
// full) and keeps the first 1,000 training and test images.
func TestMNISTFromMirror(t *testing.T) {
	mirror := mirrorDir(t)
	cache := t.TempDir()
	d, err := Load(context.Background(), "mnist", WithMirrorDir(mirror), WithCacheDir(cache), Offline(), FirstRows(1000), WithHTTPClient(noNetwork(t)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2000 || d.NTrain != 1000 || d.Dim() != 784 || d.ImageShape != [2]int{28, 28} || d.NumClasses() != 10 {
		t.Fatalf("got %d×%d NTrain=%d shape=%v", d.Len(), d.Dim(), d.NTrain, d.ImageShape)
	}
	// The first training digit is a 5, the first test digit a 7.
	if d.Y[0] != 5 || d.Y[1000] != 7 {
		t.Errorf("first labels %d, %d; want 5, 7", d.Y[0], d.Y[1000])
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range d.X.RawMatrix().Data {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo != 0 || hi != 1 {
		t.Errorf("pixel range [%v, %v], want [0, 1]", lo, hi)
	}
	for _, f := range []int{2, 4} {
		p, err := d.Downsample(f)
		if err != nil {
			t.Fatal(err)
		}
		s := 28 / f
		if p.Dim() != s*s || p.ImageShape != [2]int{s, s} || p.NTrain != 1000 {
			t.Fatalf("factor %d: %d features, shape %v", f, p.Dim(), p.ImageShape)
		}
		// Pooled pixel (r, c) of image 0 is the mean of its f×f block.
		for r := 0; r < s; r++ {
			for c := 0; c < s; c++ {
				var sum float64
				for a := 0; a < f; a++ {
					for b := 0; b < f; b++ {
						sum += d.X.At(0, (r*f+a)*28+c*f+b)
					}
				}
				if got := p.X.At(0, r*s+c); math.Abs(got-sum/float64(f*f)) > 1e-15 {
					t.Fatalf("factor %d: pooled (%d,%d) = %v, want %v", f, r, c, got, sum/float64(f*f))
				}
			}
		}
	}
	train, test, err := d.TrainTest()
	if err != nil || train.Len() != 1000 || test.Len() != 1000 {
		t.Fatalf("split: %v", err)
	}
}
