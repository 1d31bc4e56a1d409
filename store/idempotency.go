package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// Idempotency keys (contract §2): the first request with a key claims it,
// runs, and stores its response; a replay gets that response.
//
// A claim is a lease, not a lock (issue 16, item 4). The request that owns
// a key renews its lease every third of Options.IdempotencyLease while it runs; when its
// process dies (crash, kill -9, one of several instances lost) the renewals
// stop and, once the lease has run out, a retry takes the key over and
// runs. The use case transaction that a claimed request commits also marks
// the claim committed (status -1), in the same transaction: a retry of a
// request whose change is durable but whose response was lost is told so,
// and does not run the change twice.

// DefaultIdempotencyLease is how long a claim survives without renewal
// when Options.IdempotencyLease is zero.
const DefaultIdempotencyLease = 30 * time.Second

const (
	idemInFlight  = 0  // claimed, nothing committed yet
	idemCommitted = -1 // the use case committed; the response is not stored yet
)

// IdempotentResponse is what a request finds when its key is taken.
type IdempotentResponse struct {
	Request string // fingerprint: method, path and body hash
	Status  int    // the stored response's status; 0 while the first request is still running
	Body    []byte
	// Lost: the first request's change was committed but its process died
	// before storing the response (Status is 0).
	Lost bool
}

// claim is a key owned by the running request, carried in its context.
type claim struct {
	db        *DB
	now       func() time.Time
	userID    int64
	key       string
	owner     string
	committed bool // a transaction of the request marked the claim committed
	mu        sync.Mutex
	stop      chan struct{}
	stopOnce  sync.Once
}

type claimKey struct{}

func claimOf(ctx context.Context) *claim {
	c, _ := ctx.Value(claimKey{}).(*claim)
	return c
}

// withoutClaim is ctx for the claim's own bookkeeping, which must not mark
// the claim committed.
func withoutClaim(ctx context.Context) context.Context {
	return context.WithValue(ctx, claimKey{}, (*claim)(nil))
}

// ClaimIdempotencyKey reserves (user, key) for a request. When the caller
// owns the key now it returns a context carrying the claim (pass it to the
// use case, then CompleteIdempotencyKey or ReleaseIdempotencyKey with it)
// and a nil response. Otherwise it returns ctx unchanged and what the key
// holds: the stored response, or Status 0 while another request runs it.
// An expired claim of the same request is taken over. now is the clock
// that stamps the claim and its renewals.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, now func() time.Time, userID int64, key, request string) (context.Context, *IdempotentResponse, error) {
	tok := make([]byte, 16)
	rand.Read(tok)
	c := &claim{db: db, now: now, userID: userID, key: key, owner: hex.EncodeToString(tok), stop: make(chan struct{})}
	var prev *IdempotentResponse
	err := db.InTx(withoutClaim(ctx), now(), func(tx *Tx) error {
		prev = nil
		now := ms(tx.now)
		until := now + db.idemLease.Milliseconds()
		res, err := tx.exec(`INSERT INTO idempotency (user_id, key, request, status, body, created_at, owner, lease_until)
			VALUES ($1, $2, $3, 0, $4, $5, $6, $7) ON CONFLICT (user_id, key) DO NOTHING`,
			userID, key, request, []byte{}, now, c.owner, until)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var r IdempotentResponse
		var lease int64
		if err := tx.queryRow(`SELECT request, status, body, lease_until FROM idempotency WHERE user_id = $1 AND key = $2`,
			userID, key).Scan(&r.Request, &r.Status, &r.Body, &lease); err != nil {
			return err
		}
		if r.Request == request && r.Status == idemInFlight && lease <= now {
			res, err := tx.exec(`UPDATE idempotency SET owner = $1, lease_until = $2
				WHERE user_id = $3 AND key = $4 AND status = 0 AND lease_until <= $5`, c.owner, until, userID, key, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil // taken over: the first request never committed
			}
		}
		if r.Status == idemCommitted {
			r.Status, r.Lost = 0, lease <= now
		}
		prev = &r
		return nil
	})
	if err != nil {
		return ctx, nil, fmt.Errorf("store: idempotency claim: %w", err)
	}
	if prev != nil {
		return ctx, prev, nil
	}
	go c.renew(context.WithoutCancel(withoutClaim(ctx)))
	return context.WithValue(ctx, claimKey{}, c), nil, nil
}

// renew extends the lease until the claim is completed or released.
func (c *claim) renew(ctx context.Context) {
	t := time.NewTicker(c.db.idemLease / 3)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.db.InTx(ctx, c.now(), func(tx *Tx) error {
				_, err := tx.exec(`UPDATE idempotency SET lease_until = $1 WHERE user_id = $2 AND key = $3 AND owner = $4 AND status <= 0`,
					ms(tx.now)+c.db.idemLease.Milliseconds(), c.userID, c.key, c.owner)
				return err
			})
		}
	}
}

func (c *claim) end() { c.stopOnce.Do(func() { close(c.stop) }) }

// markCommitted runs inside the first committing transaction of a claimed
// request.
func (c *claim) markCommitted(tx *Tx) error {
	_, err := tx.exec(`UPDATE idempotency SET status = -1 WHERE user_id = $1 AND key = $2 AND owner = $3 AND status = 0`,
		c.userID, c.key, c.owner)
	return err
}

// wrapClaim makes fn also mark the claim of ctx committed, when there is
// one not yet marked.
func wrapClaim(ctx context.Context, fn func(*Tx) error) (func(*Tx) error, *claim) {
	c := claimOf(ctx)
	if c == nil {
		return fn, nil
	}
	c.mu.Lock()
	done := c.committed
	c.mu.Unlock()
	if done {
		return fn, nil
	}
	return func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return c.markCommitted(tx)
	}, c
}

func (c *claim) setCommitted() {
	c.mu.Lock()
	c.committed = true
	c.mu.Unlock()
}

// CompleteIdempotencyKey stores the response of the request that owns the
// claim in ctx (from ClaimIdempotencyKey) and ends the claim.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, status int, body []byte) error {
	c := claimOf(ctx)
	if c == nil {
		return nil
	}
	c.end()
	if body == nil {
		body = []byte{} // a response without a body (204) is stored empty, not NULL
	}
	res, err := db.execContext(withoutClaim(ctx), `UPDATE idempotency SET status = $1, body = $2 WHERE user_id = $3 AND key = $4 AND owner = $5 AND status <= 0`,
		status, body, c.userID, c.key, c.owner)
	if err != nil {
		return fmt.Errorf("store: idempotency complete: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: idempotency complete: the claim on %q was lost (its lease ran out)", c.key)
	}
	return nil
}

// ReleaseIdempotencyKey forgets the claim in ctx of a request that failed
// (5xx), so that a retry runs it again. When the request had committed a
// change the claim is not forgotten: the response is stored instead, and a
// retry gets it rather than making the change twice.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, status int, body []byte) error {
	c := claimOf(ctx)
	if c == nil {
		return nil
	}
	c.end()
	res, err := db.execContext(withoutClaim(ctx), `DELETE FROM idempotency WHERE user_id = $1 AND key = $2 AND owner = $3 AND status = 0`,
		c.userID, c.key, c.owner)
	if err != nil {
		return fmt.Errorf("store: idempotency release: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	return db.CompleteIdempotencyKey(ctx, status, body)
}
