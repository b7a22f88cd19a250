package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"time"
)

// Index is the content of reports/index.html and reports/index.json.
type Index struct {
	Generated time.Time `json:"generated"`
	Command   string    `json:"command"`
	Results   []*Result `json:"results"`
}

// Counts returns how many notebooks have each status.
func (ix *Index) Counts() map[string]int {
	c := map[string]int{}
	for _, r := range ix.Results {
		c[r.Status]++
	}
	return c
}

var indexTemplate = template.Must(template.New("index").Funcs(template.FuncMap{
	"dur": fmtDuration,
	"counts": func(ix *Index) string {
		c := ix.Counts()
		return fmt.Sprintf("%d passed, %d failed, %d invalid, %d skipped", c[StatusPassed], c[StatusFailed], c[StatusInvalid], c[StatusSkipped])
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Density Diffusion Toolkit: notebook reports</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; padding: 0 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f4f4f4; }
.status { font-weight: bold; text-transform: uppercase; font-size: .85em; }
.passed { color: #1a7f37; } .failed, .invalid { color: #cf222e; } .skipped { color: #9a6700; }
pre { margin: .3em 0 0; white-space: pre-wrap; font-size: .85em; background: #fafafa; padding: .4em; }
code { font-size: .9em; } .small { color: #666; font-size: .85em; }
</style>
</head>
<body>
<h1>Notebook reports</h1>
<p class="small">Generated {{.Generated.Format "2006-01-02 15:04:05 MST"}} by <code>{{.Command}}</code>: {{counts .}}.
Each notebook was executed headless with the GoNB kernel; run times include kernel start and compilation.</p>
<table>
<tr><th>Notebook</th><th>Status</th><th>Run time</th><th>Limits</th><th>Details</th></tr>
{{range .Results}}<tr id="{{.Path}}">
<td>{{if .HTML}}<a href="{{.HTML}}">{{or .Title .Path}}</a>{{else}}{{or .Title .Path}}{{end}}<br><span class="small">{{.Path}}</span></td>
<td class="status {{.Status}}">{{.Status}}</td>
<td>{{if .Duration}}{{dur .Duration}}{{else}}–{{end}}{{if .SlowestCell}}<br><span class="small">slowest: cell {{.SlowestCell}}, {{dur .SlowestTime}}</span>{{end}}</td>
<td class="small">cell timeout {{dur .CellTimeout}}<br>budget {{dur .Budget}}</td>
<td>{{if .Reason}}{{.Reason}}{{end}}{{if .Fetch}}<br>Fetch the data with <code>{{.Fetch}}</code>{{end}}
{{range .Failures}}<pre>{{.}}</pre>{{end}}
{{if .Executed}}<span class="small"><a href="{{.Executed}}">executed notebook</a></span>{{end}}
{{if .Log}}<span class="small"> · <a href="{{.Log}}">log</a></span>{{end}}</td>
</tr>
{{end}}</table>
</body>
</html>
`))

// RenderIndex returns the HTML of the index.
func RenderIndex(ix *Index) ([]byte, error) {
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, ix); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteIndex writes index.html and index.json into dir.
func WriteIndex(dir string, ix *Index) error {
	h, err := RenderIndex(ix)
	if err != nil {
		return err
	}
	j, err := json.MarshalIndent(ix, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), h, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.json"), append(j, '\n'), 0o644)
}

func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}
