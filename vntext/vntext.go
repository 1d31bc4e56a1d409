// Package vntext normalises, folds and orders Vietnamese text.
//
// Every string that enters motcua from a user, a file or a request goes
// through NFC here, so that equality, unique keys, search and PDF rendering
// see one spelling of each letter. Fold gives the diacritic-insensitive form
// used for search ("giay phep" finds "Giấy phép"; đ folds to d), and SortKey
// gives a byte key that orders names the Vietnamese way (A Ă Â … Đ …) in any
// database that compares bytes.
package vntext

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C with surrounding spaces
// trimmed.
func NFC(s string) string {
	s = strings.TrimSpace(s)
	if norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// Fold returns s lower-cased, without diacritics and with đ/Đ mapped to d,
// with runs of white space collapsed to one space. Fold is idempotent.
func Fold(s string) string {
	// Invalid UTF-8 first becomes U+FFFD: NFD does not decompose a mark
	// that follows a stray byte, and the next Fold would (found by FuzzFold).
	d := norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), " ")
}

// collators are not safe for concurrent use; a pool keeps SortKey cheap.
type keyer struct{ pool sync.Pool }

func newKeyer() *keyer {
	return &keyer{pool: sync.Pool{New: func() any {
		return collate.New(language.Vietnamese)
	}}}
}

// Sorter produces Vietnamese collation keys. The zero value is not usable;
// create one with NewSorter. A Sorter is safe for concurrent use.
type Sorter struct{ k *keyer }

// NewSorter returns a Sorter for Vietnamese.
func NewSorter() *Sorter { return &Sorter{k: newKeyer()} }

// Key returns a byte string whose byte order is the Vietnamese order of s
// (case and accents are secondary/tertiary differences).
func (s *Sorter) Key(str string) []byte {
	c := s.k.pool.Get().(*collate.Collator)
	defer s.k.pool.Put(c)
	var buf collate.Buffer
	k := c.KeyFromString(&buf, NFC(str))
	out := make([]byte, len(k))
	copy(out, k)
	return out
}

// Compare reports the Vietnamese order of a and b (-1, 0, +1).
func (s *Sorter) Compare(a, b string) int {
	c := s.k.pool.Get().(*collate.Collator)
	defer s.k.pool.Put(c)
	return c.CompareString(NFC(a), NFC(b))
}
