package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// fakeAnswer is what a test site sends for one path.
type fakeAnswer struct {
	status      int // 0 means 200
	contentType string
	body        []byte
	location    string
	hang        bool // wait until the client gives up
}

// fakeSite is one domain's answers by path; other paths get 404.
type fakeSite struct {
	files map[string]fakeAnswer
	// block answers 403 to any User-Agent containing it, as a WAF would.
	block string
}

// with returns a copy of s with path answering a (a zero fakeAnswer removes
// the path).
func (s fakeSite) with(path string, a fakeAnswer) fakeSite {
	files := make(map[string]fakeAnswer, len(s.files)+1)
	for p, f := range s.files {
		files[p] = f
	}
	if a.status == 0 && a.body == nil && !a.hang {
		delete(files, path)
	} else {
		files[path] = a
	}
	return fakeSite{files: files, block: s.block}
}

// fakeSitesHandler serves each site by its Host header (port ignored), the
// way deeplinkd does.
func fakeSitesHandler(sites map[string]fakeSite) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		site, ok := sites[host]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if site.block != "" && strings.Contains(r.UserAgent(), site.block) {
			http.Error(w, "blocked", http.StatusForbidden)
			return
		}
		a, ok := site.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if a.hang {
			<-r.Context().Done()
			return
		}
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		if a.location != "" {
			w.Header().Set("Location", a.location)
		}
		status := a.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = w.Write(a.body)
	})
}

// hostRouter sends every request to the test server (or to the address
// given for its host), keeping the Host header, so the code under test
// fetches https://go.example.com/… exactly as it would in production.
type hostRouter struct {
	addr  string
	addrs map[string]string
	next  http.RoundTripper
}

func (h hostRouter) RoundTrip(r *http.Request) (*http.Response, error) {
	addr, ok := h.addrs[r.URL.Hostname()]
	if !ok {
		addr = h.addr
	}
	out := r.Clone(r.Context())
	out.Host = r.URL.Host
	out.URL.Host = addr
	return h.next.RoundTrip(out)
}

// fakeSitesClient starts a TLS server for sites and returns a client that
// reaches it under any host name; hosts in down refuse connections.
func fakeSitesClient(t *testing.T, sites map[string]fakeSite, down ...string) *http.Client {
	t.Helper()
	srv := httptest.NewTLSServer(fakeSitesHandler(sites))
	t.Cleanup(srv.Close)
	router := hostRouter{addr: srv.Listener.Addr().String(), addrs: map[string]string{}, next: srv.Client().Transport}
	for _, h := range down {
		router.addrs[h] = refusingAddr(t)
	}
	return &http.Client{Transport: router}
}

// refusingAddr is an address nothing listens on.
func refusingAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// testFingerprint is a well-formed SHA-256 fingerprint derived from seed, so
// it trips none of the placeholder checks.
func testFingerprint(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// deeplinkdSite is what deeplinkd serves for one iOS and one Android app:
// the real bytes from wellknown.Build at all three paths.
func deeplinkdSite(t *testing.T, teamID, fp string) fakeSite {
	t.Helper()
	files, err := wellknown.Build(wellknown.Site{
		Params:      []string{"ref"},
		PathKeys:    true,
		AppleApps:   []wellknown.AppleApp{{AppID: teamID + ".com.example.app"}},
		AndroidApps: []wellknown.AndroidApp{{Package: "com.example.app", Fingerprints: []string{fp}}},
	})
	if err != nil {
		t.Fatalf("wellknown.Build: %v", err)
	}
	asJSON := func(b []byte) fakeAnswer { return fakeAnswer{contentType: "application/json", body: b} }
	return fakeSite{files: map[string]fakeAnswer{
		pathAASA:       asJSON(files.AASA.Body),
		pathRootAASA:   asJSON(files.AASA.Body),
		pathAssetLinks: asJSON(files.AssetLinks.Body),
	}}
}

// reportLine is one parsed line of verify's report; in wants, message is
// a substring the line's message must contain.
type reportLine struct {
	label, severity, message string
}

// parseVerifyReport splits verify's stdout into finding lines and the summary.
func parseVerifyReport(t *testing.T, out string) ([]reportLine, string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	summary := lines[len(lines)-1]
	var got []reportLine
	for _, l := range lines[:len(lines)-1] {
		label, rest, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("report line %q has no \"LABEL: \" prefix", l)
		}
		sev, msg, _ := strings.Cut(rest, ": ")
		got = append(got, reportLine{label, sev, msg})
	}
	return got, summary
}

