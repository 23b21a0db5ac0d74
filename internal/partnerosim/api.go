package partnerosim

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds a request body; Partnero's bodies are a few hundred bytes.
const maxBody = 1 << 20

// call is one authenticated API request, already read and decoded.
type call struct {
	param string // the {key} path segment, unescaped
	body  map[string]any
	query url.Values
	now   time.Time
	// link and currency are the simulator's settings the referral screens
	// report.
	link     string
	currency string
}

// handler acts on one program's data; it runs under the simulator's lock.
type handler func(p *program, c *call) reply

// route is one API endpoint; "{key}" in pattern is the path parameter.
type route struct {
	method  string
	pattern []string
	h       handler
}

// routes are API.md's endpoints, relative to /v1.
var routes = []route{
	{http.MethodPost, []string{"customers"}, createCustomer},
	{http.MethodPut, []string{"customers"}, updateCustomer},
	{http.MethodGet, []string{"customers"}, listCustomers},
	{http.MethodGet, []string{"customers", "{key}"}, getCustomer},
	{http.MethodDelete, []string{"customers", "{key}"}, deleteCustomer},
	{http.MethodGet, []string{"customers", "{key}", "stats"}, customerStats},
	{http.MethodGet, []string{"customers", "{key}", "balance"}, customerBalance},
	{http.MethodPost, []string{"customers", "{key}", "balance", "credit"}, creditBalance},
	{http.MethodGet, []string{"customers", "{key}", "referrals"}, customerReferrals},
	{http.MethodPost, []string{"transactions"}, createTransaction},
	{http.MethodGet, []string{"transactions"}, listTransactions},
	{http.MethodGet, []string{"transactions", "{key}"}, getTransaction},
	{http.MethodDelete, []string{"transactions", "{key}"}, deleteTransaction},
	{http.MethodPost, []string{"transactions", "{key}", "archive"}, archiveTransaction},
	{http.MethodPost, []string{"transactions", "{key}", "revoke-archive"}, revokeArchive},
	{http.MethodGet, []string{"partners"}, listPartners},
	{http.MethodPost, []string{"partners"}, createPartner},
	{http.MethodGet, []string{"partners", "{key}"}, getPartner},
}

// match finds the route for method and the path below /v1. With no route
// for the method, allow lists the methods the path does answer (a 405).
func match(method, escapedPath string) (h handler, param string, allow []string) {
	var segs []string
	for s := range strings.SplitSeq(strings.Trim(escapedPath, "/"), "/") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, "", nil
		}
		segs = append(segs, u)
	}
	for _, rt := range routes {
		p, ok := matchPattern(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method == method {
			return rt.h, p, nil
		}
		allow = append(allow, rt.method)
	}
	return nil, "", allow
}

func matchPattern(pattern, segs []string) (param string, ok bool) {
	if len(pattern) != len(segs) {
		return "", false
	}
	for i, p := range pattern {
		switch {
		case p == "{key}":
			if segs[i] == "" {
				return "", false
			}
			param = segs[i]
		case p != segs[i]:
			return "", false
		}
	}
	return param, true
}

// serveAPI answers one /v1 request: body, fault, auth, rate limit, route,
// in that order, so a fault hits even an unauthenticated client the way a
// broken network would.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request) {
	rec := Request{
		Time:   s.now().UTC(),
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.RawQuery,
	}
	key, prog, authed := s.authenticate(r)
	rec.Program = prog
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	rec.Body = string(raw)
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			s.finish(w, rec, fail(http.StatusRequestEntityTooLarge, "The request body is too large."))
			return
		}
		s.finish(w, rec, fail(http.StatusBadRequest, "The request body could not be read."))
		return
	}
	if f := s.takeFault(); f.Mode != FaultNone {
		rec.Fault = string(f.Mode)
		if s.applyFault(w, r, f, rec) {
			return
		}
	}
	if !authed {
		s.finish(w, rec, fail(http.StatusUnauthorized, msgUnauthenticated))
		return
	}
	s.finish(w, rec, s.handle(r, key, prog, raw))
}

// handle runs an authenticated request against its key's program.
func (s *Sim) handle(r *http.Request, key, prog string, raw []byte) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	limitHeader, limited := s.throttle(key, now)
	if limited != nil {
		return *limited
	}
	rp := s.route(r, prog, raw, now)
	if rp.header == nil {
		rp.header = http.Header{}
	}
	for k, v := range limitHeader {
		rp.header[k] = v
	}
	return rp
}

func (s *Sim) route(r *http.Request, prog string, raw []byte, now time.Time) reply {
	h, param, allow := match(r.Method, strings.TrimPrefix(r.URL.EscapedPath(), "/v1"))
	if h == nil {
		if len(allow) == 0 {
			return notFound()
		}
		rp := fail(http.StatusMethodNotAllowed, "The "+r.Method+" method is not supported for this route. Supported methods: "+strings.Join(allow, ", ")+".")
		rp.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
		return rp
	}
	if len(raw) > 0 && !isJSON(r.Header.Get("Content-Type")) {
		return fail(http.StatusUnsupportedMediaType, "Unsupported Media Type: send the body as application/json.")
	}
	body, err := decodeObject(raw)
	if err != nil {
		return fail(http.StatusBadRequest, "Malformed JSON: "+err.Error()+".")
	}
	return h(s.programs[prog], &call{param: param, body: body, query: r.URL.Query(), now: now, link: s.link, currency: s.cur})
}

// isJSON accepts application/json and the +json types, with parameters.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// authenticate reads "Authorization: Bearer KEY". The key is used only to
// find its program and its rate-limit window; it is never recorded.
func (s *Sim) authenticate(r *http.Request) (key, prog string, ok bool) {
	scheme, key, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", "", false
	}
	key = strings.TrimSpace(key)
	prog, ok = s.keys[key]
	if !ok {
		return "", "", false
	}
	return key, prog, true
}

// finish writes the reply, then records and logs it.
func (s *Sim) finish(w http.ResponseWriter, rec Request, rp reply) {
	rec.Status = rp.status
	s.record(rec)
	writeJSON(w, rp)
}
