package pdf

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
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
