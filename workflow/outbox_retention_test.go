package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// october1 is 1 October 2026, 09:00 in Bắc Ninh.
var october1 = time.Date(2026, 10, 1, 9, 0, 0, 0, ict)

// Sent deliveries older than the retention go, with their event once no
// delivery of it is left; recent sent, pending, failing and dead ones stay,
// and the admins' listing still reads them (issue 18).
func TestOutboxRetentionPurgesOldSentDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		db, c, svc := outboxAt(t, e, october1, workflow.Config{OutboxRetention: 30 * 24 * time.Hour})
		fail := map[string]error{}
		portal := &sink{fail: func(m workflow.Delivery) error { return fail["portal:"+m.OrderKey] }}
		mail := &sink{fail: func(m workflow.Delivery) error { return fail["mail:"+m.OrderKey] }}
		svc.AddDestination("portal", portal, routeTest, workflow.DestinationOptions{MaxAttempts: 1})
		svc.AddDestination("mail", mail, routeTest, workflow.DestinationOptions{MaxAttempts: 5})

		// 1 October: A goes everywhere; B goes to mail but is dead at the
		// portal; C is sent to the portal but mail keeps failing.
		fail["portal:B"] = workflow.Permanent(errors.New("refused"))
		fail["mail:C"] = errors.New("mail down")
		emit(t, db, c.Now(), "A", 1)
		emit(t, db, c.Now(), "B", 2)
		emit(t, db, c.Now(), "C", 3)
		if _, err := svc.DeliverDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		// 25 October: D is sent everywhere (recent at the purge).
		c.Set(time.Date(2026, 10, 25, 9, 0, 0, 0, ict))
		emit(t, db, c.Now(), "D", 4)
		if _, err := svc.DeliverDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		// 26 October: E waits, never attempted.
		c.Set(time.Date(2026, 10, 26, 9, 0, 0, 0, ict))
		emit(t, db, c.Now(), "E", 5)
		lastID, err := db.LastOutboxID(ctx)
		if err != nil {
			t.Fatal(err)
		}

		// 31 October 9:00 + 1 min: A, B (mail), C (portal) are 30 days old.
		c.Set(time.Date(2026, 10, 31, 9, 1, 0, 0, ict))
		n, ran, err := svc.PurgeOutbox(ctx)
		if err != nil || !ran || n != 4 {
			t.Fatalf("PurgeOutbox = %d, %v, %v; want 4 (A×2, B mail, C portal)", n, ran, err)
		}
		if n, _, err := svc.PurgeOutbox(ctx); err != nil || n != 0 {
			t.Fatalf("second PurgeOutbox = %d, %v; want 0", n, err)
		}
		left := map[string]string{}
		for _, st := range []string{"sent", "pending", "dead"} {
			v, err := svc.Outbox(ctx, outboxAdmin, workflow.DeliveryFilter{Status: st})
			if err != nil {
				t.Fatalf("listing %s: %v", st, err)
			}
			for _, d := range v.Items {
				left[d.Destination+":"+d.OrderKey] = d.Status
			}
		}
		want := map[string]string{
			"portal:B": "dead", "mail:C": "pending", // never purged, however old
			"portal:D": "sent", "mail:D": "sent", // sent 6 days ago
			"portal:E": "pending", "mail:E": "pending",
		}
		if len(left) != len(want) {
			t.Errorf("deliveries left %v; want %v", left, want)
		}
		for k, st := range want {
			if left[k] != st {
				t.Errorf("delivery %s is %q; want %q (left: %v)", k, left[k], st, left)
			}
		}
		v, err := svc.Outbox(ctx, outboxAdmin, workflow.DeliveryFilter{})
		if err != nil || len(v.Items) != 4 {
			t.Fatalf("default listing = %+v, %v; want the 4 unsent deliveries", v, err)
		}
		var sent int
		for _, c := range v.Counts {
			sent += c.Sent
		}
		if sent != 2 {
			t.Errorf("counts %+v: %d sent; want 2", v.Counts, sent)
		}
		// Events: A's is gone (no delivery left); B's and C's stay with
		// their unsent delivery, D's and E's are recent.
		evs, err := db.OutboxAfter(ctx, []string{"test.status"}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, ev := range evs {
			codes = append(codes, ev.Payload)
		}
		if len(evs) != 4 || evs[len(evs)-1].ID != lastID {
			t.Errorf("events left %q; want B, C, D, E", codes)
		}
		for _, ev := range evs {
			if seq := seqOf(workflow.Delivery{Payload: ev.Payload}); seq == 1 {
				t.Errorf("event of A (all deliveries purged) is still there: %s", ev.Payload)
			}
		}
		// C is delivered by mail at last: once old, its event goes too.
		delete(fail, "mail:C")
		c.Add(time.Hour)
		if n, err := svc.DeliverDue(ctx, 100); err != nil || n != 3 {
			t.Fatalf("DeliverDue = %d, %v; want 3 (C mail, E×2)", n, err)
		}
		c.Add(31 * 24 * time.Hour)
		if n, _, err := svc.PurgeOutbox(ctx); err != nil || n != 5 {
			t.Fatalf("late PurgeOutbox = %d, %v; want 5 (C, D×2, E×2)", n, err)
		}
		evs, _ = db.OutboxAfter(ctx, []string{"test.status"}, 0, 100)
		if len(evs) != 1 || seqOf(workflow.Delivery{Payload: evs[0].Payload}) != 2 {
			t.Errorf("events left %+v; want only B's (its portal delivery is dead)", evs)
		}
		if e == store.Postgres {
			// Another instance holds the purge: this one skips its round.
			release, ok, err := db.TryLock(ctx, "outbox-purge")
			if err != nil || !ok {
				t.Fatalf("TryLock = %v, %v", ok, err)
			}
			if _, ran, err := svc.PurgeOutbox(ctx); ran || err != nil {
				t.Errorf("PurgeOutbox while another instance purges: ran %v, %v; want skipped", ran, err)
			}
			release()
		}
	})
}

// Purges run in batches: more old deliveries than one batch all go.
func TestOutboxRetentionBatches(t *testing.T) {
	ctx := context.Background()
	db, c, svc := outboxAt(t, store.SQLite, october1, workflow.Config{}) // default retention: 30 days
	svc.AddDestination("portal", &sink{}, routeTest, workflow.DestinationOptions{})
	for i := range 1203 {
		emit(t, db, c.Now(), "K", i)
	}
	for {
		if n, err := svc.DeliverDue(ctx, 500); err != nil || n == 0 {
			break
		}
	}
	c.Add(30*24*time.Hour - time.Minute)
	if n, _, err := svc.PurgeOutbox(ctx); err != nil || n != 0 {
		t.Fatalf("PurgeOutbox before 30 days = %d, %v; want 0", n, err)
	}
	c.Add(2 * time.Minute)
	if n, _, err := svc.PurgeOutbox(ctx); err != nil || n != 1203 {
		t.Fatalf("PurgeOutbox = %d, %v; want 1203", n, err)
	}
	if id, err := db.LastOutboxID(ctx); err != nil || id != 0 {
		t.Errorf("LastOutboxID = %d, %v; want 0 (every event purged)", id, err)
	}
}
