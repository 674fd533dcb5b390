-- A complaint without any address keeps a warning (see ../sqlite/0006).
-- Forward only.

-- +goose Up
ALTER TABLE complaints ADD COLUMN no_address INTEGER NOT NULL DEFAULT 0 CHECK (no_address IN (0, 1));
