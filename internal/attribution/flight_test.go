package attribution

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestFlightCallerGivesUp shows that a caller whose context ends returns
// at once, while the call it started carries on for the others.
func TestFlightCallerGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g flight[string]
		var calls atomic.Int32
		release := make(chan struct{})
		fn := func(ctx context.Context) (string, error) {
			calls.Add(1)
			<-release
			if err := ctx.Err(); err != nil {
				return "", fmt.Errorf("call saw %w", err)
			}
			return "done", nil
		}

		ctx, cancel := context.WithCancel(t.Context())
		first := make(chan error, 1)
		go func() {
			_, err := g.do(ctx, "k", fn)
			first <- err
		}()
		synctest.Wait() // the first caller started the call, with its ctx
		second := make(chan string, 1)
		go func() {
			v, _ := g.do(t.Context(), "k", fn)
			second <- v
		}()
		synctest.Wait() // and the second waits on that same call
		cancel()
		if err := <-first; err != context.Canceled {
			t.Errorf("do with a cancelled context = %v; want %v", err, context.Canceled)
		}
		close(release)
		if v := <-second; v != "done" {
			t.Errorf("do for the caller that stayed = %q; want %q", v, "done")
		}
		if got := calls.Load(); got != 1 {
			t.Errorf("fn ran %d times for two overlapping callers; want 1", got)
		}
	})
}
