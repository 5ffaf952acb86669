-- +goose Up
-- Temu bisnis matchmaking (internal/match): the partners the owners meet,
-- each event's grid of slots and tables, who takes part, the wishes of both
-- sides, the meetings the scheduler booked, and who cancelled on the day.
CREATE TABLE partners (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id      BIGINT REFERENCES contacts(id) ON DELETE SET NULL, -- the chat that registered it
    kind            TEXT NOT NULL,              -- investor, buyer, bank, bumn, koperasi, marketplace, mentor
    organisation    TEXT NOT NULL,
    contact_person  TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',   -- E.164; personal data, never shown to owners
    offer           TEXT NOT NULL DEFAULT '',   -- what they offer or look for
    sectors         TEXT NOT NULL DEFAULT '',   -- KBLI sections, comma-separated; '' = every sector
    size_min        TEXT NOT NULL DEFAULT '',
    size_max        TEXT NOT NULL DEFAULT '',
    kecamatan       TEXT NOT NULL DEFAULT '',   -- region codes, comma-separated; '' = the whole regency
    consent         INTEGER NOT NULL DEFAULT 0, -- may be shown to owners
    consent_version TEXT NOT NULL DEFAULT '',
    consent_at      TIMESTAMP,
    source          TEXT NOT NULL DEFAULT 'chat', -- chat, dashboard, import
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX partners_contact ON partners (contact_id);

CREATE TABLE match_setups (
    event_id       BIGINT PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    slots          INTEGER NOT NULL,
    slot_minutes   INTEGER NOT NULL,
    first_slot     TIMESTAMP NOT NULL,
    tables         INTEGER NOT NULL,
    max_per_owner  INTEGER NOT NULL DEFAULT 3,
    version        INTEGER NOT NULL DEFAULT 0,  -- publications so far
    run_at         TIMESTAMP,
    published_at   TIMESTAMP,
    coverage       INTEGER NOT NULL DEFAULT 0,
    weight         REAL NOT NULL DEFAULT 0,
    bound_coverage INTEGER NOT NULL DEFAULT 0,
    bound_weight   REAL NOT NULL DEFAULT 0,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE match_partners (
    event_id    BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    partner_id  BIGINT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    seats       INTEGER NOT NULL DEFAULT 1,
    available   TEXT NOT NULL DEFAULT '',       -- slots, comma-separated; '' = every slot
    absent_from INTEGER NOT NULL DEFAULT -1,    -- cancelled from this slot on
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, partner_id)
);

CREATE TABLE match_absences (
    event_id      BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    absent_from   INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, invitation_id)
);

CREATE TABLE match_wishes (
    event_id      BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    partner_id    BIGINT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    side          TEXT NOT NULL,                -- owner, partner, staff
    pick_rank     INTEGER NOT NULL DEFAULT 0,   -- an owner's order, 1..5
    veto          INTEGER NOT NULL DEFAULT 0, -- "tidak": a veto
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, invitation_id, partner_id, side)
);

CREATE TABLE match_meetings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id           BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    invitation_id      BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    partner_id         BIGINT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    slot               INTEGER NOT NULL,
    table_no           INTEGER NOT NULL,
    locked             INTEGER NOT NULL DEFAULT 0,
    announced          INTEGER NOT NULL DEFAULT 0, -- told to both in its slot and table
    owner_arrived_at   TIMESTAMP,
    partner_arrived_at TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (event_id, invitation_id, partner_id)
);
CREATE INDEX match_meetings_event ON match_meetings (event_id, slot);

-- +goose Down
DROP TABLE match_meetings;
DROP TABLE match_wishes;
DROP TABLE match_absences;
DROP TABLE match_partners;
DROP TABLE match_setups;
DROP TABLE partners;
