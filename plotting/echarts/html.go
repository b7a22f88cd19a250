package echarts

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Session writes the HTML fragments of one output document (a notebook or
// an HTML page): the library is inlined into the first fragment only, and
// every chart gets a unique element id.
//
// In GoNB every cell runs as a new process, so a Session created in a cell
// remembers what earlier cells inlined through a marker file in the
// kernel's temporary directory ($GONB_TMP_DIR), see NotebookSession.
// The inlined copy is guarded in the page (`if (!window.echarts)`), and a
// chart that finds no library (for instance after the cell that carried it
// was cleared) loads it from OnlineHost and says so, so a chart is never a
// blank area.
type Session struct {
	lib    *Library
	libErr error
	marker string // file whose existence means "inlined already"; "" for none
	done   bool   // inlined already (in-process)
	prefix string
	n      int
}

// NewSession returns a session for one standalone document. lib may be nil
// (with libErr saying why), which makes every chart use the online host.
func NewSession(lib *Library, libErr error) *Session {
	return &Session{lib: lib, libErr: libErr, prefix: randomID()}
}

// NotebookSession returns a session for the current GoNB kernel: the
// library is loaded with Load and inlined once per kernel session.
func NotebookSession() *Session {
	lib, err := Load()
	s := NewSession(lib, err)
	if dir := os.Getenv("GONB_TMP_DIR"); dir != "" {
		s.marker = filepath.Join(dir, ".ddt-echarts-"+Version+"-inlined")
	}
	return s
}

// LibraryError says why the local library is not used (nil when it is).
func (s *Session) LibraryError() error { return s.libErr }

func randomID() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "ddt"
	}
	return "ddt" + hex.EncodeToString(b[:])
}

func (s *Session) inlined() bool {
	if s.done {
		return true
	}
	if s.marker != "" {
		if _, err := os.Stat(s.marker); err == nil {
			return true
		}
	}
	return false
}

func (s *Session) markInlined() {
	s.done = true
	if s.marker != "" {
		_ = os.WriteFile(s.marker, []byte(Version+"\n"), 0o644)
	}
}

var funcMarker = regexp.MustCompile(`("__f__)|(__f__")|(__f__)`)

// MarshalOption writes an echarts option as a JavaScript object literal:
// JSON, with go-echarts' "__f__" marked strings turned into functions and
// "</" escaped so that the text is safe inside a <script> element.
func MarshalOption(opt any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(opt); err != nil {
		return "", fmt.Errorf("echarts: option: %w", err)
	}
	out := funcMarker.ReplaceAllString(strings.TrimSpace(b.String()), "")
	return strings.ReplaceAll(out, "</", `<\/`), nil
}

// LibraryScript returns the <script> element that defines window.echarts
// from the inlined source, once per page and shielded from require.js:
// define, exports and module are shadowed by undefined parameters, so the
// UMD wrapper assigns the global instead of registering an AMD module.
func LibraryScript(lib *Library) string {
	src := strings.ReplaceAll(string(lib.Source), "</script", `<\/script`)
	return "<script type=\"text/javascript\">/* echarts " + Version + " (Apache-2.0), inlined by ddt-toolkit */\n" +
		"if(!window.echarts){(function(define,exports,module){\n" + src +
		"\n}).call(window);}\n</script>\n"
}

// Fragment returns the HTML of one chart: the library (first chart of the
// session), a container, a static fallback image (shown until echarts
// draws; nil for none) and the script that draws the option.
// width and height are CSS lengths ("100%", "600px").
func (s *Session) Fragment(option any, width, height string, fallbackPNG []byte) (string, error) {
	js, err := MarshalOption(option)
	if err != nil {
		return "", err
	}
	s.n++
	id := fmt.Sprintf("%s-%d", s.prefix, s.n)
	var b strings.Builder
	if s.lib != nil && !s.inlined() {
		b.WriteString(LibraryScript(s.lib))
		s.markInlined()
	}
	if s.lib == nil {
		reason := "not fetched"
		if s.libErr != nil {
			reason = s.libErr.Error()
		}
		fmt.Fprintf(&b, "<div class=\"ddt-echarts-note\" style=\"font:12px sans-serif;color:#8a5a00;background:#fff6e0;padding:4px 8px;border-left:3px solid #e69f00\">"+
			"Interactive chart: local echarts %s unavailable (%s); loading it from %s. "+
			"Offline, the static image below stays. Run <code>go run ./cmd/fetch-echarts</code> to render offline.</div>\n",
			Version, html.EscapeString(reason), html.EscapeString(OnlineHost))
	}
	fmt.Fprintf(&b, "<div class=\"ddt-echarts\" id=\"%s\" style=\"width:%s;max-width:100%%;height:%s;position:relative\">", id, html.EscapeString(width), html.EscapeString(height))
	if fallbackPNG != nil {
		fmt.Fprintf(&b, "<img class=\"ddt-echarts-fallback\" alt=\"static chart\" style=\"max-width:100%%;max-height:100%%\" src=\"data:image/png;base64,%s\">", b64(fallbackPNG))
	}
	b.WriteString("</div>\n")
	fmt.Fprintf(&b, `<script type="text/javascript">
(function(){
var id=%q, option=%s;
function draw(){
  var el=document.getElementById(id); if(!el||el.getAttribute('data-drawn')){return;}
  el.setAttribute('data-drawn','1');
  var img=el.querySelector('img.ddt-echarts-fallback'); if(img){img.remove();}
  var chart=window.echarts.init(el,null,{renderer:'canvas'});
  chart.setOption(option);
  if(window.ResizeObserver){new ResizeObserver(function(){chart.resize();}).observe(el);}
}
function fail(msg){
  var el=document.getElementById(id); if(!el){return;}
  var n=document.createElement('div');
  n.style.cssText='font:12px sans-serif;color:#8a5a00';
  n.textContent=msg; el.parentNode.insertBefore(n,el);
  el.style.height='auto';
}
if(window.echarts){draw();return;}
var q=window.__ddtEchartsWait=window.__ddtEchartsWait||[];
q.push([draw,fail]);
if(window.__ddtEchartsLoading){return;}
window.__ddtEchartsLoading=true;
var note=document.createElement('div');
note.style.cssText='font:12px sans-serif;color:#8a5a00';
note.textContent='echarts is not on this page; loading it from %s';
var el0=document.getElementById(id); if(el0){el0.parentNode.insertBefore(note,el0);}
var d=window.define; window.define=undefined;
var sc=document.createElement('script'); sc.src=%q;
sc.onload=function(){window.define=d; var w=window.__ddtEchartsWait; window.__ddtEchartsWait=[]; w.forEach(function(f){f[0]();});};
sc.onerror=function(){window.define=d; var w=window.__ddtEchartsWait; window.__ddtEchartsWait=[]; w.forEach(function(f){f[1]('could not load echarts (offline?): showing the static image');});};
document.head.appendChild(sc);
})();
</script>
`, id, js, OnlineHost, OnlineHost+"echarts.min.js")
	return b.String(), nil
}

// Page wraps fragments into a standalone HTML document.
func Page(title string, body ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body style=\"font-family:sans-serif;margin:16px\">\n", html.EscapeString(title))
	for _, s := range body {
		b.WriteString(s)
		b.WriteString("\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
