package main

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkGolden compares got with testdata/e2e/NAME.golden, or rewrites it
// under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "e2e", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden: %v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestE2EAPIErrors: every refusal of the API through the real binary,
// its status and exact JSON body; a token never reaches another
// program's events or customers.
func TestE2EAPIErrors(t *testing.T) {
	t.Parallel()
	x := newE2E(t, -1)
	p := x.start(e2eConfigYAML(e2eOptions{}), x.env())
	main := x.client(p, "go.alpha.test", e2eTokenMain)
	friends := x.client(p, "links.friends.test", e2eTokenFriends)
	anon := x.client(p, "go.alpha.test", "")
	wrong := x.client(p, "go.alpha.test", "not-a-configured-token-42")
	formPoster := x.client(p, "go.alpha.test", e2eTokenMain)
	formPoster.contentType = "text/plain"

	friendsEvent := friends.accept("/api/v1/signups", `{"referral_key":"referrer_1","customer":{"key":"bob"}}`)
	annEvent := main.accept("/api/v1/signups", `{"customer":{"key":"ann","email":"ann@example.com"}}`)
	waitFor(t, "ann's sign-up to be delivered", func() bool { return main.event(annEvent).Status == "delivered" })

	tests := []struct {
		name       string
		c          *apiClient
		method     string
		path       string
		body       string
		wantStatus int
	}{
		{"no_token", anon, "POST", "/api/v1/signups", `{"customer":{"key":"x"}}`, 401},
		{"unknown_token", wrong, "GET", "/api/v1/events?status=failed", "", 401},
		{"other_programs_event", main, "GET", "/api/v1/events/" + friendsEvent, "", 403},
		{"other_programs_event_retry", main, "POST", "/api/v1/events/" + friendsEvent + "/retry", "", 403},
		{"unknown_event", main, "GET", "/api/v1/events/evt_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", 404},
		{"unknown_field", main, "POST", "/api/v1/signups", `{"customer":{"key":"x"},"coupon":"FREE"}`, 400},
		{"malformed_json", main, "POST", "/api/v1/purchases", `{"key":`, 400},
		{"field_named", main, "POST", "/api/v1/signups", `{"customer":{"key":"x","email":"not-an-email"}}`, 422},
		{"amount_missing", main, "POST", "/api/v1/purchases", `{"customer_key":"ann","key":"t1"}`, 422},
		{"too_large", main, "POST", "/api/v1/signups", `{"customer":{"key":"x","name":"` + strings.Repeat("a", 70<<10) + `"}}`, 413},
		{"conflict", main, "POST", "/api/v1/signups", `{"customer":{"key":"ann","email":"other@example.com"}}`, 409},
		{"not_json", formPoster, "POST", "/api/v1/refunds", `key=t1`, 415},
		{"bad_status", main, "GET", "/api/v1/events?status=lost", "", 422},
		{"bad_cursor", main, "GET", "/api/v1/events?cursor=garbage", "", 400},
		{"retry_delivered", main, "POST", "/api/v1/events/" + annEvent + "/retry", "", 409},
		{"no_route", main, "POST", "/api/v1/signup", `{}`, 404},
		{"wrong_method", main, "DELETE", "/api/v1/signups", "", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, header, body := tt.c.do(tt.method, tt.path, tt.body)
			if code != tt.wantStatus {
				t.Errorf("%s %s = %d %s; want %d", tt.method, tt.path, code, body, tt.wantStatus)
			}
			if ct := header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s %s Content-Type = %q; want application/json", tt.method, tt.path, ct)
			}
			var shape struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(body, &shape); err != nil || shape.Error.Code == "" || shape.Error.Message == "" {
				t.Errorf("%s %s body %s is not the error shape", tt.method, tt.path, body)
			}
			checkGolden(t, tt.name, body)
		})
	}

	// The same repeated is 200 with the first id; a token sees only its
	// program's customers (Partnero is asked with that program's key).
	code, _, body := main.do("POST", "/api/v1/signups", `{"customer":{"email":"ann@example.com","key":"ann"}}`)
	if code != http.StatusOK || !strings.Contains(string(body), `"id":"evt_`) {
		t.Errorf("repeated sign-up = %d %s; want 200 with the first id", code, body)
	}
	if code, _, body := main.do("GET", "/api/v1/customers/referrer_1/stats", ""); code != http.StatusNotFound {
		t.Errorf("main's token reading friends' referrer_1 = %d %s; want 404", code, body)
	}
	code, _, body = friends.do("GET", "/api/v1/customers/referrer_1/stats", "")
	if code != http.StatusOK || !strings.Contains(string(body), `"referral_link"`) {
		t.Errorf("friends' token reading referrer_1 stats = %d %s; want 200 with Partnero's data", code, body)
	}
	// The resolver's page and its API: no secret on them either.
	if code, _, body := anon.do("GET", "/?ref=partner_1", "", "User-Agent", iphoneUA); code != http.StatusOK || !strings.Contains(string(body), "<") {
		t.Errorf("GET /?ref=partner_1 on an iPhone = %d; want a page", code)
	}
	if code, _, body := main.do("GET", "/api/v1/resolve?url=https://go.alpha.test/?ref=partner_1", "", "User-Agent", iphoneUA); code != http.StatusOK {
		t.Errorf("GET /api/v1/resolve = %d %s; want 200", code, body)
	}
	if code, _, body := main.do("GET", "/api/v1/resolve?url=https://links.friends.test/?ref=x", ""); code != http.StatusForbidden {
		t.Errorf("GET /api/v1/resolve of another program's domain = %d %s; want 403", code, body)
	}
	code, header, body := anon.do("GET", "/api/v1/openapi.json", "")
	if code != http.StatusOK || header.Get("Content-Type") != "application/json" || !json.Valid(body) {
		t.Errorf("GET /api/v1/openapi.json = %d %q; want 200 JSON", code, header.Get("Content-Type"))
	}
	if code, body := fetch(t, p.admin, "localhost", "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %s; want 200 with the store reachable", code, body)
	}
	p.terminate(t)
}

