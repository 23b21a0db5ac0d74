package useragent

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	iphoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	androidIG    = androidPrefix + "Instagram 355.1.0.44.103 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 658190016)"
)

func TestNewDefaults(t *testing.T) {
	c := New(Options{})
	if c.size != DefaultCacheSize || c.ttl != DefaultTTL || c.cache == nil || c.now == nil {
		t.Errorf("New(Options{}) = size %d, ttl %v, cache %v; want %d, %v, a cache", c.size, c.ttl, c.cache != nil, DefaultCacheSize, DefaultTTL)
	}
	if c := New(Options{CacheSize: -1}); c.cache != nil {
		t.Errorf("New(Options{CacheSize: -1}) has a cache; want none")
	}
}

// TestClassifyCachedMatchesUncached checks that the cache changes nothing but
// speed, for cached, uncached and too-long UAs.
func TestClassifyCachedMatchesUncached(t *testing.T) {
	long := iphoneSafari + " " + strings.Repeat("x", MaxCachedLen)
	tests := []struct {
		name       string
		ua         string
		wantCached int
	}{
		{"phone", iphoneSafari, 1},
		{"in-app", androidIG, 1},
		{"bot", "Twitterbot/1.0", 1},
		{"empty", "", 1},
		{"longer than MaxCachedLen is not cached", long, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{})
			want := classify(tt.ua)
			for range 3 {
				if diff := cmp.Diff(want, c.Classify(tt.ua)); diff != "" {
					t.Fatalf("Classify(%q) mismatch (-want +got):\n%s", tt.ua, diff)
				}
			}
			if got := c.cache.ItemCount(); got != tt.wantCached {
				t.Errorf("after Classify(%q) x3: %d cached; want %d", tt.ua, got, tt.wantCached)
			}
		})
	}
}

func TestClassifyCacheDisabled(t *testing.T) {
	c := New(Options{CacheSize: -1})
	if got, want := c.Classify(androidIG), classify(androidIG); got != want {
		t.Errorf("Classify(%q) = %+v; want %+v", androidIG, got, want)
	}
}

// TestCacheBounded fills a small cache past its size: it stops admitting new
// UAs, keeps the old ones, and still classifies everything.
func TestCacheBounded(t *testing.T) {
	c := New(Options{CacheSize: 3})
	var uas []string
	for i := range 10 {
		uas = append(uas, fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", i+4))
	}
	for _, ua := range uas {
		if got := c.Classify(ua); got.Platform != Android {
			t.Fatalf("Classify(%q) = %+v; want platform android", ua, got)
		}
	}
	if got := c.cache.ItemCount(); got != 3 {
		t.Errorf("cache holds %d UAs; want 3 (the bound)", got)
	}
	for _, ua := range uas[:3] {
		if _, ok := c.cache.Get(ua); !ok {
			t.Errorf("first UA %q was evicted; want kept", ua)
		}
	}
}

// TestCacheExpiry runs in a synctest bubble, whose fake clock drives both
// go-cache's expiry and the sweep pacing.
func TestCacheExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := New(Options{CacheSize: 2, TTL: time.Minute})
		c.Classify("curl/8.0")
		c.Classify("Wget/1.21")
		if got := c.cache.ItemCount(); got != 2 {
			t.Fatalf("cache holds %d; want 2", got)
		}
		// Full of fresh entries: the sweep runs, finds nothing, and the
		// next sweep waits a quarter TTL.
		c.Classify("python-requests/2.31.0")
		if _, ok := c.cache.Get("python-requests/2.31.0"); ok {
			t.Errorf("third UA cached in a full cache; want skipped")
		}

		time.Sleep(2 * time.Minute) // both entries expire
		if _, ok := c.cache.Get("curl/8.0"); ok {
			t.Errorf("entry alive after 2×TTL; want expired")
		}
		c.Classify("Go-http-client/2.0")
		if got := c.cache.ItemCount(); got != 1 {
			t.Errorf("after expiry and a new UA, cache holds %d; want 1 (expired swept, new one stored)", got)
		}
	})
}

// TestSweepPacing checks that a full cache walks its entries at most once per
// quarter TTL, however many new UAs arrive.
func TestSweepPacing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(Options{TTL: time.Hour, Now: func() time.Time { return now }})
	tests := []struct {
		name    string
		advance time.Duration
		want    bool
	}{
		{"first sweep", 0, true},
		{"right after", time.Second, false},
		{"just before a quarter TTL", 14 * time.Minute, false},
		{"a quarter TTL after the first", time.Minute, true},
		{"right after the second", time.Second, false},
	}
	// Subtests run in order; each advances the clock from the last.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = now.Add(tt.advance)
			if got := c.sweepDue(); got != tt.want {
				t.Errorf("sweepDue() after +%v = %v; want %v", tt.advance, got, tt.want)
			}
		})
	}
}

// TestClassifyConcurrent hammers one Classifier from many goroutines (run it
// with -race): the cache stays near its bound and every answer is right.
func TestClassifyConcurrent(t *testing.T) {
	c := New(Options{CacheSize: 8})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				ua := fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E148 Safari/604.1", g, i)
				if got := c.Classify(ua); got.Platform != IOS {
					t.Errorf("Classify(%q) = %+v; want platform ios", ua, got)
				}
			}
		})
	}
	wg.Wait()
	// Each goroutine may overshoot the bound by one entry.
	if got := c.cache.ItemCount(); got > 8+8 {
		t.Errorf("cache holds %d after concurrent use; want <= 16", got)
	}
}

func BenchmarkClassifyCached(b *testing.B) {
	c := New(Options{})
	c.Classify(androidIG)
	b.ReportAllocs()
	for b.Loop() {
		c.Classify(androidIG)
	}
}

func BenchmarkClassifyUncached(b *testing.B) {
	c := New(Options{CacheSize: -1})
	b.ReportAllocs()
	for b.Loop() {
		c.Classify(androidIG)
	}
}
