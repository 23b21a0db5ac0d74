// Package partnero is the client of Partnero's REST API (partnero/API.md):
// the calls deeplinkd makes, and every failure classified at this edge as
// retryable, rate limited, permanent, duplicate or not found.
package partnero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxResponse bounds what we read of any answer: Partnero's bodies are
// small, and a proxy's error page must not eat memory.
const maxResponse = 1 << 20

// Options configure a Client.
type Options struct {
	// BaseURL is partnero.api_url; "/v1" is appended unless the path
	// already ends with it.
	BaseURL string
	// HTTPClient defaults to a client with Timeout and no redirects.
	HTTPClient *http.Client
	// Timeout bounds one call when HTTPClient is nil. Default 10s.
	Timeout time.Duration
	// Now reads Retry-After dates; default time.Now.
	Now func() time.Time
	// UserAgent is sent with every call.
	UserAgent string
}

// Client calls Partnero. The API key is passed per call, because each
// program has its own; it is never kept in an error.
type Client struct {
	base *url.URL
	hc   *http.Client
	now  func() time.Time
	ua   string
}

// New returns a client for opts.BaseURL.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("partnero: base URL %q is not an absolute URL", opts.BaseURL)
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, "/v1") {
		p += "/v1"
	}
	u.Path = p
	u.RawQuery, u.Fragment = "", ""
	hc := opts.HTTPClient
	if hc == nil {
		t := opts.Timeout
		if t <= 0 {
			t = 10 * time.Second
		}
		hc = &http.Client{
			Timeout: t,
			// A redirect from an API means a wrong base URL; following
			// it would turn a POST into a GET.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ua := opts.UserAgent
	if ua == "" {
		ua = "deeplinkd"
	}
	return &Client{base: u, hc: hc, now: now, ua: ua}, nil
}

// do sends one call and decodes the answer's data into out (when not
// nil). Every failure comes back as *Error.
func (c *Client) do(ctx context.Context, op, apiKey, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return &Error{Op: op, Kind: Permanent, Message: "encode request: " + err.Error()}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return &Error{Op: op, Kind: Permanent, Message: "build request: " + err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &Error{Op: op, Kind: Retryable, Err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &Error{Op: op, Kind: Retryable, Status: resp.StatusCode, Err: fmt.Errorf("read answer: %w", err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			return nil
		}
		if err := decodeData(raw, out); err != nil {
			// Partnero took the call; only its answer is odd. Callers
			// that need the answer see a retryable failure.
			return &Error{Op: op, Kind: Retryable, Status: resp.StatusCode, Message: "undecodable answer: " + err.Error()}
		}
		return nil
	}
	return classify(op, resp, raw, c.now())
}

// decodeData reads {"data": X} when the wrapper is there, else the top level.
func decodeData(raw []byte, out any) error {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err == nil && len(env.Data) > 0 && string(env.Data) != "null" {
		return json.Unmarshal(env.Data, out)
	}
	return json.Unmarshal(raw, out)
}

// scrubURLError drops the URL from a transport error: it holds no key
// today, but a base URL with credentials must not reach a log either.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// classify turns a non-2xx answer into an *Error.
func classify(op string, resp *http.Response, raw []byte, now time.Time) error {
	var body struct {
		Message string              `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}
	_ = json.Unmarshal(raw, &body) // a non-JSON error page keeps Message empty
	e := &Error{Op: op, Status: resp.StatusCode, Message: truncate(body.Message, 300), Fields: body.Errors}
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		e.Kind = RateLimited
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	case code == http.StatusRequestTimeout || code >= 500:
		e.Kind = Retryable
	case code >= 300 && code < 400:
		// A redirect means partnero.api_url points at the wrong place;
		// keep the event queued until an operator fixes it.
		e.Kind = Retryable
		e.Message = "unexpected redirect (check partnero.api_url)"
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		// A wrong or revoked key is the operator's to fix, and it fails
		// every event alike: wait for the fix instead of failing them all.
		e.Kind = Retryable
	case code == http.StatusConflict:
		e.Kind = Duplicate
	case code == http.StatusNotFound:
		e.Kind = NotFound
	case code == http.StatusUnprocessableEntity && isDuplicate(body.Errors):
		e.Kind = Duplicate
	default:
		e.Kind = Permanent
	}
	return e
}

// isDuplicate reads Laravel's unique-rule failure on "key".
func isDuplicate(fields map[string][]string) bool {
	for _, msg := range fields["key"] {
		m := strings.ToLower(msg)
		if strings.Contains(m, "taken") || strings.Contains(m, "exists") || strings.Contains(m, "already") {
			return true
		}
	}
	return false
}

// parseRetryAfter reads seconds or an HTTP date; 0 when absent or odd.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
