package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// resolveTarget is /api/v1/resolve for link.
func resolveTarget(link string) string {
	return "/api/v1/resolve?url=" + url.QueryEscape(link)
}

func TestAPIResolve(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	tests := []struct {
		name, token, link, ua string
		want                  resolveAnswer
	}{
		{"ios page", tokenMain, "https://go.alpha.com/?ref=ABC123", uaIPhone, resolveAnswer{
			Host: "go.alpha.com", ReferralKey: "ABC123", Route: "/", Platform: "ios", Action: "page",
			Location: "https://go.alpha.com/?ref=ABC123"}},
		{"in-app named", tokenMain, "https://go.alpha.com/ABC123/promo?utm_source=mail", uaIPhoneInstagram, resolveAnswer{
			Host: "go.alpha.com", ReferralKey: "ABC123", Route: "/promo?utm_source=mail", Platform: "ios", InApp: "instagram",
			Action: "page", Location: "https://go.alpha.com/ABC123/promo?utm_source=mail"}},
		{"alias link answers the canonical host", tokenMain, "https://OPEN.alpha.com/?via=ABC123#frag", uaAndroid, resolveAnswer{
			Host: "go.alpha.com", ReferralKey: "ABC123", Route: "/", Platform: "android", Action: "page",
			Location: "https://open.alpha.com/?via=ABC123"}},
		{"desktop redirect", tokenBeta, "https://links.beta.org/?ref=ABC123", uaWindows, resolveAnswer{
			Host: "links.beta.org", ReferralKey: "ABC123", Route: "/", Platform: "desktop", Action: "redirect",
			Location: "https://beta.org/join?ref=ABC123"}},
		{"mac safari gets the page", tokenBeta, "https://links.beta.org/?ref=ABC123", uaMacSafari, resolveAnswer{
			Host: "links.beta.org", ReferralKey: "ABC123", Route: "/", Platform: "desktop", Action: "page",
			Location: "https://links.beta.org/?ref=ABC123"}},
		{"bot preview", tokenMain, "https://go.alpha.com/?ref=ABC123", uaTwitterBot, resolveAnswer{
			Host: "go.alpha.com", ReferralKey: "ABC123", Route: "/", Platform: "bot", Action: "preview",
			Location: "https://go.alpha.com/?ref=ABC123"}},
		{"no key", tokenMain, "http://r.gamma.net", uaWindows, resolveAnswer{
			Host: "r.gamma.net", Route: "/", Platform: "desktop", Action: "redirect", Location: "https://shop.gamma.net/join"}},
		{"invalid key is no key", tokenMain, "https://go.alpha.com/?ref=%3Cb%3E", uaIPhone, resolveAnswer{
			Host: "go.alpha.com", Route: "/", Platform: "ios", Action: "page", Location: "https://go.alpha.com/?ref=%3Cb%3E"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodGet, "go.alpha.com", resolveTarget(tt.link),
				http.Header{"User-Agent": {tt.ua}, "Authorization": {"Bearer " + tt.token}})
			if rec.Code != http.StatusOK {
				t.Fatalf("resolve %q = %d; want 200\n%s", tt.link, rec.Code, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("resolve %q Content-Type = %q; want application/json", tt.link, ct)
			}
			var got resolveAnswer
			dec := json.NewDecoder(rec.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resolve %q (-want +got):\n%s", tt.link, diff)
			}
		})
	}
}

func TestAPIResolveErrors(t *testing.T) {
	ts := newLinkServer(t, Options{})
	h := ts.Public()
	auth := http.Header{"Authorization": {"Bearer " + tokenMain}, "User-Agent": {uaIPhone}}
	tests := []struct {
		name, host, target string
		wantStatus         int
		wantBody           string
	}{
		{"missing url", "go.alpha.com", "/api/v1/resolve", 400,
			`{"error":{"code":"invalid_request","message":"url is required: the link to resolve, e.g. https://go.example.com/?ref=KEY","field":"url"}}`},
		{"relative url", "go.alpha.com", resolveTarget("/?ref=ABC123"), 400,
			`{"error":{"code":"invalid_request","message":"url must be an absolute http:// or https:// link","field":"url"}}`},
		{"javascript url", "go.alpha.com", resolveTarget("javascript:alert(1)"), 400,
			`{"error":{"code":"invalid_request","message":"url must be an absolute http:// or https:// link","field":"url"}}`},
		{"ftp url", "go.alpha.com", resolveTarget("ftp://go.alpha.com/ABC123"), 400,
			`{"error":{"code":"invalid_request","message":"url must be an absolute http:// or https:// link","field":"url"}}`},
		{"broken escape", "go.alpha.com", resolveTarget("https://go.alpha.com/%zz"), 400,
			`{"error":{"code":"invalid_request","message":"url must be an absolute http:// or https:// link","field":"url"}}`},
		{"user info", "go.alpha.com", resolveTarget("https://user:pw@go.alpha.com/ABC123"), 400,
			`{"error":{"code":"invalid_request","message":"url must not carry a user name or password","field":"url"}}`},
		{"over 4 KiB", "go.alpha.com", resolveTarget("https://go.alpha.com/?ref=A&x=" + strings.Repeat("y", 4<<10)), 400,
			`{"error":{"code":"invalid_request","message":"url is longer than 4 KiB","field":"url"}}`},
		{"unknown host", "go.alpha.com", resolveTarget("https://evil.example/?ref=ABC123"), 404,
			`{"error":{"code":"not_found","message":"no configured domain serves links on that host"}}`},
		{"unconfigured subdomain", "go.alpha.com", resolveTarget("https://www.alpha.com/?ref=ABC123"), 404,
			`{"error":{"code":"not_found","message":"no configured domain serves links on that host"}}`},
		{"reserved path", "go.alpha.com", resolveTarget("https://go.alpha.com/.well-known/assetlinks.json"), 404,
			`{"error":{"code":"not_found","message":"that path is one of deeplinkd's own routes, not a link"}}`},
		{"other program", "go.alpha.com", resolveTarget("https://links.beta.org/?ref=ABC123"), 403,
			`{"error":{"code":"forbidden","message":"the token's program does not own this domain"}}`},
		{"request on an unknown host", "evil.example", resolveTarget("https://go.alpha.com/?ref=ABC123"), 404,
			`{"error":{"code":"not_found","message":"unknown host"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodGet, tt.host, tt.target, auth)
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d; want %d\n%s", tt.target, rec.Code, tt.wantStatus, rec.Body.String())
			}
			if diff := cmp.Diff(tt.wantBody+"\n", rec.Body.String()); diff != "" {
				t.Errorf("GET %s body (-want +got):\n%s", tt.target, diff)
			}
		})
	}
	t.Run("head", func(t *testing.T) {
		rec := do(h, http.MethodHead, "go.alpha.com", resolveTarget("https://go.alpha.com/?ref=ABC123"), auth)
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("HEAD resolve = %d with %d bytes; want 200 and none", rec.Code, rec.Body.Len())
		}
	})
	t.Run("post", func(t *testing.T) {
		rec := do(h, http.MethodPost, "go.alpha.com", resolveTarget("https://go.alpha.com/?ref=ABC123"), auth)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST resolve = %d; want 405", rec.Code)
		}
	})
	if logs := ts.logs.String(); strings.Contains(logs, tokenMain) {
		t.Errorf("the log shows the token:\n%s", logs)
	}
}
