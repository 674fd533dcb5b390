-- Per-complaint keys for crypto-shredding. Forward only.
--
-- The events table is append-only and hash-chained, so personal text in it
-- can never be deleted. The store therefore seals the personal values of a
-- complaint's events with the complaint's own random AES-256 key and keeps
-- the key here; anonymising the complaint deletes its key row, after which
-- the sealed values in the trail can no longer be read while the chain,
-- which covers the sealed bytes, still verifies. Unlike events, this table
-- is not append-only. The key is 32 bytes as 64 hex digits: text, so that
-- both databases store it the same way.

-- +goose Up
CREATE TABLE complaint_keys (
	complaint_id INTEGER PRIMARY KEY REFERENCES complaints (id),
	key          TEXT NOT NULL CHECK (length(key) = 64)
);
