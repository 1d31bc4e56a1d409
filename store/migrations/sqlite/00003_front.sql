-- +goose Up
-- The citizens' and the center's front (issue 7): queue services and
-- tickets, satisfaction ratings, fee payments with e-receipts, and the
-- cursors of outbox consumers. Times are BIGINT Unix milliseconds; days are
-- civil dates in Asia/Ho_Chi_Minh ('YYYY-MM-DD').

-- What a kiosk offers at a center; seeded from the catalog's fields on
-- first use, or configured by an admin.
CREATE TABLE queue_services (
    center_code  TEXT NOT NULL,
    service_code TEXT NOT NULL,
    name         TEXT NOT NULL,
    position     BIGINT NOT NULL DEFAULT 0,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (center_code, service_code)
);

-- The next ticket number per center and day (locked by the upsert).
CREATE TABLE queue_seq (
    center_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        BIGINT NOT NULL,
    PRIMARY KEY (center_code, day)
);

-- status: waiting → called → done | skipped.
CREATE TABLE queue_tickets (
    id           INTEGER PRIMARY KEY,
    center_code  TEXT NOT NULL,
    day          TEXT NOT NULL,
    number       BIGINT NOT NULL,
    service_code TEXT NOT NULL,
    status       TEXT NOT NULL,
    counter_code TEXT NOT NULL DEFAULT '',
    officer_id   BIGINT NOT NULL DEFAULT 0,
    recalls      BIGINT NOT NULL DEFAULT 0,
    issued_at    BIGINT NOT NULL,
    called_at    BIGINT,
    finished_at  BIGINT,
    UNIQUE (center_code, day, number)
);
CREATE INDEX queue_tickets_waiting ON queue_tickets (center_code, status, id);
CREATE INDEX queue_tickets_counter ON queue_tickets (center_code, counter_code, status);
CREATE INDEX queue_tickets_issued ON queue_tickets (issued_at);

-- One rating per dossier (contract §8). satisfaction_rate (contract §7) =
-- 100 × (very_satisfied + satisfied) / count over created_at.
CREATE TABLE ratings (
    id             INTEGER PRIMARY KEY,
    dossier_id     BIGINT NOT NULL UNIQUE REFERENCES dossiers (id),
    dossier_code   TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    agency_code    TEXT NOT NULL,
    center_code    TEXT NOT NULL,
    level          TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    criteria       TEXT NOT NULL DEFAULT '{}',
    scale_version  TEXT NOT NULL,
    channel        TEXT NOT NULL DEFAULT 'online',
    created_at     BIGINT NOT NULL
);
CREATE INDEX ratings_created ON ratings (created_at);
CREATE INDEX ratings_agency ON ratings (agency_code, created_at);
CREATE INDEX ratings_center ON ratings (center_code, created_at);

-- The officers a rating is about: every officer in the dossier's history.
CREATE TABLE rating_officers (
    rating_id BIGINT NOT NULL REFERENCES ratings (id),
    user_id   BIGINT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (rating_id, user_id)
);
CREATE INDEX rating_officers_user ON rating_officers (user_id);

-- E-receipt (biên lai điện tử) number series: per series and year.
CREATE TABLE ereceipt_seq (
    series TEXT NOT NULL,
    year   BIGINT NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (series, year)
);

CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    dossier_id     BIGINT NOT NULL REFERENCES dossiers (id),
    dossier_code   TEXT NOT NULL,
    center_code    TEXT NOT NULL,
    agency_code    TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    method         TEXT NOT NULL,
    channel        TEXT NOT NULL,
    payer_name     TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    receipt_series TEXT NOT NULL,
    receipt_year   BIGINT NOT NULL,
    receipt_seq    BIGINT NOT NULL,
    receipt_number TEXT NOT NULL,
    provider       TEXT NOT NULL,
    provider_ref   TEXT NOT NULL DEFAULT '',
    lookup_code    TEXT NOT NULL DEFAULT '',
    pdf_blob_id    TEXT NOT NULL DEFAULT '',
    collected_by   BIGINT NOT NULL DEFAULT 0,
    collector_name TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    UNIQUE (receipt_series, receipt_year, receipt_seq)
);
CREATE INDEX payments_dossier ON payments (dossier_id, id);

-- Where each outbox consumer (notifications, queue relay) has read up to;
-- consumers never mark rows sent for each other.
CREATE TABLE outbox_cursors (
    consumer TEXT PRIMARY KEY,
    last_id  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE outbox_cursors;
DROP TABLE payments;
DROP TABLE ereceipt_seq;
DROP TABLE rating_officers;
DROP TABLE ratings;
DROP TABLE queue_tickets;
DROP TABLE queue_seq;
DROP TABLE queue_services;
