package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/dvcqg"
	"motcua/internal/benchtest"
	"motcua/internal/clocktest"
	"motcua/internal/testfile"
)

// TestOutboxNoLossAcrossKill9 (issue 18 figure): the server pushes every
// dossier event to a fake national portal on 127.0.0.1 that answers
// slowly, and is killed with SIGKILL ten times while it delivers. At the
// end every portal message the database holds has reached the portal
// (lost = 0); repeats carry the same idempotency key and are counted by
// the receiver.
func TestOutboxNoLossAcrossKill9(t *testing.T) {
	bin := binaryUnlessShort(t)
	rounds := crashRounds(10)
	fake := dvcqg.NewFake()
	fake.SetSlow(15 * time.Millisecond)
	portal := httptest.NewServer(fake)
	defer portal.Close()
	data := t.TempDir()
	env := append(os.Environ(), "MOTCUA_DVCQG_URL="+portal.URL, "MOTCUA_AUDIT_ANCHOR_EVERY=0")
	srv, _ := startServerEnv(t, bin, data, env, "--demo")
	var acked atomic.Int64
	var codesMu sync.Mutex
	var codes []string
	for round := range rounds {
		rec := srv.login("reception", "demo")
		b := srv.upload(rec, testfile.PDF("outbox"))
		body := receiveBody(b)
		stop := benchtest.Flood(4, func(int) bool {
			if st, m := srv.do("POST", "/api/v1/dossiers", rec, "", "application/json", body); st == 201 {
				acked.Add(1)
				codesMu.Lock()
				codes = append(codes, m["code"].(string))
				codesMu.Unlock()
			}
			return true
		})
		time.Sleep(time.Duration(300+round*71%400) * time.Millisecond)
		srv.kill()
		stop()
		srv, _ = startServerEnv(t, bin, data, env, "--demo")
	}
	// Let the last instance deliver everything (claims of the killed
	// processes come back when their lease ends: 60 s).
	var pending int
	deadline := clocktest.Now().Add(150 * time.Second)
	for {
		pending = countPortalPending(t, data)
		if pending == 0 || clocktest.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Second)
	}
	srv.stop()
	keys := portalKeys(t, data)
	got := map[string]bool{}
	for _, k := range fake.Keys() {
		got[k] = true
	}
	lost := 0
	for _, k := range keys {
		if !got[k] {
			lost++
		}
	}
	missing := 0
	for _, c := range codes {
		if _, ok := fake.Record(c); !ok {
			missing++
		}
	}
	accepted, dups, ooo := fake.Stats()
	t.Logf("%d kill -9 rounds: %d dossiers acknowledged, %d portal messages in the database, %d accepted by the portal, %d lost, %d duplicates dropped by the receiver, %d out of order",
		rounds, acked.Load(), len(keys), accepted, lost, dups, ooo)
	if pending != 0 || lost != 0 || missing != 0 || len(keys) < int(acked.Load()) {
		t.Errorf("pending %d, lost %d, acknowledged dossiers missing at the portal %d (messages %d for %d dossiers)", pending, lost, missing, len(keys), acked.Load())
	}
	if ooo != 0 {
		t.Errorf("%d messages out of order", ooo)
	}
}

// portalQuery runs one query on the data folder's database (beside the
// running server: SQLite in WAL mode).
func portalQuery(t *testing.T, data, q string) []string {
	t.Helper()
	c, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.Data = data
	db, err := openStore(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func countPortalPending(t *testing.T, data string) int {
	r := portalQuery(t, data, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox_deliveries WHERE destination = 'dvcqg' AND status <> 'sent'`)
	n, _ := strconv.Atoi(strings.TrimSpace(strings.Join(r, "")))
	return n
}

func portalKeys(t *testing.T, data string) []string {
	return portalQuery(t, data, `SELECT idem_key FROM outbox_deliveries WHERE destination = 'dvcqg' ORDER BY id`)
}
