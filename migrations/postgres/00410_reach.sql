-- +goose Up
-- The first-contact campaign on WhatsApp (issue 12): started by staff,
-- one at a time, paced by internal/umkm/reach (daily cap, warm-up, random
-- gaps, office hours) and stopped at the first warning. Each message is an
-- outbox row (kind campaign, dedupe key reach:first:<phone>, so a number
-- is never written to twice, whichever campaign); this table ties the rows
-- to their campaign and business.
CREATE TABLE reach_campaigns (
    id           BIGSERIAL PRIMARY KEY,
    status       TEXT NOT NULL DEFAULT 'running', -- running, stopped, finished
    region_codes TEXT NOT NULL DEFAULT '',        -- comma-separated kecamatan codes; '' all
    daily_cap    INTEGER NOT NULL,
    started_by   TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    next_at      TIMESTAMPTZ NOT NULL,            -- the earliest next message (random gap)
    stopped_at   TIMESTAMPTZ,
    stop_reason  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reach_campaigns_one_running ON reach_campaigns (status) WHERE status = 'running';

CREATE TABLE reach_campaign_messages (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES reach_campaigns(id) ON DELETE CASCADE,
    business_id BIGINT REFERENCES businesses(id) ON DELETE SET NULL,
    outbox_id   BIGINT REFERENCES outbox(id) ON DELETE SET NULL,
    queued_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX reach_campaign_messages_campaign ON reach_campaign_messages (campaign_id);
CREATE INDEX reach_campaign_messages_queued ON reach_campaign_messages (queued_at);

-- +goose Down
DROP TABLE reach_campaign_messages;
DROP TABLE reach_campaigns;
