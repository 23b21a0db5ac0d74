package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// The well-known paths verify fetches, in the order it reports them.
const (
	pathAASA       = "/.well-known/apple-app-site-association"
	pathRootAASA   = "/apple-app-site-association"
	pathAssetLinks = "/.well-known/assetlinks.json"
)

const (
	// uaAASA is what Apple's CDN sends; a WAF rule keyed on it is exactly
	// what verify should run into.
	uaAASA = "AASA-Bot/1.0.0"
	// uaAssetLinks carries the "Google" token that bot rules key on.
	// Google publishes no User-Agent for its Digital Asset Links fetcher,
	// so this is a stand-in, not a copy.
	uaAssetLinks = "Mozilla/5.0 (compatible; Google-Digital-Asset-Links/1.0; deeplinkd-verify)"
	// uaVerify is used for Apple's CDN, which only we read.
	uaVerify = "deeplinkd-verify"
)

// maxRead bounds every body verify reads: one byte over Apple's limit is
// enough to report an oversize file without slurping a huge one.
const maxRead = wellknown.MaxAASASize + 1

// labelCDN names Apple's CDN copy in the report.
const labelCDN = "apple-cdn"

// verify fetches each URL's well-known files the way Apple's and Google's
// verifiers do and prints every finding. client is the base HTTP client
// (the tests pass one that trusts their TLS servers); verify uses a copy
// that never follows a redirect and has the -timeout.
func verify(ctx context.Context, args []string, client *http.Client, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	timeout := fs.Duration("timeout", 10*time.Second, "the time allowed for each request")
	cdn := fs.Bool("cdn", false, "also compare with Apple's CDN copy of the AASA")
	insecure := fs.Bool("insecure", false, "accept http:// URLs without an error (for local servers)")
	rawURLs, err := parseArgs(fs, args, stdout, stderr)
	if err != nil {
		return ignoreHelp(err)
	}
	if *timeout <= 0 {
		return usageError(stderr, fmt.Sprintf("verify: -timeout %s: want a positive duration", *timeout))
	}
	targets := make([]*url.URL, 0, len(rawURLs))
	for _, raw := range rawURLs {
		u, err := parseTarget(raw)
		if err != nil {
			return usageError(stderr, "verify: "+err.Error())
		}
		targets = append(targets, u)
	}

	v := &verifier{
		client:   noRedirects(client, *timeout),
		cdn:      *cdn,
		insecure: *insecure,
		out:      stdout,
	}
	for _, u := range targets {
		v.domain(ctx, u)
	}
	fmt.Fprintf(stdout, "%s checked: %s, %s\n",
		plural(len(targets), "URL"), plural(v.errors, "error"), plural(v.warnings, "warning"))
	if v.errors > 0 {
		return exitError{code: 1}
	}
	return nil
}

// parseArgs parses verify's flags like parseFlags does, but the
// positional arguments are the URLs, at least one.
func parseArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "Usage of %s [flags] URL…:\n", fs.Name())
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return nil, errHelp
	case err != nil:
		return nil, usageError(stderr, err.Error())
	case fs.NArg() == 0:
		return nil, usageError(stderr, "verify: name at least one URL or host, e.g. deeplinkd verify go.example.com")
	}
	for _, a := range fs.Args() {
		// The flag package stops at the first URL, so a later flag would
		// silently be taken for a host.
		if strings.HasPrefix(a, "-") {
			return nil, usageError(stderr, fmt.Sprintf("verify: %q after a URL: flags go before the URLs", a))
		}
	}
	return fs.Args(), nil
}

// parseTarget turns an argument into the origin to check: a bare host
// means https, and any path or query is dropped, since the well-known
// files live at fixed paths.
func parseTarget(arg string) (*url.URL, error) {
	raw := arg
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", arg, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%q: want an https:// URL or a bare host", arg)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%q has no host", arg)
	}
	if u.User != nil {
		// Not echoed: the user info may hold a password.
		return nil, fmt.Errorf("the URL for %s has user info; verifiers send no credentials, name the host alone", u.Host)
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}, nil
}

// noRedirects copies base (never changing the caller's client) so that a
// 3xx comes back as the answer, as the verifiers see it.
func noRedirects(base *http.Client, timeout time.Duration) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	c.Timeout = timeout
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// verifier checks domains one after another, printing as it goes and
// counting findings for the exit code.
type verifier struct {
	client   *http.Client
	cdn      bool
	insecure bool
	out      io.Writer

	errors, warnings int
}

// domain checks one origin's files: the .well-known AASA, the root AASA
// (optional, but must agree), assetlinks.json, and with -cdn Apple's copy.
func (v *verifier) domain(ctx context.Context, u *url.URL) {
	host := u.Host
	if u.Scheme == "http" && !v.insecure {
		v.report(host, []wellknown.Finding{{Severity: wellknown.SeverityError, Message: fmt.Sprintf(
			"http:// URL: Apple and Google fetch the well-known files only over https with a valid certificate; verify https://%s (or pass -insecure to check a local server)", host)}})
	}
	origin := u.Scheme + "://" + u.Host

	var originAASA []byte
	aasa, err := v.fetch(ctx, origin+pathAASA, uaAASA)
	if err != nil {
		// The host is down or refuses TLS: the other paths would only
		// repeat that, each after its own timeout.
		v.report(host+" "+pathAASA, fetchFailed(err, "; the other files were not tried"))
	} else {
		originAASA = aasa.okBody()
		v.report(host+" "+pathAASA, wellknown.CheckAASA(aasa.status, aasa.header, aasa.body, false))
		v.rootAASA(ctx, host, origin, aasa)
		links, err := v.fetch(ctx, origin+pathAssetLinks, uaAssetLinks)
		if err != nil {
			v.report(host+" "+pathAssetLinks, fetchFailed(err, ""))
		} else {
			v.report(host+" "+pathAssetLinks, assetLinksFindings(links))
		}
	}
	if v.cdn {
		v.appleCDN(ctx, u.Hostname(), host, originAASA)
	}
}

