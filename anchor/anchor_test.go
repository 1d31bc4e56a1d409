package anchor_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/anchor"
	"motcua/internal/clocktest"
	"motcua/sign"
)

// TestAnchorsSignStampAndVerify: anchors signed by a seal and stamped by
// a TSA verify; the file is a chain of lines; a chain whose hashes differ
// from the anchored ones names its first differing entry; a deleted line
// of the file breaks the link.
func TestAnchorsSignStampAndVerify(t *testing.T) {
	ctx := context.Background()
	now := clocktest.Now()
	pki, err := sign.NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := pki.IssueOrganization("Nhật ký hệ thống motcua")
	if err != nil {
		t.Fatal(err)
	}
	tsa, err := sign.NewDemoTSA(pki, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	chain := map[int64]string{}
	for i := int64(1); i <= 9; i++ {
		chain[i] = strings.Repeat(string(rune('a'+i)), 64)
	}
	hashAt := func(seq int64) (string, bool, error) { h, ok := chain[seq]; return h, ok, nil }
	path := filepath.Join(t.TempDir(), anchor.FileName)
	var prev []byte
	for _, r := range [][2]int64{{1, 4}, {5, 9}} {
		var hs []string
		for s := r[0]; s <= r[1]; s++ {
			hs = append(hs, chain[s])
		}
		l := anchor.New(prev, r[0], hs, now)
		if err := l.Sign(ctx, id, tsa.Client()); err != nil {
			t.Fatal(err)
		}
		prev = l.Marshal()
		if err := anchor.Append(path, prev); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := anchor.ReadFile(path)
	if err != nil || len(lines) != 2 {
		t.Fatalf("ReadFile = %d lines, %v", len(lines), err)
	}
	rep, err := anchor.Verify(lines, true, pki.RootPool(), hashAt)
	if err != nil || len(rep.Problems) != 0 || rep.Signed != 2 || rep.Stamped != 2 || rep.Last.Seq != 9 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	chain[6] = strings.Repeat("f", 64) // entry 6 rewritten
	rep, _ = anchor.Verify(lines, true, pki.RootPool(), hashAt)
	if p := rep.FirstBad(); p == nil || p.Seq != 6 {
		t.Errorf("rewritten entry 6: first bad = %+v", p)
	}
	rep, _ = anchor.Verify(lines[1:], true, pki.RootPool(), hashAt)
	if len(rep.Problems) == 0 || !strings.Contains(rep.Problems[0].Reason, "không nối tiếp") {
		t.Errorf("first line removed: %+v", rep.Problems)
	}
	other, _ := sign.NewDemoPKI(now)
	rep, _ = anchor.Verify(lines, true, other.RootPool(), hashAt)
	if rep.Signed != 0 {
		t.Errorf("anchors signed under another CA were trusted: %+v", rep)
	}
}
