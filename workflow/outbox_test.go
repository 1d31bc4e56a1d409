package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// sink is a destination that records what it is handed and fails on
// demand.
type sink struct {
	mu    sync.Mutex
	got   []workflow.Delivery
	fail  func(m workflow.Delivery) error
	delay time.Duration
}

func (s *sink) Deliver(ctx context.Context, m workflow.Delivery) error {
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		if err := s.fail(m); err != nil {
			return err
		}
	}
	s.got = append(s.got, m)
	return nil
}

func (s *sink) delivered() []workflow.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]workflow.Delivery(nil), s.got...)
}

// routeTest sends the topics test.* to a destination, ordered by the
// payload's code.
func routeTest(topic string, payload []byte) (string, bool) {
	if len(topic) < 5 || topic[:5] != "test." {
		return "", false
	}
	var p struct{ Code string }
	json.Unmarshal(payload, &p)
	return p.Code, true
}

// outboxAt is a bare service (no demo data) with cfg on a fresh store of
// engine e, and its clock, set to start (cfg.Now is that clock).
func outboxAt(t *testing.T, e store.Engine, start time.Time, cfg workflow.Config) (*store.DB, *clock, *workflow.Service) {
	t.Helper()
	c := &clock{}
	c.Set(start)
	cfg.Now = c.Now
	db, svc := stacktest.Service(t, e, workflow.Ports{}, cfg)
	return db, c, svc
}

// newOutbox is outboxAt on Thursday 26 November 2026, 09:00 in Bắc Ninh,
// with the default configuration.
func newOutbox(t *testing.T, e store.Engine) (*store.DB, *clock, *workflow.Service) {
	t.Helper()
	return outboxAt(t, e, time.Date(2026, 11, 26, 9, 0, 0, 0, ict), workflow.Config{})
}

// emit writes one event in its own transaction.
func emit(t testing.TB, db *store.DB, now time.Time, code string, seq int) {
	t.Helper()
	err := db.InTx(context.Background(), now, func(tx *store.Tx) error {
		return tx.Outbox("test.status", map[string]any{"code": code, "seq": seq})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func seqOf(m workflow.Delivery) int {
	var p struct{ Seq int }
	json.Unmarshal([]byte(m.Payload), &p)
	return p.Seq
}

func TestOutboxDeliveryWrittenWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		db, c, svc := newOutbox(t, e)
		dst := &sink{}
		svc.AddDestination("portal", dst, routeTest, workflow.DestinationOptions{})
		// A transaction that fails after writing its event leaves no delivery.
		boom := errors.New("boom")
		err := db.InTx(ctx, c.Now(), func(tx *store.Tx) error {
			if err := tx.Outbox("test.status", map[string]any{"code": "A", "seq": 1}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v; want boom", err)
		}
		// Topics the route refuses get no delivery.
		if err := db.InTx(ctx, c.Now(), func(tx *store.Tx) error { return tx.Outbox("other.thing", map[string]any{}) }); err != nil {
			t.Fatal(err)
		}
		emit(t, db, c.Now(), "A", 2)
		n, err := svc.DeliverDue(ctx, 10)
		if err != nil || n != 1 {
			t.Fatalf("DeliverDue = %d, %v; want 1", n, err)
		}
		got := dst.delivered()
		if len(got) != 1 || seqOf(got[0]) != 2 || got[0].Topic != "test.status" {
			t.Fatalf("delivered %+v; want only the committed event (seq 2)", got)
		}
		if want := store.IdempotencyKey(got[0].EventID, "portal"); got[0].IdempotencyKey != want {
			t.Errorf("idempotency key %q; want %q", got[0].IdempotencyKey, want)
		}
		if n, _ := svc.DeliverDue(ctx, 10); n != 0 {
			t.Errorf("second round delivered %d; want 0 (marked sent)", n)
		}
	})
}

func TestOutboxBackoffDeadLetterAndRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		db, c, svc := newOutbox(t, e)
		down := true
		var keys []string
		dst := &sink{fail: func(m workflow.Delivery) error {
			keys = append(keys, m.IdempotencyKey)
			if down {
				return errors.New("receiver down")
			}
			return nil
		}}
		svc.AddDestination("portal", dst, routeTest, workflow.DestinationOptions{MaxAttempts: 3, BaseDelay: 10 * time.Second, MaxDelay: time.Minute})
		emit(t, db, c.Now(), "A", 1)
		if n, err := svc.DeliverDue(ctx, 10); n != 0 || err != nil {
			t.Fatalf("DeliverDue = %d, %v; want 0 (receiver down)", n, err)
		}
		// Not due again before its back-off (at least half of 10 s).
		c.Add(4 * time.Second)
		svc.DeliverDue(ctx, 10)
		if len(keys) != 1 {
			t.Fatalf("%d attempts 4 s after the first failure; want 1 (backing off)", len(keys))
		}
		list, err := svc.Outbox(ctx, outboxAdmin, workflow.DeliveryFilter{Status: "failing"})
		if err != nil || len(list.Items) != 1 || list.Items[0].Attempts != 1 || list.Items[0].LastError != "receiver down" {
			t.Fatalf("failing list = %+v, %v; want the delivery with 1 attempt and its error", list, err)
		}
		if next := list.Items[0].NextAt.Sub(c.Now().Add(-4 * time.Second)); next < 5*time.Second || next > 10*time.Second {
			t.Errorf("next attempt %v after the failure; want between 5 s and 10 s", next)
		}
		c.Add(7 * time.Second) // 11 s after the first: due
		svc.DeliverDue(ctx, 10)
		c.Add(21 * time.Second) // second back-off ≤ 20 s
		svc.DeliverDue(ctx, 10)
		if len(keys) != 3 {
			t.Fatalf("%d attempts; want 3", len(keys))
		}
		for _, k := range keys {
			if k != keys[0] {
				t.Errorf("idempotency keys differ between attempts: %q", keys)
			}
		}
		list, _ = svc.Outbox(ctx, outboxAdmin, workflow.DeliveryFilter{Status: "dead"})
		if len(list.Items) != 1 || list.Items[0].Status != store.DeliveryDead {
			t.Fatalf("dead list = %+v; want the delivery dead after 3 attempts", list.Items)
		}
		c.Add(time.Hour)
		if svc.DeliverDue(ctx, 10); len(keys) != 3 {
			t.Fatalf("a dead delivery was tried again (%d attempts)", len(keys))
		}
		// The admin retries it once the receiver is back.
		down = false
		if err := svc.RetryDelivery(ctx, outboxAdmin, list.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.DeliverDue(ctx, 10); n != 1 || err != nil {
			t.Fatalf("after retry DeliverDue = %d, %v; want 1", n, err)
		}
		if err := svc.RetryDelivery(ctx, outboxAdmin, list.Items[0].ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("retry of a sent delivery = %v; want not found", err)
		}
		if _, err := svc.Outbox(ctx, outboxOfficer, workflow.DeliveryFilter{}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("outbox listing for a non-admin = %v; want forbidden", err)
		}
	})
}

