-- retention_until records the rule version that computed it. Forward only.

-- +goose Up
ALTER TABLE complaints ADD COLUMN retention_until_rule TEXT NOT NULL DEFAULT '';
