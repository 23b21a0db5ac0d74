package wellknown

import (
	"net/http"
	"strings"
	"testing"
)

// want is one expected finding: its severity and a part of its message
// that pins what it is about.
type want struct {
	severity string
	contains string
}

func checkFindings(t *testing.T, call string, got []Finding, wants []want) {
	t.Helper()
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Severity == wants[i].severity && strings.Contains(got[i].Message, wants[i].contains)
	}
	if !ok {
		var b strings.Builder
		for _, f := range got {
			b.WriteString("\n  " + f.Severity + ": " + f.Message)
		}
		t.Errorf("%s findings:%s\nwant %v", call, b.String(), wants)
	}
}

func jsonHeader(ct string) http.Header {
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	return h
}

const (
	aasaLegacyOK = `{"applinks":{"apps":[],"details":[{"appID":"9JA89QQLNQ.com.example.app","paths":["NOT /api/*","*"]}]}}`
	aasaModernOK = `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[{"/":"/*","?":{"ref":"?*"}}]}]}}`
)

func TestCheckAASA(t *testing.T) {
	e, w := SeverityError, SeverityWarning
	tests := []struct {
		name       string
		status     int
		ct         string
		body       string
		redirected bool
		want       []want
	}{
		{"modern file", 200, "application/json", aasaModernOK, false, nil},
		{"legacy file", 200, "application/json", aasaLegacyOK, false, nil},
		{"json with charset", 200, "application/json; charset=utf-8", aasaModernOK, false, nil},
		{"followed a redirect", 200, "application/json", aasaModernOK, true, []want{{e, "redirected"}}},
		{"3xx stops there", 301, "text/html", "<html>", false, []want{{e, "HTTP 301 redirect"}}},
		{"not found", 404, "text/plain", "not found", false, []want{{e, "HTTP 404"}}},
		{"blocked by a WAF", 403, "text/html", "<html>", false, []want{{e, "HTTP 403"}}},
		{"SPA catch-all", 200, "text/html; charset=utf-8", "<!doctype html><html></html>", false, []want{{e, "text/html"}, {e, "not valid JSON"}}},
		{"octet-stream", 200, "application/octet-stream", aasaModernOK, false, []want{{w, "application/octet-stream"}}},
		{"no content type", 200, "", aasaModernOK, false, []want{{w, "no Content-Type"}}},
		{"too large", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[{"/":"/*","comment":"` + strings.Repeat("x", MaxAASASize) + `"}]}]}}`, false,
			[]want{{e, "over Apple's limit"}}},
		{"invalid JSON", 200, "application/json", `{"applinks":{"apps":[],}}`, false, []want{{e, "not valid JSON"}}},
		{"empty body", 200, "application/json", ``, false, []want{{e, "not valid JSON"}}},
		{"top-level array", 200, "application/json", `[]`, false, []want{{e, "top level is an array"}}},
		{"webcredentials only", 200, "application/json", `{"webcredentials":{"apps":["9JA89QQLNQ.com.example.app"]}}`, false,
			[]want{{w, `no "applinks"`}}},
		{"key case", 200, "application/json", `{"appLinks":{"apps":[],"details":[]}}`, false,
			[]want{{e, `"appLinks" should be "applinks"`}, {w, `no "applinks"`}}},
		{"details as an object", 200, "application/json", `{"applinks":{"apps":[],"details":{"9JA89QQLNQ.com.example.app":{"paths":["*"]}}}}`, false,
			[]want{{e, "details is an object"}}},
		{"details as a string", 200, "application/json", `{"applinks":{"apps":[],"details":"x"}}`, false,
			[]want{{e, "details is a string"}}},
		{"details missing", 200, "application/json", `{"applinks":{"apps":[]}}`, false, []want{{e, "details is missing"}}},
		{"details empty", 200, "application/json", `{"applinks":{"apps":[],"details":[]}}`, false, []want{{w, "details is empty"}}},
		{"apps missing", 200, "application/json", `{"applinks":{"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[]}]}}`, false,
			[]want{{w, "applinks.apps is missing"}}},
		{"apps not empty", 200, "application/json", `{"applinks":{"apps":["9JA89QQLNQ.com.example.app"],"details":[]}}`, false,
			[]want{{w, "must be an empty array"}, {w, "details is empty"}}},
		{"entry names no app", 200, "application/json", `{"applinks":{"apps":[],"details":[{"components":[{"/":"*"}]}]}}`, false,
			[]want{{e, "details[0] names no app"}, {w, "components but no appIDs"}}},
		{"appIds misspelt", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIds":["9JA89QQLNQ.com.example.app"],"components":[]}]}}`, false,
			[]want{{e, `"appIds" should be "appIDs"`}, {e, "names no app"}, {w, "components but no appIDs"}}},
		{"both appID and appIDs", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appID":"9JA89QQLNQ.com.example.app","appIDs":["9JA89QQLNQ.com.example.app"],"components":[]}]}}`, false,
			[]want{{w, "both appID and appIDs"}}},
		{"paths next to appIDs", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"paths":["*"],"components":[{"/":"*"}]}]}}`, false,
			[]want{{w, "paths next to appIDs"}}},
		{"app ID with a placeholder prefix", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appID":"ID.com.example.native","paths":["*"]}]}}`, false,
			[]want{{e, `"ID.com.example.native" is not an app ID`}}},
		{"app ID without bundle", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ"],"components":[]}]}}`, false,
			[]want{{e, "is not an app ID"}}},
		{"lower-case team ID", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9ja89qqlnq.com.example.app"],"components":[]}]}}`, false,
			[]want{{e, "is not an app ID"}}},
		{"Apple's example team ID", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["ABCDE12345.com.example.app"],"components":[]}]}}`, false,
			[]want{{w, "Apple's documentation example"}}},
		{"Apple's typo'd App Clip prefix", 200, "application/json", `{"applinks":{"apps":[],"details":[]},"appclips":{"apps":["ABCED12345.com.example.app.Clip"]}}`, false,
			[]want{{w, "details is empty"}, {w, "appclips.apps[0]"}}},
		{"App Store ID as prefix", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["6448924682.com.example.app"],"components":[]}]}}`, false,
			[]want{{w, "App Store ID"}}},
		{"app in two appIDs entries", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[]},{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[]}]}}`, false,
			[]want{{w, "already listed at applinks.details[0].appIDs[0]"}}},
		{"non-string query item", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[{"/":"/","?":{"ref":"?*","flag":true}}]}]}}`, false,
			[]want{{e, `["?"]["flag"] is a boolean`}}},
		{"query is a number", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[{"?":1}]}]}}`, false,
			[]want{{e, `["?"] is a number`}}},
		{"exclude is a string", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[{"/":"/api/*","exclude":"yes"}]}]}}`, false,
			[]want{{e, `["exclude"] is a string`}}},
		{"path is a number", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":[{"/":5}]}]}}`, false,
			[]want{{e, `["/"] is a number`}}},
		{"components not an array", 200, "application/json", `{"applinks":{"apps":[],"details":[{"appIDs":["9JA89QQLNQ.com.example.app"],"components":{"/":"*"}}]}}`, false,
			[]want{{e, "components is an object"}}},
		{"webcredentials without apps", 200, "application/json", `{"applinks":{"apps":[],"details":[]},"webcredentials":{"apps":"9JA89QQLNQ.com.example.app"}}`, false,
			[]want{{w, "details is empty"}, {e, "webcredentials.apps is a string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckAASA(tt.status, jsonHeader(tt.ct), []byte(tt.body), tt.redirected)
			checkFindings(t, "CheckAASA("+tt.name+")", got, tt.want)
		})
	}
}

