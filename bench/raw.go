package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// RawCommits is the disk's own pace: single-row INSERTs, each its own
// durable transaction, one after another, on the same disk (SQLite with
// the server's pragmas) or the same PostgreSQL server.
type RawCommits struct {
	Engine  string  `json:"engine"`
	Where   string  `json:"where"`
	Commits int     `json:"commits"`
	PerSec  float64 `json:"per_sec"`
	// Ratio is the run's transitions per second over PerSec.
	Ratio float64 `json:"ratio"`
}

// measureRaw commits single rows for d. dsn is a postgres:// URL, or
// empty for an SQLite file in dir (journal_mode WAL, synchronous sync).
func measureRaw(ctx context.Context, dsn, dir, sync string, d time.Duration) (*RawCommits, error) {
	if sync == "" {
		sync = "FULL"
	}
	var db *sql.DB
	var err error
	r := &RawCommits{}
	table := "bench_raw_commits"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		r.Engine, r.Where = "postgres", redactDSN(dsn)
		if db, err = sql.Open("pgx", dsn); err != nil {
			return nil, err
		}
		table = fmt.Sprintf("bench_raw_commits_%d", os.Getpid())
	} else {
		path := filepath.Join(dir, fmt.Sprintf("bench-raw-%d.db", os.Getpid()))
		r.Engine, r.Where = "sqlite (WAL, synchronous="+sync+")", path
		defer os.Remove(path)
		defer os.Remove(path + "-wal")
		defer os.Remove(path + "-shm")
		if db, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous("+sync+")&_pragma=busy_timeout(10000)"); err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("bench: raw commits: %w", err)
	}
	defer db.ExecContext(context.WithoutCancel(ctx), `DROP TABLE `+table)
	ins := `INSERT INTO ` + table + ` (id, v) VALUES ($1, 'bench')`
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		if _, err := db.ExecContext(ctx, ins, r.Commits+1); err != nil {
			return nil, fmt.Errorf("bench: raw commits: %w", err)
		}
		r.Commits++
	}
	r.PerSec = float64(r.Commits) / time.Since(start).Seconds()
	return r, nil
}

// redactDSN drops the password of a connection URL.
func redactDSN(dsn string) string {
	at := strings.LastIndexByte(dsn, '@')
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	cred := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(cred, ":"); ok {
		return dsn[:scheme+3] + user + ":…" + dsn[at:]
	}
	return dsn
}
