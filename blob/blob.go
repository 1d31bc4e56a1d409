// Package blob stores uploaded files content-addressed: the id of a file
// is the hex SHA-256 of its bytes. Two backends share the Backend
// interface: Store, a directory (local, or shared by several instances over
// NFS), and S3, an S3-compatible object store (s3.go).
//
// In the directory, files are written to a temporary file, fsynced,
// renamed into place and the directory fsynced, so a crash never leaves a
// half-written blob under its final name; the name is DIR/ab/abcd…(64 hex).
// Several instances may share the directory: the same bytes always land
// under the same name, and rename is atomic on NFS too.
package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"motcua/dossier"
)

// Backend stores and returns blobs by id. Put of bytes already stored is
// harmless (same id).
type Backend interface {
	// Put stores the bytes of r (at most limit bytes: more is ETOOLARGE;
	// PDF, JPEG or PNG only: anything else is EUNSUPPORTED).
	Put(r io.Reader, limit int64) (*Info, error)
	// Read returns the bytes of blob id (ENOTFOUND when absent).
	Read(id string) ([]byte, error)
	// Open returns blob id for serving (ENOTFOUND when absent).
	Open(id string) (io.ReadSeekCloser, error)
}

var (
	_ Backend = (*Store)(nil)
	_ Backend = (*S3)(nil)
)

// Store is a directory of blobs.
type Store struct {
	dir string
}

// Open returns the blob store rooted at dir, creating it when missing.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Sniff returns the media type of b by its leading bytes: PDF, JPEG or
// PNG. Anything else is EUNSUPPORTED.
func Sniff(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	}
	return "", dossier.Errorf(dossier.EUNSUPPORTED, "Chỉ nhận tệp PDF, JPEG hoặc PNG")
}

// Info describes a stored blob.
type Info struct {
	ID          string `json:"id"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// inputError is a failure to read what the client sent (a cut
// connection, a truncated multipart body, a body over the server's
// limit): the client's fault, not the server's. The cause stays wrapped
// (web tells http.MaxBytesError apart).
func inputError(err error) error {
	return &dossier.Error{Code: dossier.EINVALID, Message: "Tệp tải lên không đầy đủ (kết nối bị ngắt hoặc dữ liệu bị cắt); vui lòng tải lên lại", Err: err}
}

// readErrs remembers the error of its reader, so that a failed copy can
// tell a bad upload from a failed disk.
type readErrs struct {
	r   io.Reader
	err error
}

func (e *readErrs) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// Put stores the bytes of r (at most limit bytes: more is ETOOLARGE) and
// returns their id, after parsing the whole file (Check): a file that
// does not parse as the PDF, JPEG or PNG it starts as is refused. Storing
// the same bytes twice is harmless.
//
// An upload of at most memUpload bytes is read, hashed and checked in
// memory (at most memSlots such buffers at once; beyond, uploads go
// through the disk as larger ones do): a refused one never touches the
// disk, one whose blob is already stored is not written again, and the
// others are written once, to a temporary file renamed into place.
func (s *Store) Put(r io.Reader, limit int64) (*Info, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, inputError(err)
	}
	head = head[:n]
	if n == 0 {
		return nil, dossier.Errorf(dossier.EINVALID, "Tệp rỗng")
	}
	ctype, err := Sniff(head)
	if err != nil {
		return nil, err
	}
	select {
	case memSlots <- struct{}{}:
	default:
		return s.putFile(io.MultiReader(bytes.NewReader(head), r), limit, ctype)
	}
	defer func() { <-memSlots }()
	buf := bytes.NewBuffer(make([]byte, 0, 64<<10))
	buf.Write(head)
	in := &readErrs{r: io.LimitReader(r, min(limit, memUpload)-int64(n)+1)}
	if _, err := buf.ReadFrom(in); in.err != nil {
		return nil, inputError(in.err)
	} else if err != nil {
		return nil, fmt.Errorf("blob: read: %w", err)
	}
	size := int64(buf.Len())
	if size > limit {
		return nil, tooLarge(limit)
	}
	if size > memUpload {
		return s.putFile(io.MultiReader(bytes.NewReader(buf.Bytes()), r), limit, ctype)
	}
	b := buf.Bytes()
	if err := checkBounded(bytes.NewReader(b), size, ctype); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	id := hex.EncodeToString(sum[:])
	info := &Info{ID: id, SHA256: id, Size: size, ContentType: ctype}
	if fi, err := os.Stat(s.path(id)); err == nil && fi.Size() == size {
		return info, nil // stored already: blobs are renamed into place complete
	}
	if err := s.write(id, b); err != nil {
		return nil, err
	}
	return info, nil
}

// memUpload is the largest upload Put keeps in memory, memSlots how many
// it keeps at once.
const memUpload = 1 << 20

var memSlots = make(chan struct{}, 16)

func tooLarge(limit int64) error {
	return dossier.Errorf(dossier.ETOOLARGE, "Tệp vượt quá dung lượng cho phép (%d MB)", limit>>20)
}

// putFile stores an upload through a temporary file: hashed while it is
// written, checked from the file, renamed into place.
func (s *Store) putFile(r io.Reader, limit int64, ctype string) (*Info, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "up-*")
	if err != nil {
		return nil, fmt.Errorf("blob: temp: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	in := &readErrs{r: io.LimitReader(r, limit+1)}
	size, err := io.Copy(w, in)
	if in.err != nil {
		return nil, inputError(in.err)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: write: %w", err)
	}
	if size > limit {
		return nil, tooLarge(limit)
	}
	if err := checkBounded(tmp, size, ctype); err != nil {
		return nil, err
	}
	id := hex.EncodeToString(h.Sum(nil))
	if err := s.place(tmp, id); err != nil {
		return nil, err
	}
	return &Info{ID: id, SHA256: id, Size: size, ContentType: ctype}, nil
}

// write stores b as blob id through a temporary file, made beside the
// blob's final name (a shard of 256) rather than in the one tmp
// directory: creating files in a single directory takes its lock for
// every upload of the server, and the rename stays in one directory. The
// name is not a blob id, so backups pass it by.
func (s *Store) write(id string, b []byte) error {
	shard := filepath.Dir(s.path(id))
	if err := os.MkdirAll(shard, 0o750); err != nil {
		return fmt.Errorf("blob: dir: %w", err)
	}
	tmp, err := os.CreateTemp(shard, ".up-*")
	if err != nil {
		return fmt.Errorf("blob: temp: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("blob: write: %w", err)
	}
	if err := s.place(tmp, id); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// place makes the written temporary file tmp durable and renames it to
// blob id's name, then makes the rename durable. tmp is closed.
func (s *Store) place(tmp *os.File, id string) error {
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("blob: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("blob: close: %w", err)
	}
	final := s.path(id)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return fmt.Errorf("blob: dir: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("blob: rename: %w", err)
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// PutBytes stores b.
func (s *Store) PutBytes(b []byte) (*Info, error) {
	return s.Put(bytes.NewReader(b), int64(len(b))+1)
}

var idRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidID reports whether id has the shape of a blob id.
func ValidID(id string) bool { return idRE.MatchString(id) }

func (s *Store) path(id string) string {
	return filepath.Join(s.dir, id[:2], id)
}

// Open returns the content of blob id.
func (s *Store) Open(id string) (io.ReadSeekCloser, error) {
	if !ValidID(id) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy tệp")
	}
	f, err := os.Open(s.path(id))
	if os.IsNotExist(err) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy tệp")
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Read returns the bytes of blob id.
func (s *Store) Read(id string) ([]byte, error) {
	f, err := s.Open(id)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
