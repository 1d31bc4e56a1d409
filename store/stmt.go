package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// stmtCache keeps one prepared statement per static query text, so the
// SQL of the hot paths is parsed once per connection instead of on every
// call (SQL parsing was a sixth of a transition's CPU on SQLite).
// Queries built from filters stay unprepared. It is used where the
// dialect says so (dialect.prepareStatements: SQLite).
//
// A transaction never prepares at the DB level: that takes a second pooled
// connection while the transaction holds the write lock, and when every
// pooled connection belongs to a request waiting for that lock, nobody
// moves until busy_timeout answers SQLITE_BUSY (issue 16, item 3: a fresh
// process under 64 concurrent writes). Inside a transaction a statement
// not yet cached runs unprepared on the transaction's own connection, and
// a background goroutine — holding nothing — prepares it for next time.
type stmtCache struct {
	m       sync.Map // query → *sql.Stmt
	pending sync.Map // query → struct{}: being prepared in the background
	wg      sync.WaitGroup
}

// cached returns the prepared statement of q, or nil when there is none
// yet; then it starts preparing q in the background on db.
func (c *stmtCache) cached(db *sql.DB, q string) *sql.Stmt {
	if v, ok := c.m.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if _, busy := c.pending.LoadOrStore(q, struct{}{}); !busy {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			defer c.pending.Delete(q)
			c.get(context.Background(), db, q) // an error leaves q unprepared
		}()
	}
	return nil
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, q string) (*sql.Stmt, error) {
	if v, ok := c.m.Load(q); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.m.LoadOrStore(q, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

func (c *stmtCache) close() {
	c.wg.Wait()
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}

// exec runs a static statement inside the transaction.
func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	if !tx.db.dialect.prepareStatements() {
		return tx.tx.Exec(q, args...)
	}
	if st := tx.db.stmts.cached(tx.db.sql, q); st != nil {
		return tx.tx.Stmt(st).Exec(args...)
	}
	return tx.tx.Exec(q, args...)
}

// queryRow runs a static single-row query inside the transaction.
func (tx *Tx) queryRow(q string, args ...any) *sql.Row {
	if !tx.db.dialect.prepareStatements() {
		return tx.tx.QueryRow(q, args...)
	}
	if st := tx.db.stmts.cached(tx.db.sql, q); st != nil {
		return tx.tx.Stmt(st).QueryRow(args...)
	}
	return tx.tx.QueryRow(q, args...)
}

// query runs a static query inside the transaction.
func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	if !tx.db.dialect.prepareStatements() {
		return tx.tx.Query(q, args...)
	}
	if st := tx.db.stmts.cached(tx.db.sql, q); st != nil {
		return tx.tx.Stmt(st).Query(args...)
	}
	return tx.tx.Query(q, args...)
}

// queryRowContext runs a static single-row query outside a transaction.
func (db *DB) queryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if !db.dialect.prepareStatements() {
		return db.sql.QueryRowContext(ctx, q, args...)
	}
	st, err := db.stmts.get(ctx, db.sql, q)
	if err != nil {
		return db.sql.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// queryContext runs a static query outside a transaction.
func (db *DB) queryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if !db.dialect.prepareStatements() {
		return db.sql.QueryContext(ctx, q, args...)
	}
	st, err := db.stmts.get(ctx, db.sql, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// execContext runs a static statement outside a use case. On a
// single-writer engine (SQLite) it goes through the writer like every
// other write: a pooled connection never waits for the write lock (issue
// 16, item 3). The statement carries its own values: the transaction's
// instant is unused.
func (db *DB) execContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if db.jobs == nil {
		return db.sql.ExecContext(ctx, q, args...)
	}
	var res sql.Result
	err := db.InTx(ctx, time.Time{}, func(tx *Tx) error {
		var err error
		res, err = tx.exec(q, args...)
		return err
	})
	return res, err
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// txq adapts *sql.Tx to queryer.
type txq struct{ tx *sql.Tx }

func (t txq) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, q, args...)
}

func (t txq) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, q, args...)
}

// dbq adapts the DB to queryer for static query texts: on SQLite they run
// as statements prepared once (queryContext, queryRowContext).
type dbq struct{ db *DB }

func (q dbq) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.db.queryContext(ctx, query, args...)
}

func (q dbq) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return q.db.queryRowContext(ctx, query, args...)
}
