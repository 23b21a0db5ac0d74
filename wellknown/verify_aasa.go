package wellknown

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// CheckAASA reviews an apple-app-site-association response as Apple's
// CDN would take it: status, redirects, content type, size, JSON shape,
// app IDs, and mistakes known to break universal links silently (see
// DEEPLINK-RULES §1 and §8). redirected says whether the fetch met a
// redirect on its way. A nil result means nothing to report.
func CheckAASA(status int, header http.Header, body []byte, redirected bool) []Finding {
	var c checker
	if !c.response(status, header, redirected) {
		return c.findings
	}
	if len(body) > MaxAASASize {
		c.errorf("the file is %d bytes, over Apple's limit of %d bytes (128 KB uncompressed); Apple ignores it entirely", len(body), MaxAASASize)
	}
	var root any
	if err := json.Unmarshal(body, &root); err != nil {
		c.errorf("not valid JSON: %v", err)
		return c.findings
	}
	obj, ok := root.(map[string]any)
	if !ok {
		c.errorf("the top level is %s; want an object with \"applinks\"", typeName(root))
		return c.findings
	}
	services := []string{"applinks", "webcredentials", "appclips", "activitycontinuation"}
	c.keyCase("", obj, services...)
	if al, ok := obj["applinks"]; ok {
		c.appLinks(al)
	} else {
		c.warnf("no \"applinks\": the file claims no universal links")
	}
	for _, name := range services[1:] {
		if v, ok := obj[name]; ok {
			c.appList(name, v)
		}
	}
	return c.findings
}

func (c *checker) appLinks(v any) {
	al, ok := v.(map[string]any)
	if !ok {
		c.errorf("applinks is %s; want an object", typeName(v))
		return
	}
	c.keyCase("applinks.", al, "apps", "details", "defaults", "substitutionVariables")
	switch apps, ok := al["apps"]; {
	case !ok:
		c.warnf("applinks.apps is missing; iOS 12 and older need \"apps\": []")
	default:
		if list, good := c.stringList("applinks.apps", apps); good && len(list) > 0 {
			c.warnf("applinks.apps lists apps; it must be an empty array, the apps belong in details")
		}
	}
	details, ok := al["details"]
	if !ok {
		c.errorf("applinks.details is missing; no app claims any link")
		return
	}
	var entries []any
	switch d := details.(type) {
	case []any:
		entries = d
	case map[string]any:
		c.errorf("applinks.details is an object keyed by app ID (an early iOS 9 beta shape); it must be an array of {\"appIDs\": [...], \"components\": [...]} entries")
		return
	default:
		c.errorf("applinks.details is %s; want an array", typeName(details))
		return
	}
	if len(entries) == 0 {
		c.warnf("applinks.details is empty; no app claims any link")
	}
	modern, legacy := map[string]string{}, map[string]string{}
	for i, e := range entries {
		c.detail(fmt.Sprintf("applinks.details[%d]", i), e, modern, legacy)
	}
}

func (c *checker) detail(path string, v any, modern, legacy map[string]string) {
	d, ok := v.(map[string]any)
	if !ok {
		c.errorf("%s is %s; want an object", path, typeName(v))
		return
	}
	c.keyCase(path+".", d, "appID", "appIDs", "paths", "components", "defaults")
	id, hasID := d["appID"]
	ids, hasIDs := d["appIDs"]
	_, hasPaths := d["paths"]
	comps, hasComps := d["components"]
	switch {
	case !hasID && !hasIDs:
		c.errorf("%s names no app: add \"appIDs\": [\"TEAMID.bundle.id\"]", path)
	case hasID && hasIDs:
		c.warnf("%s has both appID and appIDs; keep appIDs with components here and put the legacy appID with its paths in an entry of its own", path)
	}
	if hasID {
		if s, ok := id.(string); ok {
			c.appID(path+".appID", s, legacy)
		} else {
			c.errorf("%s.appID is %s; want a string", path, typeName(id))
		}
	}
	if hasIDs {
		list, _ := c.stringList(path+".appIDs", ids)
		for i, s := range list {
			c.appID(fmt.Sprintf("%s.appIDs[%d]", path, i), s, modern)
		}
		if _, isArr := ids.([]any); isArr && len(list) == 0 {
			c.warnf("%s.appIDs is empty; the entry applies to no app", path)
		}
	}
	if hasPaths {
		if hasIDs {
			c.warnf("%s has paths next to appIDs; iOS 13+ ignores paths there and iOS 12 reads paths only with appID: move them to a separate {\"appID\", \"paths\"} entry", path)
		}
		c.stringList(path+".paths", d["paths"])
	}
	if hasComps {
		if !hasIDs {
			c.warnf("%s has components but no appIDs; iOS 13+ reads components with appIDs", path)
		}
		c.components(path+".components", comps)
	}
}

func (c *checker) components(path string, v any) {
	arr, ok := v.([]any)
	if !ok {
		c.errorf("%s is %s; want an array", path, typeName(v))
		return
	}
	for i, e := range arr {
		cp := fmt.Sprintf("%s[%d]", path, i)
		comp, ok := e.(map[string]any)
		if !ok {
			c.errorf("%s is %s; want an object", cp, typeName(e))
			continue
		}
		c.keyCase(cp+".", comp, "/", "?", "#", "exclude", "comment", "caseSensitive", "percentEncoded")
		for _, k := range []string{"/", "#", "comment"} {
			if val, ok := comp[k]; ok {
				if _, isStr := val.(string); !isStr {
					c.errorf("%s[%q] is %s; want a string", cp, k, typeName(val))
				}
			}
		}
		for _, k := range []string{"exclude", "caseSensitive", "percentEncoded"} {
			if val, ok := comp[k]; ok {
				if _, isBool := val.(bool); !isBool {
					c.errorf("%s[%q] is %s; want true or false", cp, k, typeName(val))
				}
			}
		}
		q, ok := comp["?"]
		if !ok {
			continue
		}
		switch q := q.(type) {
		case string:
		case map[string]any:
			for _, name := range sortedKeys(q) {
				if _, isStr := q[name].(string); !isStr {
					c.errorf("%s[\"?\"][%q] is %s; iOS then drops the whole \"?\" dictionary and the rule matches any query: use a string pattern such as \"?*\"", cp, name, typeName(q[name]))
				}
			}
		default:
			c.errorf("%s[\"?\"] is %s; want a pattern string or an object of item patterns", cp, typeName(q))
		}
	}
}

// appList checks webcredentials, appclips and activitycontinuation,
// which hold {"apps": [...]} and nothing else.
func (c *checker) appList(name string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf("%s is %s; want {\"apps\": [...]}", name, typeName(v))
		return
	}
	c.keyCase(name+".", m, "apps", "details")
	if _, ok := m["details"]; ok {
		c.warnf("%s has details; only applinks uses details, %s reads apps", name, name)
	}
	apps, ok := m["apps"]
	if !ok {
		c.errorf("%s has no apps; want {\"apps\": [\"TEAMID.bundle.id\"]}", name)
		return
	}
	list, _ := c.stringList(name+".apps", apps)
	for i, s := range list {
		c.appID(fmt.Sprintf("%s.apps[%d]", name, i), s, nil)
	}
}
