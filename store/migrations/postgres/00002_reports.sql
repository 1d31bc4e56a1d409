-- +goose Up
-- Report aggregates (issue 8). Each dossier that has been received
-- contributes to per-day counters, kept up to date in the transaction of
-- every transition (workflow.afterTransition), so that reports never scan
-- the dossiers table. report_facts keeps, per dossier, what it currently
-- contributes, so a transition applies the exact difference.
--
-- Days are civil dates in Asia/Ho_Chi_Minh ('YYYY-MM-DD'); report_monthly
-- holds the same counters per month ('YYYY-MM') so that long periods and
-- running totals read few rows. report_monthly is keyed scope first, so
-- sums per scope key come out in key order without sorting.

CREATE TABLE report_facts (
    dossier_id     BIGINT PRIMARY KEY,
    center_code    TEXT NOT NULL,
    agency_code    TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    online         BOOLEAN NOT NULL DEFAULT FALSE,
    received_day   TEXT NOT NULL DEFAULT '',
    finished_day   TEXT NOT NULL DEFAULT '',
    resolved       BOOLEAN NOT NULL DEFAULT FALSE,
    outcome        TEXT NOT NULL DEFAULT '',
    due_day        TEXT NOT NULL DEFAULT '',
    proc_seconds   BIGINT NOT NULL DEFAULT 0,
    multi          BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE report_daily (
    day              TEXT NOT NULL,
    center_code      TEXT NOT NULL,
    agency_code      TEXT NOT NULL,
    procedure_code   TEXT NOT NULL,
    received         BIGINT NOT NULL DEFAULT 0,
    received_online  BIGINT NOT NULL DEFAULT 0,
    resolved         BIGINT NOT NULL DEFAULT 0,
    resolved_early   BIGINT NOT NULL DEFAULT 0,
    resolved_on_time BIGINT NOT NULL DEFAULT 0,
    resolved_late    BIGINT NOT NULL DEFAULT 0,
    closed           BIGINT NOT NULL DEFAULT 0,
    due              BIGINT NOT NULL DEFAULT 0,
    due_closed       BIGINT NOT NULL DEFAULT 0,
    proc_seconds     BIGINT NOT NULL DEFAULT 0,
    ontime_766       BIGINT NOT NULL DEFAULT 0,
    multi            BIGINT NOT NULL DEFAULT 0,
    multi_closed     BIGINT NOT NULL DEFAULT 0,
    multi_due        BIGINT NOT NULL DEFAULT 0,
    multi_due_closed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, center_code, agency_code, procedure_code)
);

CREATE TABLE report_monthly (
    month            TEXT NOT NULL,
    center_code      TEXT NOT NULL,
    agency_code      TEXT NOT NULL,
    procedure_code   TEXT NOT NULL,
    received         BIGINT NOT NULL DEFAULT 0,
    received_online  BIGINT NOT NULL DEFAULT 0,
    resolved         BIGINT NOT NULL DEFAULT 0,
    resolved_early   BIGINT NOT NULL DEFAULT 0,
    resolved_on_time BIGINT NOT NULL DEFAULT 0,
    resolved_late    BIGINT NOT NULL DEFAULT 0,
    closed           BIGINT NOT NULL DEFAULT 0,
    due              BIGINT NOT NULL DEFAULT 0,
    due_closed       BIGINT NOT NULL DEFAULT 0,
    proc_seconds     BIGINT NOT NULL DEFAULT 0,
    ontime_766       BIGINT NOT NULL DEFAULT 0,
    multi            BIGINT NOT NULL DEFAULT 0,
    multi_closed     BIGINT NOT NULL DEFAULT 0,
    multi_due        BIGINT NOT NULL DEFAULT 0,
    multi_due_closed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (center_code, agency_code, procedure_code, month)
);

-- Breakdowns that do read dossiers (by officer, ledger, indicators) select
-- by these instants.
CREATE INDEX dossiers_received_at ON dossiers (received_at);
CREATE INDEX dossiers_finished_at ON dossiers (finished_at);

-- +goose Down
DROP INDEX dossiers_finished_at;
DROP INDEX dossiers_received_at;
DROP TABLE report_monthly;
DROP TABLE report_daily;
DROP TABLE report_facts;
