// Package storetest opens throwaway migrated databases for tests: always an
// SQLite file in a temporary directory, and a fresh PostgreSQL database
// when MOTCUA_TEST_POSTGRES_DSN names a server (scripts/test.sh starts one).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"motcua/store"
)

// EnvDSN is the variable naming the PostgreSQL server used by tests.
const EnvDSN = "MOTCUA_TEST_POSTGRES_DSN"

// Engines returns the engines to test: sqlite, and postgres when configured.
// When MOTCUA_TEST_REQUIRE_POSTGRES=1 (set by CI) a missing server fails.
func Engines(t testing.TB) []store.Engine {
	out := []store.Engine{store.SQLite}
	if os.Getenv(EnvDSN) != "" {
		out = append(out, store.Postgres)
	} else if os.Getenv("MOTCUA_TEST_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("%s is not set but PostgreSQL tests are required", EnvDSN)
	}
	return out
}

// Open returns a migrated, empty database of the given engine, closed and
// dropped when the test ends. The store has no clock: a test hands its
// instants to InTx (through workflow.Config.Now).
func Open(t testing.TB, engine store.Engine) *store.DB {
	t.Helper()
	var opts store.Options
	switch engine {
	case store.SQLite:
		opts.DataDir = t.TempDir()
	case store.Postgres:
		opts.DSN = CreateDatabase(t)
	}
	return OpenWith(t, opts)
}

// OpenWith opens the database opts names, migrates it and closes it when
// the test ends (dropping it is up to whoever created it, e.g.
// CreateDatabase).
func OpenWith(t testing.TB, opts store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate database: %v", err)
	}
	return db
}

// CreateDatabase creates an empty PostgreSQL database on the test server
// and returns its DSN; it is dropped when the test ends.
func CreateDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvDSN)
	if admin == "" {
		t.Skipf("%s not set", EnvDSN)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := adb.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		adb.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		adb.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		adb.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Each runs f once per engine as a subtest.
func Each(t *testing.T, f func(t *testing.T, engine store.Engine)) {
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) { f(t, e) })
	}
}

// Strings runs q on db and returns the first column of every row as text.
func Strings(t testing.TB, db *store.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.SQL().Query(q, args...)
	if err != nil {
		t.Fatalf("query %.60s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
