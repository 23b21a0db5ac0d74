package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// logSink collects run's stderr and wakes a waiter on every write.
type logSink struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newLogSink() *logSink { return &logSink{changed: make(chan struct{}, 1)} }

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// addr waits for the "listening" line and returns its address.
func (l *logSink) addr(t *testing.T, done <-chan error) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		for line := range strings.SplitSeq(l.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				return rec.Addr
			}
		}
		select {
		case <-l.changed:
		case err := <-done:
			t.Fatalf("run returned %v before listening; stderr:\n%s", err, l)
		case <-timeout:
			t.Fatalf("no listening line; stderr:\n%s", l)
		}
	}
}

// start runs the command in the background until the test ends.
func start(t *testing.T, args ...string) (base string, stderr *logSink, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stderr = newLogSink()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, io.Discard, stderr) }()
	base = "http://" + stderr.addr(t, done)
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = fmt.Errorf("run did not return after cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return base, stderr, stop
}

func call(t *testing.T, method, url, key, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestRun(t *testing.T) {
	const affKey, rafKey = "sk_cmd_affiliate_secret", "sk_cmd_raf_secret"
	base, stderr, stop := start(t, "-listen", "127.0.0.1:0",
		"-key", affKey+"=main:affiliate", "-key", rafKey+"=friends:refer_a_friend",
		"-partner", "main:P1", "-customer", "friends:ref_1", "-rate", "100",
		"-referral-url", "https://go.test/")

	tests := []struct {
		name       string
		method     string
		path       string
		key        string
		body       string
		wantStatus int
		wantBody   string // a substring
	}{
		{"affiliate sign-up", http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"P1"}}`, http.StatusCreated, `"partner":{"key":"P1"}`},
		{"unknown partner", http.MethodPost, "/v1/customers", affKey, `{"key":"u2","partner":{"key":"P9"}}`, http.StatusUnprocessableEntity, `"partner.key"`},
		{"refer-a-friend sign-up", http.MethodPost, "/v1/customers", rafKey, `{"key":"f1","referring_customer":{"key":"ref_1"}}`, http.StatusCreated, `"referring_customer":{"key":"ref_1"}`},
		{"stats use -referral-url", http.MethodGet, "/v1/customers/ref_1/stats", rafKey, "", http.StatusOK, `"referral_link":"https://go.test/?ref=ref_1"`},
		{"partners", http.MethodGet, "/v1/partners", affKey, "", http.StatusOK, `"P1"`},
		{"no key", http.MethodGet, "/v1/partners", "", "", http.StatusUnauthorized, `Unauthenticated.`},
		{"control state", http.MethodGet, "/_sim/state", "", "", http.StatusOK, `"u1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, h, body := call(t, tt.method, base+tt.path, tt.key, tt.body)
			if got != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Errorf("%s %s = %d %s; want %d with %s", tt.method, tt.path, got, body, tt.wantStatus, tt.wantBody)
			}
			if tt.key != "" && h.Get("X-RateLimit-Limit") != "100" {
				t.Errorf("%s %s X-RateLimit-Limit = %q; want 100 from -rate", tt.method, tt.path, h.Get("X-RateLimit-Limit"))
			}
		})
	}

	if err := stop(); err != nil {
		t.Fatalf("run after cancel = %v; want nil", err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("stderr lacks the stopped line:\n%s", logs)
	}
	for _, secret := range []string{affKey, rafKey} {
		if strings.Contains(logs, secret) {
			t.Errorf("stderr leaks an API key:\n%s", logs)
		}
	}
}

func TestRunDefaults(t *testing.T) {
	base, _, stop := start(t, "-listen", "127.0.0.1:0")
	got, _, body := call(t, http.MethodPost, base+"/v1/customers", demoKey, `{"key":"u1","partner":{"key":"`+demoPartner+`"}}`)
	if got != http.StatusCreated {
		t.Errorf("sign-up with the demo key and partner = %d %s; want 201", got, body)
	}
	if err := stop(); err != nil {
		t.Errorf("run after cancel = %v; want nil", err)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"key without program", []string{"-key", "k"}, "want KEY=PROGRAM:TYPE"},
		{"empty program", []string{"-key", "k=:affiliate"}, "the program is empty"},
		{"bad type", []string{"-key", "k=main:pyramid"}, `type "pyramid" is not affiliate or refer_a_friend`},
		{"same key twice", []string{"-key", "k=a", "-key", "k=b"}, "the same key is given twice"},
		{"conflicting types", []string{"-key", "k1=main:affiliate", "-key", "k2=main:refer_a_friend"}, "conflicts with an earlier affiliate"},
		{"seed for an unknown program", []string{"-key", "k=main", "-partner", "other:P1"}, `seed for program "other": no -key names that program`},
		{"seed without key", []string{"-partner", "main"}, "want PROGRAM:KEY"},
		{"rate zero", []string{"-rate", "0"}, "-rate 0 would refuse every request"},
		{"extra argument", []string{"serve"}, `unexpected arguments ["serve"]`},
		{"bad listen address", []string{"-listen", "127.0.0.1:notaport"}, "listen 127.0.0.1:notaport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(t.Context(), tt.args, io.Discard, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%q) = %v; want an error containing %q", tt.args, err, tt.wantErr)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(t.Context(), []string{"-h"}, io.Discard, &stderr); err != nil {
		t.Errorf("run(-h) = %v; want nil", err)
	}
	if !strings.Contains(stderr.String(), "-partner") {
		t.Errorf("run(-h) usage lacks -partner:\n%s", stderr.String())
	}
}