const fpLower = "3f:7a:21:9c:0b:d4:56:e8:11:a2:c3:94:5e:6f:70:81:92:a3:b4:c5:d6:e7:f8:09:1a:2b:3c:4d:5e:6f:70:8b"

func statement(relation, target string) string {
	return `[{"relation":` + relation + `,"target":` + target + `}]`
}

func appTarget(pkg, fps string) string {
	return `{"namespace":"android_app","package_name":"` + pkg + `","sha256_cert_fingerprints":` + fps + `}`
}

func TestCheckAssetLinks(t *testing.T) {
	e, w := SeverityError, SeverityWarning
	handle := `["delegate_permission/common.handle_all_urls"]`
	good := appTarget("com.example.app", `["`+fpRelA+`"]`)
	tests := []struct {
		name       string
		status     int
		ct         string
		body       string
		redirected bool
		want       []want
	}{
		{"one statement", 200, "application/json", statement(handle, good), false, nil},
		{"login creds too", 200, "application/json", statement(`["delegate_permission/common.handle_all_urls","delegate_permission/common.get_login_creds"]`, good), false, nil},
		{"followed a redirect", 200, "application/json", statement(handle, good), true, []want{{e, "redirected"}}},
		{"302", 302, "", "", false, []want{{e, "HTTP 302 redirect"}}},
		{"500", 500, "text/plain", "oops", false, []want{{e, "HTTP 500"}}},
		{"text/html", 200, "text/html", statement(handle, good), false, []want{{e, "text/html"}}},
		{"text/plain", 200, "text/plain", statement(handle, good), false, []want{{w, "served as text/plain"}}},
		{"invalid JSON", 200, "application/json", `[{"relation":]`, false, []want{{e, "not valid JSON"}}},
		{"empty list", 200, "application/json", `[]`, false, []want{{w, "no statements"}}},
		{"unwrapped statement", 200, "application/json", `{"relation":` + handle + `,"target":` + good + `}`, false,
			[]want{{e, "wrap a single statement"}}},
		{"statements:list response pasted", 200, "application/json",
			`{"statements":[{"source":{"web":{"site":"https://go.example.com."}},"relation":"delegate_permission/common.handle_all_urls","target":{"androidApp":{"packageName":"com.example.app","certificate":{"sha256Fingerprint":"` + fpRelA + `"}}}}],"maxAge":"600s"}`,
			false, []want{{e, "statements:list response pasted by mistake"}}},
		{"statements array from the API pasted", 200, "application/json",
			`[{"source":{"web":{"site":"https://go.example.com."}},"relation":"delegate_permission/common.handle_all_urls","target":{"androidApp":{"packageName":"com.example.app"}}}]`,
			false, []want{{e, `has "source"`}, {e, "relation is the string"}, {e, `has "androidApp"`}, {w, "App Links will not verify"}}},
		{"bad relation", 200, "application/json", statement(`["delegate_permission/common.handle-all-urls"]`, good), false,
			[]want{{e, "is not a relation"}, {w, "App Links will not verify"}}},
		{"only login creds", 200, "application/json", statement(`["delegate_permission/common.get_login_creds"]`, good), false,
			[]want{{w, "App Links will not verify"}}},
		{"no relation", 200, "application/json", `[{"target":` + good + `}]`, false,
			[]want{{e, "has no relation"}, {w, "App Links will not verify"}}},
		{"lower-case fingerprint", 200, "application/json", statement(handle, appTarget("com.example.app", `["`+fpLower+`"]`)), false,
			[]want{{w, "is lower case"}}},
		{"SHA-1 instead of SHA-256", 200, "application/json", statement(handle, appTarget("com.example.app", `["DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09"]`)), false,
			[]want{{e, "is not a SHA-256 fingerprint"}, {w, "App Links will not verify"}}},
		{"fingerprint without colons", 200, "application/json", statement(handle, appTarget("com.example.app", `["`+strings.ReplaceAll(fpRelA, ":", "")+`"]`)), false,
			[]want{{e, "is not a SHA-256 fingerprint"}, {w, "App Links will not verify"}}},
		{"Android's example fingerprint", 200, "application/json", statement(handle, appTarget("com.example.app", `["14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5"]`)), false,
			[]want{{w, "example fingerprint from Android's documentation"}}},
		{"repeating placeholder", 200, "application/json", statement(handle, appTarget("com.example.app", `["`+strings.TrimSuffix(strings.Repeat("AA:", 32), ":")+`"]`)), false,
			[]want{{w, "looks like a placeholder"}}},
		{"AA:BB:CC placeholder", 200, "application/json", statement(handle, appTarget("com.example.app", `["AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"]`)), false,
			[]want{{w, "looks like a placeholder"}}},
		{"no fingerprints", 200, "application/json", statement(handle, `{"namespace":"android_app","package_name":"com.example.app"}`), false,
			[]want{{e, "has no sha256_cert_fingerprints"}, {w, "App Links will not verify"}}},
		{"empty fingerprints", 200, "application/json", statement(handle, appTarget("com.example.app", `[]`)), false,
			[]want{{e, "sha256_cert_fingerprints is empty"}, {w, "App Links will not verify"}}},
		{"bad package", 200, "application/json", statement(handle, appTarget("example app", `["`+fpRelA+`"]`)), false,
			[]want{{e, "is not an Android application ID"}, {w, "App Links will not verify"}}},
		{"wrong namespace", 200, "application/json", statement(handle, `{"namespace":"android","package_name":"com.example.app","sha256_cert_fingerprints":["`+fpRelA+`"]}`), false,
			[]want{{e, `namespace = "android"`}, {w, "App Links will not verify"}}},
		{"web statement only", 200, "application/json", statement(handle, `{"namespace":"web","site":"https://example.com"}`), false,
			[]want{{w, "App Links will not verify"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckAssetLinks(tt.status, jsonHeader(tt.ct), []byte(tt.body), tt.redirected)
			checkFindings(t, "CheckAssetLinks("+tt.name+")", got, tt.want)
		})
	}
}

// TestCheckOwnOutput runs the checker over what Build serves: deeplinkd
// must pass its own verify, and an empty site may only draw warnings.
func TestCheckOwnOutput(t *testing.T) {
	for _, tt := range goldenSites {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Build(tt.site)
			if err != nil {
				t.Fatalf("Build(%s) error: %v", tt.name, err)
			}
			h := jsonHeader("application/json")
			for doc, findings := range map[string][]Finding{
				"aasa":       CheckAASA(200, h, files.AASA.Body, false),
				"assetlinks": CheckAssetLinks(200, h, files.AssetLinks.Body, false),
			} {
				for _, f := range findings {
					hasApps := len(tt.site.AppleApps) > 0 && doc == "aasa" || len(tt.site.AndroidApps) > 0 && doc == "assetlinks"
					if f.Severity == SeverityError || hasApps {
						t.Errorf("Check %s of Build(%s) found %s: %s", doc, tt.name, f.Severity, f.Message)
					}
				}
			}
		})
	}
}

