-- Keep the indexes a query uses (see ../sqlite/0005). Forward only.

-- +goose Up
DROP INDEX inbound_message_id;
DROP INDEX inbound_outcome;
CREATE INDEX inbound_quarantine ON inbound (outcome, taken_at) WHERE outcome IN ('rejected', 'error');
DROP INDEX complaints_handler;
CREATE INDEX complaints_handler ON complaints (handler_id) WHERE handler_id IS NOT NULL;
DROP INDEX outbox_complaint;
