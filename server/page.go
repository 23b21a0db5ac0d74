package server

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

// renderPage answers a decision with its page: 200 HTML, rendered by
// internal/page with html/template, and the site's Content-Security-Policy
// with a fresh nonce for the inline loader.
func (s *Server) renderPage(c echo.Context, site *Site, dec resolve.Decision) error {
	nonce := newNonce()
	data := site.page.Data(dec, nonce)
	buf, err := s.links.pages.Render(data)
	if err != nil {
		return fmt.Errorf("render page for %s: %w", site.Hosts[0], err)
	}
	defer s.links.pages.Release(buf)
	// Referrer-Policy (origin only, so the key never leaves in a Referer)
	// comes with the rest of the page's security headers from writeBody.
	c.Response().Header().Set("Content-Security-Policy", site.page.Policy(data.Platform, nonce))
	return writeBody(c, http.StatusOK, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// newNonce is a fresh CSP nonce: 128 random bits, URL-safe base64, so it
// needs no escaping in the header or the attribute.
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
