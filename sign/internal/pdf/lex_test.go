package pdf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestReadHexString reads hex strings of every shape through the buffer
// (runs decoded at once, whitespace, upper and lower
// case, strings crossing the 4096-byte edge of the buffer) and compares
// them with a decoding done digit by digit. (motcua)
func TestReadHexString(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		data := make([]byte, rng.IntN(9000))
		for j := range data {
			data[j] = byte(rng.IntN(256))
		}
		digits := hex.EncodeToString(data)
		if i%2 == 1 {
			digits = strings.ToUpper(digits)
		}
		var body strings.Builder
		for j := 0; j < len(digits); j++ {
			if rng.IntN(50) == 0 {
				body.WriteString([]string{" ", "\n", "\r\n", "\t"}[rng.IntN(4)])
			}
			body.WriteByte(digits[j])
		}
		want := string(data)
		pad := strings.Repeat(" ", rng.IntN(4200))
		src := pad + "<" + body.String() + "> /Next"
		b := newBuffer(bytes.NewReader([]byte(src)), 0)
		b.allowEOF = true
		got := b.readToken()
		if s, ok := got.(string); !ok || s != want {
			t.Fatalf("case %d: read %d bytes, want %d (%T)", i, len(s), len(want), got)
		}
		if next := b.readToken(); next != name("Next") {
			t.Fatalf("case %d: token after the string = %v", i, next)
		}
	}
}

// TestReadHexStringMalformed: a character that is not a hex digit, or an
// odd number of digits (which this reader never accepted), still fails
// the read. (motcua)
func TestReadHexStringMalformed(t *testing.T) {
	for _, src := range []string{"<" + strings.Repeat("ab", 3000) + "zz>", "<" + strings.Repeat("ab", 3000) + "a>"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("no error for %q", src[len(src)-8:])
				}
			}()
			newBuffer(bytes.NewReader([]byte(src)), 0).readToken()
		}()
	}
}

// TestXrefTableEntries reads cross-reference sections whose entries are in
// the standard 20-byte form (read straight from the buffer), in other
// spacings (read token by token) or mixed, crossing the buffer's edge,
// and compares the table with the entries written. (motcua)
func TestXrefTableEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	eols := []string{" \n", "\r\n", " \r"}
	for c := range 60 {
		n := 1 + rng.IntN(700)
		type entry struct {
			off, gen int64
			used     bool
		}
		want := make([]entry, n)
		var src strings.Builder
		src.WriteString("0 " + strconv.Itoa(n) + "\n")
		for i := range want {
			e := entry{off: rng.Int64N(9_999_999_999), gen: rng.Int64N(3), used: i > 0 && rng.IntN(10) > 0}
			want[i] = e
			kind := "f"
			if e.used {
				kind = "n"
			}
			switch {
			case c%3 == 1 && rng.IntN(4) == 0: // loose spacing: token by token
				src.WriteString(strconv.FormatInt(e.off, 10) + "  " + strconv.FormatInt(e.gen, 10) + " " + kind + "\n")
			default:
				src.WriteString(fmt.Sprintf("%010d %05d %s%s", e.off, e.gen, kind, eols[rng.IntN(len(eols))]))
			}
		}
		src.WriteString("trailer\n<< /Size " + strconv.Itoa(n) + " >>\n")
		pad := strings.Repeat("\n", rng.IntN(4096))
		b := newBuffer(bytes.NewReader([]byte(pad+src.String()+"%%EOF\n")), 0)
		b.allowEOF = true
		table, err := readXrefTableData(b, nil, 1<<30)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		for i, e := range want {
			var got xref
			if i < len(table) {
				got = table[i]
			}
			if e.used && (got.offset != e.off || got.ptr != (objptr{uint32(i), uint16(e.gen)})) {
				t.Fatalf("case %d: entry %d = %+v, want %+v", c, i, got, e)
			}
			if !e.used && got.offset != 0 {
				t.Fatalf("case %d: free entry %d = %+v", c, i, got)
			}
		}
		if d, ok := b.readObject().(dict); !ok || d[name("Size")] != int64(n) {
			t.Fatalf("case %d: trailer = %v", c, d)
		}
	}
}
