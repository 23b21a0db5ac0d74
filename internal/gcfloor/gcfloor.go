// Package gcfloor keeps the garbage collector's heap goal above a floor.
//
// Go's collector aims for a heap of live × (1 + GOGC/100), but never less
// than 4 MiB (at GOGC=100). deeplinkd lives on about 1–2 MiB of heap, so with the
// defaults it collects every 2–3 MiB of allocation: under load, dozens of
// times a second, each time marking the whole live heap again. A floor of
// a few tens of MiB cuts that by an order of magnitude for a few MiB of
// memory, while a heap that grows past the floor gets Go's own pacing
// (the base GOGC) back unchanged.
//
// The floor is enforced by raising GOGC after each collection, from a
// finalizer that runs once per cycle: runtime/debug has no "minimum heap"
// knob, and a ballast allocation would also be scanned and counted.
package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// heapMinimum is the runtime's smallest heap goal at GOGC=100. The
// runtime scales it with GOGC (a goal is never below heapMinimum ×
// GOGC/100), which a floor must count with: the GOGC that lifts a tiny
// live heap to the floor would otherwise lift the minimum far past it.
const heapMinimum = 4 << 20

// maxPercent bounds the GOGC the floor asks for.
const maxPercent = 100_000

// Percent is the smallest GOGC, and never less than base (the GOGC in
// force without a floor), whose heap goal reaches floor. The goal is the
// larger of live × (1 + GOGC/100) and heapMinimum × GOGC/100, so the
// answer is the smaller of the GOGCs that lift either term to the floor;
// the goal then lands on the floor, not past it. A live heap of 0 (no
// collection yet) counts only the minimum. A negative base (GOGC=off)
// is left alone.
func Percent(live, floor uint64, base int) int {
	if base < 0 {
		return base
	}
	need := ceilDiv(floor*100, heapMinimum)
	if live > 0 {
		// Round up: the goal must reach the floor, not fall a byte short.
		if n := ceilDiv(floor*100, live); n <= 100 {
			return base
		} else if n-100 < need {
			need = n - 100
		}
	}
	need = min(need, maxPercent)
	if int(need) <= base {
		return base
	}
	return int(need)
}

func ceilDiv(a, b uint64) uint64 { return (a + b - 1) / b }

// Floor is a running heap floor; Stop ends it.
type Floor struct {
	floor   uint64
	base    int
	live    func() uint64
	set     func(int) int
	stopped atomic.Bool
	current atomic.Int64
}

// Options are Start's seams: tests replace how the live heap is read and
// how GOGC is set. Zero values mean the runtime's own.
type Options struct {
	Live       func() uint64
	SetPercent func(int) int
}

// Start keeps the heap goal at floor bytes or more, with base as the GOGC
// once the live heap outgrows it. It applies the floor at once and again
// after every collection until Stop.
func Start(floor uint64, base int, opts Options) *Floor {
	f := &Floor{floor: floor, base: base, live: opts.Live, set: opts.SetPercent}
	if f.live == nil {
		f.live = liveHeap
	}
	if f.set == nil {
		f.set = debug.SetGCPercent
	}
	f.adjust()
	f.arm()
	return f
}

// Percent reports the GOGC the floor last set.
func (f *Floor) Percent() int { return int(f.current.Load()) }

// Stop ends the floor and puts GOGC back to base. The finalizer armed for
// the next cycle still runs once, and does nothing.
func (f *Floor) Stop() {
	if f.stopped.Swap(true) {
		return
	}
	f.set(f.base)
	f.current.Store(int64(f.base))
}

func (f *Floor) adjust() {
	p := Percent(f.live(), f.floor, f.base)
	// Setting GOGC takes the heap lock: only do it when the answer moves.
	if int64(p) != f.current.Load() {
		f.set(p)
		f.current.Store(int64(p))
	}
}

// sentinel is garbage as soon as it is made, so its finalizer runs after
// the next collection; the finalizer makes the next one.
type sentinel struct{ f *Floor }

func (f *Floor) arm() {
	runtime.SetFinalizer(&sentinel{f: f}, func(s *sentinel) {
		if s.f.stopped.Load() {
			return
		}
		s.f.adjust()
		s.f.arm()
	})
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
