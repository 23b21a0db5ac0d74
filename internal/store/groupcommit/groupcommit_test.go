package groupcommit

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

var errNegative = errors.New("negative")

// recorder is a Flush over ints: each call's result is its request times
// ten, a negative request fails alone, and a call whose caller has gone is
// skipped. Request 0 holds its batch until release is closed, so a test can
// make the next requests wait together.
type recorder struct {
	release chan struct{}

	mu      sync.Mutex
	batches [][]int // requests flushed, per batch
	skipped []int   // requests whose caller had gone
}

func newRecorder() *recorder { return &recorder{release: make(chan struct{})} }

func (r *recorder) flush(batch []*Call[int, int]) {
	reqs := make([]int, 0, len(batch))
	for _, c := range batch {
		reqs = append(reqs, c.Req)
		if c.Req == 0 {
			<-r.release
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Sorted: callers that wait together reach the queue in any order.
	slices.Sort(reqs)
	r.batches = append(r.batches, reqs)
	for _, c := range batch {
		switch {
		case c.Ctx.Err() != nil:
			c.Err = c.Ctx.Err()
			r.skipped = append(r.skipped, c.Req)
		case c.Req < 0:
			c.Err = errNegative
		default:
			c.Res = c.Req * 10
		}
	}
}

func (r *recorder) flushed() [][]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches)
}

// result is one caller's answer.
type result struct {
	res int
	err error
}

// goDo calls g.Do(ctx, req) in a goroutine and returns where its answer
// will arrive.
func goDo(ctx context.Context, g *Group[int, int], req int) <-chan result {
	ch := make(chan result, 1)
	go func() {
		res, err := g.Do(ctx, req)
		ch <- result{res, err}
	}()
	return ch
}

// hold starts a batch that blocks until r.release is closed, and returns
// once the worker is inside it.
func hold(t *testing.T, g *Group[int, int]) <-chan result {
	t.Helper()
	ch := goDo(t.Context(), g, 0)
	synctest.Wait()
	return ch
}

func TestLoneRequestIsFlushedAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		close(r.release)
		g := New(1, 8, r.flush)
		defer g.Close()
		res, err := g.Do(t.Context(), 4)
		if res != 40 || err != nil {
			t.Errorf("Do(4) = %d, %v; want 40, nil", res, err)
		}
		if got, want := g.Stats(), (Stats{Batches: 1, Calls: 1}); got != want {
			t.Errorf("Stats() = %+v; want %+v", got, want)
		}
	})
}

func TestWaitingRequestsShareABatch(t *testing.T) {
	tests := []struct {
		name     string
		maxBatch int
		reqs     []int
		want     [][]int
	}{
		{"all in one", 8, []int{1, 2, 3, -4, 5}, [][]int{{0}, {-4, 1, 2, 3, 5}}},
		{"bounded by maxBatch", 2, []int{1, 2, 3, 4, 5}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRecorder()
				g := New(1, tt.maxBatch, r.flush)
				defer g.Close()
				first := hold(t, g)
				answers := make(map[int]<-chan result)
				for _, req := range tt.reqs {
					answers[req] = goDo(t.Context(), g, req)
				}
				synctest.Wait()
				close(r.release)
				if got := <-first; got != (result{}) {
					t.Errorf("Do(0) = %+v; want 0, nil", got)
				}
				for req, ch := range answers {
					want := result{res: req * 10}
					if req < 0 {
						want = result{err: errNegative}
					}
					if got := <-ch; got != want {
						t.Errorf("Do(%d) = %+v; want %+v", req, got, want)
					}
				}
				got := r.flushed()
				if tt.want != nil {
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("batches mismatch (-want +got):\n%s", diff)
					}
				}
				calls := 0
				for _, b := range got {
					calls += len(b)
					if len(b) > tt.maxBatch {
						t.Errorf("batch %v holds %d calls; want at most %d", b, len(b), tt.maxBatch)
					}
				}
				wantStats := Stats{Batches: int64(len(got)), Calls: int64(len(tt.reqs) + 1)}
				if calls != len(tt.reqs)+1 || g.Stats() != wantStats {
					t.Errorf("flushed %d calls, Stats() = %+v; want %d calls, %+v", calls, g.Stats(), len(tt.reqs)+1, wantStats)
				}
			})
		})
	}
}

func TestCancelledCallerReturnsAndIsSkipped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		g := New(1, 8, r.flush)
		defer g.Close()
		first := hold(t, g)
		ctx, cancel := context.WithCancel(t.Context())
		gone := goDo(ctx, g, 1)
		stays := goDo(t.Context(), g, 2)
		synctest.Wait()
		cancel()
		synctest.Wait()
		// The caller is answered while its batch is still held.
		select {
		case got := <-gone:
			if !errors.Is(got.err, context.Canceled) {
				t.Errorf("Do(1) after cancel = %+v; want context.Canceled", got)
			}
		default:
			t.Fatal("Do(1) still waiting after its context was cancelled")
		}
		close(r.release)
		<-first
		if got := <-stays; got != (result{res: 20}) {
			t.Errorf("Do(2) = %+v; want 20, nil", got)
		}
		if diff := cmp.Diff([]int{1}, r.skipped); diff != "" {
			t.Errorf("skipped mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestCancelledCallerWaitingForRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		g := New(1, 1, r.flush) // room for one waiting call
		defer g.Close()
		first := hold(t, g)
		queued := goDo(t.Context(), g, 1)
		synctest.Wait()
		ctx, cancel := context.WithCancel(t.Context())
		blocked := goDo(ctx, g, 2)
		synctest.Wait()
		cancel()
		if got := <-blocked; !errors.Is(got.err, context.Canceled) {
			t.Errorf("Do(2) = %+v; want context.Canceled", got)
		}
		close(r.release)
		<-first
		<-queued
		if diff := cmp.Diff([][]int{{0}, {1}}, r.flushed()); diff != "" {
			t.Errorf("batches mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestCloseFlushesAcceptedCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		g := New(1, 8, r.flush)
		first := hold(t, g)
		accepted := goDo(t.Context(), g, 1)
		synctest.Wait()
		closed := make(chan struct{})
		go func() {
			g.Close()
			close(closed)
		}()
		synctest.Wait()
		select {
		case <-closed:
			t.Fatal("Close returned before the held batch finished")
		default:
		}
		if _, err := g.Do(t.Context(), 2); !errors.Is(err, ErrClosed) {
			t.Errorf("Do after Close = %v; want ErrClosed", err)
		}
		close(r.release)
		<-closed
		<-first
		if got := <-accepted; got != (result{res: 10}) {
			t.Errorf("Do(1) accepted before Close = %+v; want 10, nil", got)
		}
		g.Close() // idempotent
	})
}

func TestWorkersFlushConcurrently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		g := New(2, 8, r.flush)
		defer g.Close()
		first := hold(t, g)
		if res, err := g.Do(t.Context(), 1); res != 10 || err != nil {
			t.Errorf("Do(1) beside a held batch = %d, %v; want 10, nil", res, err)
		}
		close(r.release)
		<-first
	})
}