func checkVerifyReport(t *testing.T, call, out string, want []reportLine, wantSummary string) {
	t.Helper()
	got, summary := parseVerifyReport(t, out)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].label == want[i].label && got[i].severity == want[i].severity &&
			strings.Contains(got[i].message, want[i].message)
	}
	if !ok {
		t.Errorf("%s report:\n%s\nwant lines (label, severity, message containing):\n%v", call, out, want)
	}
	if wantSummary != "" && summary != wantSummary {
		t.Errorf("%s summary = %q; want %q", call, summary, wantSummary)
	}
}

func runVerify(t *testing.T, client *http.Client, args ...string) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := verify(t.Context(), args, client, &stdout, &stderr)
	return runResult{exitCode(err, &stderr), stdout.String(), stderr.String()}
}

const (
	verifyTeam    = "9JA89QQLNQ"
	verifyHost    = "go.example.com"
	verifyCDNHost = "app-site-association.cdn-apple.com"
	verifyCDNPath = "/a/v1/" + verifyHost
)

func TestVerify(t *testing.T) {
	fp := testFingerprint("release key")
	clean := deeplinkdSite(t, verifyTeam, fp)
	other := deeplinkdSite(t, "Q1W2E3R4T5", fp)
	lowerFP := deeplinkdSite(t, verifyTeam, strings.ToLower(fp))
	var compact bytes.Buffer
	if err := json.Compact(&compact, clean.files[pathAASA].body); err != nil {
		t.Fatal(err)
	}
	html := fakeAnswer{contentType: "text/html; charset=utf-8", body: []byte("<!doctype html><title>App</title>")}
	huge := fakeAnswer{contentType: "application/json", body: []byte(`{"applinks":{"apps":[],"details":[],"x":"` + strings.Repeat("x", 4*wellknown.MaxAASASize) + `"}}`)}
	redirect := fakeAnswer{status: http.StatusMovedPermanently, location: "https://www.example.com" + pathAASA}
	cdnSite := func(body []byte) fakeSite {
		return fakeSite{files: map[string]fakeAnswer{verifyCDNPath: {contentType: "application/json", body: body}}}
	}

	wk, root, al, cdn := verifyHost+" "+pathAASA, verifyHost+" "+pathRootAASA, verifyHost+" "+pathAssetLinks, verifyHost+" "+labelCDN
	allOK := []reportLine{{wk, "ok", ""}, {root, "ok", ""}, {al, "ok", ""}}
	withLines := func(base []reportLine, extra ...reportLine) []reportLine {
		return append(append([]reportLine{}, base...), extra...)
	}

	tests := []struct {
		name        string
		sites       map[string]fakeSite
		down        []string
		args        []string
		wantCode    int
		want        []reportLine
		wantSummary string
	}{
		{
			name: "clean deeplinkd files", sites: map[string]fakeSite{verifyHost: clean},
			args: []string{verifyHost}, wantCode: 0, want: allOK,
			wantSummary: "1 URL checked: 0 errors, 0 warnings",
		},
		{
			name: "https URL with a path and upper case", sites: map[string]fakeSite{verifyHost: clean},
			args: []string{"https://GO.Example.com/KEY?ref=abc"}, wantCode: 0, want: allOK,
		},
		{
			name: "redirect is reported, not followed",
			// www serves the good file: following the redirect would hide it.
			sites:    map[string]fakeSite{verifyHost: clean.with(pathAASA, redirect), "www.example.com": clean},
			args:     []string{verifyHost},
			wantCode: 1,
			want: []reportLine{
				{wk, "error", `HTTP 301 redirect to "https://www.example.com/.well-known/apple-app-site-association"`},
				{root, "ok", ""}, {al, "ok", ""},
			},
			wantSummary: "1 URL checked: 1 error, 0 warnings",
		},
		{
			name: "SPA catch-all serves text/html",
			sites: map[string]fakeSite{verifyHost: {files: map[string]fakeAnswer{
				pathAASA: html, pathRootAASA: html, pathAssetLinks: html,
			}}},
			args:     []string{verifyHost},
			wantCode: 1,
			want: []reportLine{
				{wk, "error", "text/html"}, {wk, "error", "not valid JSON"},
				{root, "error", "text/html"}, {root, "error", "not valid JSON"},
				{al, "error", "text/html"}, {al, "error", "not valid JSON"},
			},
		},
		{
			name:     "oversized AASA",
			sites:    map[string]fakeSite{verifyHost: clean.with(pathAASA, huge).with(pathRootAASA, fakeAnswer{})},
			args:     []string{verifyHost},
			wantCode: 1,
			want: []reportLine{
				{wk, "error", "over Apple's limit"}, {wk, "error", "not valid JSON"},
				{root, "ok", "not served (HTTP 404)"}, {al, "ok", ""},
			},
		},
		{
			name:     "oversized assetlinks",
			sites:    map[string]fakeSite{verifyHost: clean.with(pathAssetLinks, huge)},
			args:     []string{verifyHost},
			wantCode: 1,
			want: withLines(allOK[:2],
				reportLine{al, "error", fmt.Sprintf("over %d bytes", wellknown.MaxAASASize)},
				reportLine{al, "error", "not valid JSON"}),
		},
		{
			name:     "bad JSON in assetlinks",
			sites:    map[string]fakeSite{verifyHost: clean.with(pathAssetLinks, fakeAnswer{contentType: "application/json", body: []byte(`[{"relation": [}]`)})},
			args:     []string{verifyHost},
			wantCode: 1,
			want:     withLines(allOK[:2], reportLine{al, "error", "not valid JSON"}),
		},
		{
			name:     "assetlinks missing",
			sites:    map[string]fakeSite{verifyHost: clean.with(pathAssetLinks, fakeAnswer{})},
			args:     []string{verifyHost},
			wantCode: 1,
			want:     withLines(allOK[:2], reportLine{al, "error", "HTTP 404"}),
		},
		{
			name: "lower-case fingerprint warns", sites: map[string]fakeSite{verifyHost: lowerFP},
			args: []string{verifyHost}, wantCode: 0,
			want:        withLines(allOK[:2], reportLine{al, "warning", "lower case"}),
			wantSummary: "1 URL checked: 0 errors, 1 warning",
		},
		{
			name:  "root and .well-known differ",
			sites: map[string]fakeSite{verifyHost: clean.with(pathRootAASA, other.files[pathAASA])},
			args:  []string{verifyHost}, wantCode: 0,
			want: []reportLine{{wk, "ok", ""}, {root, "warning", "differs from /.well-known/apple-app-site-association"}, {al, "ok", ""}},
		},
		{
			name:  "root reformatted is the same file",
			sites: map[string]fakeSite{verifyHost: clean.with(pathRootAASA, fakeAnswer{contentType: "application/json", body: compact.Bytes()})},
			args:  []string{verifyHost}, wantCode: 0, want: allOK,
		},
		{
			name:  "root missing is fine",
			sites: map[string]fakeSite{verifyHost: clean.with(pathRootAASA, fakeAnswer{})},
			args:  []string{verifyHost}, wantCode: 0,
			want: []reportLine{{wk, "ok", ""}, {root, "ok", "only /.well-known/apple-app-site-association is required"}, {al, "ok", ""}},
		},
		{
			name: "WAF blocks Apple's bot",
			// Only the AASA-Bot user agent is refused, as a real rule would.
			sites:    map[string]fakeSite{verifyHost: {files: clean.files, block: "AASA-Bot/1.0.0"}},
			args:     []string{verifyHost},
			wantCode: 1,
			want:     []reportLine{{wk, "error", "HTTP 403"}, {root, "error", "HTTP 403"}, {al, "ok", ""}},
		},
		{
			name:     "WAF blocks Google",
			sites:    map[string]fakeSite{verifyHost: {files: clean.files, block: "Google"}},
			args:     []string{verifyHost},
			wantCode: 1,
			want:     withLines(allOK[:2], reportLine{al, "error", "HTTP 403"}),
		},
		{
			name:     "unreachable host",
			down:     []string{"down.example.com"},
			args:     []string{"down.example.com"},
			wantCode: 1,
			want: []reportLine{{"down.example.com " + pathAASA, "error",
				"cannot fetch https://down.example.com/.well-known/apple-app-site-association: "}},
		},
		{
			name:     "timeout",
			sites:    map[string]fakeSite{verifyHost: clean.with(pathAASA, fakeAnswer{hang: true})},
			args:     []string{"-timeout", "100ms", verifyHost},
			wantCode: 1,
			want:     []reportLine{{wk, "error", "no answer within 100ms (-timeout)"}},
		},
		{
			name: "several URLs, in order",
			sites: map[string]fakeSite{
				verifyHost:          clean,
				"lower.example.com": lowerFP,
				"redir.example.com": clean.with(pathAASA, redirect),
			},
			down:     []string{"down.example.com"},
			args:     []string{verifyHost, "lower.example.com", "down.example.com", "redir.example.com"},
			wantCode: 1,
			want: withLines(allOK,
				reportLine{"lower.example.com " + pathAASA, "ok", ""},
				reportLine{"lower.example.com " + pathRootAASA, "ok", ""},
				reportLine{"lower.example.com " + pathAssetLinks, "warning", "lower case"},
				reportLine{"down.example.com " + pathAASA, "error", "down.example.com"},
				reportLine{"redir.example.com " + pathAASA, "error", "HTTP 301"},
				reportLine{"redir.example.com " + pathRootAASA, "ok", ""},
				reportLine{"redir.example.com " + pathAssetLinks, "ok", ""},
			),
			wantSummary: "4 URLs checked: 2 errors, 1 warning",
		},
		{
			name:  "cdn holds the same file",
			sites: map[string]fakeSite{verifyHost: clean, verifyCDNHost: cdnSite(compact.Bytes())},
			args:  []string{"-cdn", verifyHost}, wantCode: 0,
			want: withLines(allOK, reportLine{cdn, "ok", ""}),
		},
		{
			name:  "cdn has no copy yet",
			sites: map[string]fakeSite{verifyHost: clean, verifyCDNHost: {}},
			args:  []string{"-cdn", verifyHost}, wantCode: 0,
			want: withLines(allOK, reportLine{cdn, "warning", "no copy"}),
		},
		{
			name:  "cdn holds another file",
			sites: map[string]fakeSite{verifyHost: clean, verifyCDNHost: cdnSite(other.files[pathAASA].body)},
			args:  []string{"-cdn", verifyHost}, wantCode: 0,
			want: withLines(allOK, reportLine{cdn, "warning", "different file"}),
		},
		{
			name:  "cdn unreachable is only a warning",
			sites: map[string]fakeSite{verifyHost: clean},
			down:  []string{verifyCDNHost},
			args:  []string{"-cdn", verifyHost}, wantCode: 0,
			want: withLines(allOK, reportLine{cdn, "warning", "cannot fetch https://" + verifyCDNHost + verifyCDNPath}),
		},
		{
			name:  "cdn checked for an unreachable origin",
			sites: map[string]fakeSite{verifyCDNHost: cdnSite(compact.Bytes())},
			down:  []string{verifyHost},
			args:  []string{"-cdn", verifyHost}, wantCode: 1,
			want: []reportLine{{wk, "error", "the other files were not tried"}, {cdn, "ok", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runVerify(t, fakeSitesClient(t, tt.sites, tt.down...), tt.args...)
			call := fmt.Sprintf("verify(%q)", tt.args)
			if got.code != tt.wantCode {
				t.Errorf("%s exit = %d; want %d\nstdout: %s\nstderr: %s", call, got.code, tt.wantCode, got.stdout, got.stderr)
			}
			if got.stderr != "" {
				t.Errorf("%s stderr = %q; want empty", call, got.stderr)
			}
			checkVerifyReport(t, call, got.stdout, tt.want, tt.wantSummary)
		})
	}
}

// TestVerifyThroughRun runs verify as the binary does, with run's own
// client, against a plain-HTTP server: an http:// URL is an error unless
// -insecure says it is a local server on purpose.
func TestVerifyThroughRun(t *testing.T) {
	site := deeplinkdSite(t, verifyTeam, testFingerprint("release key"))
	srv := httptest.NewServer(fakeSitesHandler(map[string]fakeSite{"127.0.0.1": site}))
	t.Cleanup(srv.Close)
	h := strings.TrimPrefix(srv.URL, "http://")
	files := []reportLine{{h + " " + pathAASA, "ok", ""}, {h + " " + pathRootAASA, "ok", ""}, {h + " " + pathAssetLinks, "ok", ""}}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []reportLine
	}{
		{"http needs https", []string{"verify", srv.URL}, 1,
			append([]reportLine{{h, "error", "only over https"}}, files...)},
		{"http with -insecure", []string{"verify", "-insecure", srv.URL}, 0, files},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runArgs(t, nil, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("run(%q) exit = %d; want %d\nstdout: %s\nstderr: %s", tt.args, got.code, tt.wantCode, got.stdout, got.stderr)
			}
			checkVerifyReport(t, fmt.Sprintf("run(%q)", tt.args), got.stdout, tt.want, "")
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring; "" means stdout must be empty
		wantStderr string // substring; "" means stderr must be empty
	}{
		{"no URL", []string{"verify"}, 2, "", "name at least one URL"},
		{"unknown flag", []string{"verify", "-nope", verifyHost}, 2, "", "flag provided but not defined: -nope"},
		{"zero timeout", []string{"verify", "-timeout", "0s", verifyHost}, 2, "", "want a positive duration"},
		{"bad timeout", []string{"verify", "-timeout", "soon", verifyHost}, 2, "", "invalid value"},
		{"flag after URL", []string{"verify", verifyHost, "-cdn"}, 2, "", `"-cdn" after a URL`},
		{"other scheme", []string{"verify", "ftp://" + verifyHost}, 2, "", "want an https:// URL or a bare host"},
		{"no host", []string{"verify", "https://"}, 2, "", "has no host"},
		{"not a URL", []string{"verify", "go.example.com:port"}, 2, "", "is not a URL"},
		{"user info", []string{"verify", "https://ann:hunter2@" + verifyHost}, 2, "", "has user info"},
		{"help", []string{"verify", "-h"}, 0, "-insecure", ""},
		{"listed in usage", []string{"help"}, 0, "verify [-timeout 10s] [-cdn] [-insecure] URL…", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runArgs(t, nil, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("run(%q) exit = %d; want %d\nstdout: %s\nstderr: %s", tt.args, got.code, tt.wantCode, got.stdout, got.stderr)
			}
			checkOutput(t, "stdout", got.stdout, tt.wantStdout)
			checkOutput(t, "stderr", got.stderr, tt.wantStderr)
			if strings.Contains(got.stderr, "hunter2") {
				t.Errorf("run(%q) stderr shows the URL's password: %q", tt.args, got.stderr)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		arg, want string
	}{
		{"go.example.com", "https://go.example.com"},
		{"GO.Example.COM", "https://go.example.com"},
		{"go.example.com/KEY?ref=abc", "https://go.example.com"},
		{"https://go.example.com/", "https://go.example.com"},
		{"HTTPS://go.example.com", "https://go.example.com"},
		{"http://localhost:8080/x", "http://localhost:8080"},
		{"localhost:8080", "https://localhost:8080"},
		{"[::1]:8443", "https://[::1]:8443"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			got, err := parseTarget(tt.arg)
			if err != nil {
				t.Fatalf("parseTarget(%q) error: %v", tt.arg, err)
			}
			if got.String() != tt.want {
				t.Errorf("parseTarget(%q) = %q; want %q", tt.arg, got, tt.want)
			}
		})
	}
}

// TestFetchCapsTheBody checks that a huge body is cut one byte past
// Apple's limit, so it is reported without being read whole.
func TestFetchCapsTheBody(t *testing.T) {
	tests := []struct {
		name string
		size int
		want fetched
	}{
		{"small", 10, fetched{status: 200, body: bytes.Repeat([]byte("x"), 10)}},
		{"at the limit", wellknown.MaxAASASize, fetched{status: 200, body: bytes.Repeat([]byte("x"), wellknown.MaxAASASize)}},
		{"over the limit", 8 << 20, fetched{status: 200, body: bytes.Repeat([]byte("x"), wellknown.MaxAASASize+1), truncated: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := fakeSite{files: map[string]fakeAnswer{"/f": {body: bytes.Repeat([]byte("x"), tt.size)}}}
			v := &verifier{client: noRedirects(fakeSitesClient(t, map[string]fakeSite{verifyHost: site}), 5*time.Second)}
			got, err := v.fetch(t.Context(), "https://"+verifyHost+"/f", uaAASA)
			if err != nil {
				t.Fatalf("fetch error: %v", err)
			}
			got.header = nil
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(fetched{})); diff != "" {
				t.Errorf("fetch(%d bytes) mismatch (-want +got):\n%s", tt.size, diff)
			}
		})
	}
}

// TestNoRedirectsCopies checks that verify's settings stay on its copy:
// the client it was given keeps following redirects.
func TestNoRedirectsCopies(t *testing.T) {
	base := &http.Client{Timeout: time.Minute}
	c := noRedirects(base, time.Second)
	if c == base || base.CheckRedirect != nil || base.Timeout != time.Minute {
		t.Errorf("noRedirects changed its base client: %+v", base)
	}
	if c.Timeout != time.Second || c.CheckRedirect == nil {
		t.Errorf("noRedirects() = %+v; want Timeout 1s and a CheckRedirect", c)
	}
}
