package workflow

import (
	"bytes"
	"context"
	"testing"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/store/storetest"
)

// FuzzParseImportLine: one line of a history file (contract §6, JSON
// lines) either parses into a dossier with its history or is refused with
// field errors on that line; it never panics.
func FuzzParseImportLine(f *testing.F) {
	for _, s := range []string{
		`{"code":"IMP-1","procedure_code":"2.001610","channel":"online","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2026-11-03T08:00:00+07:00","due_at":"2026-11-06T17:00:00+07:00","status":"returned","finished_at":"2026-11-05T10:00:00+07:00"}`,
		`{"code":"IMP-3","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Phạm Thị Dung","id_number":"027190005680"},"received_at":"2026-11-02T14:00:00+07:00","due_at":"2026-11-05T17:00:00+07:00","status":"refused","finished_at":"2026-11-06T08:00:00+07:00","events":[{"action":"receive","at":"2026-11-02T14:00:00+07:00","actor":"Cán bộ cũ"},{"action":"refuse","at":"2026-11-06T08:00:00+07:00","actor":"Lãnh đạo cũ","note":"x"}]}`,
		`{"code":"X","status":"submitted","received_at":null}`,
		`{"code":1}`, `[]`, `{"events":[{"at":"yesterday"}]}`,
	} {
		f.Add([]byte(s))
	}
	procs := map[string]*store.CatalogEntry{"2.001610": {Code: "2.001610", Name: "Đăng ký doanh nghiệp tư nhân", Agency: "BN.SKHDT",
		Center: "BN.TTHCC", Level: "province", ProcessingDay: 3}}
	s, err := New(storetest.Open(f, store.SQLite), nil, Ports{}, nil, Config{Now: clocktest.Now})
	if err != nil {
		f.Fatal(err)
	}
	sched, err := s.db.RuleSetSchedule(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, _, errs := s.parseImportLine(bytes.TrimSpace(b), 7, procs, sched)
		if (x == nil) == (len(errs) == 0) {
			t.Fatalf("parseImportLine(%q) = %v with %d errors: exactly one of them", b, x, len(errs))
		}
		for _, e := range errs {
			if e.Line != 7 || e.Field == "" || e.Message == "" {
				t.Errorf("field error %+v: want line 7, a field and a message", e)
			}
		}
		if x != nil && (x.D.Code == "" || !x.D.Status.Valid() || x.D.Status == dossier.Status("")) {
			t.Errorf("accepted dossier %+v", x.D)
		}
	})
}
