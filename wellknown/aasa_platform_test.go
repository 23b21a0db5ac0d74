package wellknown

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// The types below follow Apple's applinks schema as documented (see
// DEEPLINK-RULES §1.4–1.6), not deeplinkd's own types, and are decoded
// strictly: a misspelt key such as "appIds" fails the decode, the way it
// would silently fail on a phone.

type appleAASA struct {
	AppLinks             *appleAppLinks `json:"applinks"`
	WebCredentials       *appleAppList  `json:"webcredentials"`
	AppClips             *appleAppList  `json:"appclips"`
	ActivityContinuation *appleAppList  `json:"activitycontinuation"`
}

type appleAppLinks struct {
	Apps    *[]string       `json:"apps"`
	Details json.RawMessage `json:"details"`
}

type appleDetail struct {
	AppID      *string          `json:"appID"`
	AppIDs     []string         `json:"appIDs"`
	Paths      []string         `json:"paths"`
	Components []appleComponent `json:"components"`
}

type appleComponent struct {
	Path           *string         `json:"/"`
	Query          json.RawMessage `json:"?"`
	Fragment       *string         `json:"#"`
	Exclude        bool            `json:"exclude"`
	Comment        string          `json:"comment"`
	CaseSensitive  *bool           `json:"caseSensitive"`
	PercentEncoded *bool           `json:"percentEncoded"`

	// Filled in by decodeApple from Query.
	wholeQuery *string
	queryItems map[string]string
}

type appleAppList struct {
	Apps []string `json:"apps"`
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// decodeApple parses an AASA the way iOS reads it and fails on anything
// iOS would reject or misread.
func decodeApple(t *testing.T, body []byte) (appleAASA, []appleDetail) {
	t.Helper()
	var doc appleAASA
	if err := strictUnmarshal(body, &doc); err != nil {
		t.Fatalf("decode AASA: %v\n%s", err, body)
	}
	if doc.AppLinks == nil {
		t.Fatalf("AASA has no applinks:\n%s", body)
	}
	if doc.AppLinks.Apps == nil || len(*doc.AppLinks.Apps) != 0 {
		t.Errorf("applinks.apps = %v; want present and empty (iOS 9–12)", doc.AppLinks.Apps)
	}
	if d := bytes.TrimSpace(doc.AppLinks.Details); len(d) == 0 || d[0] != '[' {
		t.Fatalf("applinks.details = %s; want an array", doc.AppLinks.Details)
	}
	var details []appleDetail
	if err := strictUnmarshal(doc.AppLinks.Details, &details); err != nil {
		t.Fatalf("decode applinks.details: %v", err)
	}
	for i := range details {
		d := &details[i]
		if (d.AppID != nil) == (d.AppIDs != nil) {
			t.Errorf("details[%d] has appID %v and appIDs %v; want exactly one", i, d.AppID, d.AppIDs)
		}
		if d.AppIDs != nil && d.Paths != nil {
			t.Errorf("details[%d] has paths next to appIDs; iOS 13+ ignores them there", i)
		}
		if d.AppID != nil && d.Components != nil {
			t.Errorf("details[%d] has components next to the legacy appID", i)
		}
		for j := range d.Components {
			c := &d.Components[j]
			if err := c.decodeQuery(); err != nil {
				t.Errorf("details[%d].components[%d]: %v", i, j, err)
			}
		}
	}
	return doc, details
}

// decodeQuery splits "?" into its two documented forms. A non-string
// value in the dictionary makes iOS drop the whole dictionary, so the
// rule would match any query: that is an error here.
func (c *appleComponent) decodeQuery() error {
	q := bytes.TrimSpace(c.Query)
	if len(q) == 0 {
		return nil
	}
	switch q[0] {
	case '"':
		var s string
		if err := json.Unmarshal(q, &s); err != nil {
			return fmt.Errorf(`"?": %w`, err)
		}
		c.wholeQuery = &s
		return nil
	case '{':
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(q, &raw); err != nil {
			return fmt.Errorf(`"?": %w`, err)
		}
		c.queryItems = make(map[string]string, len(raw))
		for name, v := range raw {
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf(`"?"[%q] = %s; want a string`, name, v)
			}
			c.queryItems[name] = s
		}
		return nil
	default:
		return fmt.Errorf(`"?" = %s; want a string or an object of strings`, q)
	}
}

