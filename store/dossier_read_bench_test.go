package store_test

import (
	"context"
	"testing"
	"time"

	"motcua/bench"
	"motcua/internal/cputime"
	"motcua/store"
	"motcua/store/storetest"
)

// BenchmarkDossierRead reads one dossier as the outbox's destinations
// (every event) and the answer of an action do: the whole dossier,
// unscoped and within an officer's centre, and its head only.
func BenchmarkDossierRead(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := bench.GenerateReportData(ctx, db, bench.GenOptions{Dossiers: 200, Centers: 2, Agencies: 2, Procedures: 2, From: from, To: from.AddDate(0, 6, 0), Seed: 1}); err != nil {
		b.Fatal(err)
	}
	var code, center string
	if err := db.SQL().QueryRowContext(ctx, `SELECT code, center_code FROM dossiers ORDER BY id DESC LIMIT 1`).Scan(&code, &center); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func() error
	}{
		{"all", func() error { _, err := db.Dossier(ctx, code, store.Scope{All: true}); return err }},
		{"centre", func() error { _, err := db.Dossier(ctx, code, store.Scope{Centers: []string{center}}); return err }},
		{"head", func() error { _, err := db.DossierHead(ctx, code); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cputime.Now()
			for b.Loop() {
				if err := c.read(); err != nil {
					b.Fatal(err)
				}
			}
			cputime.Report(b, cpu)
		})
	}
}
