-- +goose Up
-- Times are BIGINT milliseconds since the Unix epoch (UTC) on both engines:
-- exact, comparable and indexable the same way everywhere. Civil dates are
-- TEXT 'YYYY-MM-DD'. Name keys are Vietnamese collation keys (vntext).

CREATE TABLE agencies (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_fold   TEXT NOT NULL,
    name_key    BLOB NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT NOT NULL DEFAULT '',
    identifier  TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_code);

CREATE TABLE centers (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    -- Working hours when the center differs from the national default,
    -- e.g. '07:30-11:30,13:30-17:00'; saturday_hours for centers that
    -- receive on Saturday mornings. Empty means the default.
    working_hours  TEXT NOT NULL DEFAULT '',
    saturday_hours TEXT NOT NULL DEFAULT ''
);

CREATE TABLE counters (
    center_code TEXT NOT NULL REFERENCES centers (code),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (center_code, code)
);

CREATE TABLE procedures (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    name_fold         TEXT NOT NULL,
    name_key          BLOB NOT NULL,
    agency_code       TEXT NOT NULL REFERENCES agencies (code),
    level             TEXT NOT NULL,
    field             TEXT NOT NULL DEFAULT '',
    processing_days   BIGINT,
    processing_hours  BIGINT,
    five_on_spot      BOOLEAN NOT NULL DEFAULT FALSE,
    fos_decision      TEXT NOT NULL DEFAULT '',
    fos_decision_date TEXT NOT NULL DEFAULT '',
    fos_effective     TEXT NOT NULL DEFAULT '',
    online_level      TEXT NOT NULL,
    fee               BIGINT NOT NULL DEFAULT 0,
    result_type_code  TEXT NOT NULL DEFAULT '',
    approver_position TEXT NOT NULL DEFAULT '',
    cutoff            TEXT NOT NULL DEFAULT '',
    components        TEXT NOT NULL DEFAULT '[]',
    process           TEXT NOT NULL DEFAULT '[]',
    updated_at        BIGINT NOT NULL
);
CREATE INDEX procedures_agency ON procedures (agency_code, code);
CREATE INDEX procedures_fos ON procedures (five_on_spot, code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    agency_code   TEXT NOT NULL DEFAULT '',
    position      TEXT NOT NULL DEFAULT '',
    id_number     TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_centers (
    user_id      BIGINT NOT NULL REFERENCES users (id),
    center_code  TEXT NOT NULL REFERENCES centers (code),
    counter_code TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, center_code)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

-- audit_head serialises writers of the hash chain: each appender locks and
-- advances this single row in its own transaction.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE calendar_overrides (
    day         TEXT NOT NULL,
    center_code TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (day, center_code)
);

CREATE TABLE blobs (
    id           TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_by   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE dossier_seq (
    agency_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        BIGINT NOT NULL,
    PRIMARY KEY (agency_code, day)
);

CREATE TABLE dossiers (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    procedure_code    TEXT NOT NULL REFERENCES procedures (code),
    agency_code       TEXT NOT NULL,
    center_code       TEXT NOT NULL,
    channel           TEXT NOT NULL,
    mode              TEXT NOT NULL,
    status            TEXT NOT NULL,
    version           BIGINT NOT NULL,
    applicant_kind    TEXT NOT NULL,
    applicant_name    TEXT NOT NULL,
    applicant_fold    TEXT NOT NULL,
    applicant_id      TEXT NOT NULL,
    applicant_phone   TEXT NOT NULL DEFAULT '',
    applicant_email   TEXT NOT NULL DEFAULT '',
    applicant_address TEXT NOT NULL DEFAULT '',
    applicant_user    BIGINT NOT NULL DEFAULT 0,
    submitted_at      BIGINT,
    received_at       BIGINT,
    due_at            BIGINT,
    original_due_at   BIGINT,
    legal_due_at      BIGINT,
    step_due_at       BIGINT,
    finished_at       BIGINT,
    paused_at         BIGINT,
    paused_seconds    BIGINT NOT NULL DEFAULT 0,
    supplements       BIGINT NOT NULL DEFAULT 0,
    apology_at        BIGINT,
    outcome           TEXT NOT NULL DEFAULT '',
    assignee_id       BIGINT NOT NULL DEFAULT 0,
    recommendation    TEXT NOT NULL DEFAULT '',
    report            TEXT NOT NULL DEFAULT '',
    draft_result      TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    form_set          TEXT NOT NULL,
    imported          BOOLEAN NOT NULL DEFAULT FALSE,
    lookup_hash       TEXT NOT NULL UNIQUE,
    approver_id       BIGINT NOT NULL DEFAULT 0,
    approver_name     TEXT NOT NULL DEFAULT '',
    approver_position TEXT NOT NULL DEFAULT '',
    approval_capacity TEXT NOT NULL DEFAULT '',
    on_behalf_of      TEXT NOT NULL DEFAULT '',
    delegation_id     BIGINT NOT NULL DEFAULT 0,
    approved_at       BIGINT,
    verify_hash       TEXT NOT NULL DEFAULT '',
    signed_blob       TEXT NOT NULL DEFAULT '',
    receipt_blob      TEXT NOT NULL DEFAULT '',
    result_layout     TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    -- Work lists are ordered by urgency: due date first, dossiers without
    -- one last. A generated column lets an index serve that order.
    sort_due          BIGINT GENERATED ALWAYS AS (COALESCE(due_at, 4611686018427387904)) STORED
);
CREATE INDEX dossiers_work ON dossiers (sort_due, id);
CREATE INDEX dossiers_center_work ON dossiers (center_code, sort_due, id);
CREATE INDEX dossiers_agency_work ON dossiers (agency_code, sort_due, id);
-- Open dossiers are what officers work on; finished ones accumulate for
-- years. Partial indexes keep work lists and their counts proportional to
-- the open dossiers (queries repeat the predicate literally).
CREATE INDEX dossiers_center_open ON dossiers (center_code, sort_due, id) WHERE status NOT IN ('returned', 'refused', 'withdrawn');
CREATE INDEX dossiers_agency_open ON dossiers (agency_code, sort_due, id) WHERE status NOT IN ('returned', 'refused', 'withdrawn');
CREATE INDEX dossiers_center_open_status ON dossiers (center_code, status, due_at) WHERE status NOT IN ('returned', 'refused', 'withdrawn');
CREATE INDEX dossiers_agency_open_status ON dossiers (agency_code, status, due_at) WHERE status NOT IN ('returned', 'refused', 'withdrawn');
CREATE INDEX dossiers_applicant ON dossiers (applicant_id);
CREATE INDEX dossiers_applicant_user ON dossiers (applicant_user, id);

CREATE TABLE dossier_components (
    dossier_id  BIGINT NOT NULL REFERENCES dossiers (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    blob_id     TEXT NOT NULL DEFAULT '',
    reused_from TEXT NOT NULL DEFAULT '',
    attested_by TEXT NOT NULL DEFAULT '',
    attested_at BIGINT,
    signature   BLOB,
    PRIMARY KEY (dossier_id, code)
);
CREATE INDEX dossier_components_blob ON dossier_components (blob_id);

CREATE TABLE dossier_history (
    id           INTEGER PRIMARY KEY,
    dossier_id   BIGINT NOT NULL REFERENCES dossiers (id),
    action       TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    actor_id     BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    step_due_at  BIGINT,
    at           BIGINT NOT NULL
);
CREATE INDEX dossier_history_dossier ON dossier_history (dossier_id, id);

CREATE TABLE dossier_pauses (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    started_at BIGINT NOT NULL,
    ended_at   BIGINT,
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dossier_id, started_at)
);

CREATE TABLE guidance_slips (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL,
    procedure_code TEXT NOT NULL REFERENCES procedures (code),
    center_code    TEXT NOT NULL,
    applicant      TEXT NOT NULL,
    missing        TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    officer_id     BIGINT NOT NULL,
    officer        TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE apologies (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
    reason     TEXT NOT NULL,
    old_due_at BIGINT NOT NULL,
    new_due_at BIGINT NOT NULL,
    officer    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE delegations (
    id             INTEGER PRIMARY KEY,
    agency_code    TEXT NOT NULL,
    from_user_id   BIGINT NOT NULL DEFAULT 0,
    from_position  TEXT NOT NULL DEFAULT '',
    to_user_id     BIGINT NOT NULL REFERENCES users (id),
    procedures     TEXT NOT NULL DEFAULT '[]',
    valid_from     BIGINT NOT NULL,
    valid_to       BIGINT NOT NULL,
    basis_document TEXT NOT NULL,
    capacity       TEXT NOT NULL,
    revoked        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL
);
CREATE INDEX delegations_to ON delegations (to_user_id);

CREATE TABLE leader_shifts (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    center_code TEXT NOT NULL REFERENCES centers (code),
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL
);

CREATE TABLE registers (
    id               INTEGER PRIMARY KEY,
    agency_code      TEXT NOT NULL,
    year             BIGINT NOT NULL,
    result_type_code TEXT NOT NULL,
    symbol           TEXT NOT NULL,
    last             BIGINT NOT NULL DEFAULT 0,
    UNIQUE (agency_code, year, result_type_code)
);

CREATE TABLE seals (
    id          INTEGER PRIMARY KEY,
    agency_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    center_code TEXT NOT NULL DEFAULT '',
    key_ref     TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE results (
    id               INTEGER PRIMARY KEY,
    dossier_id       BIGINT NOT NULL UNIQUE REFERENCES dossiers (id),
    register_id      BIGINT NOT NULL REFERENCES registers (id),
    seq              BIGINT NOT NULL,
    number           TEXT NOT NULL,
    document_code    TEXT NOT NULL UNIQUE,
    applicant_id     TEXT NOT NULL,
    applicant_name   TEXT NOT NULL,
    result_type_code TEXT NOT NULL,
    agency_code      TEXT NOT NULL,
    issued_at        BIGINT NOT NULL,
    issued_by        TEXT NOT NULL,
    seal_id          BIGINT NOT NULL,
    seal_name        TEXT NOT NULL,
    pdf_blob_id      TEXT NOT NULL DEFAULT '',
    pdf_sha256       TEXT NOT NULL DEFAULT '',
    verify_hash      TEXT NOT NULL UNIQUE,
    UNIQUE (register_id, seq)
);
CREATE INDEX results_applicant ON results (applicant_id, result_type_code);

CREATE TABLE idempotency (
    user_id    BIGINT NOT NULL,
    key        TEXT NOT NULL,
    request    TEXT NOT NULL,
    status     BIGINT NOT NULL,
    body       BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    topic      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT,
    attempts   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE idempotency;
DROP TABLE results;
DROP TABLE seals;
DROP TABLE registers;
DROP TABLE leader_shifts;
DROP TABLE delegations;
DROP TABLE apologies;
DROP TABLE guidance_slips;
DROP TABLE dossier_pauses;
DROP TABLE dossier_history;
DROP TABLE dossier_components;
DROP TABLE dossiers;
DROP TABLE dossier_seq;
DROP TABLE blobs;
DROP TABLE calendar_overrides;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE user_centers;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE procedures;
DROP TABLE counters;
DROP TABLE centers;
DROP TABLE agencies;
