package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per static query text, so the
// SQL of the hot paths is parsed once per connection instead of on every
// call (SQL parsing was a sixth of a transition's CPU on SQLite).
// Queries built from filters stay unprepared. It is used where the
// dialect says so (dialect.prepareStatements: SQLite).
type stmtCache struct {
	m sync.Map // query → *sql.Stmt
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
	st, err := tx.db.stmts.get(context.Background(), tx.db.sql, q)
	if err != nil {
		return nil, err
	}
	return tx.tx.Stmt(st).Exec(args...)
}

// queryRow runs a static single-row query inside the transaction.
func (tx *Tx) queryRow(q string, args ...any) *sql.Row {
	if !tx.db.dialect.prepareStatements() {
		return tx.tx.QueryRow(q, args...)
	}
	st, err := tx.db.stmts.get(context.Background(), tx.db.sql, q)
	if err != nil {
		return tx.tx.QueryRow(q, args...) // reports the same error
	}
	return tx.tx.Stmt(st).QueryRow(args...)
}

// query runs a static query inside the transaction.
func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	if !tx.db.dialect.prepareStatements() {
		return tx.tx.Query(q, args...)
	}
	st, err := tx.db.stmts.get(context.Background(), tx.db.sql, q)
	if err != nil {
		return nil, err
	}
	return tx.tx.Stmt(st).Query(args...)
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

// execContext runs a static statement outside a transaction.
func (db *DB) execContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if !db.dialect.prepareStatements() {
		return db.sql.ExecContext(ctx, q, args...)
	}
	st, err := db.stmts.get(ctx, db.sql, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
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
