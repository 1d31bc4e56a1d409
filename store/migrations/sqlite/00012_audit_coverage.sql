-- +goose Up
-- The audit chain covers history and result rows (store/audit_cover.go):
-- each entry lists the digests of the rows written with it. Anchors are
-- signed checkpoints of the chain head, also kept in a file of the data
-- directory (package anchor); line is the anchor as written there.
ALTER TABLE audit_log ADD COLUMN covers TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_anchors (
    seq  BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    at   BIGINT NOT NULL,
    line TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_anchors;
ALTER TABLE audit_log DROP COLUMN covers;
