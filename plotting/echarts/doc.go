// Package echarts provides the offline copy of the echarts JavaScript
// library (Apache-2.0) that package plotting inlines into notebooks and
// HTML reports, and the HTML fragments that draw an echarts option.
//
// The library is never committed: `go run ./cmd/fetch-echarts` obtains the
// pinned release (Version) with `npm pack`, verifies the tarball against
// the npm integrity hash (Integrity) and the extracted echarts.min.js
// against JSSHA256, and writes it atomically into the user cache
// (DefaultPath). DDT_ECHARTS_JS overrides the path that Load reads.
//
// A Session inlines the library once per document, wrapped so that
// require.js (classic Jupyter) does not capture it as an AMD module, and
// falls back to go-echarts' online asset host, with a visible note, when
// the local copy is missing.
package echarts
