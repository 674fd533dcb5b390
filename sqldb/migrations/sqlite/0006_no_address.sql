-- A complaint whose complainant gave neither an e-mail nor a postal address
-- is registered with a warning that stays on it until staff find an address:
-- nobody could send the answer. Forward only.

-- +goose Up
ALTER TABLE complaints ADD COLUMN no_address INTEGER NOT NULL DEFAULT 0 CHECK (no_address IN (0, 1));
