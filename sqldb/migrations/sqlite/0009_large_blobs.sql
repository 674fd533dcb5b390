-- Large contents on PostgreSQL live in the tables large_blobs and
-- large_blob_chunks (migrations/postgres/0009_large_blobs.sql). On SQLite
-- they stay files under DATA_DIR/blobs (sqldb/blob.go), so nothing
-- changes here; the file keeps the two folders' versions in step.
-- Forward only.

-- +goose Up
SELECT 1;
