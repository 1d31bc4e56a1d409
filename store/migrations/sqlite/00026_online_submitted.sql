-- +goose Up
-- The QĐ 766 indicators of online filing (indicators.go: OnlineProceduresUsed,
-- indicator 3.2; VerifiedOnline, indicator 4.5) select the dossiers
-- submitted online in the period. No index held submitted_at, so each of
-- the two read every dossier: GET /api/v1/reports/indicators took 14–90 s
-- at 3M dossiers (bench/README.md, "Indicators at scale"). This index
-- holds only the online dossiers, in order of submission.
CREATE INDEX dossiers_online_submitted ON dossiers (submitted_at) WHERE channel = 'online';

-- +goose Down
DROP INDEX dossiers_online_submitted;
