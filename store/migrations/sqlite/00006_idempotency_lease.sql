-- +goose Up
-- Idempotency claims are leases (issue 16, item 4): the request that owns
-- a key (owner, a random token) renews lease_until while it runs; a claim
-- whose lease ran out — its process crashed or was killed — may be taken
-- over by a retry. Status -1 marks a claim whose use case committed but
-- whose response was never stored: a retry is told so instead of running
-- the request a second time.
ALTER TABLE idempotency ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE idempotency DROP COLUMN lease_until;
ALTER TABLE idempotency DROP COLUMN owner;
