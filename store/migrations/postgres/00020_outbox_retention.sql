-- +goose Up
-- Retention of the outbox (issue 18): sent deliveries older than the
-- retention are deleted oldest first (outbox_deliveries_sent), and their
-- event once no delivery of it remains (outbox_deliveries_event).
CREATE INDEX outbox_deliveries_sent ON outbox_deliveries (sent_at, id) WHERE status = 'sent';
CREATE INDEX outbox_deliveries_event ON outbox_deliveries (event_id);

-- +goose Down
DROP INDEX outbox_deliveries_event;
DROP INDEX outbox_deliveries_sent;
