package wellknown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Identifiers used by the test sites. They are shaped like real ones but
// are not Apple's or Google's documentation examples, which verify.go
// flags as copied placeholders.
const (
	appMain  = "9JA89QQLNQ.com.example.app"
	appShop  = "9JA89QQLNQ.com.example.shop"
	appClip  = "9JA89QQLNQ.com.example.app.Clip"
	fpRelA   = "3F:7A:21:9C:0B:D4:56:E8:11:A2:C3:94:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D:5E:6F:70:8B"
	fpDebugA = "C0:FF:EE:12:34:56:78:9A:BC:DE:F0:13:57:9B:DF:24:68:AC:E0:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD"
	fpRelB   = "5D:41:40:2A:BC:4B:2A:76:B9:71:9D:91:10:17:C5:92:3E:8F:1E:4B:6C:2D:0A:99:87:65:43:21:0F:ED:CB:A9"
)

// goldenSites are the sites whose exact output is pinned in testdata/.
var goldenSites = []struct {
	name string
	site Site
}{
	{
		name: "minimal",
		site: Site{
			Params:    []string{"ref"},
			PathKeys:  true,
			AppleApps: []AppleApp{{AppID: appMain}},
		},
	},
	{
		name: "two_ios_apps_explicit_components",
		site: Site{
			Params:   []string{"ref"},
			PathKeys: true,
			AppleApps: []AppleApp{
				{AppID: appMain},
				{AppID: appShop, Components: []Component{
					{Path: "/shop/checkout", Exclude: true, Comment: "payment stays on the web"},
					{Path: "/shop/*", Query: Query{Items: map[string]string{"sku": "?*", "campaign": "*"}}, CaseSensitive: new(false)},
					{Path: "/gift", Query: Query{Whole: "code=????&src=mail"}, Fragment: "*", PercentEncoded: new(false)},
				}},
			},
		},
	},
	{
		name: "webcredentials_appclips",
		site: Site{
			Params:         []string{"ref"},
			PathKeys:       true,
			AppleApps:      []AppleApp{{AppID: appMain}},
			WebCredentials: []string{appMain},
			AppClips:       []string{appClip},
		},
	},
	{
		name: "several_params_no_path_keys",
		site: Site{
			Params:    []string{"ref", "via", "code"},
			AppleApps: []AppleApp{{AppID: appMain}, {AppID: appShop}},
		},
	},
	{
		name: "android_two_apps",
		site: Site{
			AndroidApps: []AndroidApp{
				{Package: "com.example.app", Fingerprints: []string{fpRelA, fpDebugA}, ShareCredentials: true},
				{Package: "com.example.shop", Fingerprints: []string{fpRelB}},
			},
		},
	},
	{
		name: "empty",
		site: Site{},
	},
}

func TestBuildGolden(t *testing.T) {
	for _, tt := range goldenSites {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Build(tt.site)
			if err != nil {
				t.Fatalf("Build(%s) error: %v", tt.name, err)
			}
			checkGolden(t, tt.name+".aasa.json", files.AASA.Body)
			checkGolden(t, tt.name+".assetlinks.json", files.AssetLinks.Body)
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file; got:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestBuildDocumentsAreNewlineTerminatedJSON(t *testing.T) {
	for _, tt := range goldenSites {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Build(tt.site)
			if err != nil {
				t.Fatalf("Build(%s) error: %v", tt.name, err)
			}
			for name, doc := range map[string]Document{"aasa": files.AASA, "assetlinks": files.AssetLinks} {
				if !json.Valid(doc.Body) {
					t.Errorf("Build(%s).%s is not valid JSON:\n%s", tt.name, name, doc.Body)
				}
				if !bytes.HasSuffix(doc.Body, []byte("}\n")) && !bytes.HasSuffix(doc.Body, []byte("]\n")) {
					t.Errorf("Build(%s).%s does not end with exactly one newline: %q", tt.name, name, doc.Body[max(0, len(doc.Body)-10):])
				}
			}
		})
	}
}

func TestETag(t *testing.T) {
	strong := regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	a, err := Build(goldenSites[0].site)
	if err != nil {
		t.Fatalf("Build error: %v", err)
	}
	b, err := Build(goldenSites[1].site)
	if err != nil {
		t.Fatalf("Build error: %v", err)
	}
	tests := []struct {
		name string
		doc  Document
	}{
		{"minimal aasa", a.AASA},
		{"minimal assetlinks", a.AssetLinks},
		{"explicit aasa", b.AASA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strong.MatchString(tt.doc.ETag) {
				t.Errorf("ETag = %s; want a strong quoted tag of 32 hex digits", tt.doc.ETag)
			}
			sum := sha256.Sum256(tt.doc.Body)
			if want := `"` + hex.EncodeToString(sum[:])[:32] + `"`; tt.doc.ETag != want {
				t.Errorf("ETag = %s; want %s (SHA-256 of the body)", tt.doc.ETag, want)
			}
		})
	}
	if a.AASA.ETag == b.AASA.ETag {
		t.Errorf("different AASA bodies share ETag %s", a.AASA.ETag)
	}
}

