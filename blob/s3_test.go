package blob_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"motcua/blob"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/testfile"
)

// TestS3SignatureV4 signs AWS's published example request (Signature
// Version 4, "GET Object" with a Range header, in the S3 API reference)
// and must produce its published signature.
func TestS3SignatureV4(t *testing.T) {
	s := &blob.S3{Region: "us-east-1", AccessKey: "AKIAIOSFODNN7EXAMPLE", SecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		Now: func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) }}
	req, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	req.Header.Set("Range", "bytes=0-9")
	blob.SignForTest(s, req, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
		"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization =\n%s\nwant\n%s", got, want)
	}
}

// TestS3Backend runs the S3 backend against an in-process S3-compatible
// server (gofakes3; no MinIO package is installable here): two instances
// share the bucket.
func TestS3Backend(t *testing.T) {
	mem := s3mem.New()
	if err := mem.CreateBucket("motcua"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(mem, gofakes3.WithTimeSource(gofakes3.FixedTimeSource(clocktest.Now()))).Server())
	defer srv.Close()
	inst := func() *blob.S3 {
		return &blob.S3{Endpoint: srv.URL, Region: "us-east-1", Bucket: "motcua", Prefix: "blobs/", AccessKey: "motcua", SecretKey: "secret",
			Now: clocktest.Now}
	}
	a, b := inst(), inst()
	pdf := testfile.PDF("component")
	info, err := a.Put(bytes.NewReader(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "application/pdf" || info.Size != int64(len(pdf)) || !blob.ValidID(info.ID) {
		t.Errorf("info = %+v", info)
	}
	if again, err := b.Put(bytes.NewReader(pdf), 1<<20); err != nil || again.ID != info.ID {
		t.Errorf("second Put = %+v, %v; want the same id", again, err)
	}
	got, err := b.Read(info.ID)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("other instance Read = %q, %v", got, err)
	}
	f, err := b.Open(info.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Seek(5, io.SeekStart)
	rest, _ := io.ReadAll(f)
	f.Close()
	if string(rest) != string(pdf[5:]) {
		t.Errorf("Open+Seek read %q", rest)
	}
	if objs, err := mem.ListBucket("motcua", &gofakes3.Prefix{}, gofakes3.ListBucketPage{}); err != nil || len(objs.Contents) != 1 ||
		objs.Contents[0].Key != "blobs/"+info.ID[:2]+"/"+info.ID {
		t.Errorf("bucket holds %+v, %v; want one object blobs/%s/%s", objs, err, info.ID[:2], info.ID)
	}
	missing := strings.Repeat("0", 64)
	if _, err := b.Read(missing); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("Read missing = %v; want ENOTFOUND", err)
	}
	if _, err := b.Read("../x"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("Read bad id = %v; want ENOTFOUND", err)
	}
	if _, err := a.Put(bytes.NewReader(append(pdf, make([]byte, 100)...)), int64(len(pdf))); dossier.ErrorCode(err) != dossier.ETOOLARGE {
		t.Errorf("Put too large = %v; want ETOOLARGE", err)
	}
	if _, err := a.Put(strings.NewReader("MZ executable"), 1<<20); dossier.ErrorCode(err) != dossier.EUNSUPPORTED {
		t.Errorf("Put exe = %v; want EUNSUPPORTED", err)
	}
	// A server that refuses (wrong bucket) is an error, not a silent loss.
	bad := inst()
	bad.Bucket = "nope"
	if _, err := bad.Put(bytes.NewReader(pdf), 1<<20); err == nil || dossier.ErrorCode(err) != dossier.EINTERNAL {
		t.Errorf("Put to a missing bucket = %v; want an internal error", err)
	}
}
