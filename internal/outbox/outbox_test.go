package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func newTestOutbox(t *testing.T, st Store, snd Sender, workers int) *Outbox {
	t.Helper()
	ob, err := New(Options{
		Store: st, Sender: snd, Owner: "test", Workers: workers,
		BaseDelay: time.Second, MaxDelay: time.Minute, MaxIdle: time.Hour,
		Jitter: func() float64 { return 0 }, Registerer: prometheus.NewRegistry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

// run starts ob in the bubble and stops it at the end of the test.
func run(t *testing.T, ob *Outbox) {
	ctx, cancel := context.WithCancel(context.Background())
	ob.Start(ctx)
	t.Cleanup(func() {
		if err := ob.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
		cancel()
	})
}

func offsets(t0 time.Time, sends []send) []time.Duration {
	var out []time.Duration
	for _, s := range sends {
		out = append(out, s.At.Sub(t0))
	}
	return out
}

func TestNotifyWakesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, snd := &memStore{}, &scriptSender{}
		ob := newTestOutbox(t, st, snd, 2)
		run(t, ob)
		synctest.Wait() // idle, asleep until MaxIdle
		t0 := time.Now()
		e := st.add(store.Event{Type: store.TypeSignup, CreatedAt: t0, NextAttemptAt: t0})
		ob.Notify()
		synctest.Wait()
		if got := offsets(t0, snd.log()); !cmp.Equal(got, []time.Duration{0}) {
			t.Fatalf("sends at %v; want one at once", got)
		}
		if got := st.get(e.ID).Status; got != store.StatusDelivered {
			t.Errorf("status = %q; want delivered", got)
		}
	})
}

func TestTimerWakesAtNextDue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, snd := &memStore{}, &scriptSender{}
		t0 := time.Now()
		st.add(store.Event{Type: store.TypeSignup, CreatedAt: t0, NextAttemptAt: t0.Add(10 * time.Minute)})
		run(t, newTestOutbox(t, st, snd, 2))
		time.Sleep(time.Hour) // advances the bubble's clock
		if got := offsets(t0, snd.log()); !cmp.Equal(got, []time.Duration{10 * time.Minute}) {
			t.Fatalf("sends at %v; want one at 10m, never earlier", got)
		}
	})
}

func TestRetries(t *testing.T) {
	retry := Result{Outcome: Retry, Reason: "partnero: HTTP 503"}
	tests := []struct {
		name       string
		script     []Result
		wantSends  []time.Duration
		wantStatus string
		wantErr    string
	}{
		{
			name:       "exponential backoff",
			script:     []Result{retry, retry, retry},
			wantSends:  []time.Duration{0, 500 * time.Millisecond, 1500 * time.Millisecond, 3500 * time.Millisecond},
			wantStatus: store.StatusDelivered,
			wantErr:    "partnero: HTTP 503",
		},
		{
			name:       "retry-after is a floor",
			script:     []Result{{Outcome: Retry, RateLimited: true, RetryAfter: 30 * time.Second, Reason: "429"}},
			wantSends:  []time.Duration{0, 30 * time.Second},
			wantStatus: store.StatusDelivered,
			wantErr:    "429",
		},
		{
			name:       "retry-after ignored unless rate limited",
			script:     []Result{{Outcome: Retry, RetryAfter: 30 * time.Second, Reason: "503"}},
			wantSends:  []time.Duration{0, 500 * time.Millisecond},
			wantStatus: store.StatusDelivered,
			wantErr:    "503",
		},
		{
			name:       "permanent failure stops",
			script:     []Result{retry, {Outcome: Failed, Reason: "partner.key: The selected partner.key is invalid."}},
			wantSends:  []time.Duration{0, 500 * time.Millisecond},
			wantStatus: store.StatusFailed,
			wantErr:    "partner.key: The selected partner.key is invalid.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				st := &memStore{}
				t0 := time.Now()
				e := st.add(store.Event{Type: store.TypeSignup, CreatedAt: t0, NextAttemptAt: t0})
				snd := &scriptSender{script: map[string][]Result{e.ID: tt.script}}
				run(t, newTestOutbox(t, st, snd, 1))
				time.Sleep(24 * time.Hour)
				if diff := cmp.Diff(tt.wantSends, offsets(t0, snd.log())); diff != "" {
					t.Errorf("send times (-want +got):\n%s", diff)
				}
				got := st.get(e.ID)
				if got.Status != tt.wantStatus || got.LastError != tt.wantErr {
					t.Errorf("event = %s %q; want %s %q", got.Status, got.LastError, tt.wantStatus, tt.wantErr)
				}
			})
		})
	}
}

func TestCustomerOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := &memStore{}
		t0 := time.Now()
		signup := st.add(store.Event{Program: "main", Type: store.TypeSignup, CustomerKey: "u1", CreatedAt: t0, NextAttemptAt: t0})
		purchase := st.add(store.Event{Program: "main", Type: store.TypePurchase, CustomerKey: "u1", CreatedAt: t0, NextAttemptAt: t0})
		other := st.add(store.Event{Program: "main", Type: store.TypePurchase, CustomerKey: "u2", CreatedAt: t0, NextAttemptAt: t0})
		snd := &scriptSender{script: map[string][]Result{signup.ID: {{Outcome: Retry, Reason: "down"}}}}
		run(t, newTestOutbox(t, st, snd, 4))
		time.Sleep(time.Minute)
		// Sends at the same instant run concurrently: compare in (time, id) order.
		got := snd.log()
		slices.SortStableFunc(got, func(a, b send) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		want := []send{{signup.ID, t0}, {other.ID, t0}, {signup.ID, t0.Add(500 * time.Millisecond)}, {purchase.ID, t0.Add(500 * time.Millisecond)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sends (-want +got):\n%s", diff)
		}
	})
}

func TestWorkersBoundConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := &memStore{}
		t0 := time.Now()
		for range 10 {
			st.add(store.Event{Type: store.TypeSignup, CreatedAt: t0, NextAttemptAt: t0})
		}
		release := make(chan struct{})
		snd := &scriptSender{block: release}
		run(t, newTestOutbox(t, st, snd, 3))
		synctest.Wait()
		if got := len(snd.log()); got != 3 {
			t.Fatalf("%d sends in flight; want 3 (the worker count)", got)
		}
		close(release)
		synctest.Wait()
		seen := map[string]int{}
		for _, s := range snd.log() {
			seen[s.ID]++
		}
		if len(seen) != 10 {
			t.Errorf("%d events sent; want 10", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("event %s sent %d times", id, n)
			}
		}
	})
}

func TestStop(t *testing.T) {
	t.Run("waits for a send in flight", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := &memStore{}
			t0 := time.Now()
			e := st.add(store.Event{Type: store.TypeSignup, CreatedAt: t0, NextAttemptAt: t0})
			release := make(chan struct{})
			snd := &scriptSender{block: release}
			ob := newTestOutbox(t, st, snd, 1)
			ob.Start(context.Background())
			synctest.Wait()
			stopped := make(chan error)
			go func() { stopped <- ob.Stop(context.Background()) }()
			synctest.Wait()
			select {
			case err := <-stopped:
				t.Fatalf("Stop returned %v before the send finished", err)
			default:
			}
			close(release)
			if err := <-stopped; err != nil {
				t.Fatalf("Stop = %v", err)
			}
			if got := st.get(e.ID).Status; got != store.StatusDelivered {
				t.Errorf("status = %q; want delivered", got)
			}
		})
	})
	t.Run("returns an interrupted send to the queue", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := &memStore{}
			t0 := time.Now()
			e := st.add(store.Event{Type: store.TypeSignup, CreatedAt: t0, NextAttemptAt: t0})
			snd := &scriptSender{block: make(chan struct{})}
			ob := newTestOutbox(t, st, snd, 1)
			ob.Start(context.Background())
			synctest.Wait()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := ob.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Stop = %v; want deadline exceeded", err)
			}
			got := st.get(e.ID)
			if got.Status != store.StatusQueued || got.LeaseOwner != "" || !got.NextAttemptAt.Equal(t0.Add(5*time.Second)) || got.LastError != "interrupted by shutdown" {
				t.Errorf("event after stop = %+v; want queued, unleased, due at once", got)
			}
		})
	})
}