func TestAASASchema(t *testing.T) {
	for _, tt := range goldenSites {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Build(tt.site)
			if err != nil {
				t.Fatalf("Build(%s) error: %v", tt.name, err)
			}
			doc, details := decodeApple(t, files.AASA.Body)

			// Every app is claimed on iOS 13+ exactly once, and every
			// default-components app has a legacy entry for iOS 12.
			modern := map[string]int{}
			legacy := map[string]int{}
			for _, d := range details {
				for _, id := range d.AppIDs {
					modern[id]++
				}
				if d.AppID != nil {
					legacy[*d.AppID]++
				}
			}
			keyed := len(tt.site.Params) > 0 || tt.site.PathKeys
			for _, app := range tt.site.AppleApps {
				if modern[app.AppID] != 1 {
					t.Errorf("app %s is in %d appIDs entries; want 1", app.AppID, modern[app.AppID])
				}
				wantLegacy := 0
				if len(app.Components) == 0 && keyed {
					wantLegacy = 1
				}
				if legacy[app.AppID] != wantLegacy {
					t.Errorf("app %s has %d legacy entries; want %d", app.AppID, legacy[app.AppID], wantLegacy)
				}
			}
			checkAppList(t, "webcredentials", doc.WebCredentials, tt.site.WebCredentials)
			checkAppList(t, "appclips", doc.AppClips, tt.site.AppClips)
			if doc.ActivityContinuation != nil {
				t.Errorf("activitycontinuation present; deeplinkd never configures it")
			}
		})
	}
}

func checkAppList(t *testing.T, name string, got *appleAppList, want []string) {
	t.Helper()
	if len(want) == 0 {
		if got != nil {
			t.Errorf("%s = %v; want it absent when not configured", name, got)
		}
		return
	}
	if got == nil {
		t.Errorf("%s absent; want apps %v", name, want)
		return
	}
	if fmt.Sprint(got.Apps) != fmt.Sprint(want) {
		t.Errorf("%s.apps = %v; want %v", name, got.Apps, want)
	}
}

func TestAASAExplicitComponentsWin(t *testing.T) {
	custom := []Component{
		{Path: "/shop/*", Query: Query{Items: map[string]string{"sku": "?*"}}},
		{Path: "/gift", Query: Query{Whole: "code=*"}, Fragment: "top", Exclude: true, Comment: "c"},
	}
	site := Site{Params: []string{"ref"}, PathKeys: true, AppleApps: []AppleApp{{AppID: appShop, Components: custom}}}
	files, err := Build(site)
	if err != nil {
		t.Fatalf("Build error: %v", err)
	}
	_, details := decodeApple(t, files.AASA.Body)
	if len(details) != 1 {
		t.Fatalf("details has %d entries; want 1 (no defaults, no legacy entry)", len(details))
	}
	got := details[0].Components
	if len(got) != len(custom) {
		t.Fatalf("components = %d; want exactly the %d configured", len(got), len(custom))
	}
	if got[0].queryItems["sku"] != "?*" || *got[0].Path != "/shop/*" {
		t.Errorf("components[0] = %+v; want /shop/* with sku=?*", got[0])
	}
	if got[1].wholeQuery == nil || *got[1].wholeQuery != "code=*" || *got[1].Fragment != "top" || !got[1].Exclude || got[1].Comment != "c" {
		t.Errorf("components[1] = %+v; want /gift, ?code=*, #top, excluded, comment c", got[1])
	}
}
