-- +goose Up
-- Data access and authorization (issue 16, security.md ASVS 16.3.2 at L3).

-- Every read of personal data by an officer: who, what, when, and why (the
-- dossier being handled, or another stated purpose). center_code and
-- agency_code are those of the dossier, so supervisors see the reads of
-- their centers' dossiers. subject is the masked applicant identifier.
CREATE TABLE personal_data_access (
    id           INTEGER PRIMARY KEY,
    at           BIGINT NOT NULL,
    user_id      BIGINT NOT NULL,
    username     TEXT NOT NULL,
    what         TEXT NOT NULL,
    object_id    TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL DEFAULT '',
    purpose      TEXT NOT NULL DEFAULT '',
    center_code  TEXT NOT NULL DEFAULT '',
    agency_code  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX personal_data_access_at ON personal_data_access (at, id);
CREATE INDEX personal_data_access_dossier ON personal_data_access (dossier_code, id);
CREATE INDEX personal_data_access_user ON personal_data_access (user_id, id);
CREATE INDEX personal_data_access_center ON personal_data_access (center_code, id);

-- Who uploaded which file. Files are content-addressed, so one file may
-- have several uploaders; a file can be attached to a dossier only by
-- someone who uploaded it (holding the bytes), never by knowing its id
-- (the SHA-256 of an issued result is public on its verification page).
-- Generated documents have no uploader.
CREATE TABLE blob_uploads (
    blob_id    TEXT NOT NULL REFERENCES blobs (id),
    user_id    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blob_id, user_id)
);
INSERT INTO blob_uploads (blob_id, user_id, created_at)
    SELECT id, created_by, created_at FROM blobs WHERE data IS NULL;

-- Each center numbers its guidance slips (Mẫu 02) in its own series, per
-- year.
CREATE TABLE guidance_seq (
    center_code TEXT NOT NULL,
    year        BIGINT NOT NULL,
    last        BIGINT NOT NULL,
    PRIMARY KEY (center_code, year)
);

-- +goose Down
DROP TABLE guidance_seq;
DROP TABLE blob_uploads;
DROP TABLE personal_data_access;
