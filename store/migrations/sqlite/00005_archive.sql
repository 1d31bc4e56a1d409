-- +goose Up
-- The archive copy of an issued result (PAdES B-LTA): the issued file with
-- fresh revocation data and a document timestamp over it, renewed before
-- the timestamp ages out. The issued file (pdf_blob_id, pdf_sha256) is
-- what the applicant holds and stays as it was.
ALTER TABLE results ADD COLUMN archive_blob_id TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN archived_at BIGINT;

-- +goose Down
ALTER TABLE results DROP COLUMN archived_at;
ALTER TABLE results DROP COLUMN archive_blob_id;
