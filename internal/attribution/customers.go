package attribution

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/patrickmn/go-cache"
)

// Reader defaults.
const (
	DefaultTTL         = 30 * time.Second
	DefaultStaleFor    = 10 * time.Minute
	DefaultNotFoundTTL = 5 * time.Second
)

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	// TTL is how long an answer is served without asking Partnero again.
	// Default DefaultTTL.
	TTL time.Duration
	// StaleFor is how old an answer may be and still be served while
	// Partnero is failing (stale-while-error). Default DefaultStaleFor; never
	// less than TTL.
	StaleFor time.Duration
	// NotFoundTTL is how long an unknown customer is remembered. It is
	// short because a sign-up queued a moment ago makes the customer known.
	// Default DefaultNotFoundTTL.
	NotFoundTTL time.Duration
	// Now is the clock that ages answers. Default time.Now.
	Now func() time.Time
}

// Reader reads customers' referral data (stats, balance, referrals) from
// Partnero for in-app screens, through a cache: fresh answers for TTL,
// unknown customers for NotFoundTTL, stale answers while Partnero fails,
// and one upstream call for concurrent misses of the same data.
type Reader struct {
	client      *partnero.Client
	programs    func(name string) (Program, bool)
	ttl         time.Duration
	staleFor    time.Duration
	notFoundTTL time.Duration
	now         func() time.Time
	// cache holds entries keyed by program, kind and customer. Its own
	// expiry (wall clock, StaleFor) only bounds memory; freshness is judged
	// by fetched against Now.
	cache   *cache.Cache
	flights flight[entry]
}

// entry is one cached answer.
type entry struct {
	data     json.RawMessage
	notFound bool
	fetched  time.Time
}

// NewReader returns a Reader calling Partnero through client with the API
// key of the program named in each call.
func NewReader(client *partnero.Client, programs func(name string) (Program, bool), opts ReaderOptions) *Reader {
	r := &Reader{client: client, programs: programs, ttl: opts.TTL, staleFor: opts.StaleFor,
		notFoundTTL: opts.NotFoundTTL, now: opts.Now}
	if r.ttl <= 0 {
		r.ttl = DefaultTTL
	}
	if r.staleFor <= 0 {
		r.staleFor = DefaultStaleFor
	}
	r.staleFor = max(r.staleFor, r.ttl)
	if r.notFoundTTL <= 0 {
		r.notFoundTTL = DefaultNotFoundTTL
	}
	if r.now == nil {
		r.now = time.Now
	}
	r.cache = cache.New(r.staleFor, r.staleFor)
	return r
}

// Stats returns Partnero's GET /customers/{key}/stats data for the
// program's customer: referral link, clicks, sign-ups, share links.
func (r *Reader) Stats(ctx context.Context, program, customerKey string) (json.RawMessage, error) {
	return r.read(ctx, program, "stats", customerKey, r.client.CustomerStats)
}

// Balance returns the customer's balance data (an object, or a list per
// currency), as Partnero sent it.
func (r *Reader) Balance(ctx context.Context, program, customerKey string) (json.RawMessage, error) {
	return r.read(ctx, program, "balance", customerKey, r.client.CustomerBalance)
}

// Referrals returns the customers the customer referred.
func (r *Reader) Referrals(ctx context.Context, program, customerKey string) (json.RawMessage, error) {
	return r.read(ctx, program, "referrals", customerKey, r.client.CustomerReferrals)
}

type fetchFunc func(ctx context.Context, apiKey, customerKey string) (json.RawMessage, error)

// read serves one kind of data read-through the cache.
func (r *Reader) read(ctx context.Context, program, kind, customerKey string, fetch fetchFunc) (json.RawMessage, error) {
	if checkKey("key", customerKey) != nil {
		// No customer can have that key, so Partnero need not be asked.
		return nil, errCustomerNotFound()
	}
	prog, ok := r.programs(program)
	apiKey := prog.key()
	if !ok || apiKey == "" {
		return nil, apperr.New(apperr.UpstreamUnavailable, "Partnero API key not configured")
	}
	ck := program + "\x00" + kind + "\x00" + customerKey
	if e, ok := r.lookup(ck); ok && r.fresh(e, r.now()) {
		return e.answer()
	}
	e, err := r.flights.do(ctx, ck, func(ctx context.Context) (entry, error) {
		data, err := fetch(ctx, apiKey, customerKey)
		switch {
		case err == nil:
			e := entry{data: data, fetched: r.now()}
			r.cache.Set(ck, e, r.staleFor)
			return e, nil
		case partnero.KindOf(err) == partnero.NotFound:
			e := entry{notFound: true, fetched: r.now()}
			r.cache.Set(ck, e, r.notFoundTTL)
			return e, nil
		}
		return entry{}, err
	})
	if err == nil {
		return e.answer()
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("read customer %s of %s: %w", kind, program, ctx.Err())
	}
	if old, ok := r.lookup(ck); ok && !old.notFound && r.now().Sub(old.fetched) < r.staleFor {
		// Partnero is failing: an answer a few minutes old beats an error
		// on a referral screen.
		return old.answer()
	}
	return nil, upstreamError(err)
}

// lookup returns the cached entry for ck.
func (r *Reader) lookup(ck string) (entry, bool) {
	v, ok := r.cache.Get(ck)
	if !ok {
		return entry{}, false
	}
	e, ok := v.(entry)
	return e, ok
}

// fresh reports whether e may be served at now without asking Partnero.
func (r *Reader) fresh(e entry, now time.Time) bool {
	ttl := r.ttl
	if e.notFound {
		ttl = r.notFoundTTL
	}
	return now.Sub(e.fetched) < ttl
}

// answer returns a copy of the entry's data, or not_found.
func (e entry) answer() (json.RawMessage, error) {
	if e.notFound {
		return nil, errCustomerNotFound()
	}
	return append(json.RawMessage(nil), e.data...), nil
}

func errCustomerNotFound() error {
	return apperr.New(apperr.NotFound, "customer not found")
}

// upstreamError maps a failed read to UpstreamUnavailable while Partnero
// is down or throttling (with its Retry-After), and to BadGateway when it
// answered something we cannot use.
func upstreamError(err error) error {
	e := &apperr.Error{Code: apperr.UpstreamUnavailable, Message: "Partnero is unavailable; try again later", Err: err}
	switch partnero.KindOf(err) {
	case partnero.RateLimited:
		e.Message = "Partnero is rate limiting requests; try again later"
		e.RetryAfter = partnero.RetryAfterOf(err)
	case partnero.Permanent, partnero.Duplicate:
		e.Code = apperr.BadGateway
		e.Message = "Partnero rejected the request"
	}
	return e
}
