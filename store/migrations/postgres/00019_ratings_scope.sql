-- +goose Up
-- Reads at scale: the dashboard's ratings breakdown (ratings.go,
-- RatingsBreakdown) groups a period's ratings by centre, agency, procedure
-- and level. This index covers it and is already in GROUP BY order, so the
-- answer is one pass over the index, with no table lookup and no sort
-- (SQLite is told not to take created_at's index instead; see
-- dialect.unindexed).
CREATE INDEX ratings_scope ON ratings (center_code, agency_code, procedure_code, level, created_at);

-- +goose Down
DROP INDEX ratings_scope;
