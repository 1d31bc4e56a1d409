-- +goose Up
-- Two-phase signing sessions (issue 17) live in the database, not in one
-- process's memory, so that the officer's confirmation may reach any
-- instance behind the load balancer and survives a restart (issue 21).
-- id_hash is the SHA-256 of the session id; session is the workflow's
-- JSON (what the officer sees, the signature block, the layout); state is
-- the signer's serialized prepared signature (sign.PreparedPDF). A
-- completion claims the row until claimed_until (ms) so that only one
-- completion signs; the row is deleted with the transition that used it,
-- and expired rows are purged when sessions are created.
CREATE TABLE signing_sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    dossier_code  TEXT NOT NULL,
    action        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    session       TEXT NOT NULL,
    state         BLOB NOT NULL
);
CREATE INDEX signing_sessions_owner ON signing_sessions (user_id, dossier_code, action);
CREATE INDEX signing_sessions_expires ON signing_sessions (expires_at);

-- +goose Down
DROP TABLE signing_sessions;
