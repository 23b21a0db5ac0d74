// Package bareserve runs the benchmarks' yardstick servers: a plain
// net/http server with no more than a header timeout, announced with the
// same "listening" JSON line deeplinkd logs, so the bench scripts start
// and find both the same way.
package bareserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Serve answers with h on listen until ctx is done.
func Serve(ctx context.Context, listen string, h http.Handler, stderr io.Writer) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", listen, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	slog.New(slog.NewJSONHandler(stderr, nil)).Info("listening", "public", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