// TestBuildDeterministic guards against map iteration order leaking into
// the bytes: Query.Items is a map, and an ETag that changes between
// reloads of the same config would defeat every cache.
func TestBuildDeterministic(t *testing.T) {
	items := map[string]string{}
	for i := range 20 {
		items["k"+strconv.Itoa(i)] = "?*"
	}
	site := Site{
		Params: []string{"ref"},
		AppleApps: []AppleApp{{AppID: appMain, Components: []Component{
			{Path: "/x/*", Query: Query{Items: items}},
		}}},
	}
	first, err := Build(site)
	if err != nil {
		t.Fatalf("Build error: %v", err)
	}
	for i := range 20 {
		again, err := Build(site)
		if err != nil {
			t.Fatalf("Build error: %v", err)
		}
		if !bytes.Equal(again.AASA.Body, first.AASA.Body) {
			t.Fatalf("Build run %d differs from the first run:\n%s\nvs\n%s", i, again.AASA.Body, first.AASA.Body)
		}
	}
}

// TestBuildOddInput feeds strings and shapes config validation would
// reject: Build must not panic and must still write valid JSON.
func TestBuildOddInput(t *testing.T) {
	odd := "q\"uote\\back<tag>&amp;\x00\x1f\u2028\xff/é"
	tests := []struct {
		name string
		site Site
	}{
		{"zero site", Site{}},
		{"nil slices in apps", Site{AppleApps: []AppleApp{{}}, AndroidApps: []AndroidApp{{}}}},
		{"empty param names", Site{Params: []string{"", "", "ref", "ref"}, AppleApps: []AppleApp{{AppID: appMain}}}},
		{"odd strings everywhere", Site{
			Params:         []string{odd},
			PathKeys:       true,
			AppleApps:      []AppleApp{{AppID: odd}, {AppID: odd, Components: []Component{{Path: odd, Fragment: odd, Comment: odd, Query: Query{Items: map[string]string{odd: odd}}}}}},
			WebCredentials: []string{odd},
			AppClips:       []string{odd},
			AndroidApps:    []AndroidApp{{Package: odd, Fingerprints: []string{odd}}},
		}},
		{"zero components", Site{AppleApps: []AppleApp{{AppID: appMain, Components: []Component{{}, {}}}}}},
		{"query both whole and items", Site{AppleApps: []AppleApp{{AppID: appMain, Components: []Component{
			{Query: Query{Whole: "a=1", Items: map[string]string{"b": "2"}}},
		}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Build(tt.site)
			if err != nil {
				t.Fatalf("Build(%s) error: %v", tt.name, err)
			}
			if !json.Valid(files.AASA.Body) {
				t.Errorf("Build(%s) AASA is not valid JSON:\n%s", tt.name, files.AASA.Body)
			}
			if !json.Valid(files.AssetLinks.Body) {
				t.Errorf("Build(%s) assetlinks is not valid JSON:\n%s", tt.name, files.AssetLinks.Body)
			}
		})
	}
}

func TestBuildDoesNotEscapeHTML(t *testing.T) {
	site := Site{AppleApps: []AppleApp{{AppID: appMain, Components: []Component{
		{Path: "/a", Query: Query{Whole: "x=<1>&y=2"}},
	}}}}
	files, err := Build(site)
	if err != nil {
		t.Fatalf("Build error: %v", err)
	}
	if !bytes.Contains(files.AASA.Body, []byte(`"x=<1>&y=2"`)) {
		t.Errorf("Build AASA = %s; want the query pattern written literally as \"x=<1>&y=2\"", files.AASA.Body)
	}
}

func TestBuildSizeLimit(t *testing.T) {
	many := func(n int) []Component {
		cs := make([]Component, n)
		for i := range cs {
			cs[i] = Component{Path: "/campaign/" + strconv.Itoa(i) + "/*", Comment: "spring campaign landing page"}
		}
		return cs
	}
	tests := []struct {
		name    string
		n       int
		wantErr bool
	}{
		{"well under the limit", 100, false},
		{"over the limit", 2500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := Site{AppleApps: []AppleApp{{AppID: appMain, Components: many(tt.n)}}}
			files, err := Build(site)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Build(%d components) error: %v", tt.n, err)
				}
				if len(files.AASA.Body) > MaxAASASize {
					t.Fatalf("Build(%d components) = %d bytes without error; limit is %d", tt.n, len(files.AASA.Body), MaxAASASize)
				}
				return
			}
			if err == nil {
				t.Fatalf("Build(%d components) error = nil; want a size error", tt.n)
			}
			size, _ := encode(buildAASA(site))
			for _, want := range []string{strconv.Itoa(len(size)), strconv.Itoa(MaxAASASize)} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Build(%d components) error = %q; want it to name %s", tt.n, err, want)
				}
			}
		})
	}
}
