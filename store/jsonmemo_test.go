package store

import (
	"encoding/json"
	"testing"

	"motcua/dossier"
)

const memoText = `[{"code":"DON","name":"Đơn đề nghị cấp giấy phép xây dựng","required":true},` +
	`{"code":"BV","name":"Bản vẽ thiết kế xây dựng","required":true},{"code":"GCN","name":"Giấy chứng nhận quyền sử dụng đất","required":false}]`

// TestJSONMemoCopies: every caller gets its own copy of a remembered
// decoding, so a change by one is not seen by the next; another text is
// decoded on its own; null and [] keep their difference.
func TestJSONMemoCopies(t *testing.T) {
	var c jsonMemo[dossier.Component]
	a, err := c.decode(memoText)
	if err != nil || len(a) != 3 || a[1].Code != "BV" {
		t.Fatalf("decode = %+v, %v", a, err)
	}
	a[1].Code = "XX"
	b, _ := c.decode(memoText)
	if b[1].Code != "BV" {
		t.Errorf("second decode sees the first caller's change: %+v", b)
	}
	if o, _ := c.decode(`[{"code":"K"}]`); len(o) != 1 || o[0].Code != "K" {
		t.Errorf("other text = %+v", o)
	}
	if n, _ := c.decode(`null`); n != nil {
		t.Errorf("null = %#v; want nil", n)
	}
	if e, _ := c.decode(`[]`); e == nil || len(e) != 0 {
		t.Errorf("[] = %#v; want empty, not nil", e)
	}
	if _, err := c.decode(`[{`); err == nil {
		t.Error("broken JSON decoded without error")
	}
}

// BenchmarkProcedureComponentsJSON: decoding a procedure's components
// each time (as every read of a procedure did) and through the memo.
func BenchmarkProcedureComponentsJSON(b *testing.B) {
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []dossier.Component
			if err := json.Unmarshal([]byte(memoText), &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memo", func(b *testing.B) {
		var c jsonMemo[dossier.Component]
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.decode(memoText); err != nil {
				b.Fatal(err)
			}
		}
	})
}
