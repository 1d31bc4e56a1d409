// Package anchor keeps signed checkpoints ("anchors") of the audit chain
// outside the database (issue 16, item 13). The chain alone can be
// rewritten from its first entry by whoever can write the database; an
// anchor, made every few minutes, holds the hashes of the entries since
// the previous one and the chain head, is signed by the server's seal
// (CAdES, package sign) and, when a timestamping authority is configured,
// stamped (RFC 3161), and is appended to a file of the data directory —
// each line carrying the SHA-256 of the line before it — as well as to
// the database. A rewritten, edited, removed or reordered entry no longer
// matches the anchored hashes, and the first one that differs is named.
package anchor

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"motcua/sign"
)

// FileName is the anchors file in the data directory.
const FileName = "audit-anchors.jsonl"

// Line is one anchor.
type Line struct {
	V      int       `json:"v"`
	From   int64     `json:"from"`   // the first entry whose hash is listed
	Seq    int64     `json:"seq"`    // the last one: the chain head when anchored
	Hash   string    `json:"hash"`   // its hash
	Hashes []string  `json:"hashes"` // hashes of entries From..Seq
	At     time.Time `json:"at"`
	Prev   string    `json:"prev"`          // SHA-256 of the previous line of the file; "" for the first
	Sig    []byte    `json:"sig,omitempty"` // CAdES signature by the seal over Signed()
	TST    []byte    `json:"tst,omitempty"` // RFC 3161 timestamp over Sig
}

// New returns the anchor of the entries from..from+len(hashes)-1 made at
// at, following the line prevRaw of the file (nil for the first).
func New(prevRaw []byte, from int64, hashes []string, at time.Time) *Line {
	l := &Line{V: 1, From: from, Seq: from + int64(len(hashes)) - 1, Hashes: hashes, At: at.UTC()}
	if len(hashes) > 0 {
		l.Hash = hashes[len(hashes)-1]
	}
	if prevRaw != nil {
		sum := sha256.Sum256(bytes.TrimSpace(prevRaw))
		l.Prev = hex.EncodeToString(sum[:])
	}
	return l
}

// Signed is what the signature covers: the line without Sig and TST.
func (l *Line) Signed() []byte {
	c := *l
	c.Sig, c.TST = nil, nil
	b, _ := json.Marshal(&c)
	return b
}

// Sign signs the line with id and, when tsa is configured, stamps the
// signature.
func (l *Line) Sign(ctx context.Context, id *sign.Identity, tsa *sign.TSAClient) error {
	sig, err := sign.SignDetached(l.Signed(), id, l.At)
	if err != nil {
		return fmt.Errorf("anchor: sign: %w", err)
	}
	l.Sig = sig
	if tsa != nil && (tsa.URL != "" || tsa.Local != nil) {
		tst, err := tsa.Timestamp(ctx, sig)
		if err != nil {
			return fmt.Errorf("anchor: timestamp: %w", err)
		}
		l.TST = tst
	}
	return nil
}

// Marshal is the line as written to the file (no newline).
func (l *Line) Marshal() []byte {
	b, _ := json.Marshal(l)
	return b
}

// Append writes raw as the last line of the file at path, durably (fsync
// of the file, and of the directory when the file is new).
func Append(path string, raw []byte) error {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("anchor: %w", err)
	}
	if _, err := f.Write(append(append([]byte{}, raw...), '\n')); err != nil {
		f.Close()
		return fmt.Errorf("anchor: write: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("anchor: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if os.IsNotExist(statErr) {
		if d, err := os.Open(filepath.Dir(path)); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}

// ReadFile returns the raw lines of the anchors file (none when it does
// not exist). A last line cut short by a crash is dropped: it was never
// acknowledged.
func ReadFile(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<20), 1<<30)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			out = append(out, append([]byte{}, line...))
		}
	}
	if len(b) > 0 && b[len(b)-1] != '\n' && len(out) > 0 {
		out = out[:len(out)-1]
	}
	return out, sc.Err()
}

