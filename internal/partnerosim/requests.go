package partnerosim

import "time"

// Request is one /v1 call as the simulator saw it. It names the program the
// key belongs to, never the key.
type Request struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query,omitempty"`
	// Program is the key's program; empty when the key was missing or
	// unknown.
	Program string `json:"program,omitempty"`
	Body    string `json:"body,omitempty"`
	// Status is what was answered; 0 when nothing was (a "down" fault, or a
	// client that gave up on a "slow" one).
	Status int `json:"status"`
	// Fault is the injected fault's mode, if one hit this request.
	Fault string `json:"fault,omitempty"`
}

// record appends to the bounded request log and logs the request.
func (s *Sim) record(rec Request) {
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	if over := len(s.requests) - s.max; over > 0 {
		// Reslicing is enough: append's next growth copies only the live
		// tail, so memory stays bounded.
		s.requests = s.requests[over:]
	}
	s.mu.Unlock()
	s.log.Info("partnero request", "method", rec.Method, "path", rec.Path,
		"program", rec.Program, "status", rec.Status, "fault", rec.Fault)
}

// Requests returns every recorded /v1 request, oldest first.
func (s *Sim) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ClearRequests empties the request log.
func (s *Sim) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}
