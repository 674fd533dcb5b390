-- Staff may put a failed letter back in the queue (see ../sqlite/0007).
-- Forward only.

-- +goose Up
ALTER TABLE outbox ADD COLUMN requeued_at TIMESTAMPTZ;
CREATE INDEX outbox_failed ON outbox (complaint_id) WHERE state = 'failed';
