-- +goose Up
-- Document exchange (issue 18 item 5). procedures.exchange is the
-- procedure's plan as JSON (dossier.ExchangePlan: the other bodies it
-- needs, each with its working days, and whether the result is registered
-- in the agency's document-management system); '' for none.
-- exchange_packages records every package sent through the province's
-- integration platform (LGSP) and the other side's answer: written in the
-- transaction that queues its outbox event, updated by the answers.
ALTER TABLE procedures ADD COLUMN exchange TEXT NOT NULL DEFAULT '';
CREATE TABLE exchange_packages (
    id          TEXT PRIMARY KEY,
    dossier_id  BIGINT NOT NULL REFERENCES dossiers (id),
    step        BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    agency      TEXT NOT NULL,
    agency_name TEXT NOT NULL DEFAULT '',
    task        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'queued',
    doc_kind    TEXT NOT NULL DEFAULT '',
    doc_sha256  TEXT NOT NULL DEFAULT '',
    sent_by     TEXT NOT NULL DEFAULT '',
    sent_at     BIGINT NOT NULL,
    due_at      BIGINT,
    answered_at BIGINT,
    answer_peer TEXT NOT NULL DEFAULT '',
    answer_note TEXT NOT NULL DEFAULT '',
    answer_ref  TEXT NOT NULL DEFAULT '',
    answer_blob TEXT NOT NULL DEFAULT '',
    answer_sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exchange_packages_dossier ON exchange_packages (dossier_id, sent_at);

-- +goose Down
DROP TABLE exchange_packages;
ALTER TABLE procedures DROP COLUMN exchange;
