package main

import (
	"path/filepath"
	"time"

	"motcua/blob"
)

// openBlobs chooses where uploaded files and generated documents' files
// live. Several instances must share it: an S3-compatible bucket
// (MOTCUA_S3_ENDPOINT, MOTCUA_S3_BUCKET, MOTCUA_S3_REGION — us-east-1 by
// default —, MOTCUA_S3_ACCESS_KEY, MOTCUA_S3_SECRET_KEY, MOTCUA_S3_PREFIX),
// or a directory mounted on every instance (MOTCUA_BLOB_DIR, NFS); by
// default DATA/blobs.
func openBlobs(c config, now func() time.Time) (blob.Backend, error) {
	b := c.Blobs
	if b.S3Endpoint != "" {
		s := &blob.S3{Endpoint: b.S3Endpoint, Bucket: b.S3Bucket, Region: b.S3Region, Prefix: b.S3Prefix,
			AccessKey: b.S3AccessKey, SecretKey: b.S3SecretKey, Now: now}
		if s.Bucket == "" || s.AccessKey == "" || s.SecretKey == "" {
			return nil, usagef("MOTCUA_S3_ENDPOINT cần MOTCUA_S3_BUCKET, MOTCUA_S3_ACCESS_KEY và MOTCUA_S3_SECRET_KEY")
		}
		return s, nil
	}
	dir := b.Dir
	if dir == "" {
		dir = filepath.Join(c.Data, "blobs")
	}
	return blob.Open(dir)
}
