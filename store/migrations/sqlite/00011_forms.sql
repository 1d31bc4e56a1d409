-- +goose Up
-- The one-stop forms are numbered, signed and verifiable (issue 15 item 3).

-- Each issuing body numbers each kind of form in its own series, from 01
-- every year (NĐ 30/2020 Điều 15.1; TT 01/2018 Điều 10): a center never
-- numbers in another's series.
CREATE TABLE form_registers (
    agency_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    year        BIGINT NOT NULL,
    last        BIGINT NOT NULL,
    PRIMARY KEY (agency_code, kind, year)
);

-- The forms a dossier's handling produced (receipt, guidance, refusal,
-- apology, stop notice, control slip), and the verification token of its
-- result. guidance_id links a guidance slip given at the counter before
-- any dossier. signer is the signature block (JSON), '{}' while a form
-- waits for the leader who must sign it; data is what the form states
-- (reason, missing items, appointments), kept so that it prints the same
-- every time. blob_id is the current file; signed says it carries the
-- signer's signature. verify_token is printed on the document; it is not
-- a secret (whoever holds the document may verify it).
CREATE TABLE dossier_documents (
    id           INTEGER PRIMARY KEY,
    dossier_id   BIGINT NOT NULL DEFAULT 0,
    guidance_id  BIGINT NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL,
    agency_code  TEXT NOT NULL,
    year         BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    number       TEXT NOT NULL,
    signer_kind  BIGINT NOT NULL DEFAULT 0,
    signer       TEXT NOT NULL DEFAULT '{}',
    data         TEXT NOT NULL DEFAULT '{}',
    blob_id      TEXT NOT NULL DEFAULT '',
    signed       BOOLEAN NOT NULL DEFAULT FALSE,
    verify_hash  TEXT NOT NULL,
    verify_token TEXT NOT NULL,
    created_by   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX dossier_documents_number ON dossier_documents (agency_code, kind, year, seq) WHERE seq > 0;
CREATE UNIQUE INDEX dossier_documents_verify ON dossier_documents (verify_hash);
CREATE INDEX dossier_documents_dossier ON dossier_documents (dossier_id, id);
CREATE INDEX dossier_documents_guidance ON dossier_documents (guidance_id) WHERE guidance_id <> 0;

-- +goose Down
DROP TABLE dossier_documents;
DROP TABLE form_registers;
