package plotting

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reportProbe is appended to the end of a report's <body>: once MathJax has
// finished typesetting (or at once when the page has no MathJax) it writes
// what rendered into <pre id="ddt-report-stats"> as JSON, which
// --dump-dom returns. MathJax errors are collected from its message hooks
// and from the error elements it leaves in the page.
const reportProbe = `<pre id="ddt-report-stats"></pre>
<script>
(function(){
var done=false, mjErr=[];
function finish(mathjaxDone){
  if(done){return;} done=true;
  var s={mathjaxDone:mathjaxDone, mathjax:!!(window.MathJax&&window.MathJax.Hub)};
  var c=document.querySelectorAll('div.ddt-echarts'); s.containers=c.length; s.blank=[];
  for(var i=0;i<c.length;i++){ if(!c[i].getAttribute('_echarts_instance_')){ s.blank.push(c[i].id); } }
  s.instances=document.querySelectorAll('[_echarts_instance_]').length;
  s.canvases=document.querySelectorAll('div.ddt-echarts canvas').length;
  s.images=document.images.length; s.broken=[];
  for(var j=0;j<document.images.length;j++){ var im=document.images[j];
    if(!(im.complete&&im.naturalWidth>0)){ s.broken.push((im.alt||'image')+' '+String(im.currentSrc||im.src).slice(0,80)); } }
  s.math=document.querySelectorAll('.MathJax_CHTML, .mjx-chtml, .MathJax, .MathJax_Display').length;
  var bad=document.querySelectorAll('.MathJax_Error, .mjx-merror, merror');
  for(var k=0;k<bad.length;k++){ mjErr.push('error element: '+String(bad[k].textContent).slice(0,120)); }
  if(document.body && document.body.innerText.indexOf('Math Processing Error')>=0){ mjErr.push('"Math Processing Error" in the page'); }
  s.mathjaxErrors=mjErr; s.height=document.documentElement.scrollHeight;
  s.fallbackNotes=document.querySelectorAll('.ddt-echarts-note').length;
  document.getElementById('ddt-report-stats').textContent=JSON.stringify(s);
}
var H=window.MathJax&&window.MathJax.Hub;
if(H&&H.Register){
  ['Math Processing Error','TeX Jax - parse error','file load error'].forEach(function(m){
    H.Register.MessageHook(m,function(a){ mjErr.push(String(a.join?a.join(' '):a).slice(0,200)); }); });
  H.Register.StartupHook('End',function(){ H.Queue(function(){ finish(true); }); });
  setTimeout(function(){ finish(false); }, 7000);
} else {
  window.addEventListener('load',function(){ setTimeout(function(){ finish(false); }, 500); });
}
})();
</script>`

// noProgressive goes first into a report's <head>: it wraps echarts.init so
// that every series is drawn in one pass (progressive: 0). echarts draws
// series above its progressiveThreshold (3000 points, e.g. a QQ plot of
// 12000 draws) in time-sliced chunks, and under Chromium's
// --virtual-time-budget that never finishes: the browser hangs until killed
// (seen with 02-gradient-noise). A real browser is not affected; the
// charts' content is the same.
const noProgressive = `<script>(function(){var ec;Object.defineProperty(window,'echarts',{configurable:true,get:function(){return ec;},
set:function(v){ec=v&&new Proxy(v,{get:function(o,k){var f=o[k];if(k!=='init'||typeof f!=='function'){return f;}
return function(){var c=f.apply(o,arguments),so=c.setOption;c.setOption=function(opt){if(opt&&opt.series){[].concat(opt.series).forEach(function(s){if(s){s.progressive=0;}});}
return so.apply(c,arguments);};return c;};}});}});})();</script>`

// reportStats is what reportProbe measured in the browser.
type reportStats struct {
	MathjaxDone   bool     `json:"mathjaxDone"`
	Mathjax       bool     `json:"mathjax"`
	Containers    int      `json:"containers"`
	Blank         []string `json:"blank"`
	Instances     int      `json:"instances"`
	Canvases      int      `json:"canvases"`
	Images        int      `json:"images"`
	Broken        []string `json:"broken"`
	Math          int      `json:"math"`
	MathjaxErrors []string `json:"mathjaxErrors"`
	Height        int      `json:"height"`
	FallbackNotes int      `json:"fallbackNotes"`
}

// reportEntry is the part of nbrun's index.json this test reads.
type reportEntry struct {
	Path   string `json:"path"`
	Status string `json:"status"`
	HTML   string `json:"html"`
}

