-- +goose Up
-- Documents the system generates (receipts, signed and sealed results) are
-- kept in the database, written in the transaction that records them: the
-- file and the state change commit or roll back together, and no file has
-- to be created and fsynced on the way. Uploaded files stay in the blob
-- directory; data is NULL for them.
ALTER TABLE blobs ADD COLUMN data BYTEA;

-- +goose Down
ALTER TABLE blobs DROP COLUMN data;