// rootAASA checks /apple-app-site-association. Only .well-known is
// required, so a 404 there is fine; a file that is served must be valid
// and must match, because iOS prefers .well-known and a stale copy at
// either place confuses whoever debugs the other.
func (v *verifier) rootAASA(ctx context.Context, host, origin string, wellKnown *fetched) {
	label := host + " " + pathRootAASA
	root, err := v.fetch(ctx, origin+pathRootAASA, uaAASA)
	switch {
	case err != nil:
		v.report(label, fetchFailed(err, ""))
		return
	case root.status == http.StatusNotFound:
		fmt.Fprintf(v.out, "%s: ok: not served (HTTP 404), which is fine: only %s is required\n", label, pathAASA)
		return
	}
	findings := wellknown.CheckAASA(root.status, root.header, root.body, false)
	if root.okBody() != nil && wellKnown.okBody() != nil && !sameJSON(root.body, wellKnown.body) {
		findings = append(findings, wellknown.Finding{Severity: wellknown.SeverityWarning, Message: fmt.Sprintf(
			"differs from %s; iOS reads the .well-known copy, so serve the same file at both paths (or only at .well-known)", pathAASA)})
	}
	v.report(label, findings)
}

// assetLinksFindings checks assetlinks.json. Apple's size limit is in
// CheckAASA; for assetlinks a body cut at maxRead is reported here, since
// the JSON error it then causes would otherwise be a puzzle.
func assetLinksFindings(f *fetched) []wellknown.Finding {
	var out []wellknown.Finding
	if f.truncated && f.status == http.StatusOK {
		out = append(out, wellknown.Finding{Severity: wellknown.SeverityError, Message: fmt.Sprintf(
			"the file is over %d bytes, so verify read no further and any JSON error below is about the cut-off file; a statement list is a few hundred bytes, this is probably not the file", wellknown.MaxAASASize)})
	}
	return append(out, wellknown.CheckAssetLinks(f.status, f.header, f.body, false)...)
}

// appleCDN compares Apple's CDN copy with the origin's .well-known AASA
// (nil when the origin did not serve one). Every finding is a warning: the
// CDN is Apple's, and it catches up on its own.
func (v *verifier) appleCDN(ctx context.Context, hostname, label string, originAASA []byte) {
	label += " " + labelCDN
	cdn, err := v.fetch(ctx, wellknown.AppleCDNURL(hostname), uaVerify)
	if err != nil {
		f := fetchFailed(err, "; this says nothing about the domain itself")
		f[0].Severity = wellknown.SeverityWarning
		v.report(label, f)
		return
	}
	v.report(label, wellknown.CheckAASACDN(cdn.status, cdn.body, originAASA))
}

// report prints label's findings, or "ok" when there are none.
func (v *verifier) report(label string, findings []wellknown.Finding) {
	if len(findings) == 0 {
		fmt.Fprintf(v.out, "%s: ok\n", label)
		return
	}
	for _, f := range findings {
		switch f.Severity {
		case wellknown.SeverityError:
			v.errors++
		default:
			v.warnings++
		}
		fmt.Fprintf(v.out, "%s: %s: %s\n", label, f.Severity, f.Message)
	}
}

// fetched is one response as verify keeps it.
type fetched struct {
	status    int
	header    http.Header
	body      []byte // at most maxRead bytes
	truncated bool   // the body is over MaxAASASize, so verify read no further
}

// okBody is the body of a 200 answer, else nil.
func (f *fetched) okBody() []byte {
	if f.status != http.StatusOK {
		return nil
	}
	return f.body
}

// fetch GETs rawURL with userAgent, reading at most maxRead bytes of the
// body. An error means no HTTP answer (or a broken body), not a bad status.
func (v *verifier) fetch(ctx context.Context, rawURL, userAgent string) (*fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", userAgent)
	res, err := v.client.Do(req)
	var ue *url.Error
	switch {
	case errors.As(err, &ue) && ue.Timeout():
		// Go words a timeout differently depending on when it struck.
		return nil, fmt.Errorf("fetch %s: no answer within %s (-timeout): %w", rawURL, v.client.Timeout, ue.Err)
	case errors.As(err, &ue):
		// Drop url.Error's "Get URL:" prefix; the message names the URL.
		return nil, fmt.Errorf("fetch %s: %w", rawURL, ue.Err)
	case err != nil:
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxRead))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read the body: %w", rawURL, err)
	}
	return &fetched{status: res.StatusCode, header: res.Header, body: body, truncated: len(body) > wellknown.MaxAASASize}, nil
}

// fetchFailed is the error finding for a request that got no answer.
func fetchFailed(err error, note string) []wellknown.Finding {
	return []wellknown.Finding{{Severity: wellknown.SeverityError, Message: "cannot " + err.Error() + note}}
}

// sameJSON reports whether a and b hold the same JSON value; formatting
// does not matter. Bodies that are not JSON compare as bytes.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(va, vb)
}

// plural is "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