// instrumentReport returns a copy of a report page that resolves its
// relative links (mathjax/, images) against dir, with the error collector
// and noProgressive first in <head> and the probe at the end of <body>.
func instrumentReport(page, dir string) string {
	base := `<base href="` + (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String() + `">`
	head := base + errorCollector + noProgressive
	if i := strings.Index(page, "<head>"); i >= 0 {
		page = page[:i+6] + head + page[i+6:]
	} else {
		page = head + page
	}
	probe := `<pre id="ddt-errors"></pre>` + reportProbe
	if i := strings.LastIndex(page, "</body>"); i >= 0 {
		return page[:i] + probe + page[i:]
	}
	return page + probe
}

// TestBrowserReports opens every executed report of a report build in
// headless Chromium with the network off. $DDT_REPORTS_DIR names the folder
// that `make report` (nbrun run -out DIR) wrote; every notebook listed in
// its index.json with status "passed" is checked:
//
//   - every echarts container on the page was initialised (instances ==
//     containers, no container left without a chart), from the inlined
//     library and without the online-host fallback;
//   - every <img> loaded (naturalWidth > 0);
//   - no script error, console.error or browser CONSOLE error line;
//   - MathJax (the reports' local copy) loaded, finished typesetting and
//     reported no error, and typeset something when the page has LaTeX.
//
// A full-page screenshot of each report is kept under $DDT_TEST_ARTIFACTS
// (default: the temp dir's ddt-plotting-artifacts) as reports-NAME.png.
// `make test` runs it after executing the notebooks; `make report` runs it
// when chromium is installed.
func TestBrowserReports(t *testing.T) {
	dir := os.Getenv("DDT_REPORTS_DIR")
	if dir == "" {
		t.Skip("reports browser test skipped: set DDT_REPORTS_DIR to the folder written by make report (absolute, or relative to the repository root)")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // go test runs in plotting/
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatalf("no report index: %v (run make report first)", err)
	}
	var index struct {
		Results []reportEntry `json:"results"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatalf("%s/index.json: %v", dir, err)
	}
	bin := chromium(t)
	shots := artifactDir(t)
	checked := 0
	for _, e := range index.Results {
		if e.Status != "passed" {
			t.Logf("%s: %s, not opened", e.Path, e.Status)
			continue
		}
		if e.HTML == "" {
			t.Errorf("%s passed but the index names no HTML report", e.Path)
			continue
		}
		checked++
		name := strings.TrimSuffix(e.HTML, ".html")
		t.Run(name, func(t *testing.T) {
			checkReport(t, bin, filepath.Join(dir, filepath.FromSlash(e.HTML)), filepath.Join(shots, "reports-"+strings.ReplaceAll(name, "/", "-")+".png"))
		})
	}
	if checked == 0 {
		t.Errorf("%s/index.json lists no passed notebook", dir)
	}
}

// checkReport opens one report page and checks what rendered.
func checkReport(t *testing.T, bin, report, shot string) {
	src, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	page := string(src)
	if strings.Contains(page, `class="ddt-echarts"`) {
		if c := strings.Count(page, "inlined by ddt-toolkit"); c != 1 {
			t.Errorf("echarts inlined %d times, want once per report", c)
		}
	}
	tmp := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(tmp, []byte(instrumentReport(page, filepath.Dir(report))), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := runChromium(t, bin, tmp, "--dump-dom")
	m := regexp.MustCompile(`(?s)<pre id="ddt-report-stats">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil || strings.TrimSpace(m[1]) == "" {
		t.Fatalf("the probe did not report (page did not finish loading within the virtual-time budget)\n%s", tail(stderr, 1500))
	}
	var s reportStats
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &s); err != nil {
		t.Fatalf("probe output: %v\n%s", err, m[1])
	}
	t.Logf("%s: echarts %d/%d containers drawn (%d canvases), %d images (%d broken), %d MathJax elements, mathjax loaded %v, finished %v, height %d px",
		strings.TrimPrefix(t.Name(), "TestBrowserReports/"), s.Containers-len(s.Blank), s.Containers, s.Canvases, s.Images, len(s.Broken), s.Math, s.Mathjax, s.MathjaxDone, s.Height)
	if s.Instances != s.Containers || len(s.Blank) > 0 {
		t.Errorf("%d echarts instances for %d chart containers; not drawn: %v", s.Instances, s.Containers, s.Blank)
	}
	if s.Containers > 0 && s.Canvases < s.Containers {
		t.Errorf("%d canvases for %d charts", s.Canvases, s.Containers)
	}
	if s.FallbackNotes > 0 {
		t.Errorf("%d charts note that the local echarts was unavailable (run go run ./cmd/fetch-echarts before the report build)", s.FallbackNotes)
	}
	if len(s.Broken) > 0 {
		t.Errorf("%d of %d images did not load: %v", len(s.Broken), s.Images, s.Broken)
	}
	if s.Images+s.Containers == 0 && !strings.Contains(page, "<svg") {
		t.Errorf("the report shows no chart at all")
	}
	if strings.Contains(page, "MathJax.js") {
		switch {
		case !s.Mathjax:
			t.Errorf("MathJax did not load (reports/mathjax missing, or the CDN unreachable offline)")
		case !s.MathjaxDone:
			t.Errorf("MathJax did not finish typesetting within the budget")
		case len(s.MathjaxErrors) > 0:
			t.Errorf("MathJax errors:\n%s", strings.Join(s.MathjaxErrors, "\n"))
		case s.Math == 0 && hasLaTeX(page):
			t.Errorf("the page has LaTeX but MathJax typeset nothing")
		}
	}
	if m := regexp.MustCompile(`(?s)<pre id="ddt-errors">(.*?)</pre>`).FindStringSubmatch(dom); m != nil && strings.TrimSpace(m[1]) != "" {
		t.Errorf("page errors:\n%s", html.UnescapeString(m[1]))
	}
	if errs := consoleErrors(stderr); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	h := min(max(s.Height, 900), 16000)
	runChromium(t, bin, tmp, "--screenshot="+shot, fmt.Sprintf("--window-size=1100,%d", h), "--hide-scrollbars")
	if st, err := os.Stat(shot); err != nil || st.Size() < 5000 {
		t.Errorf("screenshot %s missing or tiny: %v", shot, err)
	} else {
		t.Logf("screenshot: %s", shot)
	}
}

// hasLaTeX reports whether a page holds display or inline LaTeX that
// MathJax should typeset.
func hasLaTeX(page string) bool {
	return strings.Contains(page, "$$") || regexp.MustCompile(`\$[^$\s][^$\n]*\\[a-zA-Z]+[^$\n]*\$`).MatchString(page)
}
