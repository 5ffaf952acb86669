-- +goose Up
CREATE TABLE events (
    id            BIGSERIAL PRIMARY KEY,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL,               -- seminar, temu_bisnis, pelatihan, pameran
    description   TEXT NOT NULL DEFAULT '',
    venue         TEXT NOT NULL DEFAULT '',
    map_url       TEXT NOT NULL DEFAULT '',
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    capacity      INTEGER NOT NULL DEFAULT 0,  -- people; 0 = no limit
    max_party     INTEGER NOT NULL DEFAULT 1,  -- people per business
    rsvp_deadline TIMESTAMPTZ,
    segment       TEXT NOT NULL DEFAULT '{}',  -- JSON event.Segment
    status        TEXT NOT NULL DEFAULT 'draft', -- draft, published, changed, cancelled
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_starts ON events (starts_at);

CREATE TABLE broadcasts (
    id               BIGSERIAL PRIMARY KEY,
    event_id         BIGINT REFERENCES events(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,            -- invite, change, cancel, campaign
    segment          TEXT NOT NULL DEFAULT '{}',
    staff_contact_id BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    total            INTEGER NOT NULL DEFAULT 0, -- rows queued
    skipped          INTEGER NOT NULL DEFAULT 0, -- stopped or blocked contacts left out
    already          INTEGER NOT NULL DEFAULT 0, -- invited by an earlier broadcast
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    last_progress    INTEGER NOT NULL DEFAULT -1,
    done_at          TIMESTAMPTZ
);

CREATE TABLE invitations (
    id            BIGSERIAL PRIMARY KEY,
    event_id      BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    contact_id    BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    broadcast_id  BIGINT REFERENCES broadcasts(id) ON DELETE SET NULL,
    token         TEXT NOT NULL UNIQUE,        -- rsvp_<token> deep link
    status        TEXT NOT NULL DEFAULT 'invited', -- invited, going, waitlist, maybe, declined
    party_size    INTEGER NOT NULL DEFAULT 0,
    needs         TEXT NOT NULL DEFAULT '',    -- temu bisnis: comma-separated wishes
    checkin_code  TEXT NOT NULL,
    answered_at   TIMESTAMPTZ,
    waitlisted_at TIMESTAMPTZ,
    checked_in_at TIMESTAMPTZ,
    checked_in_by TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, contact_id),
    UNIQUE (event_id, checkin_code)
);
CREATE INDEX invitations_contact ON invitations (contact_id);
CREATE INDEX invitations_status ON invitations (event_id, status);

-- +goose Down
DROP TABLE invitations;
DROP TABLE broadcasts;
DROP TABLE events;
