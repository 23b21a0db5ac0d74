package wellknown

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// androidDocFingerprint opens the example fingerprint in Android's App
// Links documentation, which ends up in production files.
const androidDocFingerprint = "14:6D:E9:83"

// CheckAssetLinks reviews an assetlinks.json response as Google's
// verifier would take it: status, redirects, content type, a JSON array
// of statements with well-formed relations, package names and
// fingerprints, and the usual paste mistakes (see DEEPLINK-RULES §3 and
// §8). A nil result means nothing to report.
func CheckAssetLinks(status int, header http.Header, body []byte, redirected bool) []Finding {
	var c checker
	if !c.response(status, header, redirected) {
		return c.findings
	}
	var root any
	if err := json.Unmarshal(body, &root); err != nil {
		c.errorf("not valid JSON: %v", err)
		return c.findings
	}
	switch v := root.(type) {
	case []any:
		c.statements(v)
	case map[string]any:
		if _, ok := v["statements"]; ok {
			c.errorf("this is a Digital Asset Links API statements:list response pasted by mistake; assetlinks.json is an array of {\"relation\": [...], \"target\": {\"namespace\": \"android_app\", ...}} statements")
		} else {
			c.errorf("the top level is an object; want an array of statements (wrap a single statement in [ ])")
		}
	default:
		c.errorf("the top level is %s; want an array of statements", typeName(root))
	}
	return c.findings
}

func (c *checker) statements(arr []any) {
	if len(arr) == 0 {
		c.warnf("no statements; no Android app is associated with this domain")
		return
	}
	appLinks := false
	for i, v := range arr {
		path := fmt.Sprintf("[%d]", i)
		st, ok := v.(map[string]any)
		if !ok {
			c.errorf("%s is %s; want a statement object", path, typeName(v))
			continue
		}
		if _, ok := st["source"]; ok {
			c.errorf("%s has \"source\", from a statements:list response; a statement has only relation and target", path)
		}
		handles := c.relations(path, st)
		if c.target(path, st) && handles {
			appLinks = true
		}
	}
	if !appLinks {
		c.warnf("no android_app statement grants %s; App Links will not verify", RelationHandleAllURLs)
	}
}

// relations checks a statement's relation list and reports whether it
// grants App Links.
func (c *checker) relations(path string, st map[string]any) bool {
	rel, ok := st["relation"]
	if !ok {
		c.errorf("%s has no relation; want [%q]", path, RelationHandleAllURLs)
		return false
	}
	if s, isStr := rel.(string); isStr {
		c.errorf("%s.relation is the string %q (the statements:list response shape); want an array: [%q]", path, s, s)
		return false
	}
	list, _ := c.stringList(path+".relation", rel)
	handles := false
	for j, r := range list {
		if !relationShape.MatchString(r) {
			c.errorf("%s.relation[%d] = %q is not a relation; want e.g. %q", path, j, r, RelationHandleAllURLs)
		}
		handles = handles || r == RelationHandleAllURLs
	}
	return handles
}

// target checks a statement's target and reports whether it names an
// Android app well enough to count.
func (c *checker) target(path string, st map[string]any) bool {
	tv, ok := st["target"]
	if !ok {
		c.errorf("%s has no target", path)
		return false
	}
	t, ok := tv.(map[string]any)
	if !ok {
		c.errorf("%s.target is %s; want an object", path, typeName(tv))
		return false
	}
	tp := path + ".target"
	for _, camel := range []string{"androidApp", "web"} {
		if _, ok := t[camel]; ok {
			c.errorf("%s has %q (the statements:list response shape); want {\"namespace\": \"android_app\", \"package_name\": ..., \"sha256_cert_fingerprints\": [...]}", tp, camel)
			return false
		}
	}
	switch ns := t["namespace"]; ns {
	case "android_app":
	case "web":
		if _, isStr := t["site"].(string); !isStr {
			c.errorf("%s has namespace web but no site string", tp)
		}
		return false
	default:
		c.errorf("%s.namespace = %v; want \"android_app\"", tp, jsonText(ns))
		return false
	}
	good := true
	switch pkg, ok := t["package_name"].(string); {
	case !ok:
		c.errorf("%s.package_name is missing or not a string", tp)
		good = false
	case !packageShape.MatchString(pkg):
		c.errorf("%s.package_name = %q is not an Android application ID (e.g. com.example.app)", tp, pkg)
		good = false
	}
	return c.fingerprints(tp, t) && good
}

func (c *checker) fingerprints(tp string, t map[string]any) bool {
	fv, ok := t["sha256_cert_fingerprints"]
	if !ok {
		c.errorf("%s has no sha256_cert_fingerprints; copy the SHA-256 from Play Console › App signing", tp)
		return false
	}
	list, good := c.stringList(tp+".sha256_cert_fingerprints", fv)
	if good && len(list) == 0 {
		c.errorf("%s.sha256_cert_fingerprints is empty; copy the SHA-256 from Play Console › App signing", tp)
		return false
	}
	for i, fp := range list {
		fpath := fmt.Sprintf("%s.sha256_cert_fingerprints[%d]", tp, i)
		upper := strings.ToUpper(fp)
		switch {
		case fingerprintShape.MatchString(fp):
		case fingerprintShape.MatchString(upper):
			c.warnf("%s is lower case; Android asks for upper-case hex: %s", fpath, upper)
		default:
			c.errorf("%s = %q is not a SHA-256 fingerprint; want 32 upper-case hex pairs joined by colons (95 characters)", fpath, fp)
			good = false
			continue
		}
		switch {
		case strings.HasPrefix(upper, androidDocFingerprint):
			c.warnf("%s is the example fingerprint from Android's documentation; use your app's, from Play Console › App signing", fpath)
		case strings.HasPrefix(upper, "AA:BB:CC") || repeating(upper):
			c.warnf("%s = %s looks like a placeholder; use your app's, from Play Console › App signing", fpath, upper)
		}
	}
	return good
}

// repeating reports a fingerprint made of one short run of bytes over and
// over (00:00:…, AA:BB:AA:BB:…), which no real certificate digest is.
func repeating(fp string) bool {
	parts := strings.Split(fp, ":")
	for period := 1; period <= 4; period++ {
		same := true
		for i := period; i < len(parts) && same; i++ {
			same = parts[i] == parts[i-period]
		}
		if same {
			return true
		}
	}
	return false
}

// jsonText renders a decoded value for a message, strings quoted.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
