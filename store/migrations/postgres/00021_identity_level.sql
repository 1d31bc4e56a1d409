-- +goose Up
-- Sign-in with OpenID Connect (VNeID through the national portal; issue 18
-- item 3, docs/oidc.md). identity_level is the assurance level the
-- identity provider vouched for (0: none, a password account; 1 and 2:
-- VNeID levels): on the account (the last one verified), on each session
-- (the level of that sign-in) and on each dossier submitted online (the
-- level of the session that submitted it; QĐ 766 indicator 4.5 counts
-- dossiers with a level above 0). Accounts are linked by their verified
-- personal ID number, hence the index.
ALTER TABLE users ADD COLUMN identity_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN identity_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN applicant_identity_level BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_id_number ON users (id_number);

-- +goose Down
DROP INDEX users_id_number;
ALTER TABLE dossiers DROP COLUMN applicant_identity_level;
ALTER TABLE sessions DROP COLUMN identity_level;
ALTER TABLE users DROP COLUMN identity_level;
