package store

import (
	"context"
	"fmt"
)

// SnapshotSQLite writes a consistent copy of the SQLite database to path
// (VACUUM INTO: one read transaction, so writers carry on while it runs;
// the copy is a complete database file without a WAL). It is the
// database half of motcua backup.
func (db *DB) SnapshotSQLite(ctx context.Context, path string) error {
	if db.Engine() != SQLite {
		return fmt.Errorf("store: snapshot: only SQLite (PostgreSQL: pg_dump)")
	}
	// Not through the writer: VACUUM cannot run inside a transaction, and
	// it only reads the source.
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	return nil
}
