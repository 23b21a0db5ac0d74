package wellknown

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
)

// Since iOS 14 devices read the AASA from Apple's CDN, not from the
// domain, so a correct origin file is not yet a working one. The CDN's
// copy is public, which lets verify compare the two.

// AppleCDNURL is where Apple's CDN exposes its copy of host's AASA. It
// answers 404 until the CDN has fetched the file.
func AppleCDNURL(host string) string {
	return "https://app-site-association.cdn-apple.com/a/v1/" + strings.ToLower(host)
}

// CheckAASACDN compares the CDN's answer (status and body, fetched from
// AppleCDNURL) with the origin's AASA body. The files are compared as
// JSON values, so formatting the CDN may change does not count. Every
// finding is a warning: the CDN catches up on its own, usually within a
// day.
func CheckAASACDN(status int, cdnBody, originBody []byte) []Finding {
	var c checker
	switch {
	case status == http.StatusNotFound:
		c.warnf("Apple's CDN has no copy of the file yet; it fetches within about 24 hours of the domain first appearing in an installed app's entitlements, and devices will not open links until then")
		return c.findings
	case status != http.StatusOK:
		c.warnf("Apple's CDN answered HTTP %d; devices may not see the file", status)
		return c.findings
	}
	var cdn, origin any
	if err := json.Unmarshal(cdnBody, &cdn); err != nil {
		c.warnf("Apple's CDN holds a copy that is not valid JSON (%v); devices ignore it until the CDN refetches", err)
		return c.findings
	}
	if err := json.Unmarshal(originBody, &origin); err != nil {
		// CheckAASA already reports the origin's own problems.
		return c.findings
	}
	if !reflect.DeepEqual(cdn, origin) {
		c.warnf("Apple's CDN holds a different file than the domain serves; devices use the CDN's copy until it refetches (usually within a day, sometimes much longer)")
	}
	return c.findings
}
