// Package groupcommit coalesces concurrent requests into batches, so that a
// store pays one commit (one fsync, one round trip) for every request that
// was waiting instead of one per request. The backends decide what a batch
// means; this package only gathers the waiting requests, hands them to a
// flush function, and answers each caller with its own result.
package groupcommit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// ErrClosed is the error of a request made after Close.
var ErrClosed = errors.New("group commit closed")

// Call is one caller's request in a batch.
type Call[Req, Res any] struct {
	// Ctx is the caller's context. Flush checks it before acting on the
	// call, and sets Err to Ctx.Err() for a caller that has gone, so that
	// the caller's answer (ctx.Err()) stays true. Flush must not hand it
	// to a database: cancelling one caller must not abort the others'
	// batch.
	Ctx context.Context
	// Req is what the caller asked for.
	Req Req
	// Res and Err are the caller's result, set by Flush.
	Res Res
	Err error

	done chan struct{}
}

// Flush handles one batch: it must set Res or Err on every call, and may
// answer the calls only once what they report is true, e.g. after the
// commit. A failure of the batch as a whole is every call's Err.
type Flush[Req, Res any] func(batch []*Call[Req, Res])

// Group runs a Flush over the requests that wait together.
//
// Each of its workers takes the oldest waiting request and every other one
// already waiting, up to maxBatch, and flushes them; requests that arrive
// while a batch is being flushed wait for the next. There is no timer: a lone
// request is flushed at once, and batches grow exactly as much as the load
// makes requests wait anyway.
//
// A caller whose ctx ends while it waits gets ctx.Err() at once. Whether its
// request was carried out depends on how far its batch had got: Flush skips
// a call whose Ctx has ended, but a call it has already started may still
// commit. That is the position of an HTTP client whose request timed out: it
// cannot know, and must retry an idempotent request to find out.
type Group[Req, Res any] struct {
	flush    Flush[Req, Res]
	maxBatch int
	calls    chan *Call[Req, Res]

	// mu orders enqueue against Close: calls is closed only while no
	// enqueue is sending on it.
	mu      sync.RWMutex
	closed  bool
	workers sync.WaitGroup

	batches, flushed atomic.Int64
}

// Stats counts what a Group has flushed: Calls / Batches is the mean batch.
type Stats struct {
	// Batches is how many batches were flushed, Calls how many calls they
	// held in all.
	Batches, Calls int64
}

// New starts workers goroutines flushing batches of at most maxBatch calls
// (both at least 1). One worker serialises the batches, as SQLite's single
// writer needs; more let a server commit one batch while the next gathers.
func New[Req, Res any](workers, maxBatch int, flush Flush[Req, Res]) *Group[Req, Res] {
	workers, maxBatch = max(workers, 1), max(maxBatch, 1)
	g := &Group[Req, Res]{
		flush:    flush,
		maxBatch: maxBatch,
		calls:    make(chan *Call[Req, Res], maxBatch),
	}
	for range workers {
		g.workers.Go(g.loop)
	}
	return g
}

// Do adds req to the next batch and returns its result once the batch is
// flushed, ctx.Err() if ctx ends first, or ErrClosed after Close.
func (g *Group[Req, Res]) Do(ctx context.Context, req Req) (Res, error) {
	c := &Call[Req, Res]{Ctx: ctx, Req: req, done: make(chan struct{})}
	var zero Res
	if err := g.enqueue(c); err != nil {
		return zero, err
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		// A result that is already there is the truth; prefer it.
		select {
		case <-c.done:
		default:
			return zero, ctx.Err()
		}
	}
	return c.Res, c.Err
}

// Stats reports the batches flushed so far.
func (g *Group[Req, Res]) Stats() Stats {
	return Stats{Batches: g.batches.Load(), Calls: g.flushed.Load()}
}

func (g *Group[Req, Res]) enqueue(c *Call[Req, Res]) error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return ErrClosed
	}
	select {
	case g.calls <- c:
		return nil
	case <-c.Ctx.Done():
		return c.Ctx.Err()
	}
}

// Close flushes the requests already accepted, then stops the workers.
// Requests made afterwards fail with ErrClosed. Close is idempotent.
func (g *Group[Req, Res]) Close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.calls)
	}
	g.mu.Unlock()
	g.workers.Wait()
}

func (g *Group[Req, Res]) loop() {
	for first := range g.calls {
		batch := []*Call[Req, Res]{first}
	gather:
		for len(batch) < g.maxBatch {
			select {
			case c, ok := <-g.calls:
				if !ok {
					break gather
				}
				batch = append(batch, c)
			default:
				break gather
			}
		}
		g.flush(batch)
		// Counted before any caller is answered, so a caller sees its
		// own batch in Stats.
		g.batches.Add(1)
		g.flushed.Add(int64(len(batch)))
		for _, c := range batch {
			close(c.done)
		}
	}
}
