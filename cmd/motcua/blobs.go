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
func openBlobs(getenv func(string) string, data string) (blob.Backend, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if ep := getenv("MOTCUA_S3_ENDPOINT"); ep != "" {
		s := &blob.S3{Endpoint: ep, Bucket: getenv("MOTCUA_S3_BUCKET"), Region: envOr(getenv, "MOTCUA_S3_REGION", "us-east-1"),
			Prefix: getenv("MOTCUA_S3_PREFIX"), AccessKey: getenv("MOTCUA_S3_ACCESS_KEY"), SecretKey: getenv("MOTCUA_S3_SECRET_KEY"), Now: time.Now}
		if s.Bucket == "" || s.AccessKey == "" || s.SecretKey == "" {
			return nil, usagef("MOTCUA_S3_ENDPOINT cần MOTCUA_S3_BUCKET, MOTCUA_S3_ACCESS_KEY và MOTCUA_S3_SECRET_KEY")
		}
		return s, nil
	}
	return blob.Open(envOr(getenv, "MOTCUA_BLOB_DIR", filepath.Join(data, "blobs")))
}
