package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/anchor"
	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
)

// motcuaRun runs one command in-process and returns its exit status and
// output.
func motcuaRun(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	return code, out.String() + errb.String()
}

// rewriteChain edits entry 1 of the audit log and recomputes every hash
// after it, as someone with write access to the database would.
func rewriteChain(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().Query(`SELECT seq, at, actor, action, object_type, object_id, summary, covers FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var es []dossier.AuditEntry
	for rows.Next() {
		var e dossier.AuditEntry
		var at int64
		rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Summary, &e.Covers)
		e.At = timeMS(at)
		es = append(es, e)
	}
	rows.Close()
	es[0].Actor = "kẻ giả mạo"
	prev := ""
	for _, e := range es {
		e.PrevHash = prev
		e.Hash = store.ChainHash(prev, &e)
		if _, err := db.SQL().Exec(`UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4`, e.Actor, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if _, err := db.SQL().Exec(`UPDATE audit_head SET hash = $1`, prev); err != nil {
		t.Fatal(err)
	}
}

// TestAuditAnchors: anchors made by `motcua audit anchor` are signed by
// the audit seal and kept in DATA/audit-anchors.jsonl and the database;
// `motcua audit verify` passes on the untouched data, and names entry 1
// when the chain is rewritten from its first entry (which the chain alone
// cannot see), and reports an edited anchors file (issue 16, item 13).
func TestAuditAnchors(t *testing.T) {
	data := t.TempDir()
	if code, out := motcuaRun(t, "", "migrate", "--data", data); code != 0 {
		t.Fatalf("migrate: %s", out)
	}
	for _, u := range []string{"canbo1", "canbo2", "canbo3"} {
		if code, out := motcuaRun(t, "mật-khẩu-đủ-dài-123\n", "user", "add", "--username", u, "--password-stdin", "--role", "reception", "--data", data); code != 0 {
			t.Fatalf("user add: %s", out)
		}
	}
	if code, out := motcuaRun(t, "", "audit", "anchor", "--demo", "--data", data); code != 0 || !strings.Contains(out, "Đã neo nhật ký đến mục") {
		t.Fatalf("audit anchor = %d: %s", code, out)
	}
	if code, out := motcuaRun(t, "", "audit", "anchor", "--demo", "--data", data); code != 0 || !strings.Contains(out, "Không có mục nhật ký mới") {
		t.Errorf("second anchor = %d: %s", code, out)
	}
	code, out := motcuaRun(t, "", "audit", "verify", "--demo", "--data", data)
	if code != 0 || !strings.Contains(out, "Nhật ký toàn vẹn") || !strings.Contains(out, "1 có chữ ký hợp lệ") {
		t.Fatalf("verify untouched = %d: %s", code, out)
	}
	// Without the demo CA the seal is not trusted: verify says so.
	if code, out := motcuaRun(t, "", "audit", "verify", "--data", data); code != 1 || !strings.Contains(out, "mốc neo") {
		t.Errorf("verify without trust roots = %d: %s", code, out)
	}

	path := filepath.Join(data, anchor.FileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(orig, []byte(`"from":1`), []byte(`"from":1 `), 1)
	edited = bytes.Replace(edited, []byte(`"at":"`), []byte(`"at":"1`), 1)
	os.WriteFile(path, edited, 0o640)
	if code, out := motcuaRun(t, "", "audit", "verify", "--demo", "--data", data); code != 1 || !strings.Contains(out, "mốc neo") {
		t.Errorf("verify with an edited anchors file = %d: %s", code, out)
	}
	os.WriteFile(path, orig, 0o640)

	rewriteChain(t, data)
	code, out = motcuaRun(t, "", "audit", "verify", "--demo", "--data", data)
	t.Logf("after a rewrite: %s", out)
	if code != 1 || !strings.Contains(out, "mục đầu tiên bị sai là số 1 ") {
		t.Errorf("verify after a rewrite from entry 1 = %d: %s", code, out)
	}
}

func timeMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// TestAuditAnchorsSeveralInstances: instances sharing one PostgreSQL
// database and one data folder anchor at the same moment (every instance
// makes an anchor when it stops); the anchors file stays one chain with
// no range anchored twice, and `motcua audit verify` passes (the HA drill
// found three copies of the same anchor, breaking the file's links).
func TestAuditAnchorsSeveralInstances(t *testing.T) {
	dsn := storetest.CreateDatabase(t) // skips without PostgreSQL
	data := t.TempDir()
	if code, out := motcuaRun(t, "", "migrate", "--db", dsn, "--data", data); code != 0 {
		t.Fatalf("migrate: %s", out)
	}
	// The first anchor creates the demo keys of the shared folder (the
	// empty chain has nothing to anchor yet).
	if code, out := motcuaRun(t, "", "audit", "anchor", "--demo", "--db", dsn, "--data", data); code != 0 {
		t.Fatalf("first anchor = %d: %s", code, out)
	}
	total := 0
	for round := range 3 {
		u := fmt.Sprintf("canbo%d", round)
		if code, out := motcuaRun(t, "mật-khẩu-đủ-dài-123\n", "user", "add", "--username", u, "--password-stdin", "--role", "reception", "--db", dsn, "--data", data); code != 0 {
			t.Fatalf("user add: %s", out)
		}
		var wg sync.WaitGroup
		outs := make([]string, 4)
		codes := make([]int, 4)
		for i := range outs {
			wg.Go(func() {
				codes[i], outs[i] = motcuaRun(t, "", "audit", "anchor", "--demo", "--db", dsn, "--data", data)
			})
		}
		wg.Wait()
		made := 0
		for i, out := range outs {
			if codes[i] != 0 {
				t.Fatalf("round %d, instance %d: anchor = %d: %s", round, i, codes[i], out)
			}
			if strings.Contains(out, "Đã neo nhật ký") {
				made++
			}
		}
		total += made
		if made != 1 {
			t.Errorf("round %d: %d instances made an anchor of the same entries, want exactly 1: %q", round, made, outs)
		}
	}
	lines, err := anchor.ReadFile(filepath.Join(data, anchor.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != total || total < 3 {
		t.Errorf("anchors file has %d lines, %d anchors were made in 3 rounds", len(lines), total)
	}
	if code, out := motcuaRun(t, "", "audit", "verify", "--demo", "--db", dsn, "--data", data); code != 0 || !strings.Contains(out, "Nhật ký toàn vẹn") {
		t.Fatalf("verify = %d: %s", code, out)
	}
}
