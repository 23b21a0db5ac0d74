// Package outbox delivers stored events: it claims due events from the
// store with an expiring lease, hands each to a Sender, and records the
// result: delivered, rescheduled with exponential backoff and jitter
// (honouring Retry-After), or failed for good. A timer wakes it at the next
// due event and Notify wakes it at once, so it never polls busily.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Store is what the outbox needs of internal/store.
type Store interface {
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*store.Event, error)
	MarkDelivered(ctx context.Context, id, owner string, now time.Time) error
	Reschedule(ctx context.Context, id, owner string, next time.Time, lastErr string) error
	MarkFailed(ctx context.Context, id, owner string, now time.Time, reason string) error
	NextDue(ctx context.Context) (time.Time, bool, error)
	QueueStats(ctx context.Context, now time.Time) (store.Stats, error)
}

// Outcome is what became of one delivery attempt.
type Outcome int

// Outcomes a Sender reports.
const (
	// Delivered: Partnero has it (or already had it).
	Delivered Outcome = iota + 1
	// Retry: a passing failure; try again after a backoff, or after
	// RetryAfter when Partnero named a wait.
	Retry
	// Failed: Partnero rejected it for good; Reason says why.
	Failed
)

// Result is a Sender's verdict on one attempt.
type Result struct {
	Outcome Outcome
	// Reason is kept as the event's last error (never a secret).
	Reason string
	// RetryAfter is Partnero's requested wait (429), 0 when none.
	RetryAfter time.Duration
	// RateLimited marks a Retry caused by a 429, for the metrics.
	RateLimited bool
}

// Sender delivers one event. It must honour ctx: on shutdown ctx is
// cancelled and the event goes back to the queue.
type Sender interface {
	Send(ctx context.Context, e *store.Event) Result
}

// Options configure an Outbox.
type Options struct {
	Store  Store
	Sender Sender
	// Owner names this instance in leases; each worker slot appends its
	// number. It must differ between instances sharing a database.
	Owner string
	// Workers is how many events are sent at once. Default 4.
	Workers int
	// Lease is how long a claim holds an event; it must outlast a send.
	// Default 2m.
	Lease time.Duration
	// BaseDelay and MaxDelay bound the exponential backoff. Defaults 2s, 1h.
	BaseDelay, MaxDelay time.Duration
	// MaxIdle is the longest the outbox sleeps with nothing due, so events
	// queued by another instance that died are found. Default 1m.
	MaxIdle time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Jitter returns a random float in [0,1). Default math/rand/v2.
	Jitter func() float64
	Logger *slog.Logger
	// Registerer takes the outbox's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Outbox runs the delivery loop.
type Outbox struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics

	notify chan struct{}
	done   chan struct{} // a worker slot came free

	mu      sync.Mutex
	stop    context.CancelFunc // stops claiming
	abort   context.CancelFunc // cancels sends in flight
	loopEnd chan struct{}
	sends   sync.WaitGroup
}

// New returns an outbox; Start runs it.
func New(opts Options) (*Outbox, error) {
	if opts.Store == nil || opts.Sender == nil {
		return nil, errors.New("outbox: Store and Sender are required")
	}
	if opts.Owner == "" {
		return nil, errors.New("outbox: Owner is required")
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = 2 * time.Second
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = time.Hour
	}
	if opts.MaxIdle <= 0 {
		opts.MaxIdle = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(opts.Registerer, opts.Store, opts.Now)
	if err != nil {
		return nil, err
	}
	return &Outbox{
		opts:    opts,
		log:     opts.Logger,
		metrics: m,
		notify:  make(chan struct{}, 1),
		done:    make(chan struct{}, opts.Workers),
	}, nil
}

// Notify wakes the loop because an event was just stored. It never blocks.
func (o *Outbox) Notify() {
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

// Start runs the loop until Stop. Calling it twice is a no-op.
func (o *Outbox) Start(ctx context.Context) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.loopEnd != nil {
		return
	}
	loopCtx, stop := context.WithCancel(ctx)
	// Sends outlive the claim loop on purpose: Stop lets them finish.
	sendCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	o.stop, o.abort = stop, abort
	o.loopEnd = make(chan struct{})
	go func() {
		defer close(o.loopEnd)
		o.loop(loopCtx, sendCtx)
	}()
}

// Stop stops claiming and waits for sends in flight. When ctx ends first,
// the sends are cancelled; their events return to the queue, due at once.
func (o *Outbox) Stop(ctx context.Context) error {
	o.mu.Lock()
	stop, abort, loopEnd := o.stop, o.abort, o.loopEnd
	o.mu.Unlock()
	if loopEnd == nil {
		return nil
	}
	stop()
	<-loopEnd
	finished := make(chan struct{})
	go func() { o.sends.Wait(); close(finished) }()
	select {
	case <-finished:
		abort()
		return nil
	case <-ctx.Done():
		abort()
		<-finished // cancelled sends return quickly and record their result
		return fmt.Errorf("outbox: stop: %w", ctx.Err())
	}
}

func (o *Outbox) loop(ctx context.Context, sendCtx context.Context) {
	slots := make(chan struct{}, o.opts.Workers)
	for range o.opts.Workers {
		slots <- struct{}{}
	}
	var storeErrs int
	for {
		free := len(slots)
		if free > 0 {
			events, err := o.opts.Store.Claim(ctx, o.opts.Owner, o.opts.Now(), o.opts.Lease, free)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				storeErrs++
				o.log.Error("outbox: claim failed", "error", err)
				if !o.wait(ctx, o.backoff(storeErrs, 0)) {
					return
				}
				continue
			}
			storeErrs = 0
			for _, e := range events {
				<-slots
				o.sends.Add(1)
				go func() {
					defer func() {
						slots <- struct{}{}
						o.sends.Done()
						select {
						case o.done <- struct{}{}:
						default:
						}
					}()
					o.deliver(sendCtx, e)
				}()
			}
			if len(events) == free {
				// Every slot was filled: there may be more due. Wait for a
				// slot rather than asking the store for its next due time.
				if !o.waitSlot(ctx) {
					return
				}
				continue
			}
		}
		d := o.opts.MaxIdle
		if free == 0 {
			if !o.waitSlot(ctx) {
				return
			}
			continue
		}
		due, ok, err := o.opts.Store.NextDue(ctx)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			o.log.Error("outbox: next due failed", "error", err)
		case ok:
			// A due time in the past means the event is held back or was
			// taken by another instance a moment ago; a short pause keeps
			// the loop from spinning on it.
			d = max(min(due.Sub(o.opts.Now()), o.opts.MaxIdle), 50*time.Millisecond)
		}
		if !o.wait(ctx, d) {
			return
		}
	}
}

// wait sleeps up to d, waking early on Notify or a freed slot. It reports
// false when ctx ended.
func (o *Outbox) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-o.notify:
	case <-o.done:
	case <-t.C:
	}
	return true
}

// waitSlot waits until a send finishes.
func (o *Outbox) waitSlot(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-o.done:
		return true
	}
}
