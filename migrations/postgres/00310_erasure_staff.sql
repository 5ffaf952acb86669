-- +goose Up
-- Erasure (hapusdata): when a contact's data was erased, and the kept
-- statistics of an anonymised business in bands instead of exact figures.
ALTER TABLE contacts ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE businesses ADD COLUMN workers_band TEXT NOT NULL DEFAULT '';   -- 1-4, 5-19, 20-99, 100+ (anonymised rows only)
ALTER TABLE businesses ADD COLUMN started_decade INTEGER;                   -- 2010 for 2015 (anonymised rows only)

-- Staff rights: a WhatsApp or Telegram contact is staff only while linked to
-- an enabled staff user (jejaring staff grant, or the code of jejaring user link).
ALTER TABLE contacts ADD COLUMN staff_user_id BIGINT REFERENCES staff_users(id) ON DELETE SET NULL;
CREATE INDEX contacts_staff_user ON contacts (staff_user_id);

CREATE TABLE staff_link_codes (
    id            BIGSERIAL PRIMARY KEY,
    staff_user_id BIGINT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    code_hash     TEXT NOT NULL UNIQUE,        -- SHA-256 hex of the code; the code itself is never stored
    expires_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ,
    used_by       BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE staff_link_codes;
DROP INDEX contacts_staff_user;
ALTER TABLE contacts DROP COLUMN staff_user_id;
ALTER TABLE businesses DROP COLUMN started_decade;
ALTER TABLE businesses DROP COLUMN workers_band;
ALTER TABLE contacts DROP COLUMN erased_at;
