package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"motcua/dossier"
)

// Several motcua instances may share one PostgreSQL database. This file
// holds what keeps them from stepping on each other: named locks (one
// instance at a time runs a start-up step or a background job) and
// notifications sent at commit (a queue call made on one instance reaches
// the displays connected to the others). On SQLite, whose database belongs
// to one process, locks are granted at once and nothing is sent.

// lockKey maps a lock name onto PostgreSQL's int64 advisory lock space
// (hashed with a "motcua:" prefix, apart from goose's migration lock).
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("motcua:" + name))
	return int64(h.Sum64())
}

// WithLock runs fn while holding the cluster-wide lock name, waiting for
// any other instance that holds it. Use it for start-up steps that must
// run once (the demo load, a one-time recount).
func (db *DB) WithLock(ctx context.Context, name string, fn func() error) error {
	lockQ, _, unlockQ := db.dialect.lockSQL()
	if lockQ == "" {
		return fn()
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", name, err)
	}
	defer conn.Close()
	key := lockKey(name)
	if _, err := conn.ExecContext(ctx, lockQ, key); err != nil {
		return fmt.Errorf("store: lock %s: %w", name, err)
	}
	defer unlock(conn, unlockQ, key)
	return fn()
}

// TryLock takes the cluster-wide lock name when no other instance holds
// it. ok is false when another does; otherwise release frees it (the
// server frees it too when this instance dies). Use it for background
// jobs: the instance that gets the lock runs the round, the others skip it.
func (db *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	_, tryQ, unlockQ := db.dialect.lockSQL()
	if tryQ == "" {
		return func() {}, true, nil
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("store: lock %s: %w", name, err)
	}
	key := lockKey(name)
	if err := conn.QueryRowContext(ctx, tryQ, key).Scan(&ok); err != nil || !ok {
		conn.Close()
		if err != nil {
			err = fmt.Errorf("store: lock %s: %w", name, err)
		}
		return nil, false, err
	}
	return func() { unlock(conn, unlockQ, key); conn.Close() }, true, nil
}

func unlock(conn *sql.Conn, q string, key int64) {
	// A fresh context: the caller's may be done, and a lock left on a
	// pooled connection would outlive the job.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, q, key); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // the pool discards it
	}
}

// Notify sends msg to the listeners of channel when the transaction
// commits (nothing when it rolls back, nothing on SQLite). A message is
// at most 7,999 bytes.
func (tx *Tx) Notify(channel, msg string) error {
	q := tx.db.dialect.notifySQL()
	if q == "" {
		return nil
	}
	if _, err := tx.tx.Exec(q, channel, msg); err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}

// CanListen reports whether Listen delivers notifications (PostgreSQL).
func (db *DB) CanListen() bool { return db.dialect.notifySQL() != "" }

// Listen calls fn with every message sent to channel by a committed
// transaction of any instance, in commit order, until ctx ends. When the
// connection drops (a failover) it reconnects, calling connected after
// each (re)connection so the caller can catch up on what it may have
// missed; messages sent while disconnected are not replayed. On SQLite it
// returns at once.
func (db *DB) Listen(ctx context.Context, channel string, connected func(), fn func(msg string)) error {
	if !db.CanListen() {
		return nil
	}
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, channel, connected, fn)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			wait = min(2*wait, 2*time.Second)
			continue
		}
		wait = 100 * time.Millisecond
	}
	return nil
}

func (db *DB) listenOnce(ctx context.Context, channel string, connected func(), fn func(string)) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	// The connection carries LISTEN state: it never goes back to the pool.
	defer func() {
		conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: listen needs pgx")
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, `LISTEN `+quoteIdent(channel)); err != nil {
			return err
		}
		if connected != nil {
			connected()
		}
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				return err
			}
			fn(n.Payload)
		}
	})
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}

// Reports on a read replica. Dashboards, indicator reports and exports
// read many rows and write none: with Options.ReportsDSN they read from a
// streaming replica (through a load balancer that only offers replicas
// within a stated lag, and the primary as a fallback), so they are stale
// by at most that lag; the officers' work queues, dossier pages and every
// write stay on the primary. The report queries take db.reader().

func (db *DB) openReports(opts Options) error {
	if opts.ReportsDSN == "" {
		return nil
	}
	d, err := dialectFor(opts.ReportsDSN)
	if err != nil {
		return err
	}
	if d.engine() != db.dialect.engine() || d.singleWriter() {
		return dossier.Errorf(dossier.EINVALID, "CSDL đọc cho báo cáo phải là bản sao PostgreSQL của CSDL chính")
	}
	// Not pinged: a replica that is away fails the report queries only.
	db.reports, err = d.open(Options{DSN: opts.ReportsDSN})
	return err
}

// reader is the handle of report queries: the replica when configured.
func (db *DB) reader() *sql.DB {
	if db.reports != nil {
		return db.reports
	}
	return db.sql
}

// ReadsReportsFromReplica reports whether report queries go to a replica.
func (db *DB) ReadsReportsFromReplica() bool { return db.reports != nil }
