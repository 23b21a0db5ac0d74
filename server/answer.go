package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Every answer carries the security headers that act on its kind. No
// HSTS: TLS terminates at the proxy, which owns that policy.
//
//   - Pages, plain text, the API's JSON and errors get all three:
//     nosniff, a Referrer-Policy that keeps the key (in the URL) from
//     leaving in a Referer, and no framing. This is the default: the
//     exchange sets them as the header is written, unless the answer
//     chose its own set.
//   - A well-known document is public JSON that no browser frames, renders
//     or loads anything from: nosniff alone keeps it from being read as
//     script or HTML (setDocumentSecurity).
//   - A redirect has no body to frame or sniff, but its Referrer-Policy
//     governs what the browser tells the fallback site
//     (setRedirectSecurity).
//
// The two narrow sets are on the hottest answers, where each header is
// paid for on every request: net/http sorts and writes it and the client
// parses it.

// Header values shared by every response. The keys are already canonical
// and net/http never changes a value slice, so assigning them directly
// skips the canonicalisation and allocation of Header.Set.
var (
	hdrNosniff        = []string{"nosniff"}
	hdrReferrerPolicy = []string{"strict-origin-when-cross-origin"}
	hdrFrameDeny      = []string{"DENY"}
)

// setPageSecurity sets the full set.
func setPageSecurity(h http.Header) {
	h["X-Content-Type-Options"] = hdrNosniff
	h["Referrer-Policy"] = hdrReferrerPolicy
	h["X-Frame-Options"] = hdrFrameDeny
}

// setDocumentSecurity chooses a well-known document's set.
func setDocumentSecurity(h http.Header) {
	h["X-Content-Type-Options"] = hdrNosniff
}

// setRedirectSecurity chooses a redirect's set.
func setRedirectSecurity(h http.Header) {
	h["Referrer-Policy"] = hdrReferrerPolicy
}

// writeBytes answers status with body and its exact Content-Length; a
// HEAD gets the same headers and no body.
func writeBytes(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) error {
	h := w.Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}

// writeBody is writeBytes for an echo handler.
func writeBody(c echo.Context, status int, contentType string, body []byte) error {
	return writeBytes(c.Response(), c.Request(), status, contentType, body)
}

// writeJSON answers status with v as JSON, a line of it (see writeBytes).
func writeJSON(c echo.Context, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	return writeBody(c, status, echo.MIMEApplicationJSON, append(body, '\n'))
}

// apiJSON writes v with the headers every API answer carries: the data is
// one program's, so no shared cache may keep it.
func apiJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return writeJSON(c, status, v)
}
