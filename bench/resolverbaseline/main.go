// Command resolverbaseline is the yardstick for bench/resolver.sh: the
// least a Go server can do to resolve a referral link, a bare net/http
// handler that reads ref and answers 302 to the fallback URL with it.
// deeplinkd's redirect and page throughput are reported as ratios of
// this one's.
//
//	resolverbaseline -fallback https://example.com/signup [-listen 127.0.0.1:0]
//
// It logs one JSON line, {"msg":"listening","public":"HOST:PORT",...}, to
// stderr once it accepts connections, the way deeplinkd does.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/deeplinkd/deeplinkd/bench/internal/bareserve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "resolverbaseline:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("resolverbaseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	fallback := fs.String("fallback", "", "the absolute URL visitors are sent to, the key added as ref")
	if err := fs.Parse(args); err != nil {
		return err
	}
	h, err := newHandler(*fallback)
	if err != nil {
		return err
	}
	return bareserve.Serve(ctx, *listen, h, stderr)
}

// newHandler answers every request with 302 to fallback, carrying the
// request's ref parameter (if any) as ref.
func newHandler(fallback string) (http.Handler, error) {
	u, err := url.Parse(fallback)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("-fallback %q: want an absolute URL", fallback)
	}
	base := u.String()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loc := base
		if ref := r.URL.Query().Get("ref"); ref != "" {
			loc += "?ref=" + url.QueryEscape(ref)
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
	}), nil
}
