package server

import (
	"net/http"
	"testing"
)

// TestPagesGolden pins every presentation byte for byte (nonce aside):
// run with -update after a deliberate template or asset change and review
// the diff.
func TestPagesGolden(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	tests := []struct {
		name, host, target, ua string
	}{
		{"ios", "go.alpha.com", "/?ref=ABC123", uaIPhone},
		{"ios_scheme_in_app", "links.beta.org", "/ABC123/promo?utm_source=mail", uaIPhoneInstagram},
		{"ios_no_apps", "r.gamma.net", "/?via=ABC123", uaIPhone},
		{"android", "go.alpha.com", "/ABC123", uaAndroid},
		{"android_scheme_webview", "links.beta.org", "/?ref=ABC123", uaAndroidWebView},
		{"desktop", "go.alpha.com", "/?via=ABC123", uaWindows},
		{"maybe_ipad_page_mode", "go.alpha.com", "/?ref=ABC123", uaMacSafari},
		{"maybe_ipad_redirect_mode", "links.beta.org", "/?ref=ABC123", uaMacSafari},
		{"preview", "go.alpha.com", "/?ref=ABC123", uaFacebookBot},
		{"preview_no_image_no_key", "links.beta.org", "/", uaTwitterBot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := visit(h, tt.host, tt.target, tt.ua)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s%s = %d; want 200", tt.host, tt.target, res.StatusCode)
			}
			p := parsePage(t, res)
			checkSafe(t, p)
			checkGoldenPage(t, tt.name, p)
		})
	}
}
