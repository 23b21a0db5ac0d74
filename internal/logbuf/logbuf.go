// Package logbuf batches log output: a Writer collects lines in memory and
// hands them to its own goroutine, which writes them out when a buffer
// fills or a short interval has passed. A busy listener's access log then
// costs one write(2) per batch instead of one per request, and no request
// ever waits on that write. Use it for high-volume, low-stakes lines (the
// access log); errors and lifecycle lines go straight out.
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
//
// A full buffer is swapped for a spare and queued for the writing
// goroutine. Writing a batch in the request that filled it held that
// request, and every other one drawing the same shard, for the length of
// a 64 KiB write(2), and for as long as a slow reader of stderr (a log
// shipper, a full pipe) took to accept it. Now a stall of out is absorbed
// by the queue (two buffers per shard); only when out stays slower than
// the lines come does the queue fill and writers wait: lines are never
// dropped.
type Writer struct {
	out      io.Writer
	shards   []shard
	size     int
	interval time.Duration

	queue chan batch  // buffers and flush markers for run, in order
	spare chan []byte // written buffers, for reuse
	done  chan struct{}

	outMu sync.Mutex // run's writes and, after Close, direct ones

	timerMu sync.Mutex
	timer   *time.Timer
	// pending is set while a flush is scheduled; writes check it without
	// a lock, so the timer's lock is only taken once per interval.
	pending atomic.Bool
	closed  atomic.Bool

	errMu sync.Mutex
	err   error // the first write error, reported by Flush/Close
}

// batch is one buffer to write or, with flushed set, a marker closed once
// everything queued before it is written.
type batch struct {
	buf     []byte
	flushed chan struct{}
}

type shard struct {
	mu     sync.Mutex
	buf    []byte
	closed bool     // after Close: writes go straight out
	_      [64]byte // keeps shards' locks off one cache line
}

// New returns a Writer over out with one buffer, flushing every interval
// (a line waits at most that long) and whenever size bytes are waiting.
// Zero values take the defaults.
func New(out io.Writer, interval time.Duration, size int) *Writer {
	return NewSharded(out, interval, size, 1)
}

// NewSharded is New with n buffers of size bytes each, for many
// concurrent writers. It starts the writing goroutine, which Close stops.
func NewSharded(out io.Writer, interval time.Duration, size, n int) *Writer {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if size <= 0 {
		size = DefaultSize
	}
	n = max(n, 1)
	w := &Writer{
		out:      out,
		size:     size,
		interval: interval,
		shards:   make([]shard, n),
		// Room for every shard's buffer twice over: a burst that fills
		// them all does not wait on out.
		queue: make(chan batch, 2*n),
		spare: make(chan []byte, 2*n),
		done:  make(chan struct{}),
	}
	for i := range w.shards {
		w.shards[i].buf = make([]byte, 0, size)
	}
	go w.run()
	return w
}

// Write appends p to a buffer; p is written out whole, never split or
// interleaved with another write.
func (w *Writer) Write(p []byte) (int, error) {
	s := &w.shards[0]
	if len(w.shards) > 1 {
		s = &w.shards[rand.IntN(len(w.shards))]
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-w.done // after the last batches, not before them
		w.writeOut(p)
		return len(p), nil
	}
	if len(s.buf)+len(p) > w.size {
		w.queueShard(s)
	}
	if len(p) >= w.size {
		// Too big to buffer: queued on its own, after what waited, so the
		// shard's order holds.
		w.queue <- batch{buf: append(w.spareBuf(), p...)}
		s.mu.Unlock()
		return len(p), nil
	}
	s.buf = append(s.buf, p...)
	s.mu.Unlock()
	w.schedule()
	return len(p), nil
}

// schedule arms the interval flush unless one is pending.
func (w *Writer) schedule() {
	if w.pending.Load() || w.closed.Load() {
		return
	}
	w.timerMu.Lock()
	defer w.timerMu.Unlock()
	if w.closed.Load() || w.pending.Load() {
		return
	}
	w.pending.Store(true)
	if w.timer == nil {
		w.timer = time.AfterFunc(w.interval, w.onTimer)
	} else {
		w.timer.Reset(w.interval)
	}
}

func (w *Writer) onTimer() {
	w.timerMu.Lock()
	w.pending.Store(false)
	w.timerMu.Unlock()
	w.queueAll()
}

// queueShard queues s's buffer, if it holds anything, and gives s a spare.
// The caller holds s.mu.
func (w *Writer) queueShard(s *shard) {
	if len(s.buf) == 0 {
		return
	}
	w.queue <- batch{buf: s.buf}
	s.buf = w.spareBuf()
}

// queueAll queues every shard's waiting lines.
func (w *Writer) queueAll() {
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		if !s.closed {
			w.queueShard(s)
		}
		s.mu.Unlock()
	}
}

func (w *Writer) spareBuf() []byte {
	select {
	case b := <-w.spare:
		return b[:0]
	default:
		return make([]byte, 0, w.size)
	}
}

// run writes the queue out in order until a nil batch stops it.
func (w *Writer) run() {
	defer close(w.done)
	for b := range w.queue {
		if b.buf == nil && b.flushed == nil {
			return
		}
		if b.buf != nil {
			w.writeOut(b.buf)
			if cap(b.buf) == w.size {
				select {
				case w.spare <- b.buf:
				default:
				}
			}
		}
		if b.flushed != nil {
			close(b.flushed)
		}
	}
}

func (w *Writer) writeOut(p []byte) {
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

// Flush writes out what is waiting, waits until it is written, and
// reports the first write error seen so far.
func (w *Writer) Flush() error {
	if !w.closed.Load() {
		w.queueAll()
		flushed := make(chan struct{})
		select {
		case w.queue <- batch{flushed: flushed}:
			select {
			case <-flushed:
			case <-w.done: // closed meanwhile: Close wrote everything
			}
		case <-w.done:
		}
	}
	return w.firstErr()
}

func (w *Writer) firstErr() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// Close writes out everything waiting, stops the timer and the writing
// goroutine, and reports the first write error. Later writes go straight
// to out. A second Close only reports the error.
func (w *Writer) Close() error {
	w.timerMu.Lock()
	already := w.closed.Swap(true)
	w.pending.Store(false)
	if w.timer != nil {
		w.timer.Stop()
	}
	w.timerMu.Unlock()
	if already {
		<-w.done
		return w.firstErr()
	}
	// Each shard is queued one last time and closed under its lock, so a
	// concurrent write lands either in that last batch or straight out
	// after it.
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		w.queueShard(s)
		s.closed = true
		s.mu.Unlock()
	}
	w.queue <- batch{} // stops run once the rest is written
	<-w.done
	return w.firstErr()
}
