package partnerosim

import (
	"net/http"
	"strconv"
	"time"
)

// rateWindow is how long a key's budget lasts, as Laravel's throttle
// middleware counts it: from the window's first request.
const rateWindow = time.Minute

// window is one key's fixed rate-limit window.
type window struct {
	start time.Time
	count int
}

// limit is the budget reported in X-RateLimit-Limit.
func (s *Sim) limit() int {
	if s.rate < 0 {
		return DefaultRatePerMinute
	}
	return s.rate
}

// throttle counts one request against key's window on the injected clock.
// It returns the headers every answer carries, and the 429 to send instead
// when the budget is spent. The caller holds s.mu.
func (s *Sim) throttle(key string, now time.Time) (http.Header, *reply) {
	if s.rate < 0 {
		return nil, nil
	}
	win, ok := s.windows[key]
	if !ok || !now.Before(win.start.Add(rateWindow)) {
		win = &window{start: now}
		s.windows[key] = win
	}
	if win.count >= s.rate {
		end := win.start.Add(rateWindow)
		// Round up: a client that waits Retry-After seconds must find a new
		// window, never the last instant of the old one.
		retry := int((end.Sub(now) + time.Second - 1) / time.Second)
		rp := tooMany(s.rate, max(retry, 1))
		rp.header.Set("X-RateLimit-Reset", strconv.FormatInt(end.Unix(), 10))
		return nil, &rp
	}
	win.count++
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.rate))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.rate-win.count))
	return h, nil
}
