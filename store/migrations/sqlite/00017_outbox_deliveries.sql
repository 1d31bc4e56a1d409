-- +goose Up
-- The reliable outbox (issue 18 item 1). An event (outbox row) written in
-- the transaction of the change it reports fans out, in that same
-- transaction, to one delivery per destination that wants it (e-mail/SMS
-- notifications, the national portal…). A delivery is claimed with a
-- lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so one instance delivers
-- it), retried with exponential back-off and jitter, and set dead after
-- the destination's last attempt. Deliveries with the same non-empty
-- order_key (a dossier's code) go to their destination in id order: one
-- waits while an earlier one is not sent. idem_key is what the receiver
-- can use to drop a second copy.
CREATE TABLE outbox_deliveries (
    id          INTEGER PRIMARY KEY,
    event_id    BIGINT NOT NULL,
    destination TEXT NOT NULL,
    order_key   TEXT NOT NULL DEFAULT '',
    idem_key    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    attempts    BIGINT NOT NULL DEFAULT 0,
    next_at     BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT,
    UNIQUE (destination, event_id)
);
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (next_at, id) WHERE status = 'pending';
CREATE INDEX outbox_deliveries_order ON outbox_deliveries (destination, order_key, id) WHERE status <> 'sent';
CREATE INDEX outbox_deliveries_status ON outbox_deliveries (status, destination, id);

-- The dossier events the notification relay had not handled yet become
-- deliveries to 'notify' (the relay handled them through outbox.sent_at
-- before; events without a message are passed over at delivery).
INSERT INTO outbox_deliveries (event_id, destination, idem_key, next_at, created_at)
SELECT id, 'notify', 'motcua-' || id || '-notify', created_at, created_at FROM outbox
 WHERE sent_at IS NULL AND topic IN ('dossier.submit', 'dossier.accept', 'dossier.receive',
   'dossier.request-supplement', 'dossier.issue', 'dossier.return', 'dossier.refuse', 'dossier.apologize');
UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL AND topic LIKE 'dossier.%';
-- Nothing reads outbox.sent_at any more.
DROP INDEX outbox_dossier_pending;

-- +goose Down
CREATE INDEX outbox_dossier_pending ON outbox (id) WHERE sent_at IS NULL AND topic LIKE 'dossier.%';
DROP TABLE outbox_deliveries;
