package attribution

import (
	"context"

	"golang.org/x/sync/singleflight"
)

// flight collapses concurrent calls for the same key into one, so a burst
// of app launches asking for one customer's stats makes one Partnero call.
// It is singleflight with a context: the shared call must not die with
// the caller that happened to start it.
type flight[T any] struct {
	g singleflight.Group
}

// do returns the result of fn for key, running fn once for every caller
// that arrives while it runs. fn runs without the caller's cancellation,
// so one caller giving up does not fail the others (the Partnero client's
// timeout still bounds it); each caller still returns when its own ctx
// ends.
func (f *flight[T]) do(ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	detached := context.WithoutCancel(ctx)
	ch := f.g.DoChan(key, func() (any, error) { return fn(detached) })
	select {
	case r := <-ch:
		// fn's T comes back boxed; a nil interface T comes back as nil.
		v, _ := r.Val.(T)
		return v, r.Err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
