package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Group commit for SQLite.
//
// SQLite has one writer at a time and, with synchronous=FULL, one fsync
// per commit. Rather than have each use case take the write lock and pay
// for its own fsync, write use cases are queued to a single writer
// goroutine, which runs whatever is waiting — up to maxBatch use cases —
// in one transaction, each inside its own SAVEPOINT, and commits once.
// A use case that fails is rolled back to its savepoint and gets its
// error; the others are unaffected. If the commit itself fails, every use
// case of the batch gets the error and nothing of the batch is written.
// A use case is acknowledged only after the commit that made it durable,
// so the guarantees are those of one transaction per use case; the batch
// only shares the fsync. Use cases run one after another, so each sees
// the writes of the ones before it, exactly as serial transactions would.
//
// The writer owns one connection for its whole life and every write on
// SQLite goes through it (DB.execContext included): no pooled connection
// ever waits for the write lock, and the writer never needs a pooled
// connection to make progress, so requests holding pooled connections
// cannot starve it (issue 16, item 3).

const maxBatch = 128

var errClosed = errors.New("store: database closed")

type job struct {
	ctx  context.Context
	now  time.Time // the use case's instant (see InTx)
	fn   func(*Tx) error
	done chan error
}

func (db *DB) startWriter(ctx context.Context) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: writer connection: %w", err)
	}
	db.wconn = conn
	db.jobs = make(chan *job, 4*maxBatch)
	db.quit = make(chan struct{})
	db.stopped = make(chan struct{})
	go db.writeLoop()
	return nil
}

func (db *DB) stopWriter() {
	if db.jobs == nil {
		return
	}
	db.stopOnce.Do(func() { close(db.quit) })
	<-db.stopped
	db.wconn.Close()
}

func (db *DB) writeLoop() {
	defer close(db.stopped)
	for {
		var first *job
		select {
		case first = <-db.jobs:
		case <-db.quit:
			// Fail what is still queued: nothing of it was written.
			for {
				select {
				case j := <-db.jobs:
					j.done <- errClosed
				default:
					return
				}
			}
		}
		batch := []*job{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		db.runBatch(batch)
	}
}

// submit queues fn for the writer and waits for its durable outcome.
func (db *DB) submit(ctx context.Context, now time.Time, fn func(*Tx) error) error {
	j := &job{ctx: ctx, now: now, fn: fn, done: make(chan error, 1)}
	select {
	case db.jobs <- j:
	case <-db.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the outcome is awaited even if ctx ends: the use case
	// may already be committed, and the caller must not report otherwise.
	select {
	case err := <-j.done:
		return err
	case <-db.stopped:
		// The writer drained the queue before stopping; a job queued after
		// the drain was never run.
		select {
		case err := <-j.done:
			return err
		default:
			return errClosed
		}
	}
}

func (db *DB) runBatch(batch []*job) {
	errs := make([]error, len(batch))
	stx, err := db.wconn.BeginTx(context.Background(), nil)
	if err != nil {
		for _, j := range batch {
			j.done <- fmt.Errorf("store: begin: %w", err)
		}
		return
	}
	ok := 0
	// A batch of one needs no savepoint: its failure rolls back the
	// whole transaction, which holds nothing else. The savepoint
	// statements of larger batches are kept prepared (one parse each per
	// batch was 1 % of the server's CPU).
	alone := len(batch) == 1
	head := &auditHead{} // the chain's head, written once for the batch
	wtx := &Tx{tx: stx, db: db, head: head}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if alone {
			if err := runJob(j.fn, &Tx{tx: stx, db: db, now: j.now, head: head}); err != nil {
				errs[i] = err
			} else {
				ok++
			}
			continue
		}
		if _, err := wtx.exec(`SAVEPOINT uc`); err != nil {
			errs[i] = fmt.Errorf("store: savepoint: %w", err)
			continue
		}
		tx := &Tx{tx: stx, db: db, now: j.now, head: head}
		saved := *head
		if err := runJob(j.fn, tx); err != nil {
			errs[i] = err
			*head = saved // its entries are rolled back with it
			if _, rerr := wtx.exec(`ROLLBACK TO uc`); rerr != nil {
				// The transaction is unusable: fail the whole batch.
				stx.Rollback()
				for k, j := range batch {
					if errs[k] == nil || k >= i {
						errs[k] = fmt.Errorf("store: rollback to savepoint: %w", rerr)
					}
					j.done <- errs[k]
				}
				return
			}
		} else {
			ok++
		}
		if _, err := wtx.exec(`RELEASE uc`); err != nil && errs[i] == nil {
			errs[i] = fmt.Errorf("store: release: %w", err)
		}
	}
	if ok > 0 {
		if err := head.flush(wtx); err != nil {
			// Without its head the chain would not verify: write nothing.
			stx.Rollback()
			for i, j := range batch {
				if errs[i] == nil {
					errs[i] = err
				}
				j.done <- errs[i]
			}
			return
		}
	}
	if ok == 0 {
		stx.Rollback()
	} else if err := stx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("store: commit: %w", err)
			}
		}
	}
	for i, j := range batch {
		j.done <- errs[i]
	}
}

// runJob runs fn, turning a panic into an error so one bad use case
// cannot take the writer down.
func runJob(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: panic in transaction: %v", v)
		}
	}()
	return fn(tx)
}
