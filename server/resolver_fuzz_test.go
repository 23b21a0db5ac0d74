package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzResolverHTTP drives the whole public router with random paths,
// queries and user agents: never a 5xx, never a Location outside config,
// never a page with an injected script, handler or link.
func FuzzResolverHTTP(f *testing.F) {
	seeds := []struct {
		host        uint8
		path, query string
		ua          string
	}{
		{0, "/", "ref=ABC123", uaIPhone},
		{1, "/ABC123/promo", "utm_source=mail", uaWindows},
		{2, "/", "via=ABC123&next=https://evil.example", uaMacSafari},
		{0, "/%3Cscript%3E", "ref=%22%3E%3Cb%3E", uaAndroid},
		{1, "//evil.example/", "ref=javascript:alert(1)", ""},
		{0, "/.well-known/", "", uaFacebookBot},
		{2, "/%zz", "ref=%zz", "<script>"},
		{0, "/api/v1/resolve", "url=https://go.alpha.com/?ref=A", uaIPhone},
		{1, "/static/page.js", "", uaAndroidWebView},
	}
	for _, s := range seeds {
		f.Add(s.host, s.path, s.query, s.ua)
	}
	ts := newLinkServer(f, Options{})
	h := ts.Public()
	hosts := []string{"go.alpha.com", "open.alpha.com", "links.beta.org", "r.gamma.net"}
	f.Fuzz(func(t *testing.T, host uint8, path, query, ua string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path+query, " \t\r\n#?\x00") || len(path)+len(query) > 8<<10 {
			return // not a request line net/http would hand us
		}
		if strings.ContainsAny(ua, "\r\n\x00") {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Host = hosts[int(host)%len(hosts)]
		req.Header.Set("User-Agent", ua)
		u := &url.URL{Path: path, RawQuery: query}
		if dec, err := url.PathUnescape(path); err == nil {
			u.Path, u.RawPath = dec, path
		} else {
			u.RawPath = path
		}
		req.URL = u
		req.RequestURI = path + "?" + query
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkHostileAnswer(t, rec.Result())
	})
}
