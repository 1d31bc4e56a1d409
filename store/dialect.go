package store

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"motcua/dossier"
)

// This file holds every difference between SQLite and PostgreSQL; nothing
// else in the package asks which engine it runs on. The rest of the SQL is
// written once for both: $N placeholders, INSERT … ON CONFLICT upserts,
// RETURNING, times as Unix milliseconds and civil dates as 'YYYY-MM-DD'
// text, so no date function differs. A difference is added here only when
// a test on the second engine needs it.

// dialect is one engine's way of doing what the two engines do differently.
type dialect interface {
	// engine names the engine (and so its migrations, migrations.go).
	engine() Engine
	// open connects to the database described by opts and sizes the pool.
	open(opts Options) (*sql.DB, error)
	// goose is the migration tool's name for the engine.
	goose() goose.Dialect

	// singleWriter reports that a transaction holds the database's only
	// write lock from BEGIN, so write use cases run one after another:
	// no row needs locking, a row read stays as read until commit, ids may
	// be assigned as MAX(id)+1, and writes can share one commit (the
	// group-commit writer, writer.go).
	singleWriter() bool
	// forUpdate is the clause that locks the rows a SELECT reads until
	// commit (of: the table alias, or "" for all tables read).
	forUpdate(of string) string
	// forUpdateSkipLocked is forUpdate("") that passes over rows another
	// transaction holds instead of waiting for them.
	forUpdateSkipLocked() string
	// keyLock is the statement that locks a name ($1) until commit, for
	// a decision over rows that may not exist yet; "" where write use
	// cases already run one after another (singleWriter).
	keyLock() string
	// tableWriteLock is the statement that keeps other transactions from
	// writing table until commit (reads go on); "" under singleWriter.
	tableWriteLock(table string) string
	// retryable reports an error after which the whole transaction may be
	// run again (serialization failure, deadlock).
	retryable(err error) bool

	// prepareStatements reports whether static queries are kept prepared
	// by the statement cache (stmt.go).
	prepareStatements() bool
	// bulkBindVar writes the n-th (1-based) parameter of a bulk statement
	// of thousands of parameters.
	bulkBindVar(b *strings.Builder, n int)
	// bulkMode tunes the connection for a large import and returns the
	// function that undoes it.
	bulkMode(tx *sql.Tx) (restore func())
	// syncSequence moves table's id generator past the ids a bulk insert
	// wrote explicitly.
	syncSequence(tx *sql.Tx, table string) error
	// tableExistsSQL is a query with one parameter (the table name) that
	// returns how many tables of that name the schema holds.
	tableExistsSQL() string
	// unindexed writes a column reference in a WHERE term so that the
	// planner cannot answer that term from an index on the column, when a
	// query must take another (covering) index whatever the statistics.
	unindexed(col string) string

	// Several instances on one database (cluster.go). An engine whose
	// database belongs to one process (SQLite) returns "" or nil: there is
	// nobody to exclude or to tell.

	// lockSQL, tryLockSQL and unlockSQL take, try and release a session
	// lock named by one int64 parameter.
	lockSQL() (lock, try, unlock string)
	// notifySQL sends its second parameter to the listeners of the channel
	// named by its first, when the transaction commits.
	notifySQL() string
	// gooseOptions serialise the migrations of instances started together.
	gooseOptions() ([]goose.ProviderOption, error)
}

// dialectFor chooses the engine from the DSN: postgres:// (or
// postgresql://) is PostgreSQL; empty, sqlite:PATH or file:PATH is SQLite.
func dialectFor(dsn string) (dialect, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return postgresDialect{}, nil
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:") || strings.HasPrefix(dsn, "file:"):
		return sqliteDialect{}, nil
	}
	return nil, dossier.Errorf(dossier.EINVALID, "Chuỗi kết nối CSDL không hợp lệ (cần postgres://… hoặc để trống cho SQLite)")
}

// isUnique reports a unique-constraint violation on either engine.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// sqliteDialect is SQLite (modernc.org/sqlite), embedded, the default.
type sqliteDialect struct{}

func (sqliteDialect) engine() Engine               { return SQLite }
func (sqliteDialect) goose() goose.Dialect         { return goose.DialectSQLite3 }
func (sqliteDialect) singleWriter() bool           { return true }
func (sqliteDialect) keyLock() string              { return "" }
func (sqliteDialect) tableWriteLock(string) string { return "" }
func (sqliteDialect) forUpdate(string) string      { return "" }
func (sqliteDialect) forUpdateSkipLocked() string {
	return ""
}
func (sqliteDialect) retryable(error) bool    { return false }
func (sqliteDialect) prepareStatements() bool { return true }

