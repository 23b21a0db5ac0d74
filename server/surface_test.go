package server

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
)

// surfaceRequest is one request of the surface test.
type surfaceRequest struct {
	name   string
	admin  bool
	method string
	host   string
	target string
	header http.Header
	body   string
	// digest shows the body as its SHA-256 (a long document whose bytes
	// other tests pin), skip leaves it out (a body that changes by itself).
	digest, skip bool
}

// surfaceRequests cover every kind of answer both listeners give: each
// well-known case, each resolver decision, every fixed route, the API's
// answers and errors, and the admin endpoints.
func surfaceRequests(asset string) []surfaceRequest {
	ua := func(s string) http.Header { return http.Header{"User-Agent": {s}} }
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	jsonAuth := http.Header{"Authorization": {"Bearer " + tokenMain}, "Content-Type": {"application/json"}}
	return []surfaceRequest{
		{name: "aasa", method: "GET", host: "go.alpha.com", target: pathAASAWellKnown},
		{name: "aasa head", method: "HEAD", host: "go.alpha.com", target: pathAASAWellKnown},
		{name: "aasa root", method: "GET", host: "GO.ALPHA.COM:443", target: pathAASARoot},
		{name: "assetlinks alias", method: "GET", host: "open.alpha.com", target: pathAssetLinks},
		{name: "aasa 304", method: "GET", host: "go.alpha.com", target: pathAASAWellKnown, header: http.Header{"If-None-Match": {`W/"aasa-alpha"`}}},
		{name: "aasa request id kept", method: "GET", host: "links.beta.org", target: pathAASAWellKnown, header: http.Header{HeaderRequestID: {"abc-123"}}},
		{name: "aasa post", method: "POST", host: "go.alpha.com", target: pathAASAWellKnown},
		{name: "aasa brew", method: "BREW", host: "go.alpha.com", target: pathAASARoot},
		{name: "aasa options", method: "OPTIONS", host: "go.alpha.com", target: pathAASAWellKnown},
		{name: "aasa options unknown host", method: "OPTIONS", host: "evil.example", target: pathAASAWellKnown},
		{name: "aasa post unknown host", method: "POST", host: "evil.example", target: pathAASAWellKnown},
		{name: "aasa huge body", method: "POST", host: "go.alpha.com", target: pathAASAWellKnown, body: strings.Repeat("x", 70<<10)},
		{name: "aasa unknown host", method: "GET", host: "evil.example", target: pathAASAWellKnown},
		{name: "aasa trailing slash", method: "GET", host: "go.alpha.com", target: pathAASAWellKnown + "/"},
		{name: "aasa escaped", method: "GET", host: "go.alpha.com", target: "/%2Ewell-known/apple-app-site-association"},
		{name: "aasa huge header", method: "GET", host: "go.alpha.com", target: pathAASAWellKnown, header: http.Header{"X-Big": {strings.Repeat("b", 20<<10)}}},
		{name: "aasa with body", method: "GET", host: "go.alpha.com", target: pathAASAWellKnown, body: "hello"},
		{name: "assetlinks of a site without apps", method: "GET", host: "r.gamma.net", target: pathAssetLinks},

		{name: "ios page", method: "GET", host: "go.alpha.com", target: "/?ref=KEY1&utm=x", header: ua(uaIPhone)},
		{name: "ios instagram path key", method: "GET", host: "go.alpha.com", target: "/KEY2/deals?x=1", header: ua(uaIPhoneInstagram)},
		{name: "android page", method: "GET", host: "go.alpha.com", target: "/?via=KEY3", header: ua(uaAndroid)},
		{name: "android facebook", method: "GET", host: "links.beta.org", target: "/KEY4", header: ua(uaAndroidFB)},
		{name: "desktop page", method: "GET", host: "go.alpha.com", target: "/?ref=KEY5", header: ua(uaWindows)},
		{name: "mac safari page", method: "GET", host: "links.beta.org", target: "/?ref=KEY6", header: ua(uaMacSafari)},
		{name: "desktop redirect", method: "GET", host: "links.beta.org", target: "/?ref=KEY7&next=https://evil.example", header: ua(uaWindows)},
		{name: "desktop redirect head", method: "HEAD", host: "links.beta.org", target: "/KEY8", header: ua(uaWindows)},
		{name: "redirect with a body", method: "GET", host: "links.beta.org", target: "/KEY8", header: ua(uaWindows), body: "x"},
		{name: "bot preview", method: "GET", host: "go.alpha.com", target: "/?ref=KEY9", header: ua(uaFacebookBot)},
		{name: "no apps iphone", method: "GET", host: "r.gamma.net", target: "/?via=KEY10", header: ua(uaIPhone)},
		{name: "bad key", method: "GET", host: "go.alpha.com", target: "/?ref=%3Cscript%3E", header: ua(uaIPhone)},
		{name: "link post", method: "POST", host: "go.alpha.com", target: "/KEY11"},
		{name: "link options", method: "OPTIONS", host: "go.alpha.com", target: "/KEY11"},
		{name: "link post unknown host", method: "POST", host: "evil.example", target: "/KEY11"},
		{name: "link unknown host", method: "GET", host: "evil.example", target: "/?ref=KEY12", header: ua(uaIPhone)},
		{name: "reserved static", method: "GET", host: "go.alpha.com", target: "/static/nothing.js"},
		{name: "reserved api root", method: "GET", host: "go.alpha.com", target: "/api"},
		{name: "reserved well-known other", method: "GET", host: "go.alpha.com", target: "/.well-known/other"},
		{name: "static asset", method: "GET", host: "go.alpha.com", target: asset, digest: true},
		{name: "static asset 304", method: "GET", host: "go.alpha.com", target: asset, header: http.Header{"If-None-Match": {"*"}}},
		{name: "robots", method: "GET", host: "go.alpha.com", target: "/robots.txt"},
		{name: "favicon", method: "GET", host: "go.alpha.com", target: "/favicon.ico"},

		{name: "openapi", method: "GET", host: "go.alpha.com", target: "/api/v1/openapi.json", digest: true},
		{name: "signup no token", method: "POST", host: "go.alpha.com", target: "/api/v1/signups", body: `{}`},
		{name: "signup bad token", method: "POST", host: "go.alpha.com", target: "/api/v1/signups", header: bearer("nope-nope-nope-nope"), body: `{}`},
		{name: "signup wrong type", method: "POST", host: "go.alpha.com", target: "/api/v1/signups", header: bearer(tokenMain), body: `{}`},
		{name: "signup", method: "POST", host: "go.alpha.com", target: "/api/v1/signups", header: jsonAuth, body: `{"customer":{"key":"c1"}}`},
		{name: "signup too large", method: "POST", host: "go.alpha.com", target: "/api/v1/signups", header: jsonAuth, body: `{"a":"` + strings.Repeat("x", 70<<10) + `"}`},
		{name: "event", method: "GET", host: "go.alpha.com", target: "/api/v1/events/evt_1", header: bearer(tokenMain)},
		{name: "events bad limit", method: "GET", host: "go.alpha.com", target: "/api/v1/events?limit=x", header: bearer(tokenMain)},
		{name: "events", method: "GET", host: "go.alpha.com", target: "/api/v1/events?status=queued", header: bearer(tokenMain)},
		{name: "retry", method: "POST", host: "go.alpha.com", target: "/api/v1/events/evt_1/retry", header: bearer(tokenMain)},
		{name: "customer stats", method: "GET", host: "go.alpha.com", target: "/api/v1/customers/c%2F1/stats", header: bearer(tokenMain)},
		{name: "signups delete", method: "DELETE", host: "go.alpha.com", target: "/api/v1/signups", header: bearer(tokenMain)},
		{name: "signups options", method: "OPTIONS", host: "go.alpha.com", target: "/api/v1/signups"},
		{name: "api no route", method: "GET", host: "go.alpha.com", target: "/api/v1/nothing", header: bearer(tokenMain)},
		{name: "api no route head", method: "HEAD", host: "go.alpha.com", target: "/api/v1/nothing"},
		{name: "api unknown host", method: "POST", host: "evil.example", target: "/api/v1/signups", header: jsonAuth, body: `{}`},
		{name: "resolve", method: "GET", host: "go.alpha.com", target: "/api/v1/resolve?url=https%3A%2F%2Fgo.alpha.com%2F%3Fref%3DKEY13", header: http.Header{"Authorization": {"Bearer " + tokenMain}, "User-Agent": {uaIPhone}}},
		{name: "resolve no url", method: "GET", host: "go.alpha.com", target: "/api/v1/resolve", header: bearer(tokenMain)},
		{name: "resolve other program", method: "GET", host: "go.alpha.com", target: "/api/v1/resolve?url=https%3A%2F%2Flinks.beta.org%2F", header: bearer(tokenMain)},

		{name: "healthz", admin: true, method: "GET", host: "localhost", target: "/healthz"},
		{name: "healthz head", admin: true, method: "HEAD", host: "localhost", target: "/healthz"},
		{name: "readyz", admin: true, method: "GET", host: "localhost", target: "/readyz"},
		{name: "healthz post", admin: true, method: "POST", host: "localhost", target: "/healthz"},
		{name: "admin not found", admin: true, method: "GET", host: "localhost", target: "/nope"},
		{name: "metrics", admin: true, method: "GET", host: "localhost", target: "/metrics", skip: true},
	}
}

