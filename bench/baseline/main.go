// Command baseline is the yardstick for bench/wellknown.sh: the least a Go
// server can do to answer an AASA request, a bare net/http handler writing
// the same bytes from memory. deeplinkd's throughput on the same request is
// reported as a ratio of this one's.
//
//	baseline -file aasa.json [-listen 127.0.0.1:0] [-header "Name: value"]...
//
// Each -header is sent as well: bench/wellknown.sh runs a second baseline
// with the headers deeplinkd sends (cache, ETag, security, request id), to
// tell the cost of that header set from the cost of deeplinkd itself.
//
// It logs one JSON line, {"msg":"listening","public":"HOST:PORT",...}, to
// stderr once it accepts connections, the way deeplinkd does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/deeplinkd/deeplinkd/bench/internal/bareserve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	file := fs.String("file", "", "file whose bytes are served as the AASA")
	extra := http.Header{}
	fs.Func("header", `a header to send too, as "Name: value" (repeatable)`, func(v string) error {
		name, value, ok := strings.Cut(v, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("header %q: want \"Name: value\"", v)
		}
		extra.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("-file is required")
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("read AASA: %w", err)
	}
	return bareserve.Serve(ctx, *listen, newHandler(body, extra), stderr)
}

// newHandler serves body as application/json at both AASA paths, with the
// extra headers, and 404 elsewhere. Content-Length is set so a large file
// is not chunked, which would make the yardstick slower than it needs to be.
func newHandler(body []byte, extra http.Header) http.Handler {
	length := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/apple-app-site-association", "/apple-app-site-association":
			for k, v := range extra {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", length)
			if r.Method != http.MethodHead {
				w.Write(body)
			}
		default:
			http.NotFound(w, r)
		}
	})
}
