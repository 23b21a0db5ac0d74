package outbox

import (
	"context"
	"errors"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// storeTimeout bounds recording a result; it runs even during shutdown,
// so it gets its own deadline rather than the send's context.
const storeTimeout = 10 * time.Second

// deliver sends one claimed event and records what happened.
func (o *Outbox) deliver(ctx context.Context, e *store.Event) {
	start := o.opts.Now()
	o.metrics.attempts.WithLabelValues(e.Type).Inc()
	res := o.opts.Sender.Send(ctx, e)
	o.metrics.sendSeconds.WithLabelValues(e.Type).Observe(o.opts.Now().Sub(start).Seconds())
	if ctx.Err() != nil && res.Outcome != Delivered {
		// Shutdown cut the send short: not Partnero's verdict. Back to the
		// queue, due now, so the next instance sends it at once.
		res = Result{Outcome: Retry, Reason: "interrupted by shutdown"}
		o.record(e, res, o.opts.Now())
		return
	}
	if res.Outcome == Retry && !res.RateLimited {
		res.RetryAfter = 0
	}
	next := o.opts.Now()
	if res.Outcome == Retry {
		next = next.Add(o.backoff(e.Attempts, res.RetryAfter))
	}
	o.record(e, res, next)
}

// record writes res for e; at is the delivery time or the next attempt.
func (o *Outbox) record(e *store.Event, res Result, at time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	var err error
	outcome := ""
	switch res.Outcome {
	case Delivered:
		outcome = "delivered"
		err = o.opts.Store.MarkDelivered(ctx, e.ID, o.opts.Owner, at)
		if err == nil {
			o.metrics.latency.WithLabelValues(e.Type).Observe(at.Sub(e.CreatedAt).Seconds())
		}
	case Failed:
		outcome = "failed"
		err = o.opts.Store.MarkFailed(ctx, e.ID, o.opts.Owner, o.opts.Now(), res.Reason)
		o.log.Warn("outbox: event failed", "event", e.ID, "type", e.Type, "program", e.Program, "attempts", e.Attempts, "reason", res.Reason)
	default:
		outcome = "retry"
		if res.RateLimited {
			outcome = "rate_limited"
		}
		err = o.opts.Store.Reschedule(ctx, e.ID, o.opts.Owner, at, res.Reason)
		o.log.Info("outbox: event rescheduled", "event", e.ID, "type", e.Type, "program", e.Program, "attempts", e.Attempts, "next", at, "reason", res.Reason)
	}
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		outcome = "lease_lost"
		o.log.Warn("outbox: lease lost before the result was recorded", "event", e.ID)
	case err != nil:
		outcome = "store_error"
		// The lease will expire and the event will be sent again; Partnero
		// reports the repeat as a duplicate, which counts as delivered.
		o.log.Error("outbox: record result", "event", e.ID, "error", err)
	}
	o.metrics.outcomes.WithLabelValues(e.Type, outcome).Inc()
}

// backoff is the wait before attempt n+1: exponential from BaseDelay,
// capped at MaxDelay, with jitter over its upper half so instances that
// failed together do not retry together. A Retry-After from Partnero is a
// floor: we never come back sooner than asked.
func (o *Outbox) backoff(attempts int, retryAfter time.Duration) time.Duration {
	d := o.opts.BaseDelay
	for i := 1; i < attempts && d < o.opts.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, o.opts.MaxDelay)
	d = d/2 + time.Duration(o.opts.Jitter()*float64(d/2))
	if retryAfter > 0 {
		d = retryAfter + time.Duration(o.opts.Jitter()*float64(min(retryAfter/10, time.Second)))
	}
	return d
}
