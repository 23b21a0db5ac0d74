package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/wellknown"
)

// runResult is one in-process run of the program.
type runResult struct {
	code           int
	stdout, stderr string
}

func runArgs(t *testing.T, env map[string]string, args ...string) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, getenvOf(env), &stdout, &stderr)
	code := exitCode(err, &stderr)
	return runResult{code, stdout.String(), stderr.String()}
}

func TestRunArguments(t *testing.T) {
	dir := t.TempDir()
	good := writeConfig(t, dir, configYAML(fixture{}))
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantCode   int
		wantStdout string // substring; "" means stdout must be empty
		wantStderr string // substring; "" means stderr must be empty
	}{
		{"version", []string{"version"}, nil, 0, runtime.Version(), ""},
		{"version with args", []string{"version", "x"}, nil, 2, "", "takes no arguments"},
		{"help", []string{"help"}, nil, 0, "Usage: deeplinkd", ""},
		{"-h", []string{"-h"}, nil, 0, "Usage: deeplinkd", ""},
		{"--help", []string{"--help"}, nil, 0, "Usage: deeplinkd", ""},
		{"unknown command", []string{"frobnicate"}, nil, 2, "", `unknown command "frobnicate"`},
		{"unknown flag, default command", []string{"-nope"}, nil, 2, "", "flag provided but not defined: -nope"},
		{"unknown serve flag", []string{"serve", "-nope"}, nil, 2, "", "Usage: deeplinkd"},
		{"unknown check flag", []string{"check", "-nope"}, nil, 2, "", "Usage: deeplinkd"},
		{"stray argument", []string{"check", "-config", good, "extra"}, testEnv(), 2, "", `unexpected arguments ["extra"]`},
		{"serve -h", []string{"serve", "-h"}, nil, 0, "-demo", ""},
		{"check -h", []string{"check", "-h"}, nil, 0, "-print", ""},
		{"check ok", []string{"check", "-config", good}, testEnv(), 0, good + ": OK (2 domains)", ""},
		{"check via DEEPLINKD_CONFIG", []string{"check"}, testEnv("DEEPLINKD_CONFIG=" + good), 0, good + ": OK (2 domains)", ""},
		{"check warns", []string{"check", "-config", good}, map[string]string{}, 0, "OK (2 domains)", "warning: " + good + ": programs.main.api_key_env"},
		{"check missing file", []string{"check", "-config", dir + "/none.yaml"}, testEnv(), 1, "", dir + "/none.yaml: cannot read the file"},
		{"serve missing file", []string{"serve", "-config", dir + "/none.yaml"}, testEnv(), 1, "", `"msg":"invalid config"`},
		{"bad log level", []string{"serve", "-config", good}, testEnv("DEEPLINKD_LOG_LEVEL=chatty"), 1, "", "DEEPLINKD_LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runArgs(t, tt.env, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("run(%q) exit = %d; want %d\nstdout: %s\nstderr: %s", tt.args, got.code, tt.wantCode, got.stdout, got.stderr)
			}
			checkOutput(t, "stdout", got.stdout, tt.wantStdout)
			checkOutput(t, "stderr", got.stderr, tt.wantStderr)
		})
	}
}

func checkOutput(t *testing.T, name, got, want string) {
	t.Helper()
	if want == "" && got != "" {
		t.Errorf("%s = %q; want empty", name, got)
	}
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q; want it to contain %q", name, got, want)
	}
}

func TestCheckListsEveryProblem(t *testing.T) {
	path := writeConfig(t, t.TempDir(), brokenYAML)
	got := runArgs(t, testEnv(), "check", "-config", path)
	if got.code != 1 {
		t.Fatalf("check exit = %d; want 1", got.code)
	}
	if got.stdout != "" {
		t.Errorf("stdout = %q; want empty", got.stdout)
	}
	lines := strings.Split(strings.TrimSpace(got.stderr), "\n")
	for _, p := range brokenPaths {
		if !strings.Contains(got.stderr, path+": "+p+": ") {
			t.Errorf("check output lacks a line for %s:\n%s", p, got.stderr)
		}
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, path+": ") {
			t.Errorf("line %q does not start with the file name", l)
		}
	}
}

