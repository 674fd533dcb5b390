-- Every index is one more page every registration writes and syncs. Keep the
-- ones a query uses, and index only the rows it looks for. Forward only.

-- +goose Up
-- Nothing looks inbound mail up by Message-ID: threading uses messages.
DROP INDEX inbound_message_id;
-- The quarantine (rejected and unprocessable mail) is the only outcome
-- listed; taken mail need not be in this index.
DROP INDEX inbound_outcome;
CREATE INDEX inbound_quarantine ON inbound (outcome, taken_at) WHERE outcome IN ('rejected', 'error');
-- A complaint has no handler until triage assigns one.
DROP INDEX complaints_handler;
CREATE INDEX complaints_handler ON complaints (handler_id) WHERE handler_id IS NOT NULL;
-- A complaint's deliveries are found through its messages (messages by
-- complaint, then outbox by its unique message_row).
DROP INDEX outbox_complaint;
