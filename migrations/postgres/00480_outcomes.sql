-- +goose Up
-- What came of an event (issue 16): one row per question asked of one
-- person — right after the event or a meeting ("after"), and the
-- follow-ups about one, three and six months later ("m1", "m3", "m6").
-- The question itself goes out through the outbox (kind 'outcome') with
-- the row's time, so it survives restarts; the answer is stored here.
-- meeting_key is '' for a question about the event as a whole, else the
-- meeting it is about ("meeting:<id>"), with the other side's name in
-- counterpart so the question can say who. hapusdata blanks contact_id,
-- counterpart and the free texts and keeps the ratings and deals for the
-- aggregate statistics only.
CREATE TABLE outcomes (
    id            BIGSERIAL PRIMARY KEY,
    event_id      BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    invitation_id BIGINT REFERENCES invitations(id) ON DELETE SET NULL,
    contact_id    BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    business_id   BIGINT REFERENCES businesses(id) ON DELETE SET NULL,
    side          TEXT NOT NULL DEFAULT 'owner',  -- owner, partner
    meeting_key   TEXT NOT NULL DEFAULT '',
    counterpart   TEXT NOT NULL DEFAULT '',
    round         TEXT NOT NULL,                  -- after, m1, m3, m6
    token         TEXT NOT NULL UNIQUE,           -- hasil_<token> buttons
    due_at        TIMESTAMPTZ NOT NULL,
    rating        TEXT NOT NULL DEFAULT '',       -- event.Rating
    wants_next    TEXT NOT NULL DEFAULT '',
    in_contact    TEXT NOT NULL DEFAULT '',       -- ya, tidak
    deal_kind     TEXT NOT NULL DEFAULT '',       -- event.DealKind
    deal_status   TEXT NOT NULL DEFAULT '',       -- event.DealStatus
    deal_value    BIGINT NOT NULL DEFAULT 0,      -- rupiah, as said
    deal_per      TEXT NOT NULL DEFAULT '',       -- '' once, or month/year (idn.Period)
    note          TEXT NOT NULL DEFAULT '',
    answered_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, contact_id, meeting_key, side, round)
);
CREATE INDEX outcomes_contact ON outcomes (contact_id, due_at);
CREATE INDEX outcomes_event ON outcomes (event_id, round);
-- The follow-up months of an event ('1,3,6'; '' none), set by staff.
ALTER TABLE events ADD COLUMN followup_months TEXT;

-- +goose Down
ALTER TABLE events DROP COLUMN followup_months;
DROP INDEX outcomes_event;
DROP INDEX outcomes_contact;
DROP TABLE outcomes;
