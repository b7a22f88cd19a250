package plotting

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/densitydiffusion/toolkit/plotting/echarts"
)

// chromium returns the headless browser, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DDT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: no chromium on PATH (apt-get install chromium, or set DDT_CHROMIUM)")
	return ""
}

// errorCollector is injected first into the page: it records script
// errors, console.error calls and AMD define() calls (the inlined echarts
// must not register itself with require.js) into a <pre id="ddt-errors">.
const errorCollector = `<script>
window.__ddtErrors=[];
function __ddtRec(m){window.__ddtErrors.push(String(m));var e=document.getElementById('ddt-errors');if(e){e.textContent=window.__ddtErrors.join('\n');}}
window.addEventListener('error',function(e){__ddtRec('error: '+(e.message||e.type));},true);
window.addEventListener('unhandledrejection',function(e){__ddtRec('rejection: '+e.reason);});
(function(){var ce=console.error;console.error=function(){__ddtRec('console.error: '+Array.prototype.join.call(arguments,' '));ce.apply(console,arguments);};})();
window.define=function(){__ddtRec('echarts registered as an AMD module');};window.define.amd={};
</script>`

// runChromium loads page with the network disabled and returns the DOM
// after the virtual-time budget, and the browser's stderr.
func runChromium(t *testing.T, bin, page string, extra ...string) (dom, stderr string) {
	t.Helper()
	ud := t.TempDir()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + ud,
		"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
		"--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000", "--window-size=1100,900"}, extra...)
	args = append(args, "file://"+page)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, tail(errb.String(), 2000))
	}
	return out.String(), errb.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// consoleErrors returns the browser log lines that report page errors.
func consoleErrors(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "CONSOLE") && (strings.Contains(l, "Uncaught") || strings.Contains(l, "Error") || strings.Contains(l, "error")) {
			out = append(out, l)
		}
	}
	return out
}

