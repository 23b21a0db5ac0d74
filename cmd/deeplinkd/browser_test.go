package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/google/go-cmp/cmp"
)

// chromiumPath is Debian's chromium. Without it the browser test fails
// under CI=true (.ci/run installs it) and is skipped locally.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI must install it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed: apt-get install -y chromium to run the real-browser test")
	return ""
}

// loaderReport is what the stub PartneroJS reports once it runs: the
// queue's name, the calls queued on it, the page URL and its own src.
type loaderReport struct {
	Object string     `json:"object"`
	Calls  [][]string `json:"calls"`
	Href   string     `json:"href"`
	Src    string     `json:"src"`
}

// partneroStub stands in for partnero.js_url: a script that reports what
// the page's loader queued, and a /join page for the web continuation.
type partneroStub struct {
	srv     *httptest.Server
	reports chan loaderReport
	joins   chan string // raw queries of GET /join

	mu      sync.Mutex
	scripts []string // raw queries of GET /universal.js
}

// stubScript reads the loader's queue the way the real script finds it
// (window.__partnerObject names the queue function) and posts it back.
const stubScript = `(function () {
  var name = window.__partnerObject || "";
  var q = (name && window[name] && window[name].q) || [];
  var calls = [];
  for (var i = 0; i < q.length; i++) {
    calls.push(Array.prototype.slice.call(q[i].a).map(String));
  }
  var src = document.currentScript ? document.currentScript.src : "";
  fetch(ORIGIN + "/report", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
    body: JSON.stringify({object: name, calls: calls, href: location.href, src: src})});
})();
`

func newPartneroStub(t *testing.T) *partneroStub {
	t.Helper()
	s := &partneroStub{reports: make(chan loaderReport, 16), joins: make(chan string, 16)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/universal.js":
			s.mu.Lock()
			s.scripts = append(s.scripts, r.URL.RawQuery)
			s.mu.Unlock()
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			io.WriteString(w, strings.ReplaceAll(stubScript, "ORIGIN", fmt.Sprintf("%q", s.srv.URL)))
		case r.Method == http.MethodPost && r.URL.Path == "/report":
			var rep loaderReport
			if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
				t.Errorf("stub: bad report: %v", err)
				return
			}
			s.reports <- rep
		case r.Method == http.MethodGet && r.URL.Path == "/join":
			s.joins <- r.URL.RawQuery
			io.WriteString(w, "<!doctype html><title>join</title>")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// reportFor waits for the report of the page whose URL holds key.
func (s *partneroStub) reportFor(t *testing.T, key string) loaderReport {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case rep := <-s.reports:
			if strings.Contains(rep.Href, key) {
				return rep
			}
		case <-deadline:
			t.Fatalf("the stub PartneroJS never reported for the page with %s", key)
		}
	}
}

// pageState is what the test reads from the rendered page.
type pageState struct {
	Platform   string   `json:"platform"`
	Device     string   `json:"device"`
	Open       string   `json:"open"`
	Store      string   `json:"store"`
	Copy       string   `json:"copy"`
	Banner     string   `json:"banner"`
	IOSHidden  bool     `json:"iosHidden"`
	DeskHidden bool     `json:"deskHidden"`
	Violations []string `json:"violations"`
}

const readState = `(function () {
  var attr = function (id, name) { var e = document.getElementById(id); return e ? (e.getAttribute(name) || "") : ""; };
  var hidden = function (id) { var e = document.getElementById(id); return !e || e.hidden; };
  var banner = document.querySelector('meta[name="apple-itunes-app"]');
  return {
    platform: document.body.getAttribute("data-platform") || "",
    device: document.body.getAttribute("data-device") || "",
    open: attr("open", "href"), store: attr("store", "href"), copy: attr("store", "data-copy"),
    banner: banner ? banner.content : "",
    iosHidden: hidden("ios"), deskHidden: hidden("desktop"),
    violations: window.__cspViolations || []
  };
})()`

