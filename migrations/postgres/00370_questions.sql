-- +goose Up
-- Questions an owner put to the office in the chat (flows/tanya.yaml), and
-- the staff's answer (jejaring questions answer), sent through the outbox to
-- the chat the question came from. A contact's questions go with hapusdata.
CREATE TABLE questions (
    id          BIGSERIAL PRIMARY KEY,
    contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,                  -- NULL: still open
    answered_by TEXT NOT NULL DEFAULT '',  -- who answered (jejaring questions answer --by), "cli" when unnamed
    answer      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_contact ON questions (contact_id, answered_at);
CREATE INDEX questions_open ON questions (id) WHERE answered_at IS NULL;

-- +goose Down
DROP INDEX questions_open;
DROP INDEX questions_contact;
DROP TABLE questions;