// Problem is something wrong with the anchors or with the chain they
// vouch for.
type Problem struct {
	Seq    int64  // the first audit entry concerned (0: the anchors themselves)
	Reason string // Vietnamese
}

// Report is the outcome of a verification.
type Report struct {
	Anchors  int       // anchors checked
	Signed   int       // with a valid seal signature chaining to the trust roots
	Stamped  int       // with a valid timestamp
	Last     *Line     // the newest anchor
	Problems []Problem // in file order; the first bad entry is FirstBad
}

// FirstBad returns the problem naming the lowest audit entry (or the
// first problem when none names an entry).
func (r *Report) FirstBad() *Problem {
	var best *Problem
	for i := range r.Problems {
		p := &r.Problems[i]
		if best == nil || p.Seq > 0 && (best.Seq == 0 || p.Seq < best.Seq) {
			best = p
		}
	}
	return best
}

// HashAt returns the hash the database holds for entry seq (ok false
// when it has no such entry).
type HashAt func(seq int64) (hash string, ok bool, err error)

// Verify checks the lines of a file (linked: each names the one before
// it) or, with linked false, of the database table, against roots and
// against the chain as the database holds it (hashAt).
func Verify(lines [][]byte, linked bool, roots *x509.CertPool, hashAt HashAt) (*Report, error) {
	r := &Report{}
	var prevRaw []byte
	for i, raw := range lines {
		var l Line
		if err := json.Unmarshal(raw, &l); err != nil {
			r.Problems = append(r.Problems, Problem{Reason: fmt.Sprintf("mốc neo thứ %d không đọc được", i+1)})
			prevRaw = raw
			continue
		}
		r.Anchors++
		r.Last = &l
		bad := func(seq int64, format string, a ...any) {
			r.Problems = append(r.Problems, Problem{Seq: seq, Reason: fmt.Sprintf("mốc neo %d (mục %d–%d): ", i+1, l.From, l.Seq) + fmt.Sprintf(format, a...)})
		}
		if linked {
			want := ""
			if prevRaw != nil {
				sum := sha256.Sum256(prevRaw)
				want = hex.EncodeToString(sum[:])
			}
			if l.Prev != want {
				bad(0, "không nối tiếp mốc trước (tệp mốc neo bị sửa, xóa hoặc chèn dòng)")
			}
		}
		prevRaw = raw
		if int64(len(l.Hashes)) != l.Seq-l.From+1 || len(l.Hashes) == 0 || l.Hashes[len(l.Hashes)-1] != l.Hash {
			bad(0, "danh sách mã băm không khớp với đầu chuỗi")
			continue
		}
		switch {
		case len(l.Sig) == 0:
			bad(0, "không có chữ ký")
		case roots == nil:
			bad(0, "không có kho chứng thư tin cậy để kiểm tra chữ ký")
		default:
			if _, err := sign.VerifyDetached(l.Signed(), l.Sig, roots); err != nil {
				bad(0, "chữ ký không hợp lệ: %v", err)
			} else {
				r.Signed++
			}
		}
		if len(l.TST) > 0 {
			if ts, err := sign.VerifyTimestamp(l.TST, l.Sig, roots); err != nil {
				bad(0, "dấu thời gian không hợp lệ: %v", err)
			} else if !ts.Trusted {
				bad(0, "dấu thời gian của máy chủ không tin cậy")
			} else {
				r.Stamped++
			}
		}
		for k, want := range l.Hashes {
			seq := l.From + int64(k)
			got, ok, err := hashAt(seq)
			if err != nil {
				return nil, err
			}
			if !ok {
				bad(seq, "mục nhật ký số %d đã được neo nhưng không còn trong cơ sở dữ liệu", seq)
				break
			}
			if got != want {
				bad(seq, "mục nhật ký số %d khác bản đã neo: nhật ký đã bị viết lại", seq)
				break
			}
		}
	}
	return r, nil
}

// ErrNothing is returned by Make when no entry was added since the last
// anchor.
var ErrNothing = errors.New("anchor: nothing new to anchor")
