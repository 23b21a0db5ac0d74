package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/reserved"
	"github.com/deeplinkd/deeplinkd/wellknown"
)

const (
	pathAASA     = "/.well-known/apple-app-site-association"
	pathRootAASA = "/apple-app-site-association"
	pathLinks    = "/.well-known/assetlinks.json"
)

func TestPublicWellKnownByHost(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	tests := []struct {
		name, method, host, path string
		wantStatus               int
		wantBody                 []byte
		wantETag                 string
	}{
		{"aasa", "GET", "go.alpha.com", pathAASA, 200, aasaA, `"aasa-alpha"`},
		{"aasa at root", "GET", "go.alpha.com", pathRootAASA, 200, aasaA, `"aasa-alpha"`},
		{"assetlinks", "GET", "go.alpha.com", pathLinks, 200, linksA, `"links-alpha"`},
		{"alias", "GET", "open.alpha.com", pathAASA, 200, aasaA, `"aasa-alpha"`},
		{"upper-case host", "GET", "GO.ALPHA.COM", pathAASA, 200, aasaA, `"aasa-alpha"`},
		{"host with port", "GET", "go.alpha.com:8080", pathLinks, 200, linksA, `"links-alpha"`},
		{"other domain aasa", "GET", "links.beta.org", pathAASA, 200, aasaB, `"aasa-beta"`},
		{"other domain assetlinks", "GET", "links.beta.org", pathLinks, 200, linksB, `"links-beta"`},
		{"head", "HEAD", "links.beta.org", pathAASA, 200, nil, `"aasa-beta"`},
		{"head at root", "HEAD", "go.alpha.com", pathRootAASA, 200, nil, `"aasa-alpha"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, tt.host, tt.path, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s%s = %d; want %d", tt.method, tt.host, tt.path, rec.Code, tt.wantStatus)
			}
			if got := rec.Body.String(); got != string(tt.wantBody) {
				t.Errorf("%s %s%s body = %q; want %q", tt.method, tt.host, tt.path, got, tt.wantBody)
			}
			wantHeaders := map[string]string{
				"Content-Type":  "application/json",
				"ETag":          tt.wantETag,
				"Cache-Control": "public, max-age=3600",
				// net/http sets a small GET body's length on the wire
				// (TestDocumentLength); a HEAD answer needs ours.
				"Content-Length": "",
			}
			if tt.method == http.MethodHead {
				wantHeaders["Content-Length"] = strconv.Itoa(len(documentFor(tt.host, tt.path)))
			}
			for k, want := range wantHeaders {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s %s%s header %s = %q; want %q", tt.method, tt.host, tt.path, k, got, want)
				}
			}
		})
	}
}

// documentFor is the body a configured host's path should carry.
func documentFor(host, path string) []byte {
	alpha := !strings.Contains(host, "beta")
	switch {
	case path == pathLinks && alpha:
		return linksA
	case path == pathLinks:
		return linksB
	case alpha:
		return aasaA
	default:
		return aasaB
	}
}

func TestPublicUnknownHost(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	for _, host := range []string{"", "evil.example", "alpha.com", "go.alpha.com.evil.example", "127.0.0.1", "[::1]:8080"} {
		for _, path := range []string{pathAASA, pathRootAASA, pathLinks, "/"} {
			t.Run(host+path, func(t *testing.T) {
				rec := do(h, http.MethodGet, host, path, nil)
				if rec.Code != http.StatusNotFound {
					t.Errorf("GET %q%s = %d; want 404", host, path, rec.Code)
				}
				body := rec.Body.String()
				if body != "unknown host\n" {
					t.Errorf("GET %q%s body = %q; want %q", host, path, body, "unknown host\n")
				}
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("GET %q%s Content-Type = %q; want text/plain", host, path, ct)
				}
				if rec.Header().Get("ETag") != "" {
					t.Errorf("GET %q%s carries an ETag of some domain", host, path)
				}
			})
		}
	}
}

func TestPublicConditional(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	tests := []struct {
		name, method, ifNoneMatch string
		wantStatus                int
	}{
		{"matching", "GET", `"aasa-alpha"`, http.StatusNotModified},
		{"matching weak", "GET", `W/"aasa-alpha"`, http.StatusNotModified},
		{"matching head", "HEAD", `"aasa-alpha"`, http.StatusNotModified},
		{"non-matching", "GET", `"aasa-beta"`, http.StatusOK},
		{"list containing ours", "GET", `"x", "aasa-alpha", "y"`, http.StatusNotModified},
		{"list without ours", "GET", `"x", "y"`, http.StatusOK},
		{"star", "GET", `*`, http.StatusNotModified},
		{"other domain's tag", "GET", `"links-alpha"`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, "go.alpha.com", pathAASA, http.Header{"If-None-Match": {tt.ifNoneMatch}})
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s If-None-Match %s = %d; want %d", tt.method, tt.ifNoneMatch, rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("ETag"); got != `"aasa-alpha"` {
				t.Errorf("ETag = %q; want %q", got, `"aasa-alpha"`)
			}
			if rec.Code == http.StatusNotModified && rec.Body.Len() != 0 {
				t.Errorf("304 carries a body: %q", rec.Body.String())
			}
		})
	}
}

// TestPublicNeverRedirects tries the path shapes a redirecting middleware
// would "fix", and proxy headers that would trigger an https redirect.
func TestPublicNeverRedirects(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	tests := []struct {
		name, host, path string
		header           http.Header
		wantStatus       int
	}{
		{"aasa trailing slash", "go.alpha.com", pathAASA + "/", nil, http.StatusNotFound},
		{"root aasa trailing slash", "go.alpha.com", pathRootAASA + "/", nil, http.StatusNotFound},
		{"assetlinks trailing slash", "go.alpha.com", pathLinks + "/", nil, http.StatusNotFound},
		{"double slash", "go.alpha.com", "/.well-known//apple-app-site-association", nil, http.StatusNotFound},
		{"leading double slash", "go.alpha.com", "//.well-known/apple-app-site-association", nil, http.StatusNotFound},
		{"upper-case path", "go.alpha.com", "/.WELL-KNOWN/apple-app-site-association", nil, http.StatusNotFound},
		{"with extension", "go.alpha.com", pathAASA + ".json", nil, http.StatusNotFound},
		{"well-known dir", "go.alpha.com", "/.well-known/", nil, http.StatusNotFound},
		{"well-known no slash", "go.alpha.com", "/.well-known", nil, http.StatusNotFound},
		{"dot segment", "go.alpha.com", "/./.well-known/apple-app-site-association", nil, http.StatusNotFound},
		{"http behind trusted proxy", "go.alpha.com", pathAASA,
			http.Header{"X-Forwarded-Proto": {"http"}}, http.StatusOK},
		{"www host", "www.go.alpha.com", pathAASA, nil, http.StatusNotFound},
		{"query string", "go.alpha.com", pathLinks + "?x=1", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodGet, tt.host, tt.path, tt.header)
			if rec.Code != tt.wantStatus {
				t.Errorf("GET %s%s = %d; want %d", tt.host, tt.path, rec.Code, tt.wantStatus)
			}
			if loc := rec.Header().Get("Location"); loc != "" {
				t.Errorf("GET %s%s redirects to %q", tt.host, tt.path, loc)
			}
		})
	}
}

func TestPublicMethodNotAllowed(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	for _, path := range []string{pathAASA, pathRootAASA, pathLinks} {
		for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
			t.Run(method+path, func(t *testing.T) {
				rec := do(h, method, "go.alpha.com", path, nil)
				if rec.Code != http.StatusMethodNotAllowed {
					t.Fatalf("%s %s = %d; want 405", method, path, rec.Code)
				}
				allow := rec.Header().Get("Allow")
				if !strings.Contains(allow, "GET") || !strings.Contains(allow, "HEAD") || strings.Contains(allow, method) {
					t.Errorf("%s %s Allow = %q; want GET and HEAD, not %s", method, path, allow, method)
				}
				if strings.Contains(rec.Body.String(), "applinks") {
					t.Errorf("%s %s leaks the file: %q", method, path, rec.Body.String())
				}
			})
		}
	}
}

func TestPublicNotFound(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	tests := []struct {
		name, method, host, path string
		wantStatus               int
		wantType                 string
		golden                   string
	}{
		{"other path", "GET", "go.alpha.com", "/some/KEY", 404, "text/plain; charset=UTF-8", "plain_404"},
		{"api path", "GET", "go.alpha.com", "/api/v1/nothing", 404, "application/json", "api_404"},
		{"api root", "GET", "go.alpha.com", "/api", 404, "application/json", "api_404"},
		{"api unknown host", "POST", "evil.example", "/api/v1/signups", 404, "application/json", "api_unknown_host"},
		{"unknown host", "GET", "evil.example", "/", 404, "text/plain; charset=UTF-8", "plain_unknown_host"},
		{"no metrics publicly", "GET", "go.alpha.com", "/metrics", 404, "text/plain; charset=UTF-8", "plain_404"},
		{"no healthz publicly", "GET", "go.alpha.com", "/healthz", 404, "text/plain; charset=UTF-8", "plain_404"},
		{"no readyz publicly", "GET", "go.alpha.com", "/readyz", 404, "text/plain; charset=UTF-8", "plain_404"},
		{"head has no body", "HEAD", "go.alpha.com", "/api/v1/nothing", 404, "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, tt.host, tt.path, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s%s = %d; want %d", tt.method, tt.host, tt.path, rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("%s %s%s Content-Type = %q; want %q", tt.method, tt.host, tt.path, got, tt.wantType)
			}
			checkGolden(t, tt.golden, rec.Body.Bytes())
		})
	}
}

func TestPublicLimits(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	t.Run("body over 64 KiB", func(t *testing.T) {
		req := newBodyRequest(http.MethodPost, "/api/v1/signups", strings.Repeat("x", maxBodyBytes+1))
		req.Host = "go.alpha.com"
		rec := serve(h, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST 64 KiB+1 = %d; want 413", rec.Code)
		}
		checkGolden(t, "api_413", rec.Body.Bytes())
	})
	t.Run("headers over 16 KiB", func(t *testing.T) {
		rec := do(h, http.MethodGet, "go.alpha.com", pathAASA, http.Header{"X-Big": {strings.Repeat("y", maxHeaderBytes)}})
		if rec.Code != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("GET with 16 KiB header = %d; want 431", rec.Code)
		}
	})
	t.Run("headers under the limit", func(t *testing.T) {
		rec := do(h, http.MethodGet, "go.alpha.com", pathAASA, http.Header{"X-Big": {strings.Repeat("y", 8<<10)}})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET with 8 KiB header = %d; want 200", rec.Code)
		}
	})
}

func TestRequestID(t *testing.T) {
	h := newTestServer(t, Options{}).Public()
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"sane id kept", "req-123_abc.DEF", true},
		{"64 chars kept", strings.Repeat("a", 64), true},
		{"absent", "", false},
		{"65 chars replaced", strings.Repeat("a", 65), false},
		{"space replaced", "req 123", false},
		{"log injection replaced", "a\",\"level\":\"ERROR", false},
		{"unicode replaced", "réq", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header http.Header
			if tt.incoming != "" {
				header = http.Header{HeaderRequestID: {tt.incoming}}
			}
			rec := do(h, http.MethodGet, "go.alpha.com", pathAASA, header)
			got := rec.Header().Get(HeaderRequestID)
			if tt.keep {
				if got != tt.incoming {
					t.Errorf("X-Request-ID = %q; want the incoming %q", got, tt.incoming)
				}
				return
			}
			if got == tt.incoming || !validRequestID(got) || len(got) < 14 {
				t.Errorf("X-Request-ID = %q; want a fresh id (random prefix, counter)", got)
			}
		})
	}
	a := do(h, http.MethodGet, "go.alpha.com", "/x", nil).Header().Get(HeaderRequestID)
	b := do(h, http.MethodGet, "go.alpha.com", "/x", nil).Header().Get(HeaderRequestID)
	if a == b {
		t.Errorf("two requests got the same generated id %q", a)
	}
	// Another server (another process) draws another prefix, so ids from
	// two instances behind one proxy do not collide.
	h2 := newTestServer(t, Options{}).Public()
	if c := do(h2, http.MethodGet, "go.alpha.com", "/x", nil).Header().Get(HeaderRequestID); c[:13] == a[:13] {
		t.Errorf("two servers share the id prefix: %q and %q", a, c)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, Options{})
	all := map[string]string{
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "strict-origin-when-cross-origin",
		"X-Frame-Options":           "DENY",
		"Strict-Transport-Security": "",
	}
	// A well-known document keeps what means something for public JSON
	// (see setDocumentSecurity).
	document := map[string]string{
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "",
		"X-Frame-Options":           "",
		"Strict-Transport-Security": "",
	}
	tests := []struct {
		name, method, host, path string
		h                        http.Handler
		header                   http.Header
		want                     map[string]string
	}{
		{"200", "GET", "go.alpha.com", pathAASA, ts.Public(), nil, document},
		{"304", "GET", "go.alpha.com", pathAASA, ts.Public(), http.Header{"If-None-Match": {"*"}}, document},
		{"head", "HEAD", "go.alpha.com", pathLinks, ts.Public(), nil, document},
		{"404", "GET", "go.alpha.com", "/nope", ts.Public(), nil, all},
		{"unknown host", "GET", "nope.example", pathAASA, ts.Public(), nil, all},
		{"405", "POST", "go.alpha.com", pathAASA, ts.Public(), nil, all},
		{"admin", "GET", "localhost", "/healthz", ts.Admin(), nil, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(tt.h, tt.method, tt.host, tt.path, tt.header)
			for k, v := range tt.want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s %s %s: header %s = %q; want %q", tt.method, tt.host, tt.path, k, got, v)
				}
			}
		})
	}
}

// TestReservedPathsAreRouted holds the router and the default AASA to the
// one list of reserved paths (internal/reserved): every route but the
// link resolver's catch-all lies under a reserved path, every reserved
// path has a route, and the AASA excludes exactly those paths before it
// claims anything.
func TestReservedPathsAreRouted(t *testing.T) {
	s := newTestServer(t, Options{})
	served := map[string]bool{}
	var routes []string
	for path := range wellKnownPaths {
		routes = append(routes, path)
	}
	for _, r := range append(s.publicRoutes(), s.apiRoutes()...) {
		routes = append(routes, r.path)
	}
	for _, path := range routes {
		if path == routeLinks {
			continue
		}
		// A route's parameters (":id") and wildcard stand for one segment.
		probe := strings.NewReplacer(":id", "x", ":key", "x", "*", "x").Replace(path)
		if !reserved.Path(probe) {
			t.Errorf("route %s is not under a reserved path: the resolver would read its first segment as a key", path)
		}
		for _, p := range reserved.Paths() {
			if probe == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(probe, p)) {
				served[p] = true
			}
		}
	}
	for _, p := range reserved.Paths() {
		if !served[p] {
			t.Errorf("reserved path %s has no route", p)
		}
	}

	files, err := wellknown.Build(wellknown.Site{
		Params:    []string{"ref"},
		PathKeys:  true,
		AppleApps: []wellknown.AppleApp{{AppID: "ABCDE12345.com.alpha.app"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var aasa struct {
		AppLinks struct {
			Details []struct {
				Components []struct {
					Path    string `json:"/"`
					Exclude bool   `json:"exclude"`
				} `json:"components"`
			} `json:"details"`
		} `json:"applinks"`
	}
	if err := json.Unmarshal(files.AASA.Body, &aasa); err != nil {
		t.Fatal(err)
	}
	var excluded []string
	for _, c := range aasa.AppLinks.Details[0].Components {
		if !c.Exclude || c.Path == "" {
			break
		}
		excluded = append(excluded, strings.TrimSuffix(c.Path, "*"))
	}
	if diff := cmp.Diff(reserved.Paths(), excluded); diff != "" {
		t.Errorf("the AASA's leading excludes differ from the reserved paths (-want +got):\n%s", diff)
	}
}
