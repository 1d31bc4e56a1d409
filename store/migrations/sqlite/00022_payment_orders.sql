-- +goose Up
-- Online payment through a payment gateway (issue 18 item 4,
-- docs/payment.md). An order is created pending with the fee still due;
-- the citizen pays at the gateway, which calls back with a signed message
-- (or is asked later by the reconciliation). The first verified "paid"
-- answer moves the order from pending to paid in the transaction that
-- records the payment and its e-receipt (payment_id): a replayed or
-- concurrent second answer finds it no longer pending. A transaction id
-- of the gateway pays at most one order.
CREATE TABLE payment_orders (
    id           INTEGER PRIMARY KEY,
    order_ref    TEXT NOT NULL UNIQUE,
    dossier_id   BIGINT NOT NULL REFERENCES dossiers (id),
    dossier_code TEXT NOT NULL,
    amount       BIGINT NOT NULL,
    gateway      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    pay_url      TEXT NOT NULL DEFAULT '',
    gateway_txn  TEXT NOT NULL DEFAULT '',
    result_code  TEXT NOT NULL DEFAULT '',
    payment_id   BIGINT NOT NULL DEFAULT 0,
    created_by   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    settled_at   BIGINT
);
CREATE INDEX payment_orders_dossier ON payment_orders (dossier_id, id);
CREATE INDEX payment_orders_pending ON payment_orders (created_at, id) WHERE status = 'pending';
CREATE UNIQUE INDEX payment_orders_txn ON payment_orders (gateway, gateway_txn) WHERE gateway_txn <> '';

-- +goose Down
DROP TABLE payment_orders;