// galleryPage writes the page a notebook showing every chart would give:
// the interactive fragments from one session (echarts inlined once), and
// each chart's static PNG as the notebook's image output.
func galleryPage(t *testing.T, dir string, s *echarts.Session) (path string, charts int) {
	t.Helper()
	gal, err := Gallery()
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	body = append(body, errorCollector, `<pre id="ddt-errors"></pre>`)
	for _, nc := range gal {
		frag, err := ChartHTML(nc.Chart, s)
		if err != nil {
			t.Fatalf("%s: %v", nc.Name, err)
		}
		png, err := PNG(nc.Chart)
		if err != nil {
			t.Fatal(err)
		}
		body = append(body, "<h2>"+nc.Name+"</h2>", frag,
			`<img class="static" alt="`+nc.Name+`" src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(png)+`">`)
	}
	path = filepath.Join(dir, "gallery.html")
	if d := os.Getenv("DDT_KEEP_PAGE"); d != "" {
		_ = os.WriteFile(filepath.Join(d, "gallery.html"), []byte(echarts.Page("plotting gallery", body...)), 0o644)
	}
	if err := os.WriteFile(path, []byte(echarts.Page("plotting gallery", body...)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, len(gal)
}

// TestBrowserGallery opens every chart, interactive and static, in headless
// Chromium with the network off: every echarts instance must render (from
// the inlined library: no network), every static image must be there, no
// script may report an error, and a screenshot is kept as an artefact.
func TestBrowserGallery(t *testing.T) {
	bin := chromium(t)
	lib, err := echarts.Load()
	if err != nil {
		t.Skipf("browser test skipped: %v", err)
	}
	dir := t.TempDir()
	page, n := galleryPage(t, dir, echarts.NewSession(lib, nil))
	html, _ := os.ReadFile(page)
	if c := strings.Count(string(html), "inlined by ddt-toolkit"); c != 1 {
		t.Errorf("echarts inlined %d times, want once", c)
	}
	if strings.Contains(string(html), "<script src=") {
		t.Errorf("page loads a script from elsewhere although the local library exists")
	}
	dom, stderr := runChromium(t, bin, page, "--dump-dom")
	instances := len(regexp.MustCompile(`_echarts_instance_="`).FindAllString(dom, -1))
	canvases := strings.Count(dom, "<canvas")
	images := strings.Count(dom, `<img class="static"`)
	fallbacks := strings.Count(dom, `<img class="ddt-echarts-fallback"`)
	t.Logf("echarts instances %d, canvases %d, static images %d, leftover fallback images %d", instances, canvases, images, fallbacks)
	if instances != n {
		t.Errorf("rendered %d echarts instances, want %d", instances, n)
	}
	if canvases < n {
		t.Errorf("%d canvases, want at least %d", canvases, n)
	}
	if images != n {
		t.Errorf("%d static images, want %d", images, n)
	}
	if fallbacks != 0 {
		t.Errorf("%d charts still show their fallback image", fallbacks)
	}
	if m := regexp.MustCompile(`(?s)<pre id="ddt-errors">(.*?)</pre>`).FindStringSubmatch(dom); m == nil || strings.TrimSpace(m[1]) != "" {
		if m == nil {
			t.Errorf("error collector missing from the DOM")
		} else {
			t.Errorf("page errors:\n%s", m[1])
		}
	}
	if errs := consoleErrors(stderr); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	shot := filepath.Join(artifactDir(t), "browser-gallery.png")
	runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1100,7000", "--hide-scrollbars")
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("screenshot %s missing or tiny: %v", shot, err)
	} else {
		t.Logf("screenshot: %s", shot)
	}
}

// TestBrowserFallback: without the local library, and offline, a chart
// says so and keeps its static image; it is never a blank area.
func TestBrowserFallback(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	f := New("fallback", "x", "y").Add(Line{Name: "line", X: []float64{0, 1, 2}, Y: []float64{1, 0, 1}})
	frag, err := ChartHTML(f, echarts.NewSession(nil, fmt.Errorf("test: no local copy")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(frag, "unavailable") || !strings.Contains(frag, echarts.OnlineHost) {
		t.Errorf("fragment lacks the visible note about the online host")
	}
	page := filepath.Join(dir, "fallback.html")
	if err := os.WriteFile(page, []byte(echarts.Page("fallback", frag)), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, _ := runChromium(t, bin, page, "--dump-dom")
	if !strings.Contains(dom, `<img class="ddt-echarts-fallback"`) {
		t.Errorf("offline fallback lost the static image")
	}
	if !strings.Contains(dom, "could not load echarts") {
		t.Errorf("offline fallback does not say that echarts failed to load")
	}
	if strings.Contains(dom, `_echarts_instance_="`) {
		t.Errorf("an echarts instance rendered although the library is unreachable")
	}
}

// TestBrowserNotebookReport opens the HTML export of the executed gallery
// notebook (testdata/gallery.ipynb, which shows every chart type) named by
// $DDT_GALLERY_HTML, e.g. after
//
//	go run ./cmd/nbrun run -out reports plotting/testdata/gallery.ipynb
//
// with the network off, and checks that every interactive chart rendered,
// every static image is there and no script reported an error. A
// screenshot is kept as an artefact.
func TestBrowserNotebookReport(t *testing.T) {
	report := os.Getenv("DDT_GALLERY_HTML")
	if report == "" {
		t.Skip("notebook browser test skipped: set DDT_GALLERY_HTML to the exported HTML of plotting/testdata/gallery.ipynb")
	}
	bin := chromium(t)
	src, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	page := string(src)
	// A copy with the error collector first in <head>.
	if i := strings.Index(page, "<head>"); i >= 0 {
		page = page[:i+6] + errorCollector + page[i+6:]
	} else {
		page = errorCollector + page
	}
	page = strings.Replace(page, "</body>", `<pre id="ddt-errors"></pre></body>`, 1)
	copyPath := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(copyPath, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(string(src), "inlined by ddt-toolkit"); c != 1 {
		t.Errorf("echarts inlined %d times in the report, want once", c)
	}
	dom, stderr := runChromium(t, bin, copyPath, "--dump-dom")
	const charts = 7 // Gallery
	instances := len(regexp.MustCompile(`_echarts_instance_="`).FindAllString(dom, -1))
	pngs := len(regexp.MustCompile(`<img[^>]+src="data:image/png`).FindAllString(dom, -1))
	svgs := strings.Count(dom, "<svg")
	t.Logf("echarts instances %d, PNG images %d, SVG %d", instances, pngs, svgs)
	if instances != charts {
		t.Errorf("rendered %d echarts instances, want %d", instances, charts)
	}
	if pngs < charts {
		t.Errorf("%d PNG images, want at least %d", pngs, charts)
	}
	if svgs < 1 {
		t.Errorf("the SVG output is missing")
	}
	if m := regexp.MustCompile(`(?s)<pre id="ddt-errors">(.*?)</pre>`).FindStringSubmatch(dom); m != nil && strings.TrimSpace(m[1]) != "" {
		t.Errorf("page errors:\n%s", m[1])
	}
	if errs := consoleErrors(stderr); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	shot := filepath.Join(artifactDir(t), "browser-notebook.png")
	runChromium(t, bin, copyPath, "--screenshot="+shot, "--window-size=1100,9000", "--hide-scrollbars")
	t.Logf("screenshot: %s", shot)
}
