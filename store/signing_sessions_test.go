package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/store/storetest"
)

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
