-- Contents larger than the blobs table takes (raw mails, attachments over
-- 128 KiB) live in the database too on PostgreSQL, so that instances on
-- several machines share them and one pg_dump is the whole backup (on
-- SQLite they are files under DATA_DIR/blobs). Content-addressed by
-- SHA-256 like the blobs table, and stored once. Forward only.

-- +goose Up

-- large_blobs has a row per content, written in the transaction that
-- writes its chunks: a content is there when its row is.
CREATE TABLE large_blobs (
	sha256 text PRIMARY KEY,
	size   bigint NOT NULL,
	chunks integer NOT NULL
);

-- large_blob_chunks holds the bytes in chunks of 1 MiB (the last one
-- shorter), numbered from 0, so that neither writing nor reading a 25 MB
-- attachment holds more than a chunk of it in memory. A content is
-- written under a temporary key and renamed to its SHA-256 once that is
-- known, in one transaction: hence the deferred foreign key.
CREATE TABLE large_blob_chunks (
	sha256 text NOT NULL REFERENCES large_blobs (sha256) DEFERRABLE INITIALLY DEFERRED,
	seq    integer NOT NULL,
	data   bytea NOT NULL,
	PRIMARY KEY (sha256, seq)
);
-- Out of line and uncompressed: attachments are mostly compressed already
-- (PDF, JPEG, ZIP), and pglz would spend time finding that out per chunk.
ALTER TABLE large_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