// TestCheckPrint compares -print with what wellknown.Build makes of the
// same config: the header line per file, then the exact bytes.
func TestCheckPrint(t *testing.T) {
	env := testEnv()
	path := writeConfig(t, t.TempDir(), configYAML(fixture{}))
	got := runArgs(t, env, "check", "-print", "-config", path)
	if got.code != 0 {
		t.Fatalf("check -print exit = %d; stderr: %s", got.code, got.stderr)
	}
	cfg, err := config.Load(path, getenvOf(env))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for i := range cfg.Domains {
		files, err := wellknown.Build(cfg.Domains[i].Site())
		if err != nil {
			t.Fatal(err)
		}
		host := cfg.Domains[i].Hosts()[0]
		want.WriteString("# " + host + " /.well-known/apple-app-site-association\n")
		want.Write(files.AASA.Body)
		want.WriteString("# " + host + " /.well-known/assetlinks.json\n")
		want.Write(files.AssetLinks.Body)
	}
	if got.stdout != want.String() {
		t.Errorf("check -print stdout:\n%s\nwant:\n%s", got.stdout, want.String())
	}
	for _, s := range []string{"# go.alpha.test /.well-known/apple-app-site-association", "# links.beta.test /.well-known/assetlinks.json", "ABCDE12345.com.alpha.app"} {
		if !strings.Contains(got.stdout, s) {
			t.Errorf("check -print lacks %q", s)
		}
	}
	if !strings.Contains(got.stderr, path+": OK (2 domains)") {
		t.Errorf("stderr = %q; want the OK line", got.stderr)
	}
}

func TestWriteDocumentAddsMissingNewline(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"ends with newline", "{}\n", "# h /p\n{}\n"},
		{"no newline", "{}", "# h /p\n{}\n"},
		{"empty", "", "# h /p\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeDocument(&b, "h", "/p", []byte(tt.body))
			if b.String() != tt.want {
				t.Errorf("writeDocument(%q) = %q; want %q", tt.body, b.String(), tt.want)
			}
		})
	}
}

// TestServeInProcess runs serve inside the test: it announces its real
// addresses, serves, and stops cleanly when its context ends.
func TestServeInProcess(t *testing.T) {
	path := writeConfig(t, t.TempDir(), configYAML(fixture{}))
	// The default storage.dsn is relative: keep the database out of the
	// source tree.
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-config", path}, getenvOf(testEnv()), io.Discard, pw)
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	var listening struct{ Public, Admin string }
	for lines.Scan() {
		var m map[string]any
		if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", lines.Text(), err)
		}
		if m["msg"] == "listening" {
			if err := json.Unmarshal(lines.Bytes(), &listening); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // keep the log flowing

	req, _ := http.NewRequest(http.MethodGet, "http://"+listening.Public+"/.well-known/assetlinks.json", nil)
	req.Host = "links.beta.test"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET assetlinks: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET assetlinks = %d; want 200", res.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10s of its context ending")
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		want      int
		wantPrint string
	}{
		{"nil", nil, 0, ""},
		{"usage", errUsage, 2, ""},
		{"reported", exitError{code: 1}, 1, ""},
		{"other", errors.New("listen tcp: address in use"), 1, "deeplinkd: listen tcp: address in use\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if got := exitCode(tt.err, &b); got != tt.want || b.String() != tt.wantPrint {
				t.Errorf("exitCode(%v) = %d, printed %q; want %d, %q", tt.err, got, b.String(), tt.want, tt.wantPrint)
			}
		})
	}
}

func TestRestartSettings(t *testing.T) {
	base := func() *config.Config {
		c := &config.Config{}
		c.Server.Listen, c.Server.AdminListen = ":8080", "127.0.0.1:9090"
		c.Server.ShutdownTimeout = 15 * time.Second
		c.Storage.Driver, c.Storage.DSN = "sqlite", "data/a.db"
		return c
	}
	changed := base()
	changed.Server.Listen = ":8081"
	changed.Storage.DSN = "postgres://u:hunter2@db/x"
	changed.Server.TrustedProxies = []string{"10.0.0.0/8"} // applies live
	got := restartSettings(base(), changed)
	want := []string{"server.listen", "storage.dsn"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("restartSettings() = %q; want %q", got, want)
	}
	if len(restartSettings(base(), base())) != 0 {
		t.Errorf("restartSettings(same, same) is not empty")
	}
}
