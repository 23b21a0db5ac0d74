package storetest

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// BenchInsert measures durable inserts of distinct events from 64 concurrent
// goroutines, the shape of a burst of sign-ups, and reports events/s.
func BenchInsert(b *testing.B, s store.Store) {
	const goroutines = 64
	b.SetParallelism((goroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	// Keys are unique per call: the benchmark may run several times on
	// one store.
	prefix := store.NewID()
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := fmt.Sprintf("%s_%d", prefix, n.Add(1))
			if _, created, err := s.Insert(b.Context(), signup(progA, key, t0)); err != nil || !created {
				b.Errorf("Insert(%s) = %v, %v; want created", key, created, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
