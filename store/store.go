// Package store keeps motcua's data in SQLite (embedded, the default) or
// PostgreSQL, with raw SQL and embedded goose migrations written once for
// SQLite and translated for PostgreSQL (migrations.go).
//
// Every write use case runs in one transaction (DB.InTx) that sees one
// instant, handed in by the use case (Tx.Now): the store never reads a
// clock. Times are stored as Unix milliseconds and civil dates as
// 'YYYY-MM-DD' text on both engines, so the SQL is the same for both except
// where dialect.go says otherwise.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"motcua/dossier"
	"motcua/vntext"
)

//go:embed migrations
var migrations embed.FS

// Engine names a database engine.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the database handle. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	dialect dialect
	sorter  *vntext.Sorter
	// idemLease is how long an Idempotency-Key claim survives without
	// renewal (idempotency.go).
	idemLease time.Duration
	stmts     stmtCache
	// reports is the read replica that report queries use (cluster.go);
	// nil: the primary.
	reports *sql.DB
	// router fans outbox events out to their destinations
	// (outbox_delivery.go).
	router outboxRouter
	// retries counts transactions run again after a deadlock or a
	// serialization failure (PostgreSQL): each is latency, and a
	// deadlock about a second of it (deadlock_timeout).
	retries atomic.Int64

	// The group-commit writer (writer.go) of a single-writer engine
	// (SQLite) and the connection it owns; nil otherwise.
	wconn    *sql.Conn
	jobs     chan *job
	quit     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// Options configure Open.
type Options struct {
	// DSN is a postgres:// URL; empty means SQLite under DataDir.
	DSN string
	// DataDir holds motcua.db when DSN is empty.
	DataDir string
	// Synchronous is the SQLite synchronous pragma; empty means FULL.
	Synchronous string
	// IdempotencyLease is how long an Idempotency-Key claim survives
	// without renewal; zero means DefaultIdempotencyLease.
	IdempotencyLease time.Duration
	// ReportsDSN, when set (PostgreSQL only), is a read replica for the
	// report queries (cluster.go); everything else uses DSN.
	ReportsDSN string
}

// Open connects to the database described by opts. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	d, err := dialectFor(opts.DSN)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: d, sorter: vntext.NewSorter(), idemLease: opts.IdempotencyLease}
	if db.idemLease <= 0 {
		db.idemLease = DefaultIdempotencyLease
	}
	if db.sql, err = d.open(opts); err != nil {
		return nil, err
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("store: ping %s: %w", d.engine(), err)
	}
	if d.singleWriter() {
		if err := db.startWriter(ctx); err != nil {
			db.sql.Close()
			return nil, err
		}
	}
	if err := db.openReports(opts); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

// Engine reports which engine db uses.
func (db *DB) Engine() Engine { return db.dialect.engine() }

// SQL returns the underlying handle (for benchmarks and checks).
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the database.
func (db *DB) Close() error {
	db.stopWriter()
	db.stmts.close()
	if db.reports != nil {
		db.reports.Close()
	}
	return db.sql.Close()
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := migrationsFor(db.dialect.engine())
	if err != nil {
		return nil, err
	}
	opts, err := db.dialect.gooseOptions()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(db.dialect.goose(), db.sql, sub, opts...)
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return db.ensureCoverageStart(ctx)
}

// Tx is one use case's transaction with the instant the use case began.
type Tx struct {
	tx     *sql.Tx
	db     *DB
	now    time.Time
	covers []string             // rows the next audit entry covers (audit_cover.go)
	audits []dossier.AuditEntry // entries to chain when the use case ends (audit.go)
	deltas Deltas               // aggregate changes to apply when it ends (report_aggregates.go)
	// head is the audit chain's head (audit.go), shared by the use cases
	// of a writer batch.
	head *auditHead
	// locked holds the dossier rows read for update (UpdateDossier).
	locked map[int64]lockedRow
}

// Now is the instant handed to InTx; every row the transaction writes uses it.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in a transaction, committing when fn returns nil. now is the
// use case's one clock reading (taken by the caller: the store has no
// clock); the transaction stamps every row it writes with it. On SQLite
// the transaction takes the write lock at BEGIN (_txlock=immediate), so
// read-then-write use cases never fail with SQLITE_BUSY mid-way.
//
// On SQLite, InTx hands fn to the group-commit writer (writer.go); fn must
// not call InTx itself.
//
// When ctx carries an idempotency claim (ClaimIdempotencyKey), the first
// transaction that commits also marks the claim committed.
func (db *DB) InTx(ctx context.Context, now time.Time, fn func(tx *Tx) error) error {
	fn, c := wrapClaim(ctx, fn)
	fn = finishing(fn)
	err := db.runTx(ctx, now, fn)
	if err == nil && c != nil {
		c.setCommitted()
	}
	return err
}

// finishing makes fn end with what a use case writes last, in a fixed
// order: the covers it left pending, its aggregate deltas (rows in key
// order), then its audit entries (the head row). Each of these rows is
// shared by many use cases; taking them last, in one order, keeps their
// locks short and free of deadlocks on PostgreSQL.
func finishing(fn func(*Tx) error) func(*Tx) error {
	return func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.flushCovers(); err != nil {
			return err
		}
		if err := tx.flushDeltas(); err != nil {
			return err
		}
		return tx.flushAudit()
	}
}

func (db *DB) runTx(ctx context.Context, now time.Time, fn func(tx *Tx) error) error {
	now = now.UTC().Truncate(time.Millisecond)
	if db.jobs != nil {
		return db.submit(ctx, now, fn)
	}
	for attempt := 0; ; attempt++ {
		err := db.inTx(ctx, now, fn)
		if err != nil && attempt < 5 && db.dialect.retryable(err) {
			db.retries.Add(1)
			continue
		}
		return err
	}
}

func (db *DB) inTx(ctx context.Context, now time.Time, fn func(tx *Tx) error) error {
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: stx, db: db, now: now, head: &auditHead{}}
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := tx.head.flush(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Retries is how many transactions ran again after a deadlock or a
// serialization failure since Open.
func (db *DB) Retries() int64 { return db.retries.Load() }

// ms converts t to stored milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// msp converts an optional time.
func msp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// Zone is Asia/Ho_Chi_Minh (UTC+7 when the system has no zone database):
// times read from the store are presented in it, so the API prints
// 2026-11-26T09:30:00+07:00 (contract §2). It is set once and never changed.
var Zone = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return l
	}
	return time.FixedZone("ICT", 7*3600)
}()

// fromMS converts stored milliseconds back to a time in Zone.
func fromMS(v int64) time.Time { return time.UnixMilli(v).In(Zone) }

// fromNull converts a nullable column.
func fromNull(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// nullBool converts an optional boolean for storing.
func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// fromNullBool converts a nullable boolean column.
func fromNullBool(v sql.NullBool) *bool {
	if !v.Valid {
		return nil
	}
	b := v.Bool
	return &b
}

func notFound(what string) error {
	return dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy %s", what)
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
