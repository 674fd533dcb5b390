-- Mail intake and the outbox. Forward only.

-- +goose Up

-- blobs holds small blob contents (raw mails, small attachments) inside the
-- database, content-addressed by SHA-256 like the files of the blob store:
-- they become durable with the commit that registers them, one fsync
-- instead of three per mail. Larger contents stay files (sqldb/blob.go).
CREATE TABLE blobs (
	sha256 TEXT PRIMARY KEY,
	size   INTEGER NOT NULL,
	data   BLOB NOT NULL
);

-- inbound records every mail intake took, whatever became of it. Its
-- fingerprint (Message-ID, From, Date, Subject and body, without the trace
-- headers added in transit) is intake's idempotency key: a mail fetched or
-- imported again is a duplicate. Rows without a complaint are the
-- quarantine: rejected mail and mail that could not be processed, each with
-- its reason and its raw bytes in the blob store.
CREATE TABLE inbound (
	id           INTEGER PRIMARY KEY,
	fingerprint  TEXT NOT NULL UNIQUE,
	message_id   TEXT NOT NULL DEFAULT '',
	raw_sha256   TEXT NOT NULL,
	source       TEXT NOT NULL,
	received_at  TEXT NOT NULL,
	from_addr    TEXT NOT NULL DEFAULT '',
	subject      TEXT NOT NULL DEFAULT '',
	outcome      TEXT NOT NULL CHECK (outcome IN ('new', 'reply', 'auto_reply', 'bounce', 'rejected', 'error')),
	reason       TEXT NOT NULL DEFAULT '',
	complaint_id INTEGER REFERENCES complaints (id),
	message_row  INTEGER REFERENCES messages (id),
	taken_at     TEXT NOT NULL
);
CREATE INDEX inbound_message_id ON inbound (message_id);
CREATE INDEX inbound_outcome ON inbound (outcome, taken_at);
CREATE INDEX inbound_complaint ON inbound (complaint_id);

-- What a message is beyond its text: quoted history, sanitised HTML, whether
-- a machine wrote it, and whether a reply came from an address that is not
-- the complainant's (matched on the subject reference alone).
ALTER TABLE messages ADD COLUMN quoted TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN html TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN auto TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0 CHECK (unverified IN (0, 1));
-- Threading looks up our letters by Message-ID across complaints.
CREATE INDEX messages_message_id ON messages (message_id);

-- mail_addresses holds what loop protection knows of an address: when it
-- last sent an auto-submitted mail, and whether a letter to it bounced.
CREATE TABLE mail_addresses (
	email_key            TEXT PRIMARY KEY,
	last_auto_submitted  TEXT,
	undeliverable_at     TEXT,
	undeliverable_reason TEXT NOT NULL DEFAULT ''
);

-- outbox: one row per letter, written in the transaction of the change that
-- caused it. The letter itself (addressee, subject, text, Message-ID) is its
-- messages row, stored verbatim. A worker claims due rows by moving
-- next_attempt_at forward (a lease): a worker that dies leaves the row due
-- again once the lease ends, and the resend keeps the Message-ID.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	complaint_id    INTEGER NOT NULL REFERENCES complaints (id),
	message_row     INTEGER NOT NULL UNIQUE REFERENCES messages (id),
	kind            TEXT NOT NULL,
	to_key          TEXT NOT NULL,
	in_reply_to     TEXT NOT NULL DEFAULT '',
	automatic       INTEGER NOT NULL CHECK (automatic IN (0, 1)),
	state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'held')),
	reason          TEXT NOT NULL DEFAULT '',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_to ON outbox (to_key, created_at);
CREATE INDEX outbox_complaint ON outbox (complaint_id);

-- imap_state remembers, per mailbox, the UIDVALIDITY and the highest UID
-- taken, so that a restart resumes instead of re-reading.
CREATE TABLE imap_state (
	mailbox      TEXT PRIMARY KEY,
	uid_validity INTEGER NOT NULL,
	last_uid     INTEGER NOT NULL,
	updated_at   TEXT NOT NULL
);
