package logbuf

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// sink records each write to the underlying writer.
type sink struct {
	mu     sync.Mutex
	writes []string
	err    error
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, string(p))
	return len(p), s.err
}

func (s *sink) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.writes...)
}

func TestFlushesAfterInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &sink{}
		w := New(s, 100*time.Millisecond, 1024)
		w.Write([]byte("a\n"))
		w.Write([]byte("b\n"))
		time.Sleep(99 * time.Millisecond)
		synctest.Wait()
		if got := s.got(); len(got) != 0 {
			t.Fatalf("writes before the interval = %q; want none", got)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if got := s.got(); len(got) != 1 || got[0] != "a\nb\n" {
			t.Fatalf("writes after the interval = %q; want one batch", got)
		}
		// The timer re-arms for the next line.
		w.Write([]byte("c\n"))
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if got := s.got(); len(got) != 2 || got[1] != "c\n" {
			t.Fatalf("writes = %q; want a second batch", got)
		}
		w.Close()
	})
}

func TestFlushesWhenFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &sink{}
		w := New(s, time.Hour, 10)
		w.Write([]byte("12345\n"))
		w.Write([]byte("6789\n")) // 11 bytes would overflow: the first line goes out
		synctest.Wait()
		if got := s.got(); len(got) != 1 || got[0] != "12345\n" {
			t.Fatalf("writes = %q; want the first line flushed whole", got)
		}
		w.Write([]byte(strings.Repeat("x", 20))) // bigger than the buffer: on its own, after what waits
		synctest.Wait()
		if got := s.got(); len(got) != 3 || got[1] != "6789\n" || got[2] != strings.Repeat("x", 20) {
			t.Fatalf("writes = %q; want order kept", got)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// blockingSink holds every write until release is closed.
type blockingSink struct {
	sink
	entered chan struct{}
	release chan struct{}
}

func (b *blockingSink) Write(p []byte) (int, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.sink.Write(p)
}

// TestWritersDoNotWaitOnOut: while out is stuck in a write, lines keep
// being accepted (into the queue and spare buffers) instead of holding
// their writers, and none is lost once out moves again.
func TestWritersDoNotWaitOnOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &blockingSink{entered: make(chan struct{}, 100), release: make(chan struct{})}
		w := NewSharded(b, time.Hour, 10, 1)
		w.Write([]byte("first\n"))
		w.Write([]byte("second\n")) // overflows: "first\n" is queued
		<-b.entered                 // and out is now stuck writing it
		accepted := make(chan struct{})
		go func() {
			// Two more batches fit the queue (two per shard) while out is stuck.
			w.Write([]byte("third\n"))
			w.Write([]byte("fourth\n"))
			close(accepted)
		}()
		synctest.Wait()
		select {
		case <-accepted:
		default:
			t.Fatal("writers waited on a stuck out")
		}
		close(b.release)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(b.got(), ""); got != "first\nsecond\nthird\nfourth\n" {
			t.Fatalf("written = %q; want every line, in order", got)
		}
	})
}

func TestFlushWaitsForTheWrite(t *testing.T) {
	s := &sink{}
	w := New(s, time.Hour, 0)
	w.Write([]byte("a\n"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := s.got(); len(got) != 1 || got[0] != "a\n" {
		t.Fatalf("after Flush: %q; want the line written", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush after Close = %v", err)
	}
}

func TestCloseFlushesAndPassesThrough(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, time.Hour, 0)
	w.Write([]byte("last words\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("after\n"))
	if got := out.String(); got != "last words\nafter\n" {
		t.Errorf("output = %q", got)
	}
}

func TestFlushReportsWriteError(t *testing.T) {
	s := &sink{err: errors.New("disk full")}
	w := New(s, time.Hour, 0)
	w.Write([]byte("x\n"))
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Errorf("Flush = %v; want the write error", err)
	}
	w.Close()
}

func TestConcurrentLinesStayWhole(t *testing.T) {
	var out bytes.Buffer
	w := New(&syncWriter{w: &out}, time.Millisecond, 256)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line := strings.Repeat(string(rune('a'+i)), 30) + "\n"
			for range 200 {
				w.Write([]byte(line))
			}
		}()
	}
	wg.Wait()
	w.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1600 {
		t.Fatalf("%d lines; want 1600", len(lines))
	}
	for _, l := range lines {
		if len(l) != 30 || strings.Count(l, l[:1]) != 30 {
			t.Fatalf("torn line %q", l)
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestShardedKeepsEveryLineWhole(t *testing.T) {
	var out bytes.Buffer
	w := NewSharded(&syncWriter{w: &out}, time.Hour, 128, 4)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line := strings.Repeat(string(rune('a'+i)), 30) + "\n"
			for range 200 {
				w.Write([]byte(line))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	counts := map[byte]int{}
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if len(l) != 30 || strings.Count(l, l[:1]) != 30 {
			t.Fatalf("torn line %q", l)
		}
		counts[l[0]]++
	}
	for c, n := range counts {
		if n != 200 {
			t.Errorf("%d lines of %c; want 200 (nothing lost or doubled)", n, c)
		}
	}
	if len(counts) != 8 {
		t.Errorf("%d writers' lines; want 8", len(counts))
	}
}

func TestShardedFlushesOnTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &sink{}
		w := NewSharded(s, 100*time.Millisecond, 1024, 4)
		for range 10 {
			w.Write([]byte("x\n"))
		}
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if got := strings.Join(s.got(), ""); got != strings.Repeat("x\n", 10) {
			t.Fatalf("after the interval: %q; want all ten lines", got)
		}
		w.Close()
	})
}
