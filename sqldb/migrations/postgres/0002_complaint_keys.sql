-- Per-complaint keys for crypto-shredding (see ../sqlite/0002). Forward only.

-- +goose Up
CREATE TABLE complaint_keys (
	complaint_id BIGINT PRIMARY KEY REFERENCES complaints (id),
	key          TEXT NOT NULL CHECK (length(key) = 64)
);
