package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the deeplinkd built once by TestMain for the tests that run
// the real process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deeplinkd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "deeplinkd")
	build := exec.Command("go", "build", "-o", binary,
		"-ldflags", "-X main.version=v9.9.9-test -X main.commit=feedc0de", ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build deeplinkd:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitTimeout bounds every wait on the daemon's log.
const waitTimeout = 15 * time.Second

// daemon is a running `deeplinkd serve` and its log.
type daemon struct {
	*child
	public, admin string
	// next is where the next waitFor starts reading: each reads on from
	// the line the last one returned.
	next int
}

// startDaemon starts `deeplinkd serve -config path` and waits for its
// "listening" line.
func startDaemon(t *testing.T, path string, env map[string]string) *daemon {
	t.Helper()
	cmd := exec.Command(binary, "serve", "-config", path)
	// The default storage.dsn is relative: keep the database out of the
	// source tree.
	cmd.Dir = t.TempDir()
	cmd.Env = []string{}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	d := &daemon{child: startChild(t, cmd)}
	line := d.waitFor(t, "listening")
	d.public, _ = line["public"].(string)
	d.admin, _ = line["admin"].(string)
	if d.public == "" || d.admin == "" {
		t.Fatalf("listening line lacks addresses: %v", line)
	}
	return d
}

// waitFor reads the log on from the last line it returned until a line
// with msg arrives, failing on a line that is not JSON, the end of the
// log, or the deadline.
func (d *daemon) waitFor(t *testing.T, msg string) map[string]any {
	t.Helper()
	line, next := d.waitLine(t, d.next, msg)
	d.next = next
	return line
}

// signal sends sig to the daemon.
func (d *daemon) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// fetch GETs path on addr with the given Host and no redirect following.
func fetch(t *testing.T, addr, host, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

const (
	aasaPath  = "/.well-known/apple-app-site-association"
	linksPath = "/.well-known/assetlinks.json"
)

func TestBinaryServes(t *testing.T) {
	d := startDaemon(t, writeConfig(t, t.TempDir(), configYAML(fixture{})), testEnv())
	tests := []struct {
		name, addr, host, path string
		wantStatus             int
		wantIn, wantNotIn      string
	}{
		{"alpha aasa", d.public, "go.alpha.test", aasaPath, 200, "ABCDE12345.com.alpha.app", "beta"},
		{"alpha alias", d.public, "OPEN.alpha.test:443", aasaPath, 200, "ABCDE12345.com.alpha.app", "beta"},
		{"beta aasa", d.public, "links.beta.test", aasaPath, 200, "ZYXWV98765.org.beta.app", "alpha"},
		{"alpha assetlinks", d.public, "go.alpha.test", linksPath, 200, "com.alpha.app", "beta"},
		{"unknown host", d.public, "evil.test", aasaPath, 404, "unknown host", "app"},
		{"trailing slash", d.public, "go.alpha.test", aasaPath + "/", 404, "", "app"},
		// /metrics on a link domain is a link with the key "metrics": a page, never the metrics.
		{"no metrics publicly", d.public, "go.alpha.test", "/metrics", 200, "<!doctype html>", "deeplinkd_"},
		{"admin metrics", d.admin, "localhost", "/metrics", 200, `deeplinkd_build_info{commit="feedc0de",goversion="` + runtime.Version() + `",version="v9.9.9-test"} 1`, "evil.test"},
		{"admin healthz", d.admin, "localhost", "/healthz", 200, "ok", ""},
		{"admin readyz", d.admin, "localhost", "/readyz", 200, "ready", ""},
		{"no aasa on admin", d.admin, "go.alpha.test", aasaPath, 404, "", "app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := fetch(t, tt.addr, tt.host, tt.path)
			if code != tt.wantStatus {
				t.Errorf("GET %s%s = %d; want %d", tt.host, tt.path, code, tt.wantStatus)
			}
			if !strings.Contains(body, tt.wantIn) {
				t.Errorf("GET %s%s body lacks %q:\n%s", tt.host, tt.path, tt.wantIn, body)
			}
			if tt.wantNotIn != "" && strings.Contains(body, tt.wantNotIn) {
				t.Errorf("GET %s%s body contains %q:\n%s", tt.host, tt.path, tt.wantNotIn, body)
			}
		})
	}
	d.signal(t, syscall.SIGTERM)
	d.waitFor(t, "stopped")
	if err := d.wait(t); err != nil {
		t.Errorf("exit after SIGTERM: %v; want status 0", err)
	}
	if log := d.logText(); strings.Contains(log, "pk_test_secret_value") {
		t.Errorf("the log shows the Partnero key:\n%s", log)
	}
}

func TestBinaryReload(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, configYAML(fixture{AlphaTeam: "ABCDE12345"}))
	d := startDaemon(t, path, testEnv())
	if _, body := fetch(t, d.public, "go.alpha.test", aasaPath); !strings.Contains(body, "ABCDE12345.com.alpha.app") {
		t.Fatalf("initial AASA lacks the first team id:\n%s", body)
	}

	// A valid change is served after SIGHUP, and a listener change is
	// only warned about.
	writeConfig(t, dir, configYAML(fixture{AlphaTeam: "QRSTU67890", AdminListen: "127.0.0.1:1"}))
	d.signal(t, syscall.SIGHUP)
	warn := d.waitFor(t, "restart needed")
	if warn["setting"] != "server.admin_listen" {
		t.Errorf("restart warning names %v; want server.admin_listen", warn["setting"])
	}
	d.waitFor(t, "reloaded")
	_, body := fetch(t, d.public, "go.alpha.test", aasaPath)
	if !strings.Contains(body, "QRSTU67890.com.alpha.app") || strings.Contains(body, "ABCDE12345") {
		t.Errorf("AASA after reload is not the new one:\n%s", body)
	}
	if code, _ := fetch(t, d.admin, "localhost", "/healthz"); code != 200 {
		t.Errorf("admin listener moved or died on reload: /healthz = %d", code)
	}

	// An invalid config is refused with every problem; the old one stays.
	writeConfig(t, dir, brokenYAML)
	d.signal(t, syscall.SIGHUP)
	failed := d.waitFor(t, "reload failed")
	if failed["level"] != "ERROR" {
		t.Errorf("reload failed level = %v; want ERROR", failed["level"])
	}
	problems, _ := failed["problems"].([]any)
	for _, p := range brokenPaths {
		if !slices.ContainsFunc(problems, func(v any) bool { s, _ := v.(string); return strings.Contains(s, ": "+p+": ") }) {
			t.Errorf("reload failed problems lack %s: %v", p, problems)
		}
	}
	_, body = fetch(t, d.public, "go.alpha.test", aasaPath)
	if !strings.Contains(body, "QRSTU67890.com.alpha.app") {
		t.Errorf("AASA after a failed reload is not the last good one:\n%s", body)
	}
	_, metrics := fetch(t, d.admin, "localhost", "/metrics")
	for _, want := range []string{`deeplinkd_config_reloads_total{result="success"} 1`, `deeplinkd_config_reloads_total{result="failure"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	d.signal(t, syscall.SIGINT)
	d.waitFor(t, "stopped")
	if err := d.wait(t); err != nil {
		t.Errorf("exit after SIGINT: %v; want status 0", err)
	}
}

// TestBinaryCommands runs the one-shot commands through the real binary,
// where the exit codes are the process's own.
func TestBinaryCommands(t *testing.T) {
	dir := t.TempDir()
	good := writeConfig(t, dir, configYAML(fixture{}))
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte(brokenYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{"version", []string{"version"}, 0, []string{"v9.9.9-test", "feedc0de", runtime.Version()}, nil},
		{"check ok", []string{"check", "-config", good}, 0, []string{good + ": OK (2 domains)"}, nil},
		{"check print", []string{"check", "-print", "-config", good}, 0,
			[]string{"# go.alpha.test " + aasaPath + "\n{", "# go.alpha.test " + linksPath + "\n[", "# links.beta.test " + aasaPath + "\n{"},
			[]string{"OK (2 domains)"}},
		{"check broken", []string{"check", "-config", broken}, 1, nil, func() []string {
			var out []string
			for _, p := range brokenPaths {
				out = append(out, broken+": "+p+": ")
			}
			return out
		}()},
		{"serve broken", []string{"serve", "-config", broken}, 1, nil, []string{`"msg":"invalid config"`, "domains[0].program"}},
		{"unknown command", []string{"launch"}, 2, nil, []string{`unknown command "launch"`, "Usage:"}},
		{"unknown flag", []string{"check", "-verbose"}, 2, nil, []string{"-verbose", "Usage:"}},
		{"help", []string{"-h"}, 0, []string{"Usage: deeplinkd"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(binary, tt.args...)
			cmd.Env = []string{"TEST_PARTNERO_KEY=pk_test_secret_value"}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			_ = cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tt.wantCode {
				t.Errorf("deeplinkd %q exit = %d; want %d\nstderr: %s", tt.args, code, tt.wantCode, stderr.String())
			}
			for _, s := range tt.wantStdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("deeplinkd %q stdout lacks %q:\n%s", tt.args, s, stdout.String())
				}
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("deeplinkd %q stderr lacks %q:\n%s", tt.args, s, stderr.String())
				}
			}
			if strings.Contains(stdout.String()+stderr.String(), "pk_test_secret_value") {
				t.Errorf("deeplinkd %q printed the Partnero key", tt.args)
			}
		})
	}
}