func TestOutboxPermanentErrorIsDeadAtOnce(t *testing.T) {
	ctx := context.Background()
	db, c, svc := newOutbox(t, store.SQLite)
	svc.AddDestination("portal", &sink{fail: func(workflow.Delivery) error {
		return workflow.Permanent(errors.New("400 bad request"))
	}}, routeTest, workflow.DestinationOptions{})
	emit(t, db, c.Now(), "A", 1)
	svc.DeliverDue(ctx, 10)
	list, _ := svc.Outbox(ctx, outboxAdmin, workflow.DeliveryFilter{Status: "dead"})
	if len(list.Items) != 1 || list.Items[0].Attempts != 1 {
		t.Fatalf("dead = %+v; want the delivery dead after its one attempt", list.Items)
	}
}

func TestOutboxKeepsOrderPerKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		db, c, svc := newOutbox(t, e)
		failFirstA := true
		dst := &sink{fail: func(m workflow.Delivery) error {
			if m.OrderKey == "A" && seqOf(m) == 1 && failFirstA {
				failFirstA = false
				return errors.New("timeout")
			}
			return nil
		}}
		svc.AddDestination("portal", dst, routeTest, workflow.DestinationOptions{BaseDelay: time.Minute})
		for i := 1; i <= 3; i++ {
			emit(t, db, c.Now(), "A", i)
			emit(t, db, c.Now(), "B", i)
		}
		for range 5 {
			svc.DeliverDue(ctx, 10)
		}
		// A's first update failed: A's later ones wait; B's went in order.
		var order []string
		for _, m := range dst.delivered() {
			order = append(order, fmt.Sprintf("%s%d", m.OrderKey, seqOf(m)))
		}
		if fmt.Sprint(order) != "[B1 B2 B3]" {
			t.Fatalf("delivered %v before A1's back-off ends; want [B1 B2 B3]", order)
		}
		c.Add(2 * time.Minute)
		for range 5 {
			svc.DeliverDue(ctx, 10)
		}
		order = order[:0]
		for _, m := range dst.delivered() {
			order = append(order, fmt.Sprintf("%s%d", m.OrderKey, seqOf(m)))
		}
		if fmt.Sprint(order) != "[B1 B2 B3 A1 A2 A3]" {
			t.Fatalf("delivered %v; want [B1 B2 B3 A1 A2 A3]", order)
		}
	})
}

