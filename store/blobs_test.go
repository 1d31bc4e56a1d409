package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua/bench"
	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
)

const sharedBlob = "5ba3d0f2e1c4b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566"

// sharedBlobDB holds n dossiers in two centers; the components of the
// dossiers of one of them (holder) all point at one blob (the same scan
// reused by many applications), uploaded by user 1; other is the other
// center.
func sharedBlobDB(tb testing.TB, e store.Engine, n int) (db *store.DB, holder, other string) {
	db = storetest.Open(tb, e)
	ctx := context.Background()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := bench.GenerateReportData(ctx, db, bench.GenOptions{Dossiers: n, Centers: 2, Agencies: 2, Procedures: 2, From: from, To: from.AddDate(0, 6, 0), Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO blobs (id, size, content_type, created_by, created_at) VALUES ('` + sharedBlob + `', 10, 'application/pdf', 1, 0)`,
		// Only the dossiers of one center hold it.
		`INSERT INTO dossier_components (dossier_id, code, name, blob_id) SELECT id, 'GDN', 'Giấy đề nghị', '` + sharedBlob + `' FROM dossiers
			WHERE center_code = (SELECT MAX(center_code) FROM dossiers)`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT MAX(center_code), MIN(center_code) FROM dossiers`).Scan(&holder, &other); err != nil || holder == other {
		tb.Fatalf("centers %q %q: %v", holder, other, err)
	}
	return db, holder, other
}

// TestBlobAccessSharedBlob: a blob shared by thousands of components is
// readable by an officer of a center that holds one of them, and by no
// one else (issue 16, item 8: one indexed query, not one probe per
// dossier per component).
func TestBlobAccessSharedBlob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db, center, other := sharedBlobDB(t, e, 3000)
		ctx := context.Background()
		for _, tc := range []struct {
			name  string
			user  int64
			scope store.Scope
			ok    bool
		}{
			{"uploader", 1, store.Scope{}, true},
			{"officer of a center holding it", 99, store.Scope{Centers: []string{center}}, true},
			{"officer of another center", 99, store.Scope{Centers: []string{other}}, false},
			{"officer of an unknown center", 99, store.Scope{Centers: []string{"KHONG.CO"}}, false},
			{"citizen who is not the applicant", 99, store.Scope{ApplicantUser: 12345}, false},
			{"no scope", 99, store.Scope{}, false},
		} {
			_, err := db.BlobAccess(ctx, sharedBlob, tc.user, tc.scope)
			if tc.ok && err != nil || !tc.ok && dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Errorf("%s: BlobAccess = %v; want allowed %v", tc.name, err, tc.ok)
			}
		}
	})
}

// TestBlobAccessPlanUsesIndexes: the access query is driven by the blob
// (indexes on the components' and results' blob ids), never by a scan of
// the dossiers.
func TestBlobAccessPlanUsesIndexes(t *testing.T) {
	db, _, _ := sharedBlobDB(t, store.SQLite, 10)
	rows, err := db.SQL().Query(`EXPLAIN QUERY PLAN ` + store.BlobAccessQuery(store.Scope{Centers: []string{"X"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	all := strings.Join(plan, "\n")
	for _, want := range []string{"dossier_components_blob", "results_pdf_blob"} {
		if !strings.Contains(all, want) {
			t.Errorf("plan does not use %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, "SCAN d") || strings.Contains(all, "SCAN dossiers") {
		t.Errorf("plan scans the dossiers:\n%s", all)
	}
}

// BenchmarkBlobAccessShared14000 measures one access check of a blob
// shared by 14,000 components, for an officer who may read it and one of
// the other center, with 14,000 dossiers of its own (the issue measured
// 51.6 s):
//
//	go test ./store -run '^$' -bench BlobAccessShared
func BenchmarkBlobAccessShared14000(b *testing.B) {
	db, center, other := sharedBlobDB(b, store.SQLite, 28000)
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		scope store.Scope
	}{{"allowed", store.Scope{Centers: []string{center}}}, {"refused", store.Scope{Centers: []string{other}}}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				db.BlobAccess(ctx, sharedBlob, 99, bc.scope)
			}
		})
	}
}
