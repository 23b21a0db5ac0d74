package gcfloor

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		live, floor uint64
		base        int
		want        int
	}{
		{"small live heap: the minimum term reaches the floor first", 2 * mib, 32 * mib, 100, 800},
		{"live term reaches the floor first", 8 * mib, 32 * mib, 100, 300},
		{"rounds up, never short of the floor", 6 * mib, 32 * mib, 100, 434},
		{"floor already met by the base", 16 * mib, 32 * mib, 100, 100},
		{"live heap above the floor", 64 * mib, 32 * mib, 100, 100},
		{"a higher base wins", 8 * mib, 32 * mib, 400, 400},
		{"tiny heap", 1, 32 * mib, 100, 800},
		{"no collection yet", 0, 32 * mib, 100, 800},
		{"huge floor is capped", 1, 1 << 50, 100, maxPercent},
		{"GOGC=off stays off", 2 * mib, 32 * mib, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Percent(tt.live, tt.floor, tt.base)
			if got != tt.want {
				t.Fatalf("Percent(%d, %d, %d) = %d; want %d", tt.live, tt.floor, tt.base, got, tt.want)
			}
			if tt.base < 0 || got == maxPercent {
				return
			}
			// The runtime's goal with that GOGC reaches the floor, and
			// overshoots it only where the base alone does.
			p := uint64(got)
			goal := max(tt.live*(100+p)/100, heapMinimum*p/100)
			if goal < tt.floor {
				t.Fatalf("goal %d with GOGC=%d is below the floor %d", goal, got, tt.floor)
			}
			if got > tt.base && goal > tt.floor+tt.floor/100 {
				t.Fatalf("goal %d with GOGC=%d overshoots the floor %d", goal, got, tt.floor)
			}
		})
	}
}

// fakeRuntime stands in for the live-heap reading and SetGCPercent, and
// reports every GOGC set on a channel.
type fakeRuntime struct {
	live atomic.Uint64
	sets chan int
}

func newFake(live uint64) *fakeRuntime {
	r := &fakeRuntime{sets: make(chan int, 100)}
	r.live.Store(live)
	return r
}

func (r *fakeRuntime) options() Options {
	return Options{
		Live:       r.live.Load,
		SetPercent: func(p int) int { r.sets <- p; return 0 },
	}
}

func (r *fakeRuntime) next(t *testing.T) int {
	t.Helper()
	select {
	case p := <-r.sets:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no GOGC set within 10s")
		return 0
	}
}

func TestStartFollowsEachCollection(t *testing.T) {
	rt := newFake(8 << 20)
	f := Start(32<<20, 100, rt.options())
	defer f.Stop()
	if got := rt.next(t); got != 300 {
		t.Fatalf("first GOGC = %d; want 300 (8 MiB live, 32 MiB floor)", got)
	}

	// The live heap grows past the floor: the next collection hands the
	// pacing back to the base GOGC.
	rt.live.Store(64 << 20)
	runtime.GC()
	if got := rt.next(t); got != 100 {
		t.Fatalf("GOGC after the heap outgrew the floor = %d; want 100", got)
	}
	if f.Percent() != 100 {
		t.Fatalf("Percent() = %d; want 100", f.Percent())
	}

	// And shrinks again. An unchanged answer sets nothing, so the next
	// set seen is the one after the heap fell to 2 MiB.
	rt.live.Store(12 << 20)
	runtime.GC()
	if got := rt.next(t); got != 167 {
		t.Fatalf("GOGC after the heap shrank to 12 MiB = %d; want 167", got)
	}
	rt.live.Store(2 << 20)
	runtime.GC()
	if got := rt.next(t); got != 800 {
		t.Fatalf("GOGC after the heap shrank to 2 MiB = %d; want 800", got)
	}
}

func TestStopRestoresBase(t *testing.T) {
	rt := newFake(1 << 20)
	f := Start(32<<20, 100, rt.options())
	if got := rt.next(t); got != 800 {
		t.Fatalf("first GOGC = %d; want 800", got)
	}
	f.Stop()
	if got := rt.next(t); got != 100 {
		t.Fatalf("GOGC after Stop = %d; want 100", got)
	}
	f.Stop() // a second Stop is a no-op
	// The finalizer armed before Stop is queued by this collection and must
	// set nothing. A new floor on the same fake is armed after it, so its
	// finalizer runs later: the next set must be the new floor's.
	rt.live.Store(8 << 20)
	runtime.GC()
	g := Start(32<<20, 100, rt.options())
	defer g.Stop()
	if got := rt.next(t); got != 300 {
		t.Fatalf("first GOGC of a new floor = %d; want 300", got)
	}
	rt.live.Store(2 << 20)
	runtime.GC()
	if got := rt.next(t); got != 800 {
		t.Fatalf("GOGC after a collection = %d; want 800 from the new floor, nothing from the stopped one", got)
	}
}
func TestStartWithTheRealRuntime(t *testing.T) {
	// The defaults read the real live heap and set the real GOGC, and the
	// runtime's goal lands on the floor: this is where a change in how
	// the runtime scales its minimum heap would show.
	const floor = 64 << 20
	runtime.GC()
	f := Start(floor, 100, Options{})
	defer f.Stop()
	if p := f.Percent(); p <= 100 {
		t.Fatalf("Percent() = %d with a test binary's small heap and a 64 MiB floor; want > 100", p)
	}
	goal := heapGoal()
	if goal < floor || goal > floor+floor/4 {
		t.Fatalf("heap goal with the floor = %d MiB; want 64 MiB (up to 80)", goal>>20)
	}
	f.Stop()
	if goal := heapGoal(); goal >= floor {
		t.Fatalf("heap goal after Stop = %d MiB; want the runtime's own, below 64 MiB", goal>>20)
	}
}

func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
