-- +goose Up
-- Verified identity (issue 10). A contact's phone counts only when the
-- platform vouched for it: phone_source says how it became known
-- (whatsapp_sender, telegram_contact, otp), phone_verified_at when. A phone
-- nobody vouched for is never stored on the contact.
ALTER TABLE contacts ADD COLUMN phone_source TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN phone_verified_at TIMESTAMPTZ;
UPDATE contacts SET phone_source = 'whatsapp_sender', phone_verified_at = last_seen
    WHERE channel = 'whatsapp' AND phone IS NOT NULL;
-- The bot stored a Telegram phone only for a contact its own user shared.
UPDATE contacts SET phone_source = 'telegram_contact', phone_verified_at = last_seen
    WHERE channel = 'telegram' AND phone IS NOT NULL;
-- Anything else (the web chat's "shared contact") was never vouched for.
UPDATE contacts SET phone = NULL WHERE phone IS NOT NULL AND phone_source = '';

-- The record's own claim token: the office prints or sends the deep link
-- konfirmasi_<token> (or "KONFIRMASI <token>"); whoever opens it is linked
-- to the record, and the token is replaced. gen_random_uuid() (PostgreSQL
-- 13+, a strong random source) gives 80 random bits per existing record.
ALTER TABLE businesses ADD COLUMN claim_token TEXT;
UPDATE businesses SET claim_token = substr(md5(gen_random_uuid()::text || gen_random_uuid()::text), 1, 20)
    WHERE claim_token IS NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX businesses_claim_token ON businesses (claim_token) WHERE claim_token IS NOT NULL;

-- One-time codes sent to a phone's WhatsApp or Telegram contact so a web
-- chat user can prove the number is theirs. Only a salted hash is kept;
-- code_hash is '' when nobody could receive the code (it never matches).
CREATE TABLE phone_codes (
    id          BIGSERIAL PRIMARY KEY,
    contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX phone_codes_contact ON phone_codes (contact_id, created_at);
CREATE INDEX phone_codes_phone ON phone_codes (phone, created_at);

-- +goose Down
DROP TABLE phone_codes;
DROP INDEX businesses_claim_token;
ALTER TABLE businesses DROP COLUMN claim_token;
ALTER TABLE contacts DROP COLUMN phone_verified_at;
ALTER TABLE contacts DROP COLUMN phone_source;
