package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Defaults of the log sink: a busy listener's access lines reach stderr
// in one write(2) per flush interval or per full buffer, not one per
// request.
const (
	logFlushInterval = 100 * time.Millisecond
	logBufferSize    = 64 << 10
)

// logSink is the one writer every log line goes through: a buffer over
// out, flushed by a ticker, when full, and on Flush. One lock keeps the
// lines whole and in the order they were written. A reader of out that
// stalls (a full pipe) stalls the writers once the buffer is full:
// lines are never dropped.
type logSink struct {
	mu  sync.Mutex
	buf *bufio.Writer

	stop chan struct{}
	done chan struct{}
}

// newLogSink starts a sink over out that flushes every interval.
func newLogSink(out io.Writer, interval time.Duration, size int) *logSink {
	s := &logSink{
		buf:  bufio.NewWriterSize(out, size),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go s.tick(interval)
	return s
}

func (s *logSink) tick(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = s.Flush() // a log that cannot be written fails no request; see Close
		case <-s.stop:
			return
		}
	}
}

// Write adds p, whole, to the buffer.
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// Flush writes out everything buffered.
func (s *logSink) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Flush()
}

// Close stops the ticker and flushes what is left.
func (s *logSink) Close() error {
	close(s.stop)
	<-s.done
	return s.Flush()
}

// flushing is a slog.Handler that flushes the sink after each record: the
// lines that must be seen at once (errors, start, reload, stop) go through
// it; the access log uses the bare handler and waits for the ticker.
type flushing struct {
	slog.Handler
	sink *logSink
}

func (h flushing) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if ferr := h.sink.Flush(); err == nil {
		err = ferr
	}
	return err
}

func (h flushing) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushing{h.Handler.WithAttrs(attrs), h.sink}
}

func (h flushing) WithGroup(name string) slog.Handler {
	return flushing{h.Handler.WithGroup(name), h.sink}
}
