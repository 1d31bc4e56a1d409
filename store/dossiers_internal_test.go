package store

import (
	"strings"
	"testing"
	"time"

	"motcua/dossier"
)

// TestUpdateDossierSetsChangedIndexedColumns: an UPDATE of a dossier read
// for update in the same transaction sets status, received_at, due_at and
// finished_at only when they changed (each rewrites indexes); without
// that read, or at another version, it sets them all.
func TestUpdateDossierSetsChangedIndexedColumns(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	due := at.Add(72 * time.Hour)
	d := &dossier.Dossier{ID: 7, Version: 3, Status: dossier.StatusReceived, ReceivedAt: &at, DueAt: &due}
	sets := func(q string) []string {
		var cols []string
		for _, c := range []string{"status", "received_at", "due_at", "finished_at"} {
			if strings.Contains(q, " "+c+" = $") {
				cols = append(cols, c)
			}
		}
		return cols
	}
	all := "[status received_at due_at finished_at]"

	tx := &Tx{now: at}
	if q, _ := tx.updateDossierSQL(d, 3); strings.Join(sets(q), " ") != strings.Trim(all, "[]") {
		t.Errorf("not read for update: sets %v; want %s", sets(q), all)
	}
	tx.remember(d)
	moved := *d
	moved.Status = dossier.StatusAppraising
	q, args := tx.updateDossierSQL(&moved, 3)
	if got := sets(q); len(got) != 1 || got[0] != "status" {
		t.Errorf("status changed: sets %v; want [status]", got)
	}
	if n := strings.Count(q, "$"); n != len(args) {
		t.Errorf("%d parameters, %d arguments: %s", n, len(args), q)
	}
	later := due.Add(24 * time.Hour)
	moved.DueAt, moved.FinishedAt = &later, &at
	if got := sets(mustSQL(tx, &moved, 3)); len(got) != 3 || got[0] != "status" || got[1] != "due_at" || got[2] != "finished_at" {
		t.Errorf("deadline and finish changed: sets %v", got)
	}
	if got := sets(mustSQL(tx, &moved, 4)); len(got) != 4 {
		t.Errorf("another version: sets %v; want %s", got, all)
	}
}

func mustSQL(tx *Tx, d *dossier.Dossier, expected int64) string {
	q, _ := tx.updateDossierSQL(d, expected)
	return q
}
