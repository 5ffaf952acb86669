-- +goose Up
-- One row per scan a door phone sent (the dashboard's check-in page), keyed
-- by the id the page gave the scan, so a scan sent again after a dropped
-- connection gets the first answer back instead of being counted twice.
-- No personal data: the code, the answer, and the invitation it found.
CREATE TABLE checkin_scans (
    scan_id       TEXT PRIMARY KEY,            -- made by the page, one per scan
    event_id      BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    code          TEXT NOT NULL,               -- as normalized (event.NormalizeCode)
    outcome       TEXT NOT NULL,               -- ok, already, unknown, not_attending
    invitation_id BIGINT REFERENCES invitations(id) ON DELETE CASCADE,
    scanned_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX checkin_scans_event ON checkin_scans (event_id, created_at);

-- +goose Down
DROP TABLE checkin_scans;
