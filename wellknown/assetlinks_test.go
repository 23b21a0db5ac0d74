package wellknown

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// googleStatement follows the Digital Asset Links statement format
// (google/digitalassetlinks details.md), decoded strictly.
type googleStatement struct {
	Relation []string `json:"relation"`
	Target   struct {
		Namespace    string   `json:"namespace"`
		PackageName  string   `json:"package_name"`
		Fingerprints []string `json:"sha256_cert_fingerprints"`
	} `json:"target"`
}

var (
	googleRelation    = regexp.MustCompile(`^[a-z0-9_.]+/[a-z0-9_.]+$`)
	googleFingerprint = regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`)
)

func decodeGoogle(t *testing.T, body []byte) []googleStatement {
	t.Helper()
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '[' {
		t.Fatalf("assetlinks.json = %s; want a JSON array of statements", body)
	}
	var out []googleStatement
	if err := strictUnmarshal(body, &out); err != nil {
		t.Fatalf("decode assetlinks.json: %v\n%s", err, body)
	}
	for i, s := range out {
		if len(s.Relation) == 0 {
			t.Errorf("statement %d has no relation", i)
		}
		for _, r := range s.Relation {
			if !googleRelation.MatchString(r) {
				t.Errorf("statement %d relation %q is not shaped kind/detail", i, r)
			}
		}
		if s.Target.Namespace != "android_app" {
			t.Errorf("statement %d namespace = %q; want android_app", i, s.Target.Namespace)
		}
		for _, fp := range s.Target.Fingerprints {
			if !googleFingerprint.MatchString(fp) {
				t.Errorf("statement %d fingerprint %q is not 32 upper-case hex pairs", i, fp)
			}
		}
	}
	return out
}

func TestAssetLinks(t *testing.T) {
	type want struct {
		Package      string
		Relation     []string
		Fingerprints []string
	}
	tests := []struct {
		name string
		site Site
		want []want
	}{
		{
			name: "no apps is an empty list",
			site: Site{AppleApps: []AppleApp{{AppID: appMain}}},
			want: []want{},
		},
		{
			name: "one app, one fingerprint",
			site: Site{AndroidApps: []AndroidApp{{Package: "com.example.app", Fingerprints: []string{fpRelA}}}},
			want: []want{{"com.example.app", []string{RelationHandleAllURLs}, []string{fpRelA}}},
		},
		{
			name: "two apps, several fingerprints, shared credentials",
			site: Site{AndroidApps: []AndroidApp{
				{Package: "com.example.app", Fingerprints: []string{fpRelA, fpDebugA}, ShareCredentials: true},
				{Package: "com.example.shop", Fingerprints: []string{fpRelB}},
			}},
			want: []want{
				{"com.example.app", []string{RelationHandleAllURLs, RelationGetLoginCreds}, []string{fpRelA, fpDebugA}},
				{"com.example.shop", []string{RelationHandleAllURLs}, []string{fpRelB}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Build(tt.site)
			if err != nil {
				t.Fatalf("Build error: %v", err)
			}
			got := []want{}
			for _, s := range decodeGoogle(t, files.AssetLinks.Body) {
				got = append(got, want{s.Target.PackageName, s.Relation, s.Target.Fingerprints})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Build(%s) assetlinks mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestAssetLinksNoFingerprintsIsArray(t *testing.T) {
	files, err := Build(Site{AndroidApps: []AndroidApp{{Package: "com.example.app"}}})
	if err != nil {
		t.Fatalf("Build error: %v", err)
	}
	if !bytes.Contains(files.AssetLinks.Body, []byte(`"sha256_cert_fingerprints": []`)) {
		t.Errorf("Build assetlinks = %s; want sha256_cert_fingerprints as [] rather than null", files.AssetLinks.Body)
	}
}
