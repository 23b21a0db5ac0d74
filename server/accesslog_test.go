package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin without relying on the machine's zoneinfo

	"github.com/google/go-cmp/cmp"
)

// TestAccessLogMatchesSlog pins the hand-made line to slog's JSONHandler
// output for the same record, byte for byte.
func TestAccessLogMatchesSlog(t *testing.T) {
	now := time.Date(2026, 11, 25, 23, 40, 1, 123456789, time.UTC)
	lines := []accessLine{
		{level: slog.LevelInfo, listener: "public", method: "GET", route: "/.well-known/apple-app-site-association",
			status: 200, bytes: 1512, duration: 12345 * time.Nanosecond, requestID: "a1b2c3-1z", host: "go.example.com"},
		{level: slog.LevelDebug, listener: "admin", method: "GET", route: "/metrics", status: 200, bytes: 99, duration: time.Millisecond, requestID: "x"},
		{level: slog.LevelInfo, listener: "public", method: "OTHER", route: "unmatched", status: 404, requestID: "q\"<>&\\\n\r\t\x01\u2028\u2029é\xff", host: "unknown"},
	}
	for _, l := range lines {
		var want bytes.Buffer
		h := slog.NewJSONHandler(&want, &slog.HandlerOptions{Level: slog.LevelDebug})
		r := slog.NewRecord(now, l.level, "request", 0)
		r.AddAttrs(slog.String("listener", l.listener), slog.String("method", l.method), slog.String("route", l.route),
			slog.Int("status", l.status), slog.Int64("bytes", l.bytes), slog.Duration("duration", l.duration),
			slog.String("request_id", l.requestID))
		if l.host != "" {
			r.AddAttrs(slog.String("host", l.host))
		}
		if err := h.Handle(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		newAccessLog(&got).write(now, l)
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("access line differs from slog's (-slog +ours):\n%s", diff)
		}
		if !json.Valid([]byte(strings.TrimSpace(got.String()))) {
			t.Errorf("invalid JSON: %s", got.String())
		}
	}
}

// TestAccessLogOption sends the access lines to Options.AccessLog, at the
// logger's level, and nowhere else.
func TestAccessLogOption(t *testing.T) {
	var access, logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := newTestServer(t, Options{Logger: logger, AccessLog: &access})
	do(s.Public(), "GET", "go.alpha.com", pathAASA+"?ref=secret", nil)
	do(s.Admin(), "GET", "", "/healthz", nil) // admin lines are debug: not written at info
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(access.String())), &line); err != nil {
		t.Fatalf("access log %q: %v", access.String(), err)
	}
	want := map[string]any{"level": "INFO", "msg": "request", "listener": "public", "method": "GET",
		"route": pathAASA, "status": float64(200), "host": "go.alpha.com"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("access line %s = %v; want %v", k, line[k], v)
		}
	}
	if strings.Contains(access.String(), "secret") || strings.Contains(logs.String(), `"msg":"request"`) {
		t.Errorf("access log leaked the query or went to the main log:\naccess: %s\nlog: %s", access.String(), logs.String())
	}
}

// TestAppendTime matches time.RFC3339Nano for UTC times across second
// boundaries, trailing zeros and whole seconds, and for other zones,
// Local and a DST change.
func TestAppendTime(t *testing.T) {
	a := newAccessLog(io.Discard)
	base := time.Date(2026, 11, 25, 23, 59, 59, 0, time.UTC)
	times := []time.Time{
		base, base.Add(1), base.Add(120 * time.Millisecond), base.Add(999999999),
		base.Add(time.Second), base.Add(time.Second + 5000), base.Add(-time.Second),
		base.Add(time.Second), // back to a second seen before
		time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("CET", 3600)),
		// The same second in another zone must not reuse the cached one.
		time.Date(2026, 1, 2, 2, 4, 5, 700, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 800, time.FixedZone("CET", 3600)),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("NPT", 5*3600+45*60)),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("West", -(3*3600+30*60))),
		// A DST change: one wall-clock hour, two offsets.
		time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC).In(mustLoadLocation(t, "Europe/Berlin")),
		time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC).In(mustLoadLocation(t, "Europe/Berlin")),
		// time.Now's location is Local, never time.UTC itself.
		time.Now(), time.Now().Add(time.Second), time.Now().UTC(),
	}
	for _, tm := range times {
		got := string(a.appendTime(nil, tm))
		if want := tm.Format(time.RFC3339Nano); got != want {
			t.Errorf("appendTime(%v) = %q; want %q", tm, got, want)
		}
	}
}

func mustLoadLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v (the test needs the time zone database)", name, err)
	}
	return loc
}
