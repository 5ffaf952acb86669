-- +goose Up
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,             -- invite, reminder, change, cancel, confirm, promote, progress, campaign
    channel         TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    contact_id      BIGINT REFERENCES contacts(id) ON DELETE CASCADE,
    event_id        BIGINT REFERENCES events(id) ON DELETE CASCADE,
    invitation_id   BIGINT REFERENCES invitations(id) ON DELETE CASCADE,
    broadcast_id    BIGINT REFERENCES broadcasts(id) ON DELETE SET NULL,
    dedupe_key      TEXT NOT NULL UNIQUE,      -- one row per (purpose, recipient)
    payload         TEXT NOT NULL,             -- JSON outbox.Payload
    priority        INTEGER NOT NULL DEFAULT 5, -- lower goes first
    status          TEXT NOT NULL DEFAULT 'pending', -- pending, sending, sent, failed, skipped, expired, cancelled
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      TIMESTAMP NOT NULL,
    not_after       TIMESTAMP,               -- past this, expire instead of sending (reminders)
    lease_until     TIMESTAMP,
    claimed_by      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP,
    platform_msg_id TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (channel, status, priority, not_before, id);
CREATE INDEX outbox_lease ON outbox (status, lease_until);
CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status);
CREATE INDEX outbox_invitation ON outbox (invitation_id);

-- +goose Down
DROP TABLE outbox;
