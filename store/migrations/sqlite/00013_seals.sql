-- +goose Up
-- The second seal (issue 15 item 6). A procedure says how its results are
-- sealed when the clerk names no choice (seal_default: electronic,
-- physical or both; '' = electronic) and whether its printed results are
-- stamped with the agency's second seal kept at the center (second_seal).
ALTER TABLE procedures ADD COLUMN seal_default TEXT NOT NULL DEFAULT '';
ALTER TABLE procedures ADD COLUMN second_seal BOOLEAN NOT NULL DEFAULT FALSE;

-- Every printed copy of a result stamped with a physical seal: who, when,
-- which copy and the page of the outgoing register.
CREATE TABLE seal_log (
    id           INTEGER PRIMARY KEY,
    dossier_id    BIGINT NOT NULL REFERENCES dossiers (id),
    number        TEXT NOT NULL,
    seal_id       BIGINT NOT NULL,
    seal_name     TEXT NOT NULL,
    copy_no       BIGINT NOT NULL,
    register_page BIGINT NOT NULL,
    by_user       BIGINT NOT NULL,
    by_name       TEXT NOT NULL,
    at            BIGINT NOT NULL,
    UNIQUE (dossier_id, copy_no)
);

-- +goose Down
DROP TABLE seal_log;
ALTER TABLE procedures DROP COLUMN second_seal;
ALTER TABLE procedures DROP COLUMN seal_default;
