-- +goose Up
-- The issue step in two phases: the number is taken and recorded with the
-- dossier in one short transaction ("numbered, seal pending"), the seal is
-- applied afterwards, outside any lock, under that number. A result whose
-- seal is still pending (a crash, a signer that failed) is sealed again by
-- the resumer; issued_by_id is the clerk, owner of the sealed document.
ALTER TABLE results ADD COLUMN seal_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE results ADD COLUMN issued_by_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX results_seal_pending ON results (dossier_id) WHERE seal_pending;

-- +goose Down
DROP INDEX results_seal_pending;
ALTER TABLE results DROP COLUMN issued_by_id;
ALTER TABLE results DROP COLUMN seal_pending;
