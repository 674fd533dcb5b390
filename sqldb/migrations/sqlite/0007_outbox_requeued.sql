-- Staff may put a failed letter back in the queue (klachtdesk letter
-- retry): its give-up period runs from then, not from its creation, which
-- loop protection and the rewriting of waiting letters still read.
-- Forward only.

-- +goose Up
ALTER TABLE outbox ADD COLUMN requeued_at TEXT;
-- The register flags complaints with a failed letter.
CREATE INDEX outbox_failed ON outbox (complaint_id) WHERE state = 'failed';
