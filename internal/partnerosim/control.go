package partnerosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// faultJSON is a Fault on the control API; delay is a Go duration string.
type faultJSON struct {
	Mode       FaultMode `json:"mode"`
	Count      int       `json:"count,omitempty"`
	Delay      string    `json:"delay,omitempty"`
	RetryAfter int       `json:"retry_after,omitempty"`
	Status     int       `json:"status,omitempty"`
}

func toFaultJSON(f Fault) faultJSON {
	j := faultJSON{Mode: f.Mode, Count: f.Count, RetryAfter: f.RetryAfter, Status: f.Status}
	if f.Delay != 0 {
		j.Delay = f.Delay.String()
	}
	return j
}

func (j faultJSON) fault() (Fault, error) {
	f := Fault{Mode: j.Mode, Count: j.Count, RetryAfter: j.RetryAfter, Status: j.Status}
	if j.Delay != "" {
		d, err := time.ParseDuration(j.Delay)
		if err != nil {
			return f, fmt.Errorf("fault: delay %q: %w", j.Delay, err)
		}
		f.Delay = d
	}
	return f.normalize()
}

// ProgramState is one program's data, as State and GET /_sim/state give it.
type ProgramState struct {
	Kind         ProgramKind   `json:"kind"`
	Partners     []Partner     `json:"partners"`
	Customers    []Customer    `json:"customers"`
	Transactions []Transaction `json:"transactions"`
}

// seedJSON is the body of POST /_sim/partners, /_sim/customers and
// /_sim/clicks.
type seedJSON struct {
	Program string `json:"program"`
	Key     string `json:"key"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
	Count   int    `json:"count,omitempty"`
}

// serveControl answers /_sim/, which has no authentication (see the package
// doc). Answers use the API's {"data": …} wrapper; a bad body is a 400.
//
//	GET    /_sim/requests   every /v1 request: method, path, query, program, body, status, fault, time
//	DELETE /_sim/requests   empties that log
//	GET    /_sim/state      each program's kind, partners, customers, transactions
//	GET    /_sim/fault      the fault in force
//	POST   /_sim/fault      {"mode":"down|slow|5xx|429","count":N,"delay":"2s","retry_after":S,"status":503}
//	DELETE /_sim/fault      clears it
//	POST   /_sim/reset      Reset
//	POST   /_sim/partners   {"program":P,"key":K,"email":E,"name":N}
//	POST   /_sim/customers  {"program":P,"key":K}
//	POST   /_sim/clicks     {"program":P,"key":K,"count":N}
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, s.control(r))
}

func (s *Sim) control(r *http.Request) reply {
	switch r.Method + " " + strings.TrimSuffix(r.URL.Path, "/") {
	case "GET /_sim/requests":
		return okData(s.Requests())
	case "DELETE /_sim/requests":
		s.ClearRequests()
		return okData(nil)
	case "GET /_sim/state":
		return okData(s.State())
	case "GET /_sim/fault":
		return okData(toFaultJSON(s.CurrentFault()))
	case "POST /_sim/fault":
		var j faultJSON
		if err := decodeStrict(r, &j); err != nil {
			return fail(http.StatusBadRequest, err.Error())
		}
		f, err := j.fault()
		if err == nil {
			err = s.SetFault(f)
		}
		if err != nil {
			return fail(http.StatusBadRequest, err.Error())
		}
		return okData(toFaultJSON(f))
	case "DELETE /_sim/fault":
		s.ClearFault()
		return okData(toFaultJSON(Fault{}))
	case "POST /_sim/reset":
		s.Reset()
		return okData(nil)
	case "POST /_sim/partners":
		return s.seedOne(r, func(j seedJSON) error {
			return s.AddPartnerDetails(j.Program, Partner{Key: j.Key, Email: j.Email, Name: j.Name})
		})
	case "POST /_sim/customers":
		return s.seedOne(r, func(j seedJSON) error { return s.AddCustomer(j.Program, j.Key) })
	case "POST /_sim/clicks":
		return s.seedOne(r, func(j seedJSON) error { return s.AddClicks(j.Program, j.Key, j.Count) })
	}
	return notFound()
}

func (s *Sim) seedOne(r *http.Request, add func(seedJSON) error) reply {
	var j seedJSON
	if err := decodeStrict(r, &j); err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	if err := add(j); err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	return created(j)
}

// decodeStrict reads a control body; unknown fields are refused so a typo
// in a test's setup fails loudly instead of seeding nothing.
func decodeStrict(r *http.Request, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}

// State returns every program's partners, customers and transactions.
func (s *Sim) State() map[string]ProgramState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]ProgramState, len(s.programs))
	for name, p := range s.programs {
		out[name] = ProgramState{
			Kind:         p.kind,
			Partners:     p.partners.values(),
			Customers:    p.customers.values(),
			Transactions: p.transactions.values(),
		}
	}
	return out
}
