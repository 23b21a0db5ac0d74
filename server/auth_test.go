package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string
		wantOK  bool
	}{
		{"bearer", []string{"Bearer abc.DEF-123_~+/="}, "abc.DEF-123_~+/=", true},
		{"scheme in any case", []string{"bearer abc"}, "abc", true},
		{"extra spaces", []string{"  Bearer   abc  "}, "abc", true},
		{"none", nil, "", false},
		{"empty", []string{""}, "", false},
		{"scheme only", []string{"Bearer"}, "", false},
		{"scheme and space", []string{"Bearer "}, "", false},
		{"basic", []string{"Basic dXNlcjpwYXNz"}, "", false},
		{"two tokens", []string{"Bearer abc def"}, "", false},
		{"two headers", []string{"Bearer abc", "Bearer def"}, "", false},
		{"control character", []string{"Bearer abc\x00def"}, "", false},
		{"tab inside", []string{"Bearer abc\tdef"}, "", false},
		{"oversized", []string{"Bearer " + strings.Repeat("a", maxTokenLen+1)}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := bearerToken(tt.headers)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("bearerToken(%q) = %q, %v; want %q, %v", tt.headers, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestMatchToken exercises the constant-time search: a match on the
// first, a middle and the last token, duplicates, an empty token that
// must match nothing, and misses that differ in one byte or in length.
func TestMatchToken(t *testing.T) {
	tokens := []Token{
		NewToken("first", "main", "tok-first"),
		NewToken("empty", "main", ""),
		NewToken("middle", "beta", "tok-middle"),
		NewToken("dup-a", "main", "tok-dup"),
		NewToken("dup-b", "beta", "tok-dup"),
		NewToken("last", "gamma", "tok-last"),
	}
	tests := []struct {
		name, presented string
		wantName        string
		wantOK          bool
	}{
		{"first", "tok-first", "first", true},
		{"middle", "tok-middle", "middle", true},
		{"last", "tok-last", "last", true},
		{"duplicate takes the first", "tok-dup", "dup-a", true},
		{"empty presented never matches the empty token", "", "", false},
		{"one byte off", "tok-lasu", "", false},
		{"prefix", "tok-las", "", false},
		{"longer", "tok-last-", "", false},
		{"case differs", "TOK-LAST", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := matchToken(tokens, tt.presented)
			if got.Name != tt.wantName || ok != tt.wantOK {
				t.Errorf("matchToken(%q) = %q, %v; want %q, %v", tt.presented, got.Name, ok, tt.wantName, tt.wantOK)
			}
		})
	}
	if _, ok := matchToken(nil, "tok-first"); ok {
		t.Errorf("matchToken(nil) matched")
	}
}

// TestRequireToken runs the middleware in front of /api/v1/resolve.
func TestRequireToken(t *testing.T) {
	ts := newLinkServer(t, Options{})
	h := ts.Public()
	const alphaLink = "/api/v1/resolve?url=https://go.alpha.com/?ref%3DABC123"
	const betaLink = "/api/v1/resolve?url=https://links.beta.org/ABC123"
	tests := []struct {
		name, target  string
		auth          []string
		wantStatus    int
		wantBody      string
		wantChallenge string
	}{
		{"missing", alphaLink, nil, 401,
			`{"error":{"code":"unauthorized","message":"missing or malformed bearer token"}}`, `Bearer realm="deeplinkd"`},
		{"basic", alphaLink, []string{"Basic dXNlcjpwYXNz"}, 401,
			`{"error":{"code":"unauthorized","message":"missing or malformed bearer token"}}`, `Bearer realm="deeplinkd"`},
		{"empty bearer", alphaLink, []string{"Bearer "}, 401,
			`{"error":{"code":"unauthorized","message":"missing or malformed bearer token"}}`, `Bearer realm="deeplinkd"`},
		{"wrong", alphaLink, []string{"Bearer " + tokenMain + "x"}, 401,
			`{"error":{"code":"unauthorized","message":"unknown bearer token"}}`, `Bearer realm="deeplinkd", error="invalid_token"`},
		{"token as basic password", alphaLink, []string{"Basic " + tokenMain}, 401,
			`{"error":{"code":"unauthorized","message":"missing or malformed bearer token"}}`, `Bearer realm="deeplinkd"`},
		{"other program's domain", betaLink, []string{"Bearer " + tokenMain}, 403,
			`{"error":{"code":"forbidden","message":"the token's program does not own this domain"}}`, ""},
		{"other program's token", alphaLink, []string{"Bearer " + tokenBeta}, 403,
			`{"error":{"code":"forbidden","message":"the token's program does not own this domain"}}`, ""},
		{"own program", alphaLink, []string{"Bearer " + tokenMain}, 200, "", ""},
		{"own program, lower-case scheme", betaLink, []string{"bearer " + tokenBeta}, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{"User-Agent": {uaIPhone}}
			for _, a := range tt.auth {
				header.Add("Authorization", a)
			}
			rec := do(h, http.MethodGet, "go.alpha.com", tt.target, header)
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d; want %d\n%s", tt.target, rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantBody != "" {
				if diff := cmp.Diff(tt.wantBody+"\n", rec.Body.String()); diff != "" {
					t.Errorf("GET %s body (-want +got):\n%s", tt.target, diff)
				}
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.wantChallenge {
				t.Errorf("GET %s WWW-Authenticate = %q; want %q", tt.target, got, tt.wantChallenge)
			}
			for _, tok := range []string{tokenMain, tokenBeta} {
				if strings.Contains(rec.Body.String(), tok) || strings.Contains(rec.Header().Get("WWW-Authenticate"), tok) {
					t.Errorf("GET %s answer shows a token", tt.target)
				}
			}
		})
	}
	if logs := ts.logs.String(); strings.Contains(logs, tokenMain) || strings.Contains(logs, tokenBeta) {
		t.Errorf("the log shows a token:\n%s", logs)
	}
}

func TestProgramFor(t *testing.T) {
	ts := newLinkServer(t, Options{})
	var gotProgram, gotName string
	handler := requireToken(func(c echo.Context) error {
		gotProgram, gotName = programFor(c), tokenNameFor(c)
		return nil
	})
	e := ts.public
	req := httptest.NewRequest(http.MethodGet, "/api/v1/x", nil)
	req.Host = "go.alpha.com"
	req.Header.Set("Authorization", "Bearer "+tokenBeta)
	rec := httptest.NewRecorder()
	c := e.NewContext(withExchange(req, &exchange{snap: ts.Snapshot()}), rec)
	if err := handler(c); err != nil {
		t.Fatalf("requireToken: %v", err)
	}
	if gotProgram != "beta" || gotName != "beta-backend" {
		t.Errorf("programFor, tokenNameFor = %q, %q; want beta, beta-backend", gotProgram, gotName)
	}
	if err := authorizeProgram(c, "main"); err == nil {
		t.Errorf("authorizeProgram(beta token, main) = nil; want forbidden")
	}
	if err := authorizeProgram(c, "beta"); err != nil {
		t.Errorf("authorizeProgram(beta token, beta) = %v; want nil", err)
	}
	bare := e.NewContext(req, rec)
	if err := authorizeProgram(bare, ""); err == nil {
		t.Errorf("authorizeProgram without a token = nil; want forbidden")
	}
}

// TestSnapshotHoldsNoSecret: a dump of the snapshot, the way a debug
// print or a panic would show it, never contains a token or an API key.
func TestSnapshotHoldsNoSecret(t *testing.T) {
	ts := newLinkServer(t, Options{})
	snap := ts.Snapshot()
	prog, ok := snap.Program("main")
	if !ok || prog.APIKey() != programKeyMain {
		t.Fatalf("Program(main) = %+v, %v; want the fixture's program", prog, ok)
	}
	dump := fmt.Sprintf("%v\n%+v\n%#v\n%#v\n%#v", snap, snap, snap, snap.tokens, snap.programs)
	for _, secret := range []string{tokenMain, tokenBeta, programKeyMain} {
		if strings.Contains(dump, secret) {
			t.Errorf("snapshot dump shows the secret %q:\n%s", secret, dump)
		}
	}
}
