-- +goose Up
-- Several instances on one database (issue 21). The notification relay
-- marks each dossier event it has handled (sent_at), claiming it first
-- (FOR UPDATE SKIP LOCKED on PostgreSQL), so every message is delivered
-- once whatever the number of instances; the shared cursor it kept is
-- retired. Events the relay had already passed count as handled.
UPDATE outbox SET sent_at = created_at
 WHERE sent_at IS NULL AND topic LIKE 'dossier.%'
   AND id <= COALESCE((SELECT last_id FROM outbox_cursors WHERE consumer = 'notify'), (SELECT MAX(id) FROM outbox), 0);
DELETE FROM outbox_cursors WHERE consumer = 'notify';
CREATE INDEX outbox_dossier_pending ON outbox (id) WHERE sent_at IS NULL AND topic LIKE 'dossier.%';

-- +goose Down
DROP INDEX outbox_dossier_pending;