// iphoneUA is Safari on an iPhone.
const iphoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"

// TestE2EDemo: serve -demo runs the simulator in-process, gives the
// programs without a key the demo key (and says so), and a sign-up
// reaches the simulator.
func TestE2EDemo(t *testing.T) {
	t.Parallel()
	x := newE2E(t, -1)
	// No Partnero keys and no PARTNERO_API_URL: the demo supplies both.
	env := []string{
		"E2E_TOKEN=" + e2eTokenMain,
		"E2E_FRIENDS_TOKEN=" + e2eTokenFriends,
		"E2E_FRIENDS_KEY=" + e2eKeyFriends,
		"DEEPLINKD_STORAGE_DSN=" + filepath.Join(x.dir, "demo.db"),
	}
	path := filepath.Join(x.dir, "config.yaml")
	if err := os.WriteFile(path, []byte(e2eConfigYAML(e2eOptions{})), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startProc(t, x.dir, env, "serve", "-demo", "-config", path)
	x.mu.Lock()
	x.procs = append(x.procs, p)
	x.mu.Unlock()

	running := p.waitLog(t, "demo: Partnero simulator running; deliveries go to it, not to Partnero")
	simURL, _ := running["url"].(string)
	if !strings.HasPrefix(simURL, "http://127.0.0.1:") || running["state"] != simURL+"/_sim/state" {
		t.Fatalf("demo line = %v; want the simulator's loopback URL and its /_sim/state", running)
	}
	keyLine := p.waitLog(t, "demo: program has no Partnero API key; using the simulator's demo key")
	if keyLine["program"] != "main" || strings.Count(p.logText(), "using the simulator's demo key") != 1 {
		t.Errorf("demo key lines name %v; want program main only (friends has its own key)\n%s", keyLine["program"], p.logText())
	}

	for _, tt := range []struct{ host, token, customer string }{
		{"go.alpha.test", e2eTokenMain, "demo_user"},
		{"links.friends.test", e2eTokenFriends, "demo_friend"},
	} {
		c := x.client(p, tt.host, tt.token)
		id := c.accept("/api/v1/signups", `{"referral_key":"demo","customer":{"key":"`+tt.customer+`"}}`)
		waitFor(t, "the demo delivery", func() bool { return c.event(id).Status == "delivered" })
	}
	res, err := httpClient.Get(simURL + "/_sim/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var state struct {
		Data map[string]struct {
			Customers []struct {
				Key               string
				Partner           *struct{ Key string }
				ReferringCustomer *struct{ Key string } `json:"referring_customer"`
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	var got []string
	for prog, s := range state.Data {
		for _, c := range s.Customers {
			switch {
			case c.Partner != nil:
				got = append(got, prog+":"+c.Key+"<-partner:"+c.Partner.Key)
			case c.ReferringCustomer != nil:
				got = append(got, prog+":"+c.Key+"<-customer:"+c.ReferringCustomer.Key)
			}
		}
	}
	want := []string{"friends:demo_friend<-customer:demo", "main:demo_user<-partner:demo"}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("simulator customers (-want +got):\n%s", diff)
	}
	p.terminate(t)
	if _, err := httpClient.Get(simURL + "/_sim/state"); err == nil {
		t.Errorf("the demo simulator still answers after deeplinkd stopped")
	}
}
