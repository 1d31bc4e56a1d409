package workflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"motcua/store"
)

// Generated documents — receipts, signed and sealed results, e-receipts —
// are stored in the database by the transaction that records them (see
// migration 00004): the document and the state change are one commit, and
// no file is created and fsynced per document. Files uploaded by people
// stay in the content-addressed blob directory. Both share one id space,
// the hex SHA-256 of the content.

// docID returns the content address of data.
func docID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// doc is a generated PDF with its content address, computed before the
// transaction that stores it.
type doc struct {
	id   string
	data []byte
}

func newDoc(data []byte) doc { return doc{docID(data), data} }

// storeDocument records a generated PDF inside tx and returns its id.
func storeDocument(tx *store.Tx, d doc, by int64) (string, error) {
	return d.id, tx.InsertDocument(d.id, d.data, "application/pdf", by)
}

// ReadBlob returns the content of blob id, a generated document or an
// uploaded file. It does not check access: callers do.
func (s *Service) ReadBlob(ctx context.Context, id string) ([]byte, error) {
	data, ok, err := s.db.BlobData(ctx, id)
	if err != nil {
		return nil, err
	}
	if ok {
		return data, nil
	}
	return s.blobs.Read(id)
}

// OpenBlob opens blob id for serving (http.ServeContent); the caller
// closes it. It does not check access: callers do.
func (s *Service) OpenBlob(ctx context.Context, id string) (io.ReadSeekCloser, error) {
	data, ok, err := s.db.BlobData(ctx, id)
	if err != nil {
		return nil, err
	}
	if ok {
		return nopCloser{bytes.NewReader(data)}, nil
	}
	return s.blobs.Open(id)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
