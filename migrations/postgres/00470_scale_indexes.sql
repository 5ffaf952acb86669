-- +goose Up
-- Issue 19, PostgreSQL at scale (docs/scaling.md): indexes checked with
-- EXPLAIN on a million businesses and five million outbox rows
-- (`jejaring bench db`).
--
-- The dispatcher's claim reads only rows waiting to go (pending) or whose
-- lease ran out (sending): partial indexes hold just those, so a claim
-- costs the same whether the outbox keeps a thousand delivered rows or
-- millions. They replace outbox_due, which indexed every delivered row too.
CREATE INDEX outbox_claim_pending ON outbox (channel, priority, not_before, id) WHERE status = 'pending';
CREATE INDEX outbox_claim_lease ON outbox (channel, lease_until) WHERE status = 'sending';
DROP INDEX outbox_due;
-- The dashboard's directory lists live records newest first, for the
-- whole register or some kecamatan: read in index order, no sort of the
-- register.
CREATE INDEX businesses_live_newest ON businesses (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX businesses_live_region ON businesses (region_code, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- The retention job empties the text of finished rows oldest first
-- (ScrubOutboxPayloads): this index holds only the finished rows still
-- holding their text, so each run reads those instead of walking past
-- every row already scrubbed.
CREATE INDEX outbox_unscrubbed ON outbox (id) WHERE payload <> '{"text":""}' AND status IN ('sent', 'failed', 'skipped', 'expired', 'cancelled');

-- +goose Down
DROP INDEX outbox_unscrubbed;
DROP INDEX businesses_live_region;
DROP INDEX businesses_live_newest;
CREATE INDEX outbox_due ON outbox (channel, status, priority, not_before, id);
DROP INDEX outbox_claim_lease;
DROP INDEX outbox_claim_pending;
