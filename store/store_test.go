package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/store/storetest"
)

// at is the instant the tests' use cases run at (the store has no clock).
var at = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func TestCatalogRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		days := 15
		err := db.InTx(ctx, at, func(tx *store.Tx) error {
			for _, a := range []dossier.Agency{
				{Code: "BN", Name: "Ủy ban nhân dân tỉnh Bắc Ninh", Level: dossier.LevelProvince},
				{Code: "BN.SXD", Name: "Sở Xây dựng", Level: dossier.LevelProvince, ParentCode: "BN"},
				{Code: "BN.STP", Name: "Sở Tư pháp", Level: dossier.LevelProvince, ParentCode: "BN"},
				{Code: "BN.SDL", Name: "Sở Du lịch", Level: dossier.LevelProvince, ParentCode: "BN"},
			} {
				if err := tx.UpsertAgency(&a); err != nil {
					return err
				}
			}
			return tx.UpsertProcedure(&dossier.Procedure{Code: "1.009972", Name: "Cấp giấy phép xây dựng", AgencyCode: "BN.SXD",
				Level: dossier.LevelProvince, ProcessingDays: &days, FiveOnSpot: true, OnlineLevel: dossier.OnlinePartial,
				Fee: 150000, ResultTypeCode: "GPXD", Components: []dossier.Component{{Code: "DON", Name: "Đơn đề nghị", Required: true}},
				FiveOnSpotDecree: &dossier.FiveOnSpotDesignation{Decision: "299/QĐ-UBND", DecisionDate: "2021-03-01", EffectiveFrom: "2021-04-01"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		ps, _, err := db.Procedures(ctx, store.ProcedureFilter{Query: "giay phep"})
		if err != nil || len(ps) != 1 {
			t.Fatalf("Procedures(giay phep) = %v, %v; want 1", ps, err)
		}
		p := ps[0]
		if *p.ProcessingDays != 15 || !p.FiveOnSpot || p.Components[0].Code != "DON" || p.FiveOnSpotDecree.Decision != "299/QĐ-UBND" {
			t.Errorf("round trip: %+v", p)
		}
		if p.FiveOnSpotAt("2021-03-31") || !p.FiveOnSpotAt("2021-04-01") {
			t.Errorf("FiveOnSpotAt effective date not honoured")
		}
		// Paging by code: 4 agencies, pages of 3.
		page1, next, err := db.Agencies(ctx, store.AgencyFilter{Limit: 3})
		if err != nil || len(page1) != 3 || next == "" {
			t.Fatalf("page1 = %d items, next %q, %v", len(page1), next, err)
		}
		page2, next2, err := db.Agencies(ctx, store.AgencyFilter{Limit: 3, Cursor: next})
		if err != nil || len(page2) != 1 || next2 != "" {
			t.Fatalf("page2 = %d items, next %q, %v", len(page2), next2, err)
		}
		byName, _, err := db.Procedures(ctx, store.ProcedureFilter{ByName: true})
		if err != nil || len(byName) != 1 {
			t.Fatal(err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		for i := 0; i < 20; i++ {
			if err := db.InTx(ctx, at, func(tx *store.Tx) error {
				return tx.Audit("admin", "update", "procedure", "1.0000", `{"fee":[1,2]}`)
			}); err != nil {
				t.Fatal(err)
			}
		}
		n, prob, err := db.VerifyAudit(ctx)
		if err != nil || prob != nil || n != 20 {
			t.Fatalf("VerifyAudit = %d, %v, %v; want 20 intact", n, prob, err)
		}
		tamper := []struct {
			name string
			sql  string
			want int64
		}{
			{"altered", `UPDATE audit_log SET summary = 'x' WHERE seq = 7`, 7},
			{"removed", `DELETE FROM audit_log WHERE seq = 5`, 5},
			{"truncated", `DELETE FROM audit_log WHERE seq = 20`, 20},
		}
		for _, tc := range tamper {
			t.Run(tc.name, func(t *testing.T) {
				db := storetest.Open(t, e)
				for i := 0; i < 20; i++ {
					db.InTx(ctx, at, func(tx *store.Tx) error { return tx.Audit("a", "b", "c", "d", "e") })
				}
				if _, err := db.SQL().Exec(tc.sql); err != nil {
					t.Fatal(err)
				}
				_, prob, err := db.VerifyAudit(ctx)
				if err != nil || prob == nil || prob.Seq != tc.want {
					t.Errorf("VerifyAudit after %s = %+v, %v; want first bad %d", tc.name, prob, err, tc.want)
				}
			})
		}
	})
}

// TestCloseFailsPendingWrites: use cases queued when the database closes
// get an error instead of waiting forever.
func TestCloseFailsPendingWrites(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	started := make(chan struct{})
	release := make(chan struct{})
	go db.InTx(ctx, at, func(tx *store.Tx) error { close(started); <-release; return nil })
	<-started
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		go func() {
			errs <- db.InTx(ctx, at, func(tx *store.Tx) error { return tx.Audit("a", "b", "c", "d", "e") })
		}()
	}
	time.Sleep(50 * time.Millisecond)
	go func() { time.Sleep(20 * time.Millisecond); close(release) }()
	db.Close()
	for i := 0; i < 10; i++ {
		select {
		case <-errs:
		case <-time.After(5 * time.Second):
			t.Fatal("a queued write still waits after Close")
		}
	}
}

// TestDeliveriesWrittenAndMarkedTogether: an event's routes are written
// as one delivery each (a repeated route once), and marking a round sent
// marks exactly the ids given — more than one chunk of them, the last
// chunk partial — and leaves the others pending.
func TestDeliveriesWrittenAndMarkedTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Engine) {
		db := storetest.Open(t, engine)
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		routes := []store.OutboxRoute{{Destination: "a", Key: "k"}, {Destination: "b"}, {Destination: "c", Key: "k"}, {Destination: "a", Key: "k"}}
		for i := range 5 {
			if err := db.InTx(ctx, now, func(tx *store.Tx) error {
				_, err := tx.Enqueue("t", fmt.Appendf(nil, `{"n":%d}`, i), routes)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		claimed, err := db.ClaimDeliveries(ctx, now, time.Minute, []string{"a", "b", "c"}, 100)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, d := range claimed {
			counts[d.Destination]++
			if d.IdempotencyKey != store.IdempotencyKey(d.EventID, d.Destination) {
				t.Errorf("delivery %d: idempotency key %q", d.ID, d.IdempotencyKey)
			}
		}
		// One per (event, destination); a claim holds one per order key
		// of a destination at a time, so "a" and "c" (keyed) give one each.
		if counts["b"] != 5 || counts["a"] != 1 || counts["c"] != 1 {
			t.Fatalf("claimed per destination = %v", counts)
		}
		all, err := db.Deliveries(ctx, store.DeliveryFilter{Limit: 100})
		if err != nil || len(all) != 15 {
			t.Fatalf("deliveries = %d, %v; want 15 (5 events × 3 destinations)", len(all), err)
		}
		var ids []int64
		for _, d := range all[:11] {
			ids = append(ids, d.ID)
		}
		if err := db.MarkDeliveredAll(ctx, ids, now); err != nil {
			t.Fatal(err)
		}
		pending, err := db.Deliveries(ctx, store.DeliveryFilter{Status: store.DeliveryPending, Limit: 100})
		if err != nil || len(pending) != 4 {
			t.Fatalf("pending after marking 11 of 15 = %d, %v", len(pending), err)
		}
		sent, err := db.Deliveries(ctx, store.DeliveryFilter{Status: store.DeliverySent, Limit: 100})
		if err != nil || len(sent) != 11 {
			t.Fatalf("sent = %d, %v; want 11", len(sent), err)
		}
		for _, d := range sent {
			if d.Attempts != 1 {
				t.Errorf("delivery %d: attempts = %d; want 1 (a padded id is counted once)", d.ID, d.Attempts)
			}
		}
	})
}

// TestSigningSessions: a stored signing session is read back whole, one
// completion at a time claims it (a lost completion's claim runs out),
// a new session replaces the officer's earlier one for the same dossier
// and action, and expired sessions are purged.
func TestSigningSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		now := clocktest.Now().UTC().Truncate(time.Millisecond)
		state := bytes.Repeat([]byte{0, 1, 0xff}, 100000) // binary, a few hundred kB like a prepared PDF
		rec := store.SigningSessionRecord{ID: "phien-1", UserID: 7, DossierCode: "000.00.01.H01-261126-0001", Action: "approve",
			CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute), Session: []byte(`{"session":{"id":"phien-1"}}`), State: state}
		if err := db.SaveSigningSession(ctx, now, rec); err != nil {
			t.Fatal(err)
		}
		got, err := db.SigningSession(ctx, "phien-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.UserID != 7 || got.DossierCode != rec.DossierCode || got.Action != "approve" || !got.ExpiresAt.Equal(rec.ExpiresAt) ||
			!got.CreatedAt.Equal(now) || string(got.Session) != string(rec.Session) || got.State != nil {
			t.Errorf("SigningSession = %+v", got)
		}
		if st, err := db.SigningSessionState(ctx, "phien-1"); err != nil || !bytes.Equal(st, state) {
			t.Errorf("SigningSessionState: %d bytes, %v; want the %d stored", len(st), err, len(state))
		}
		if _, err := db.SigningSession(ctx, "phien-khac"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("unknown session: %v", err)
		}

		// Claims.
		until := now.Add(2 * time.Minute)
		claim := func(at, until time.Time) bool {
			t.Helper()
			ok, err := db.ClaimSigningSession(ctx, "phien-1", at, until)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim(now, until) {
			t.Fatal("first claim refused")
		}
		if claim(now.Add(time.Second), now.Add(time.Second+2*time.Minute)) {
			t.Error("a second claim while the first holds")
		}
		if err := db.ReleaseSigningSession(ctx, "phien-1", until); err != nil {
			t.Fatal(err)
		}
		if !claim(now.Add(2*time.Second), until.Add(2*time.Second)) {
			t.Error("claim after release refused")
		}
		// The holder is lost: its claim runs out and is taken over; the
		// lost holder's late release does not free the new claim.
		taken := until.Add(time.Minute)
		if !claim(until.Add(3*time.Second), taken) {
			t.Error("an expired claim was not taken over")
		}
		if err := db.ReleaseSigningSession(ctx, "phien-1", until.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		if claim(until.Add(4*time.Second), taken.Add(time.Minute)) {
			t.Error("a stale release freed the current claim")
		}

		// One session per officer, dossier and action.
		rec2 := rec
		rec2.ID, rec2.State = "phien-2", []byte{1}
		if err := db.SaveSigningSession(ctx, now, rec2); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SigningSession(ctx, "phien-1"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("the replaced session is still there: %v", err)
		}
		// Expired sessions go when another is saved.
		rec3 := rec
		rec3.ID, rec3.UserID = "phien-3", 8
		later := rec2.ExpiresAt.Add(time.Millisecond)
		rec3.CreatedAt, rec3.ExpiresAt = later, later.Add(10*time.Minute)
		if err := db.SaveSigningSession(ctx, later, rec3); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SigningSession(ctx, "phien-2"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("the expired session was not purged: %v", err)
		}
		if err := db.DeleteSigningSession(ctx, "phien-3"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SigningSession(ctx, "phien-3"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("deleted session: %v", err)
		}
		if ok, err := db.ClaimSigningSession(ctx, "phien-3", later, later.Add(time.Minute)); ok || err != nil {
			t.Errorf("claim of a deleted session = %v, %v", ok, err)
		}
	})
}

// TestAuditChainAcrossABatch: the chain's head is kept per transaction
// (per writer batch on SQLite) and written once; use cases that write
// several entries, side by side with others that write entries and then
// fail (rolled back to their savepoint), still leave a chain that
// verifies, with exactly the committed entries.
func TestAuditChainAcrossABatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		started := make(chan struct{})
		release := make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.InTx(ctx, at, func(tx *store.Tx) error {
				close(started)
				<-release // the others queue meanwhile: one batch on SQLite
				return tx.Audit("a", "first", "c", "d", "e")
			})
		}()
		<-started
		const n = 16
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				errs <- db.InTx(ctx, at, func(tx *store.Tx) error {
					for k := 0; k < 3; k++ {
						if err := tx.Audit("a", "b", "c", fmt.Sprint(i), fmt.Sprint(k)); err != nil {
							return err
						}
					}
					if i%2 == 1 {
						return errors.New("refused after auditing")
					}
					return nil
				})
			}()
		}
		time.Sleep(50 * time.Millisecond) // not an assertion: lets the use cases queue
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		failed := 0
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				failed++
			}
		}
		if failed != n/2 {
			t.Fatalf("%d use cases failed; want %d", failed, n/2)
		}
		got, prob, err := db.VerifyAudit(ctx)
		if err != nil || prob != nil || got != 1+3*n/2 {
			t.Fatalf("VerifyAudit = %d, %+v, %v; want %d intact", got, prob, err, 1+3*n/2)
		}
		// The chain goes on from the head written by the batch.
		if err := db.InTx(ctx, at, func(tx *store.Tx) error { return tx.Audit("a", "after", "c", "d", "e") }); err != nil {
			t.Fatal(err)
		}
		if got, prob, err := db.VerifyAudit(ctx); err != nil || prob != nil || got != 2+3*n/2 {
			t.Fatalf("VerifyAudit after = %d, %+v, %v", got, prob, err)
		}
	})
}

