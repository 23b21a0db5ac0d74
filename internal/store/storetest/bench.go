package storetest

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

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

// BenchClaimBacklog measures Claim and MarkDelivered with a large backlog
// queued, the shape of Partnero coming back after an outage: each claim
// must find the next due, unblocked events without scanning the queue.
func BenchClaimBacklog(b *testing.B, s store.Store, backlog int) {
	for i := range backlog / 2 {
		cust := fmt.Sprintf("backlog_%d", i)
		for _, e := range []*store.Event{signup(progA, cust, t0), purchase(progA, "txn_"+cust, cust, t0)} {
			if _, _, err := s.Insert(b.Context(), e); err != nil {
				b.Fatalf("Insert: %v", err)
			}
		}
	}
	now := t0.Add(time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		evs, err := s.Claim(b.Context(), "bench", now, time.Minute, 4)
		if err != nil || len(evs) == 0 {
			b.Fatalf("Claim = %d events, %v; want some", len(evs), err)
		}
		for _, e := range evs {
			if err := s.MarkDelivered(b.Context(), e.ID, "bench", now); err != nil {
				b.Fatalf("MarkDelivered: %v", err)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}
