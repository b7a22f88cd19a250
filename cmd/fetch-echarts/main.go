// Command fetch-echarts downloads the pinned echarts release through the npm
// registry (`npm pack`), verifies its integrity hash and stores
// echarts.min.js in the user cache, where package plotting inlines it into
// notebooks and HTML reports so that charts render offline.
//
// Usage:
//
//	go run ./cmd/fetch-echarts [-o path]
//
// The default destination is $DDT_ECHARTS_JS when set, else
// os.UserCacheDir()/ddt-toolkit/echarts/echarts-<version>.min.js.
// It is idempotent: a cached file with the right checksum is kept.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/densitydiffusion/toolkit/plotting/echarts"
)

func main() {
	out := flag.String("o", "", "destination file (default: $DDT_ECHARTS_JS, else the user cache path)")
	npm := flag.String("npm", "npm", "npm executable")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	p, err := echarts.Fetch(ctx, echarts.FetchOptions{Dest: *out, NPM: *npm, Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetch-echarts:", err)
		os.Exit(1)
	}
	fmt.Println(p)
}