func TestCheckAASACDN(t *testing.T) {
	w := SeverityWarning
	reformatted := "{\n  \"applinks\": {\"details\": [{\"components\": [{\"?\": {\"ref\": \"?*\"}, \"/\": \"/*\"}], \"appIDs\": [\"9JA89QQLNQ.com.example.app\"]}], \"apps\": []}\n}\n"
	tests := []struct {
		name   string
		status int
		cdn    string
		want   []want
	}{
		{"same file", 200, aasaModernOK, nil},
		{"same file, other formatting", 200, reformatted, nil},
		{"stale copy", 200, aasaLegacyOK, []want{{w, "different file"}}},
		{"not fetched yet", 404, "", []want{{w, "no copy of the file yet"}}},
		{"CDN error", 503, "", []want{{w, "HTTP 503"}}},
		{"CDN holds garbage", 200, "<html>", []want{{w, "not valid JSON"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckAASACDN(tt.status, []byte(tt.cdn), []byte(aasaModernOK))
			checkFindings(t, "CheckAASACDN("+tt.name+")", got, tt.want)
		})
	}
}

func TestAppleCDNURL(t *testing.T) {
	if got, want := AppleCDNURL("Go.Example.com"), "https://app-site-association.cdn-apple.com/a/v1/go.example.com"; got != want {
		t.Errorf("AppleCDNURL(%q) = %q; want %q", "Go.Example.com", got, want)
	}
}
