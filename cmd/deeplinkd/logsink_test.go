package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// lockedBuffer is a sink's out that tests read while it is written.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// msgs are the msg fields of the JSON lines in s, in order.
func msgs(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		out = append(out, m.Msg)
	}
	return out
}

// TestLogSink: access lines wait for the ticker; any other line is
// written at once, with the access lines before it, in order; Close
// writes the rest.
func TestLogSink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := &lockedBuffer{}
		sink := newLogSink(out, logFlushInterval, logBufferSize)
		logger, access, err := newLoggers(sink, "")
		if err != nil {
			t.Fatal(err)
		}

		access.Info("request 1")
		access.Info("request 2")
		if got := out.String(); got != "" {
			t.Fatalf("access lines written before the flush interval: %q", got)
		}
		time.Sleep(logFlushInterval)
		synctest.Wait()
		if got := msgs(t, out.String()); strings.Join(got, ",") != "request 1,request 2" {
			t.Fatalf("after one interval: %q; want both access lines", got)
		}

		access.Info("request 3")
		logger.Info("reloaded")
		if got := msgs(t, out.String()); strings.Join(got, ",") != "request 1,request 2,request 3,reloaded" {
			t.Errorf("after a lifecycle line: %q; want it written at once, after the waiting access line", got)
		}

		access.Info("request 4")
		logger.With("component", "x").Error("failed")
		if got := msgs(t, out.String()); got[len(got)-1] != "failed" {
			t.Errorf("a derived logger's error was not written at once: %q", got)
		}

		access.Info("request 5")
		access.Debug("not at info level")
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		if got := msgs(t, out.String()); got[len(got)-1] != "request 5" {
			t.Errorf("after Close: %q; want the last access line written", got)
		}
	})
}

// TestLogSinkLinesWhole: lines from many writers, some larger than the
// buffer, come out whole.
func TestLogSinkLinesWhole(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := &lockedBuffer{}
		sink := newLogSink(out, logFlushInterval, 256)
		_, access, err := newLoggers(sink, "debug")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 50 {
					access.Debug(fmt.Sprintf("w%d-%d", w, i), "pad", strings.Repeat("p", (w*37+i*11)%600))
				}
			})
		}
		wg.Wait()
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		got := msgs(t, out.String())
		if len(got) != 400 {
			t.Fatalf("got %d lines; want 400", len(got))
		}
		// Each writer's lines keep their order.
		next := map[string]int{}
		for _, m := range got {
			var w, i int
			if _, err := fmt.Sscanf(m, "w%d-%d", &w, &i); err != nil {
				t.Fatalf("line %q: %v", m, err)
			}
			key := fmt.Sprint(w)
			if i != next[key] {
				t.Fatalf("writer %d: line %d came after %d", w, i, next[key]-1)
			}
			next[key]++
		}
	})
}

func TestNewLoggersLevel(t *testing.T) {
	tests := []struct {
		level   string
		wantErr bool
	}{
		{"", false}, {"debug", false}, {" WARN ", false}, {"error", false}, {"loud", true},
	}
	for _, tt := range tests {
		sink := newLogSink(&lockedBuffer{}, logFlushInterval, logBufferSize)
		_, _, err := newLoggers(sink, tt.level)
		sink.Close()
		if (err != nil) != tt.wantErr {
			t.Errorf("newLoggers(%q) error = %v; want error %v", tt.level, err, tt.wantErr)
		}
	}
}
