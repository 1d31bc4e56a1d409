package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"time"

	"motcua/dossier"
	"motcua/internal/testfile"
)

func TestPut(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pdf := testfile.PDF("test")
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
		{"PDF header only", []byte("%PDF-1.4\n%test\n"), 1 << 20, dossier.EUNSUPPORTED},
		{"truncated PDF", testfile.PDF("x")[:300], 1 << 20, dossier.EUNSUPPORTED},
		{"PDF with JavaScript", testfile.PDFWithCatalog("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), 1 << 20, dossier.EUNPROCESSABLE},
		{"JPEG/PDF polyglot", append(testfile.JPEG(1), testfile.PDF("x")...), 1 << 20, dossier.EUNSUPPORTED},
		{"JPEG with a PDF in a comment", jpegWithComment(testfile.JPEG(1), testfile.PDF("x")), 1 << 20, dossier.EUNSUPPORTED},
		{"PNG/PDF polyglot", append(testfile.PNG(1), testfile.PDF("x")...), 1 << 20, dossier.EUNSUPPORTED},
		{"truncated PNG", testfile.PNG(1)[:60], 1 << 20, dossier.EUNSUPPORTED},
		{"truncated JPEG", testfile.JPEG(1)[:200], 1 << 20, dossier.EUNSUPPORTED},
		{"PNG header only", []byte("\x89PNG\r\n\x1a\nIHDR"), 1 << 20, dossier.EUNSUPPORTED},
		{"huge PNG", hugePNG(), 1 << 20, dossier.EUNPROCESSABLE},
	}
	for _, tt := range tests {
		_, err := s.Put(bytes.NewReader(tt.data), tt.limit)
		if got := dossier.ErrorCode(err); got != tt.code {
			t.Errorf("Put(%s) code = %q; want %q (%v)", tt.name, got, tt.code, err)
		}
	}
	for _, good := range [][]byte{testfile.PNG(9), testfile.JPEG(9)} {
		if _, err := s.Put(bytes.NewReader(good), 1<<20); err != nil {
			t.Errorf("a good image was refused: %v", err)
		}
	}
	// A body cut off mid-upload is the client's fault (400), not a 500.
	cut := io.MultiReader(bytes.NewReader(testfile.PDF("y")[:100]), iotest.ErrReader(io.ErrUnexpectedEOF))
	if _, err := s.Put(cut, 1<<20); dossier.ErrorCode(err) != dossier.EINVALID || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Put(cut off) = %v; want EINVALID wrapping the read error", err)
	}
	if _, err := s.Open("../../etc/passwd"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("Open(path traversal) = %v; want not found", err)
	}
}

// jpegWithComment inserts c as a COM segment after the SOI marker.
func jpegWithComment(j, c []byte) []byte {
	c = c[:min(len(c), 60000)]
	seg := []byte{0xFF, 0xFE, byte((len(c) + 2) >> 8), byte(len(c) + 2)}
	return append(append(append([]byte{}, j[:2]...), append(seg, c...)...), j[2:]...)
}

// hugePNG is a valid PNG header announcing 20000×20000 pixels.
func hugePNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	p := b.Bytes()
	binary.BigEndian.PutUint32(p[16:], 20000)
	binary.BigEndian.PutUint32(p[20:], 20000)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
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

// FuzzCheck: whatever an upload holds, Check answers nil or a client
// error (415, 422) — never a panic or an internal error — and accepts
// nothing whose image does not decode.
func FuzzCheck(f *testing.F) {
	f.Add(testfile.PNG(1))
	f.Add(testfile.JPEG(2))
	f.Add(testfile.PDF("seed"))
	f.Add(append(testfile.JPEG(3), testfile.PDF("x")...))
	f.Add(hugePNG())
	f.Fuzz(func(t *testing.T, b []byte) {
		ctype, err := Sniff(b)
		if err != nil {
			return
		}
		err = Check(bytes.NewReader(b), int64(len(b)), ctype)
		if err != nil {
			if c := dossier.ErrorCode(err); c != dossier.EUNSUPPORTED && c != dossier.EUNPROCESSABLE {
				t.Fatalf("Check(%s, %d bytes) = %v", ctype, len(b), err)
			}
			return
		}
		if ctype == "image/png" {
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("accepted a PNG that does not decode: %v", err)
			}
		}
	})
}

// TestPutInMemoryAndThroughDisk: an upload up to memUpload is kept in
// memory, and one already stored is not written again (its file keeps its
// time); a larger one, or any one while every memory slot is taken, goes
// through a temporary file; all give the same id and the same refusals.
func TestPutInMemoryAndThroughDisk(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	small := testfile.PDF("in memory")
	large := noisePNG(700) // over memUpload
	if len(large) <= memUpload {
		t.Fatalf("the large upload has %d bytes, not more than %d", len(large), memUpload)
	}
	put := func(b []byte, limit int64) (*Info, error) { return s.Put(bytes.NewReader(b), limit) }
	for _, b := range [][]byte{small, large} {
		info, err := put(b, 4<<20)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if info.ID != hex.EncodeToString(sum[:]) || info.Size != int64(len(b)) {
			t.Errorf("Put = %+v", info)
		}
		if got, err := s.Read(info.ID); err != nil || !bytes.Equal(got, b) {
			t.Errorf("Read(%s) = %d bytes, %v", info.ID, len(got), err)
		}
	}
	if _, err := put(large, 1<<20); dossier.ErrorCode(err) != dossier.ETOOLARGE {
		t.Errorf("Put(large, 1 MB) = %v; want ETOOLARGE", err)
	}

	// Stored already: not written again.
	sum := sha256.Sum256(small)
	path := s.path(hex.EncodeToString(sum[:]))
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := put(small, 1<<20); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("the stored blob was written again (%v, %v)", fi.ModTime(), err)
	}

	// Every memory slot taken: through the disk, same answers.
	for range cap(memSlots) {
		memSlots <- struct{}{}
	}
	defer func() {
		for range cap(memSlots) {
			<-memSlots
		}
	}()
	again := testfile.PDF("through the disk")
	info, err := put(again, 1<<20)
	sum = sha256.Sum256(again)
	if err != nil || info.ID != hex.EncodeToString(sum[:]) {
		t.Errorf("Put through the disk = %+v, %v", info, err)
	}
	if _, err := put(testfile.PDF("x")[:300], 1<<20); dossier.ErrorCode(err) != dossier.EUNSUPPORTED {
		t.Errorf("Put(truncated PDF) through the disk = %v; want EUNSUPPORTED", err)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %d", len(left))
	}
	// An in-memory upload's temporary file is made in its blob's shard,
	// and renamed: only blobs are left there.
	shard, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range shard {
		if !ValidID(e.Name()) {
			t.Errorf("left in %s: %s", filepath.Dir(path), e.Name())
		}
	}
}

// noisePNG is an n×n PNG of random pixels (it does not compress).
func noisePNG(n int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
