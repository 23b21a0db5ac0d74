// Package logbuf batches log output: a Writer collects lines in memory and
// writes them out when a buffer fills or a short interval has passed, so a
// busy listener's access log costs one write(2) per batch instead of one
// per request. Use it for high-volume, low-stakes lines (the access log);
// errors and lifecycle lines go straight out.
package logbuf

import (
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for New.
const (
	DefaultInterval = 100 * time.Millisecond
	DefaultSize     = 64 << 10
)

// Writer buffers writes to an underlying writer. It is safe for concurrent
// use. A process that dies without Close loses at most one interval of
// lines; Close (or Flush) on shutdown loses none.
//
// With several shards, concurrent writers append to different buffers
// (one is picked at random per write), so they rarely wait on each other:
// a single lock taken by every request of a busy server is contended on
// every core. Lines from different shards may then come out in a
// different order than they were written, within one interval; each line
// carries its own time.
type Writer struct {
	out      io.Writer
	outMu    sync.Mutex // one batch at a time on out
	shards   []shard
	interval time.Duration

	timerMu sync.Mutex
	timer   *time.Timer
	// pending is set while a flush is scheduled; writes check it without
	// a lock, so the timer's lock is only taken once per interval.
	pending atomic.Bool
	closed  atomic.Bool

	errMu sync.Mutex
	err   error // the first write error, reported by Flush/Close
}

type shard struct {
	mu   sync.Mutex
	buf  []byte
	size int
	_    [64]byte // keeps shards' locks off one cache line
}

// New returns a Writer over out with one buffer, flushing every interval
// (a line waits at most that long) and whenever size bytes are waiting.
// Zero values take the defaults.
func New(out io.Writer, interval time.Duration, size int) *Writer {
	return NewSharded(out, interval, size, 1)
}

// NewSharded is New with n buffers of size bytes each, for many
// concurrent writers.
func NewSharded(out io.Writer, interval time.Duration, size, n int) *Writer {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if size <= 0 {
		size = DefaultSize
	}
	n = max(n, 1)
	w := &Writer{out: out, interval: interval, shards: make([]shard, n)}
	for i := range w.shards {
		w.shards[i].buf = make([]byte, 0, size)
		w.shards[i].size = size
	}
	return w
}

// Write buffers p. Each call's bytes are written out together, so a log
// line is never split between two writes.
func (w *Writer) Write(p []byte) (int, error) {
	s := &w.shards[0]
	if len(w.shards) > 1 {
		s = &w.shards[rand.IntN(len(w.shards))]
	}
	s.mu.Lock()
	if len(s.buf)+len(p) > s.size {
		w.flushShard(s)
	}
	if len(p) >= s.size {
		// Larger than the whole buffer: nothing to gain by copying it.
		w.emit(p)
		s.mu.Unlock()
		return len(p), nil
	}
	s.buf = append(s.buf, p...)
	s.mu.Unlock()
	w.schedule()
	return len(p), nil
}

// schedule arms the flush timer unless it is armed already; after Close it
// flushes at once instead.
func (w *Writer) schedule() {
	if w.pending.Load() && !w.closed.Load() {
		return
	}
	w.timerMu.Lock()
	if w.closed.Load() {
		w.timerMu.Unlock()
		w.Flush()
		return
	}
	if !w.pending.Load() {
		w.pending.Store(true)
		if w.timer == nil {
			w.timer = time.AfterFunc(w.interval, w.onTimer)
		} else {
			w.timer.Reset(w.interval)
		}
	}
	w.timerMu.Unlock()
}

func (w *Writer) onTimer() {
	// Cleared before the flush: a line written during it schedules the
	// next one rather than waiting for a timer nobody armed.
	w.timerMu.Lock()
	w.pending.Store(false)
	w.timerMu.Unlock()
	w.Flush()
}

// flushShard writes out s's buffer; the caller holds s.mu.
func (w *Writer) flushShard(s *shard) {
	if len(s.buf) == 0 {
		return
	}
	w.emit(s.buf)
	s.buf = s.buf[:0]
}

func (w *Writer) emit(p []byte) {
	w.outMu.Lock()
	_, err := w.out.Write(p)
	w.outMu.Unlock()
	if err != nil {
		w.errMu.Lock()
		if w.err == nil {
			w.err = err
		}
		w.errMu.Unlock()
	}
}

// Flush writes out what is waiting and reports the first write error seen
// so far.
func (w *Writer) Flush() error {
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		w.flushShard(s)
		s.mu.Unlock()
	}
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// Close flushes and stops the timer; later writes are flushed as they come.
func (w *Writer) Close() error {
	w.timerMu.Lock()
	w.closed.Store(true)
	w.pending.Store(false)
	if w.timer != nil {
		w.timer.Stop()
	}
	w.timerMu.Unlock()
	return w.Flush()
}
