-- +goose Up
-- Reads at 10M dossiers: the dashboard's ratings breakdown (ratings.go,
-- RatingsBreakdown) read every rating of the period, one pass over the
-- index ratings_scope per call, and the dashboard's breakdown by month
-- calls it once per month (bench/README.md, "Reads at 10M and on
-- PostgreSQL"). This table counts the ratings per civil day in
-- Asia/Ho_Chi_Minh (day = days since 1970-01-01 of created_at + 7 h; no
-- daylight saving time) and scope key; InsertRating keeps it, and the
-- recount of the report aggregates builds it again from the ratings.
CREATE TABLE rating_daily (
    day            BIGINT NOT NULL,
    center_code    TEXT NOT NULL,
    agency_code    TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    level          TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (day, center_code, agency_code, procedure_code, level)
) WITHOUT ROWID;
INSERT INTO rating_daily (day, center_code, agency_code, procedure_code, level, n)
    SELECT (created_at + 25200000) / 86400000, center_code, agency_code, procedure_code, level, COUNT(*)
    FROM ratings GROUP BY (created_at + 25200000) / 86400000, center_code, agency_code, procedure_code, level;

-- The dashboard's list of overdue dossiers (reports.go, OverdueDossiers)
-- read every open dossier of the scope and sorted them by measure date;
-- with this index it walks them in that order and stops at the limit.
CREATE INDEX dossiers_open_measure ON dossiers (measure_due_at, id) WHERE status NOT IN ('returned', 'refused', 'withdrawn');

-- +goose Down
DROP INDEX dossiers_open_measure;
DROP TABLE rating_daily;
