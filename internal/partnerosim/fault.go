package partnerosim

import (
	"fmt"
	"net/http"
	"time"
)

// FaultMode is a kind of failure the simulator can inject.
type FaultMode string

// Fault modes.
const (
	// FaultNone answers normally.
	FaultNone FaultMode = ""
	// FaultDown closes the connection without a response, so a client sees a
	// network error. Go's transport silently retries an idempotent request
	// that failed this way on a reused connection, so with keep-alives a
	// Count of 1 may not surface to the caller; use 0 or 2 or more.
	FaultDown FaultMode = "down"
	// FaultSlow waits Delay before answering normally; a client that gives up
	// first gets nothing.
	FaultSlow FaultMode = "slow"
	// Fault5xx answers Status with a Laravel error body.
	Fault5xx FaultMode = "5xx"
	// Fault429 answers 429 with Retry-After: RetryAfter, whatever the
	// key's real budget: a rate-limit storm.
	Fault429 FaultMode = "429"
)

// Defaults for a Fault's zero fields.
const (
	DefaultSlowDelay  = 10 * time.Second
	DefaultFaultRetry = 60
)

// Fault is an injected failure that hits every /v1 request, before auth,
// until cleared or until Count requests have had it.
type Fault struct {
	Mode FaultMode
	// Count is how many requests get the fault; 0 means until cleared.
	Count int
	// Delay is how long FaultSlow waits; 0 means DefaultSlowDelay.
	Delay time.Duration
	// RetryAfter is Fault429's Retry-After in seconds; 0 means
	// DefaultFaultRetry.
	RetryAfter int
	// Status is Fault5xx's status, 500–599; 0 means 500.
	Status int
}

// normalize validates f and fills in its defaults.
func (f Fault) normalize() (Fault, error) {
	if f.Count < 0 {
		return f, fmt.Errorf("fault %q: count %d is negative", f.Mode, f.Count)
	}
	switch f.Mode {
	case FaultNone:
		return Fault{}, nil
	case FaultDown:
	case FaultSlow:
		if f.Delay < 0 {
			return f, fmt.Errorf("fault slow: delay %v is negative", f.Delay)
		}
		if f.Delay == 0 {
			f.Delay = DefaultSlowDelay
		}
	case Fault5xx:
		if f.Status == 0 {
			f.Status = http.StatusInternalServerError
		}
		if f.Status < 500 || f.Status > 599 {
			return f, fmt.Errorf("fault 5xx: status %d is not 500-599", f.Status)
		}
	case Fault429:
		if f.RetryAfter < 0 {
			return f, fmt.Errorf("fault 429: retry_after %d is negative", f.RetryAfter)
		}
		if f.RetryAfter == 0 {
			f.RetryAfter = DefaultFaultRetry
		}
	default:
		return f, fmt.Errorf("fault: unknown mode %q (want down, slow, 5xx or 429)", f.Mode)
	}
	return f, nil
}

// SetFault injects f, replacing any fault in force; Mode "" clears.
func (s *Sim) SetFault(f Fault) error {
	f, err := f.normalize()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
	return nil
}

// ClearFault stops injecting failures.
func (s *Sim) ClearFault() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = Fault{}
}

// CurrentFault returns the fault in force, with the requests it has left.
func (s *Sim) CurrentFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fault
}

// takeFault returns the fault for this request and counts it down.
func (s *Sim) takeFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault
	if f.Mode != FaultNone && f.Count > 0 {
		s.fault.Count--
		if s.fault.Count == 0 {
			s.fault = Fault{}
		}
	}
	return f
}

// applyFault acts out f. It reports whether the request is over; a slow
// request that waited its delay carries on normally.
func (s *Sim) applyFault(w http.ResponseWriter, r *http.Request, f Fault, rec Request) bool {
	switch f.Mode {
	case FaultDown:
		// Status 0: nothing was sent.
		s.record(rec)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		// Without a connection to close (HTTP/2, a recorder), abort the
		// handler: net/http then resets the stream or connection.
		panic(http.ErrAbortHandler)
	case FaultSlow:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			// The client gave up; it will never read an answer.
			s.record(rec)
			return true
		}
	case Fault5xx:
		s.finish(w, rec, fail(f.Status, serverErrorMessage(f.Status)))
		return true
	case Fault429:
		s.finish(w, rec, tooMany(s.limit(), f.RetryAfter))
		return true
	}
	return false
}

// serverErrorMessage is Laravel's message for its own 500, else the
// status text a proxy in front would give.
func serverErrorMessage(status int) string {
	if status == http.StatusInternalServerError {
		return "Server Error"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Server Error"
}
