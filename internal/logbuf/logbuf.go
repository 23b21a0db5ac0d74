// Package logbuf batches log output: a Writer collects lines in memory and
// writes them out when the buffer fills or a short interval has passed,
// so a busy listener's access log costs one write(2) per batch instead of
// one per request. Use it for high-volume, low-stakes lines (the access
// log); errors and lifecycle lines go straight out.
package logbuf

import (
	"io"
	"sync"
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
type Writer struct {
	mu       sync.Mutex
	out      io.Writer
	buf      []byte
	size     int
	interval time.Duration
	timer    *time.Timer
	pending  bool // a flush is scheduled
	closed   bool
	err      error // the first write error, reported by Flush/Close
}

// New returns a Writer over out that flushes every interval (a line
// waits at most that long) and whenever size bytes are waiting. Zero
// values take the defaults.
func New(out io.Writer, interval time.Duration, size int) *Writer {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if size <= 0 {
		size = DefaultSize
	}
	return &Writer{out: out, size: size, interval: interval, buf: make([]byte, 0, size)}
}

// Write buffers p. Each call's bytes are written out together, so a log
// line is never split between two writes.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		// After Close, behave like the underlying writer.
		return w.out.Write(p)
	}
	if len(w.buf)+len(p) > w.size {
		w.flushLocked()
	}
	if len(p) >= w.size {
		// Larger than the whole buffer: nothing to gain by copying it.
		_, err := w.out.Write(p)
		if err != nil && w.err == nil {
			w.err = err
		}
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	if !w.pending {
		w.pending = true
		if w.timer == nil {
			w.timer = time.AfterFunc(w.interval, w.onTimer)
		} else {
			w.timer.Reset(w.interval)
		}
	}
	return len(p), nil
}

func (w *Writer) onTimer() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = false
	w.flushLocked()
}

func (w *Writer) flushLocked() {
	if len(w.buf) == 0 {
		return
	}
	if _, err := w.out.Write(w.buf); err != nil && w.err == nil {
		w.err = err
	}
	w.buf = w.buf[:0]
}

// Flush writes out what is waiting and reports the first write error seen
// so far.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
	return w.err
}

// Close flushes and stops the timer; later writes go straight through.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.pending = false
	w.closed = true
	return w.err
}
