-- Klachtdesk schema, version 1. Forward only: a later change is a new file.
--
-- Conventions (shared with migrations/postgres): instants are fixed-width UTC
-- text "2006-01-02T15:04:05.000000000Z" so that string order is time order;
-- dates are "YYYY-MM-DD" text; booleans are integers 0/1; absent dates and
-- instants are NULL; free text is NOT NULL DEFAULT ''.

-- +goose Up
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin', 'handler', 'viewer')),
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	password_hash TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

CREATE TABLE complainants (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL DEFAULT '',
	email           TEXT NOT NULL DEFAULT '',
	-- email_key is the lower-cased e-mail address, NULL without one: the
	-- complainant of a new complaint is matched on it (NULLs never collide).
	email_key       TEXT UNIQUE,
	postal_address  TEXT NOT NULL DEFAULT '',
	phone           TEXT NOT NULL DEFAULT '',
	customer_number TEXT NOT NULL DEFAULT '',
	type            TEXT NOT NULL CHECK (type IN ('consumer', 'business')),
	language        TEXT NOT NULL,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
);

-- reference_counters hands out the per-year complaint numbers inside the
-- registering transaction: sequential, never reused.
CREATE TABLE reference_counters (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

CREATE TABLE complaints (
	id                 INTEGER PRIMARY KEY,
	reference          TEXT NOT NULL UNIQUE,
	year               INTEGER NOT NULL,
	number             INTEGER NOT NULL,
	state              TEXT NOT NULL,
	channel            TEXT NOT NULL,
	received_at        TEXT NOT NULL,
	receipt_date       TEXT NOT NULL,
	procedure_version  TEXT NOT NULL DEFAULT '',
	language           TEXT NOT NULL,
	complainant_id     INTEGER NOT NULL REFERENCES complainants (id),
	customer_type      TEXT NOT NULL,
	kind               TEXT NOT NULL,
	subtype            TEXT NOT NULL,
	subject            TEXT NOT NULL DEFAULT '',
	description        TEXT NOT NULL DEFAULT '',
	remedy_sought      TEXT NOT NULL DEFAULT '',
	product_ref        TEXT NOT NULL DEFAULT '',
	discovered         TEXT,
	severity           TEXT NOT NULL,
	informal_contact   TEXT NOT NULL DEFAULT '',
	handler_id         INTEGER REFERENCES users (id),
	reviewer_id        INTEGER REFERENCES users (id),
	finding            TEXT NOT NULL DEFAULT '',
	motivation         TEXT NOT NULL DEFAULT '',
	settlement_type    TEXT NOT NULL DEFAULT '',
	settlement         TEXT NOT NULL DEFAULT '',
	root_cause         TEXT NOT NULL DEFAULT '',
	satisfaction       INTEGER NOT NULL DEFAULT 0,
	ack_due            TEXT,
	ack_due_rule       TEXT NOT NULL DEFAULT '',
	answer_due         TEXT,
	answer_due_rule    TEXT NOT NULL DEFAULT '',
	act_by             TEXT,
	act_by_rule        TEXT NOT NULL DEFAULT '',
	promised_date      TEXT,
	promised_date_rule TEXT NOT NULL DEFAULT '',
	reaction_due       TEXT,
	reaction_due_rule  TEXT NOT NULL DEFAULT '',
	extended           INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
	extension_reason   TEXT NOT NULL DEFAULT '',
	extension_consent  INTEGER NOT NULL DEFAULT 0 CHECK (extension_consent IN (0, 1)),
	escalated          INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
	late_notice        INTEGER NOT NULL DEFAULT 0 CHECK (late_notice IN (0, 1)),
	legal_hold         INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
	route              TEXT NOT NULL,
	referred_at        TEXT,
	external_ref       TEXT NOT NULL DEFAULT '',
	external_outcome   TEXT NOT NULL DEFAULT '',
	acknowledged_at    TEXT,
	answered_at        TEXT,
	closed_at          TEXT,
	close_reason       TEXT NOT NULL DEFAULT '',
	close_note         TEXT NOT NULL DEFAULT '',
	retention_until    TEXT,
	anonymised_at      TEXT,
	version            INTEGER NOT NULL,
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL,
	UNIQUE (year, number)
);
CREATE INDEX complaints_received ON complaints (received_at DESC, id DESC);
CREATE INDEX complaints_state ON complaints (state);
CREATE INDEX complaints_handler ON complaints (handler_id);
CREATE INDEX complaints_complainant ON complaints (complainant_id);

-- complaint_concerned lists the employees a complaint is about, so that the
-- conflict-of-interest rule is a NOT EXISTS in every query that reads.
CREATE TABLE complaint_concerned (
	complaint_id INTEGER NOT NULL REFERENCES complaints (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	PRIMARY KEY (complaint_id, user_id)
);
CREATE INDEX complaint_concerned_user ON complaint_concerned (user_id, complaint_id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- settings_changes is the settings history; its highest revision is the
-- settings revision that rule versions name.
CREATE TABLE settings_changes (
	revision INTEGER PRIMARY KEY,
	key      TEXT NOT NULL,
	old      TEXT NOT NULL,
	new      TEXT NOT NULL,
	actor    TEXT NOT NULL,
	at       TEXT NOT NULL
);

CREATE TABLE messages (
	id           INTEGER PRIMARY KEY,
	complaint_id INTEGER NOT NULL REFERENCES complaints (id),
	direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	channel      TEXT NOT NULL,
	message_id   TEXT,
	from_addr    TEXT NOT NULL DEFAULT '',
	to_addr      TEXT NOT NULL DEFAULT '',
	subject      TEXT NOT NULL DEFAULT '',
	text         TEXT NOT NULL DEFAULT '',
	raw_sha256   TEXT NOT NULL DEFAULT '',
	at           TEXT NOT NULL,
	-- A mail is stored once per complaint however often it is fetched.
	UNIQUE (complaint_id, message_id)
);
CREATE INDEX messages_complaint ON messages (complaint_id, at, id);

-- attachments holds metadata; the bytes live in the blob store under their
-- SHA-256, so identical content is stored once.
CREATE TABLE attachments (
	id           INTEGER PRIMARY KEY,
	message_id   INTEGER NOT NULL REFERENCES messages (id),
	filename     TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id, id);

-- events is the append-only, hash-chained audit trail. AUTOINCREMENT keeps
-- an id from ever being used twice, even after a (forbidden) delete.
CREATE TABLE events (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	complaint_id INTEGER REFERENCES complaints (id),
	kind         TEXT NOT NULL,
	actor_id     INTEGER NOT NULL,
	actor        TEXT NOT NULL,
	at           TEXT NOT NULL,
	before       TEXT NOT NULL,
	after        TEXT NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL
);
CREATE INDEX events_complaint ON events (complaint_id, id);

-- audit_head is the single row every append reads and updates in its
-- transaction: the row lock serialises appends and it remembers the tail,
-- so that a removed last row is noticed.
CREATE TABLE audit_head (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	last_event_id INTEGER NOT NULL,
	last_hash     TEXT NOT NULL
);
INSERT INTO audit_head (id, last_event_id, last_hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
-- +goose StatementEnd
