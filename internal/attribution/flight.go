package attribution

import (
	"context"
	"sync"
)

// flight collapses concurrent calls for the same key into one, so a burst
// of app launches asking for one customer's stats makes one Partnero call.
// (golang.org/x/sync/singleflight would do, but it is not a direct
// dependency of the module.)
type flight[T any] struct {
	mu    sync.Mutex
	calls map[string]*flightCall[T]
	// joined, when set, is called as each caller attaches to a call: a test
	// hook that lets a test know every caller is waiting without sleeping.
	joined func(key string)
}

type flightCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// do returns the result of fn for key, running fn once for every caller
// that arrives while it runs. fn runs without the caller's cancellation,
// so one caller giving up does not fail the others (the Partnero client's
// timeout still bounds it); each caller still returns when its own ctx
// ends.
func (g *flight[T]) do(ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*flightCall[T])
	}
	c, ok := g.calls[key]
	if !ok {
		c = &flightCall[T]{done: make(chan struct{})}
		g.calls[key] = c
		detached := context.WithoutCancel(ctx)
		go func() {
			c.val, c.err = fn(detached)
			g.mu.Lock()
			delete(g.calls, key)
			g.mu.Unlock()
			close(c.done)
		}()
	}
	joined := g.joined
	g.mu.Unlock()
	if joined != nil {
		joined(key)
	}
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
