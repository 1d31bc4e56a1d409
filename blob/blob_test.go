package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"motcua/dossier"
)

func TestPut(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n%test\n")
	info, err := s.Put(bytes.NewReader(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if info.ID != hex.EncodeToString(sum[:]) || info.ContentType != "application/pdf" || info.Size != int64(len(pdf)) {
		t.Errorf("Put = %+v", info)
	}
	got, err := s.Read(info.ID)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("Read = %q, %v", got, err)
	}
	tests := []struct {
		name  string
		data  []byte
		limit int64
		code  string
	}{
		{"exe", []byte("MZ\x90\x00"), 1 << 20, dossier.EUNSUPPORTED},
		{"html disguised", []byte("<html>%PDF-"), 1 << 20, dossier.EUNSUPPORTED},
		{"too large", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2000)...), 1000, dossier.ETOOLARGE},
		{"empty", nil, 1000, dossier.EINVALID},
	}
	for _, tt := range tests {
		_, err := s.Put(bytes.NewReader(tt.data), tt.limit)
		if got := dossier.ErrorCode(err); got != tt.code {
			t.Errorf("Put(%s) code = %q; want %q (%v)", tt.name, got, tt.code, err)
		}
	}
	if _, err := s.Open("../../etc/passwd"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("Open(path traversal) = %v; want not found", err)
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.7"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, err := Sniff(b)
		if err == nil && ct == "" {
			t.Errorf("Sniff(%q) accepted without a type", b)
		}
	})
}
