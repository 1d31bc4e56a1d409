-- +goose Up
-- Legal basis and forms to download of a procedure (issue 19): JSON
-- arrays, empty when the catalog gives none.
ALTER TABLE procedures ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '[]';
ALTER TABLE procedures ADD COLUMN forms TEXT NOT NULL DEFAULT '[]';

-- The installation's branding (issue 19): one row, set by an admin; no row
-- means the defaults. The emblem is a small image kept here.
CREATE TABLE branding (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,
    primary_color TEXT NOT NULL,
    accent_color  TEXT NOT NULL,
    emblem        BLOB,
    emblem_type   TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);

-- +goose Down
DROP TABLE branding;
ALTER TABLE procedures DROP COLUMN forms;
ALTER TABLE procedures DROP COLUMN legal_basis;
