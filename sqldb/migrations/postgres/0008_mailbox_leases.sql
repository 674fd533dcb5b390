-- Several serve instances on one database: one at a time polls a mailbox.
-- Forward only.

-- +goose Up

-- mailbox_leases holds, per IMAP mailbox, which instance polls it and until
-- when. An instance takes the row when it is free, expired or its own, and
-- renews it while it polls; one that dies without releasing it is taken
-- over once the lease expires. Instants come from the application's clock.
CREATE TABLE mailbox_leases (
	mailbox    TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at timestamptz NOT NULL
);
