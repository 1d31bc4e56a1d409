package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"motcua/store"
	"motcua/store/storetest"
)

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
