package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/store"
	"motcua/store/storetest"
)

// movableClock is a test clock that only moves when the test says so.
type movableClock struct{ ns atomic.Int64 }

func newMovableClock(t time.Time) *movableClock {
	c := &movableClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *movableClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *movableClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// openClaims opens a store on engine e with a clock at 2026-12-01 02:00 UTC
// that moves only when the test says so; claim is user 7's
// Idempotency-Key claim of key for the request fingerprint fp at that clock.
func openClaims(t *testing.T, e store.Engine) (db *store.DB, clk *movableClock, claim func(key, fp string) (context.Context, *store.IdempotentResponse, error)) {
	db = storetest.Open(t, e)
	clk = newMovableClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	return db, clk, func(key, fp string) (context.Context, *store.IdempotentResponse, error) {
		return db.ClaimIdempotencyKey(context.Background(), clk.now, 7, key, fp)
	}
}

// TestWriterNeedsNoPooledConnection: with every pooled connection taken by
// someone else (requests in flight), writes — use cases with statements
// never seen before, and single statements outside a use case — still
// commit: the writer owns its connection and never prepares on the pool
// while it holds the write lock (issue 16, item 3).
func TestWriterNeedsNoPooledConnection(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	var held []*sql.Conn
	for {
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		c, err := db.SQL().Conn(cctx)
		cancel()
		if err != nil {
			break // the pool is exhausted
		}
		held = append(held, c)
	}
	if len(held) == 0 {
		t.Fatal("could not take any pooled connection")
	}
	done := make(chan error, 1)
	go func() {
		var errs []error
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, prev, err := db.ClaimIdempotencyKey(ctx, func() time.Time { return at }, 1, fmt.Sprintf("k%d", i), "POST /x")
				if err == nil && prev != nil {
					err = fmt.Errorf("fresh key %d already claimed", i)
				}
				if err == nil {
					err = db.InTx(ctx, at, func(tx *store.Tx) error {
						return tx.Audit("test", "write", "key", fmt.Sprint(i), "{}")
					})
				}
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("writes stalled with %d pooled connections held elsewhere", len(held))
	}
	for _, c := range held {
		c.Close()
	}
}

// TestIdempotencyClaimIsALease: a claim whose owner stops renewing it (its
// process died) can be taken over by a retry once the lease has run out;
// a claim whose use case had committed is reported lost rather than run
// twice; a live claim is not taken (issue 16, item 4).
func TestIdempotencyClaimIsALease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db, clk, claim := openClaims(t, e)
		const fp = "POST /api/v1/dossiers abc"

		owned, prev, err := claim("k1", fp)
		if err != nil || prev != nil {
			t.Fatalf("first claim = %v, %v", prev, err)
		}
		// The owner "crashes": it never completes. A retry within the
		// lease is told the request is in flight.
		_, prev, err = claim("k1", fp)
		if err != nil || prev == nil || prev.Status != 0 || prev.Lost {
			t.Fatalf("retry within lease = %+v, %v; want in flight", prev, err)
		}
		// Another request with the same key is told apart by its fingerprint.
		if _, prev, err = claim("k1", "POST /other"); err != nil || prev == nil || prev.Request != fp {
			t.Fatalf("other request = %+v, %v", prev, err)
		}
		clk.advance(store.DefaultIdempotencyLease + time.Second)
		retry, prev, err := claim("k1", fp)
		if err != nil || prev != nil {
			t.Fatalf("retry after lease = %+v, %v; want taken over", prev, err)
		}
		// The dead owner's late completion must not overwrite the new one.
		if err := db.CompleteIdempotencyKey(owned, 201, []byte(`{"old":true}`)); err == nil {
			t.Error("a lost claim completed")
		}
		if err := db.CompleteIdempotencyKey(retry, 201, []byte(`{"ok":true}`)); err != nil {
			t.Fatal(err)
		}
		_, prev, err = claim("k1", fp)
		if err != nil || prev == nil || prev.Status != 201 || string(prev.Body) != `{"ok":true}` {
			t.Fatalf("replay = %+v, %v", prev, err)
		}

		// A claim whose use case committed before the crash.
		c2, _, err := claim("k2", fp)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(c2, clk.now(), func(tx *store.Tx) error { return tx.Audit("t", "x", "y", "z", "{}") }); err != nil {
			t.Fatal(err)
		}
		clk.advance(store.DefaultIdempotencyLease + time.Second)
		_, prev, err = claim("k2", fp)
		if err != nil || prev == nil || !prev.Lost {
			t.Fatalf("retry of a committed request = %+v, %v; want lost, not run again", prev, err)
		}

		// A failed request (5xx) that committed nothing is released: a
		// retry runs it; one that committed keeps its response.
		c3, _, _ := claim("k3", fp)
		if err := db.ReleaseIdempotencyKey(c3, 500, nil); err != nil {
			t.Fatal(err)
		}
		if _, prev, err := claim("k3", fp); err != nil || prev != nil {
			t.Fatalf("after release = %+v, %v; want claimable", prev, err)
		}
		c4, _, _ := claim("k4", fp)
		db.InTx(c4, clk.now(), func(tx *store.Tx) error { return tx.Audit("t", "x", "y", "z", "{}") })
		if err := db.ReleaseIdempotencyKey(c4, 503, []byte(`{"status":503}`)); err != nil {
			t.Fatal(err)
		}
		if _, prev, err := claim("k4", fp); err != nil || prev == nil || prev.Status != 503 {
			t.Fatalf("after failed committed request = %+v, %v; want its stored response", prev, err)
		}
	})
}

// TestIdempotencyKeepsAnEmptyResponse: a request answered with no body (204
// No Content, e.g. a queue call with nobody waiting) is kept and replayed
// like any other; it used to fail the NOT NULL constraint on the body.
func TestIdempotencyKeepsAnEmptyResponse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db, _, claim := openClaims(t, e)
		const fp = "POST /api/v1/queue/call-next abc"
		owned, _, err := claim("k204", fp)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CompleteIdempotencyKey(owned, 204, nil); err != nil {
			t.Fatalf("complete with no body: %v", err)
		}
		_, prev, err := claim("k204", fp)
		if err != nil || prev == nil || prev.Status != 204 || len(prev.Body) != 0 {
			t.Fatalf("replay = %+v, %v; want 204 with no body", prev, err)
		}
	})
}