var (
	surfaceNonce = regexp.MustCompile(`nonce-[A-Za-z0-9_-]{22}|nonce="[A-Za-z0-9_-]{22}"`)
	surfaceID    = regexp.MustCompile(`^[0-9a-f]{12}-[0-9a-z]+$`)
)

// TestSurface pins what a client and an operator see of every kind of
// answer, through real HTTP: status, every header, the body, and the
// access line. It is the contract a refactoring of the server must keep;
// run it with -update only for a change the issue asks for.
func TestSurface(t *testing.T) {
	events := &fakeEvents{
		view:    attribution.EventView{ID: "evt_1", Type: "signup", Status: "queued", CreatedAt: "2026-01-02T03:04:05Z"},
		created: true,
		list:    []attribution.EventView{{ID: "evt_1", Type: "signup", Status: "queued", CreatedAt: "2026-01-02T03:04:05Z"}},
	}
	customers := &fakeCustomers{data: json.RawMessage(`{"clicks":3}`)}
	ts := newLinkServer(t, Options{Events: events, Customers: customers})
	public := httptest.NewServer(ts.Public())
	defer public.Close()
	admin := httptest.NewServer(ts.Admin())
	defer admin.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var out strings.Builder
	for _, sr := range surfaceRequests(ts.links.assets.url("page.js")) {
		base := public.URL
		if sr.admin {
			base = admin.URL
		}
		var body io.Reader
		if sr.body != "" {
			body = strings.NewReader(sr.body)
		}
		req, err := http.NewRequest(sr.method, base+sr.target, body)
		if err != nil {
			t.Fatalf("%s: %v", sr.name, err)
		}
		req.Host = sr.host
		for k, vs := range sr.header {
			req.Header[k] = vs
		}
		before := ts.logs.Len()
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", sr.name, err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("%s: read body: %v", sr.name, err)
		}
		fmt.Fprintf(&out, "### %s: %s %s (Host %s)\n%d\n", sr.name, sr.method, sr.target, sr.host, res.StatusCode)
		out.WriteString(surfaceHeaders(res.Header))
		switch {
		case sr.skip:
			out.WriteString("(body not compared)\n")
		case sr.digest:
			fmt.Fprintf(&out, "(%d bytes, sha256 %x)\n", len(b), sha256.Sum256(b))
		default:
			out.WriteString(surfaceNonce.ReplaceAllString(string(b), "nonce-N"))
			out.WriteString("\n")
		}
		// The access line is written as the handler returns, which can be
		// after the client has read a body of known length.
		out.WriteString(surfaceLog(t, ts.logs.WaitFor(before, `"msg":"request"`), sr.skip))
		out.WriteString("\n")
	}
	checkGolden(t, "surface", []byte(out.String()))
}

// surfaceHeaders lists the headers sorted, without Date, with a
// generated request id and CSP nonce replaced by placeholders.
func surfaceHeaders(h http.Header) string {
	var lines []string
	for k, vs := range h {
		if k == "Date" {
			continue
		}
		for _, v := range vs {
			if k == http.CanonicalHeaderKey(HeaderRequestID) && surfaceID.MatchString(v) {
				v = "ID"
			}
			lines = append(lines, k+": "+surfaceNonce.ReplaceAllString(v, "nonce-N"))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n\n"
}

// surfaceLog is the request's access line (and any other line it logged)
// without its time, duration and generated request id; skipBytes drops
// the size of a body that is not compared.
func surfaceLog(t *testing.T, logs string, skipBytes bool) string {
	var out strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		delete(m, "time")
		delete(m, "duration")
		if skipBytes {
			delete(m, "bytes")
		}
		if id, ok := m["request_id"].(string); ok && surfaceID.MatchString(id) {
			m["request_id"] = "ID"
		}
		b, _ := json.Marshal(m) // sorted keys
		out.WriteString("log: " + string(b) + "\n")
	}
	return out.String()
}
