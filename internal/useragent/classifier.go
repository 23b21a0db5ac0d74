package useragent

import (
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
)

// Defaults for Options.
const (
	DefaultCacheSize = 10_000
	DefaultTTL       = time.Hour
	// MaxCachedLen is the longest UA that is cached. Longer ones are still
	// classified; real browsers stay far below it, so only junk is skipped.
	MaxCachedLen = 512
)

// Options configure a Classifier. The zero value is usable.
type Options struct {
	// CacheSize bounds the number of cached UAs (default DefaultCacheSize).
	// A negative value disables the cache.
	CacheSize int
	// TTL is how long a cached classification lives (default DefaultTTL).
	TTL time.Duration
	// Now is the clock (default time.Now). It paces the sweep of expired
	// entries; go-cache itself reads the system clock for expiry.
	Now func() time.Time
}

// Classifier classifies User-Agent strings, caching each distinct UA so the
// hot path parses it once. It is safe for concurrent use.
type Classifier struct {
	cache *cache.Cache // nil when caching is disabled
	size  int
	ttl   time.Duration
	now   func() time.Time

	mu        sync.Mutex // guards lastSweep
	lastSweep time.Time
}

// New returns a Classifier with opts, defaults filled in.
func New(opts Options) *Classifier {
	c := &Classifier{size: opts.CacheSize, ttl: opts.TTL, now: opts.Now}
	if c.size == 0 {
		c.size = DefaultCacheSize
	}
	if c.ttl <= 0 {
		c.ttl = DefaultTTL
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.size > 0 {
		// No janitor goroutine (cleanup interval 0): expired entries are
		// swept when the cache is full, so a Classifier owns no goroutine.
		c.cache = cache.New(c.ttl, 0)
	}
	return c
}

// Classify returns the Visitor for ua.
func (c *Classifier) Classify(ua string) Visitor {
	if c.cache == nil || len(ua) > MaxCachedLen {
		return classify(ua)
	}
	if v, ok := c.cache.Get(ua); ok {
		return v.(Visitor)
	}
	v := classify(ua)
	c.store(ua, v)
	return v
}

// store caches v under ua unless the cache is full. go-cache has no size
// bound of its own: a full cache first drops expired entries (at most once
// per TTL/4, since the sweep walks every entry), and if it is still full the
// new UA goes uncached. Keeping the entries already there, rather than
// flushing, keeps the UAs that are hot; random junk cannot evict them.
// Concurrent stores may overshoot the bound by one entry per goroutine.
func (c *Classifier) store(ua string, v Visitor) {
	if c.cache.ItemCount() >= c.size {
		if !c.sweepDue() {
			return
		}
		c.cache.DeleteExpired()
		if c.cache.ItemCount() >= c.size {
			return
		}
	}
	c.cache.SetDefault(ua, v)
}

// sweepDue reports whether enough time has passed since the last sweep of
// expired entries, and if so records this one.
func (c *Classifier) sweepDue() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.lastSweep.IsZero() && now.Sub(c.lastSweep) < c.ttl/4 {
		return false
	}
	c.lastSweep = now
	return true
}