// watchPage runs before a page's first script: it records every
// Content-Security-Policy violation, and what the page writes to the
// clipboard (the test pages are plain http, where browsers offer no
// navigator.clipboard, so the recorder stands in for it).
const watchPage = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
window.__copied = [];
Object.defineProperty(navigator, "clipboard", {configurable: true, value: {
  writeText: function (text) { window.__copied.push(text); return Promise.resolve(); }
}});`

// stayOnPage keeps a tap on the store button from leaving the page, so the
// test can read what the tap copied.
const stayOnPage = `document.getElementById("store").addEventListener("click", function (e) { e.preventDefault(); }); true`

// newBrowser starts headless Chromium with a fresh profile; the link
// hosts resolve to this machine, where the daemon listens.
func newBrowser(t *testing.T, execPath string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// The link domains are test names; send them to the daemon.
		chromedp.Flag("host-resolver-rules", "MAP go.alpha.test 127.0.0.1, MAP open.alpha.test 127.0.0.1, MAP links.beta.test 127.0.0.1"),
		// Plain http on purpose: no https-first detour to a TLS handshake.
		chromedp.Flag("disable-features", "HttpsUpgrades,HttpsFirstBalancedModeAutoEnable"),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// artifactDir is where screenshots go: $DEEPLINKD_TEST_ARTIFACTS (kept by
// CI), else the test's temporary directory.
func artifactDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("DEEPLINKD_TEST_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("artifacts dir: %v", err)
		}
		return dir
	}
	return t.TempDir()
}

// touchPoints turns on touch emulation with n touch points; an iPad
// reports 5, a Mac 0.
func touchPoints(n int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled,
			emulation.SetTouchEmulationEnabledParams{Enabled: n > 0, MaxTouchPoints: n})
		return err
	})
}

func beforeEveryDocument(script string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	})
}

// TestBrowserPages opens pages of the real binary in headless Chromium as
// an iPhone, an Android phone, an iPad asking for the desktop site and a
// Mac, with partnero.js_url pointing at a stub that reports what the
// loader queued.
func TestBrowserPages(t *testing.T) {
	chrome := chromiumPath(t)
	stub := newPartneroStub(t)
	d := startDaemon(t, writeConfig(t, t.TempDir(), resolverYAML(stub.srv.URL+"/universal.js", stub.srv.URL+"/join")), resolverEnv())
	_, port, err := net.SplitHostPort(d.public)
	if err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t, chrome)
	artifacts := artifactDir(t)

	macSafari := device.Info{Name: "Mac Safari",
		UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		Width:     1180, Height: 820, Scale: 1}
	tests := []struct {
		name     string
		dev      chromedp.Device
		touch    int64
		url      string
		key      string
		publicID string
		// check inspects the rendered page; nil for a page that leaves.
		check func(t *testing.T, st pageState)
	}{
		{"iphone", device.IPhone13, -1, "http://go.alpha.test:" + port + "/?ref=KEYIOS1&utm_source=test", "KEYIOS1", "P1234567",
			func(t *testing.T, st pageState) {
				want := pageState{
					Platform: "ios", Open: "https://open.alpha.test/?ref=KEYIOS1&utm_source=test",
					Store: "https://apps.apple.com/app/id1234567890", Copy: "https://go.alpha.test/?ref=KEYIOS1&utm_source=test",
					Banner:     "app-id=1234567890, app-argument=https://go.alpha.test/?ref=KEYIOS1&utm_source=test",
					DeskHidden: true, Violations: []string{},
				}
				checkState(t, want, st)
			}},
		{"android", device.Pixel5, -1, "http://go.alpha.test:" + port + "/KEYAND1/welcome", "KEYAND1", "P1234567",
			func(t *testing.T, st pageState) {
				play := "https://play.google.com/store/apps/details?id=com.alpha.app&referrer=ref%3DKEYAND1%26route%3D%252Fwelcome"
				checkAndroid(t, st, play)
			}},
		{"ipad asking for the desktop site", macSafari, 5, "http://links.beta.test:" + port + "/KEYPAD1", "KEYPAD1", "POTHER99",
			func(t *testing.T, st pageState) {
				want := pageState{
					Platform: "ios", Device: "ipad", Open: "betaapp:///?ref=KEYPAD1",
					Store: "https://apps.apple.com/app/id987654321", Copy: "https://links.beta.test/?ref=KEYPAD1",
					Banner:     "app-id=987654321, app-argument=https://links.beta.test/?ref=KEYPAD1",
					DeskHidden: true, Violations: []string{},
				}
				checkState(t, want, st)
			}},
		{"mac continues to the web at once", macSafari, 0, "http://links.beta.test:" + port + "/?ref=KEYMAC1", "KEYMAC1", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, cancel := chromedp.NewContext(browser)
			defer cancel()
			tab, cancelTimeout := context.WithTimeout(tab, 45*time.Second)
			defer cancelTimeout()
			steps := []chromedp.Action[chromedp.Void]{beforeEveryDocument(watchPage), chromedp.Emulate(tt.dev)}
			if tt.touch >= 0 {
				steps = append(steps, touchPoints(tt.touch))
			}
			steps = append(steps, chromedp.Navigate(tt.url))
			if err := chromedp.Do(tab, steps...); err != nil {
				t.Fatalf("open %s: %v", tt.url, err)
			}
			if tt.check == nil {
				// A Mac in redirect mode: the page's script goes on to the
				// fallback (the stub's /join) with the key, on its own.
				select {
				case q := <-stub.joins:
					if q != "ref="+tt.key {
						t.Errorf("the Mac continued to /join?%s; want /join?ref=%s", q, tt.key)
					}
				case <-tab.Done():
					t.Fatalf("the Mac page never continued to the web fallback")
				}
				return
			}
			rep := stub.reportFor(t, tt.key)
			if rep.Object != "po" {
				t.Errorf("loader queue object = %q; want po", rep.Object)
			}
			wantCalls := [][]string{{"settings", "assets_host", "https://assets.partnero.com"}, {"program", tt.publicID, "load"}}
			if !slices.EqualFunc(rep.Calls, wantCalls, slices.Equal) {
				t.Errorf("loader calls = %q; want %q", rep.Calls, wantCalls)
			}
			if !strings.Contains(rep.Href, tt.key) {
				t.Errorf("loader ran on %q; want the URL carrying %s", rep.Href, tt.key)
			}
			if !strings.HasPrefix(rep.Src, stub.srv.URL+"/universal.js?v") {
				t.Errorf("loader src = %q; want the js_url with its cache-busting query", rep.Src)
			}
			if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.ID("store"))); err != nil {
				t.Fatalf("wait for the store button: %v", err)
			}
			st, err := chromedp.Run(tab, chromedp.Evaluate[pageState](readState))
			if err != nil {
				t.Fatalf("read the page: %v", err)
			}
			tt.check(t, st)
			// Nothing is copied until a tap; the tap copies the link.
			copied, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`window.__copied`))
			if err != nil || len(copied) != 0 {
				t.Errorf("copied before any tap: %q, %v", copied, err)
			}
			if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](stayOnPage), chromedp.Click(chromedp.ID("store"))); err != nil {
				t.Fatalf("tap the store button: %v", err)
			}
			copied, err = chromedp.Run(tab, chromedp.Evaluate[[]string](`window.__copied`))
			if err != nil || !slices.Equal(copied, []string{st.Copy}) || !strings.Contains(st.Copy, tt.key) {
				t.Errorf("a tap on the store button copied %q, %v; want [%q] carrying %s", copied, err, st.Copy, tt.key)
			}
			shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			if !bytes.HasPrefix(shot, []byte("\x89PNG\r\n\x1a\n")) {
				t.Fatalf("screenshot is not a PNG (%d bytes)", len(shot))
			}
			path := filepath.Join(artifacts, "browser-"+strings.ReplaceAll(tt.name, " ", "-")+".png")
			if err := os.WriteFile(path, shot, 0o644); err != nil {
				t.Fatalf("write screenshot: %v", err)
			}
			t.Logf("screenshot: %s (%d bytes)", path, len(shot))
		})
	}
	if log := d.logText(); strings.Contains(log, resolverToken) || strings.Contains(log, resolverAPIKey) {
		t.Errorf("the log shows a secret")
	}
}

func checkState(t *testing.T, want, got pageState) {
	t.Helper()
	if got.Violations == nil {
		got.Violations = []string{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page state (-want +got):\n%s", diff)
	}
}

// checkAndroid asserts the Android page: the intent opens the app on the
// open host with the key, falls back to the Play listing, whose install
// referrer carries the key.
func checkAndroid(t *testing.T, st pageState, play string) {
	t.Helper()
	if st.Platform != "android" || len(st.Violations) != 0 {
		t.Errorf("platform, CSP violations = %q, %q; want android, none", st.Platform, st.Violations)
	}
	if st.Store != play {
		t.Errorf("Play button = %q; want %q", st.Store, play)
	}
	for _, want := range []string{"intent://open.alpha.test/welcome?ref=KEYAND1#Intent;", "scheme=https;", "package=com.alpha.app;",
		"S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.alpha.app%26referrer%3Dref%253DKEYAND1", ";end"} {
		if !strings.Contains(st.Open, want) {
			t.Errorf("Open in app = %q; lacks %q", st.Open, want)
		}
	}
	if st.Copy != "https://go.alpha.test/welcome?ref=KEYAND1" {
		t.Errorf("copied link = %q; want the canonical link with the key", st.Copy)
	}
}