func TestBackoff(t *testing.T) {
	ob := &Outbox{opts: Options{BaseDelay: time.Second, MaxDelay: 10 * time.Second, Jitter: func() float64 { return 0.5 }}}
	tests := []struct {
		attempts   int
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0, 750 * time.Millisecond},
		{2, 0, 1500 * time.Millisecond},
		{3, 0, 3 * time.Second},
		{4, 0, 6 * time.Second},
		{5, 0, 7500 * time.Millisecond}, // capped at 10s
		{50, 0, 7500 * time.Millisecond},
		{1, 20 * time.Second, 20*time.Second + 500*time.Millisecond},
		{1, 2 * time.Second, 2*time.Second + 100*time.Millisecond},
	}
	for _, tt := range tests {
		if got := ob.backoff(tt.attempts, tt.retryAfter); got != tt.want {
			t.Errorf("backoff(%d, %v) = %v; want %v", tt.attempts, tt.retryAfter, got, tt.want)
		}
	}
}

func TestQueueMetrics(t *testing.T) {
	st := &memStore{}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st.add(store.Event{Type: store.TypeSignup, CreatedAt: now.Add(-90 * time.Second)})
	st.add(store.Event{Type: store.TypeSignup, CreatedAt: now.Add(-10 * time.Second)})
	reg := prometheus.NewRegistry()
	if _, err := New(Options{Store: st, Sender: &scriptSender{}, Owner: "x", Registerer: reg, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	n, err := testutil.GatherAndCount(reg, "deeplinkd_outbox_queue_depth")
	if err != nil || n != 1 {
		t.Fatalf("queue depth series = %d, %v", n, err)
	}
	mfs, _ := reg.Gather()
	vals := map[string]float64{}
	for _, mf := range mfs {
		if len(mf.Metric) == 1 && mf.Metric[0].Gauge != nil {
			vals[mf.GetName()] = mf.Metric[0].Gauge.GetValue()
		}
	}
	want := map[string]float64{"deeplinkd_outbox_queue_depth": 2, "deeplinkd_outbox_failed_events": 0, "deeplinkd_outbox_oldest_queued_age_seconds": 90}
	if diff := cmp.Diff(want, vals); diff != "" {
		t.Errorf("gauges (-want +got):\n%s", diff)
	}
}

// claimFails is a memStore whose Claim always fails.
type claimFails struct{ *memStore }

func (claimFails) Claim(context.Context, string, time.Time, time.Duration, int) ([]*store.Event, error) {
	return nil, errors.New("database is locked")
}

// TestStoreErrorLogged: a store failure is logged under the key "error",
// as everywhere else in deeplinkd's log, so one query finds them all.
func TestStoreErrorLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := claimFails{&memStore{}}
		var log strings.Builder
		ob, err := New(Options{
			Store: st, Sender: &scriptSender{}, Owner: "test", MaxIdle: time.Hour,
			Jitter: func() float64 { return 0 },
			Logger: slog.New(slog.NewJSONHandler(&log, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		run(t, ob)
		synctest.Wait() // the first claim failed; the loop backs off
		var line map[string]any
		if err := json.Unmarshal([]byte(log.String()), &line); err != nil {
			t.Fatalf("log = %q; want one JSON line: %v", log.String(), err)
		}
		if line["msg"] != "outbox: claim failed" || line["error"] != "database is locked" {
			t.Errorf("log line = %v; want msg \"outbox: claim failed\" with error \"database is locked\"", line)
		}
	})
}