// bulkBindVar writes "?" (bound in order): SQLite resolves "$N" names with
// a linear search per parameter, which is quadratic in statements of
// thousands of parameters.
func (sqliteDialect) bulkBindVar(b *strings.Builder, _ int) { b.WriteByte('?') }

// bulkMode enlarges the page cache: random index inserts thrash the
// default 2 MB.
func (sqliteDialect) bulkMode(tx *sql.Tx) func() {
	tx.Exec(`PRAGMA cache_size = -131072`)
	return func() { tx.Exec(`PRAGMA cache_size = -2000`) }
}

// syncSequence has nothing to do: an INTEGER PRIMARY KEY continues from
// MAX(id).
func (sqliteDialect) syncSequence(*sql.Tx, string) error { return nil }

func (sqliteDialect) lockSQL() (string, string, string)             { return "", "", "" }
func (sqliteDialect) notifySQL() string                             { return "" }
func (sqliteDialect) gooseOptions() ([]goose.ProviderOption, error) { return nil, nil }

// unindexed: SQLite's unary + keeps the term from using an index. Unless
// ANALYZE has run since the covering index was created, SQLite's planner
// prefers an index with a range on the column (a skip-scan and a sort) to
// the covering index in GROUP BY order, which at a million dossiers is
// ten times slower (bench/README.md, "Reads at 1M dossiers").
func (sqliteDialect) unindexed(col string) string { return "+" + col }

func (sqliteDialect) tableExistsSQL() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
}

// open opens DataDir/motcua.db (or the file the DSN names) in WAL mode
// with foreign keys on, and transactions that take the write lock at BEGIN
// (_txlock=immediate), so read-then-write use cases never fail with
// SQLITE_BUSY mid-way.
func (sqliteDialect) open(opts Options) (*sql.DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(opts.DSN, "sqlite:"), "file:")
	if path == "" {
		dir := opts.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: data dir: %w", err)
		}
		path = filepath.Join(dir, "motcua.db")
	}
	sync := opts.Synchronous
	if sync == "" {
		sync = "FULL"
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")" +
		"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	// One connection belongs to the writer (writer.go); the others
	// let readers proceed in WAL mode while it commits.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// postgresDialect is PostgreSQL through pgx, for production.
type postgresDialect struct{}

func (postgresDialect) engine() Engine       { return Postgres }
func (postgresDialect) goose() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) singleWriter() bool   { return false }

func (postgresDialect) forUpdate(of string) string {
	if of == "" {
		return " FOR UPDATE"
	}
	return " FOR UPDATE OF " + of
}

func (postgresDialect) forUpdateSkipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (postgresDialect) tableWriteLock(table string) string {
	return `LOCK TABLE ` + table + ` IN EXCLUSIVE MODE`
}

func (postgresDialect) keyLock() string {
	return `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`
}

// retryable reports serialization failures (40001) and deadlocks (40P01).
func (postgresDialect) retryable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLSTATE 40001") || strings.Contains(s, "SQLSTATE 40P01")
}

// prepareStatements is false: pgx already caches prepared statements per
// connection, and preparing at the DB level from inside a transaction
// would take a second pooled connection while the first holds row locks —
// with every connection busy, that deadlocks.
func (postgresDialect) prepareStatements() bool { return false }

func (postgresDialect) bulkBindVar(b *strings.Builder, n int) { fmt.Fprintf(b, "$%d", n) }

func (postgresDialect) bulkMode(*sql.Tx) func() { return func() {} }

func (postgresDialect) syncSequence(tx *sql.Tx, table string) error {
	_, err := tx.Exec(`SELECT setval(pg_get_serial_sequence('` + table + `', 'id'), (SELECT MAX(id) FROM ` + table + `))`)
	return err
}

// lockSQL uses session-level advisory locks: released by unlock, or by
// the server when the holding connection dies.
func (postgresDialect) lockSQL() (string, string, string) {
	return `SELECT pg_advisory_lock($1)`, `SELECT pg_try_advisory_lock($1)`, `SELECT pg_advisory_unlock($1)`
}

func (postgresDialect) notifySQL() string { return `SELECT pg_notify($1, $2)` }

// gooseOptions hold an advisory lock for the whole migration run, so
// instances started together on an empty database migrate one at a time.
func (postgresDialect) gooseOptions() ([]goose.ProviderOption, error) {
	l, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	return []goose.ProviderOption{goose.WithSessionLocker(l)}, nil
}

// unindexed: PostgreSQL keeps statistics itself (autovacuum's ANALYZE)
// and chooses well; the term is left as it is.
func (postgresDialect) unindexed(col string) string { return col }

func (postgresDialect) tableExistsSQL() string {
	return `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
}

func (postgresDialect) open(opts Options) (*sql.DB, error) {
	db, err := sql.Open("pgx", opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	return db, nil
}