func TestBackoffGrowsWithJitterUpToTheCeiling(t *testing.T) {
	lo := func(int64) int64 { return 0 }
	hi := func(n int64) int64 { return n - 1 }
	for _, tc := range []struct {
		attempt    int
		base, max  time.Duration
		minD, maxD time.Duration
	}{
		{1, 10 * time.Second, time.Hour, 5 * time.Second, 10 * time.Second},
		{2, 10 * time.Second, time.Hour, 10 * time.Second, 20 * time.Second},
		{4, 10 * time.Second, time.Hour, 40 * time.Second, 80 * time.Second},
		{30, 10 * time.Second, time.Hour, 30 * time.Minute, time.Hour},
	} {
		if got := workflow.Backoff(tc.attempt, tc.base, tc.max, lo); got != tc.minD {
			t.Errorf("Backoff(%d) lowest = %v; want %v", tc.attempt, got, tc.minD)
		}
		if got := workflow.Backoff(tc.attempt, tc.base, tc.max, hi); got != tc.maxD {
			t.Errorf("Backoff(%d) highest = %v; want %v", tc.attempt, got, tc.maxD)
		}
	}
}

// TestOutboxSeveralInstancesDeliverOnce runs three relays on one
// PostgreSQL database (FOR UPDATE SKIP LOCKED): every message reaches the
// receiver once, each dossier's in order.
func TestOutboxSeveralInstancesDeliverOnce(t *testing.T) {
	dsn := storetest.CreateDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &clock{}
	c.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, ict))
	var mu sync.Mutex
	seen := map[string]int{}
	last := map[string]int{}
	var disorder []string
	recv := workflow.DestinationFunc(func(ctx context.Context, m workflow.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		seen[m.IdempotencyKey]++
		if s := seqOf(m); s != last[m.OrderKey]+1 {
			disorder = append(disorder, fmt.Sprintf("%s: %d after %d", m.OrderKey, s, last[m.OrderKey]))
		} else {
			last[m.OrderKey] = s
		}
		return nil
	})
	const instances, dossiers, updates = 3, 20, 10
	var dbs []*store.DB
	var svcs []*workflow.Service
	for range instances {
		db := storetest.OpenWith(t, store.Options{DSN: dsn})
		svc := stacktest.Over(t, db, workflow.Ports{}, workflow.Config{Now: c.Now})
		svc.AddDestination("portal", recv, routeTest, workflow.DestinationOptions{})
		dbs, svcs = append(dbs, db), append(svcs, svc)
	}
	var relays sync.WaitGroup
	for _, svc := range svcs {
		relays.Add(1)
		go func() { defer relays.Done(); svc.RelayOutbox(ctx, 5*time.Millisecond) }()
	}
	var writers sync.WaitGroup
	for d := range dossiers {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for u := 1; u <= updates; u++ {
				emit(t, dbs[(d+u)%instances], c.Now(), fmt.Sprintf("D%02d", d), u)
			}
		}()
	}
	writers.Wait()
	for deadline := time.After(60 * time.Second); ; {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n == dossiers*updates {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("after 60 s %d of %d messages delivered", n, dossiers*updates)
		case <-time.After(20 * time.Millisecond):
		}
	}
	time.Sleep(50 * time.Millisecond) // more rounds of every relay
	cancel()
	relays.Wait()
	mu.Lock()
	defer mu.Unlock()
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times; want once", k, n)
		}
	}
	if len(disorder) > 0 {
		t.Errorf("out of order: %v", disorder)
	}
}

// Demo-less users for the authorization checks.
var (
	outboxAdmin   = &dossier.User{ID: 1, Username: "qt", Name: "Quản trị", Roles: []dossier.Role{dossier.RoleAdmin}}
	outboxOfficer = &dossier.User{ID: 2, Username: "tn", Name: "Tiếp nhận", Roles: []dossier.Role{dossier.RoleReception}}
)