// TestAgencyChain: an agency and its superiors, nearest first, in one
// statement; a cycle in the catalog ends at the depth bound; an unknown
// code is not found.
func TestAgencyChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		if err := db.InTx(ctx, at, func(tx *store.Tx) error {
			for _, a := range []dossier.Agency{
				{Code: "BN", Name: "Ủy ban nhân dân tỉnh Bắc Ninh", Level: dossier.LevelProvince},
				{Code: "BN.SXD", Name: "Sở Xây dựng", Level: dossier.LevelProvince, ParentCode: "BN"},
				{Code: "BN.SXD.P1", Name: "Phòng Quản lý xây dựng", Level: dossier.LevelProvince, ParentCode: "BN.SXD", Identifier: "000.01.01.H01"},
				{Code: "X", Name: "X", Level: dossier.LevelProvince, ParentCode: "Y"},
				{Code: "Y", Name: "Y", Level: dossier.LevelProvince, ParentCode: "X"},
				{Code: "Z", Name: "Z", Level: dossier.LevelProvince, ParentCode: "NONE"},
			} {
				if err := tx.UpsertAgency(&a); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		codes := func(as []dossier.Agency) []string {
			var out []string
			for _, a := range as {
				out = append(out, a.Code)
			}
			return out
		}
		chain, err := db.AgencyChain(ctx, "BN.SXD.P1")
		if got := codes(chain); err != nil || fmt.Sprint(got) != "[BN.SXD.P1 BN.SXD BN]" {
			t.Errorf("chain = %v, %v", got, err)
		}
		if err == nil && (chain[0].Identifier != "000.01.01.H01" || chain[1].Name != "Sở Xây dựng" || chain[0].Level != dossier.LevelProvince) {
			t.Errorf("chain fields = %+v", chain)
		}
		if chain, err := db.AgencyChain(ctx, "X"); err != nil || len(chain) != 9 || chain[1].Code != "Y" {
			t.Errorf("cycle = %v, %v; want 9 rows, bounded", codes(chain), err)
		}
		if chain, err := db.AgencyChain(ctx, "Z"); err != nil || len(chain) != 1 {
			t.Errorf("missing parent = %v, %v", codes(chain), err)
		}
		if _, err := db.AgencyChain(ctx, "NONE"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("unknown = %v; want ENOTFOUND", err)
		}
		err = db.InTx(ctx, at, func(tx *store.Tx) error {
			chain, err := tx.AgencyChain("BN.SXD")
			if got := codes(chain); err != nil || fmt.Sprint(got) != "[BN.SXD BN]" {
				t.Errorf("in tx = %v, %v", got, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
