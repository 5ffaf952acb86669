-- +goose Up
CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    channel       TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    phone         TEXT,                       -- E.164, NULL until known
    display_name  TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT 'id',
    first_seen    TIMESTAMP NOT NULL,
    last_seen     TIMESTAMP NOT NULL,
    stopped       INTEGER NOT NULL DEFAULT 0, -- said berhenti: no broadcasts
    blocked       INTEGER NOT NULL DEFAULT 0, -- the platform says they blocked us
    is_staff      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel, external_id)
);
CREATE INDEX contacts_phone ON contacts (phone);

CREATE TABLE businesses (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    reg_no           TEXT UNIQUE,             -- PSS-2026-000123, never reused
    contact_id       BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    owner_name       TEXT NOT NULL DEFAULT '',
    owner_phone      TEXT,                    -- E.164
    nik              TEXT,                    -- personal data: masked in logs
    name             TEXT NOT NULL DEFAULT '',
    products         TEXT NOT NULL DEFAULT '',
    kbli_section     TEXT NOT NULL DEFAULT '',
    kbli_code        TEXT NOT NULL DEFAULT '',
    kbli_version     TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL DEFAULT '', -- kecamatan, e.g. 13.01.07
    village          TEXT NOT NULL DEFAULT '', -- nagari
    address          TEXT NOT NULL DEFAULT '',
    year_started     INTEGER,
    workers          INTEGER,
    capital          BIGINT,                  -- whole rupiah
    annual_sales     BIGINT,                  -- whole rupiah
    size_class       TEXT NOT NULL DEFAULT '', -- mikro, kecil, menengah, besar
    nib              TEXT,
    photo_ref        TEXT NOT NULL DEFAULT '',
    show_to_partners INTEGER NOT NULL DEFAULT 0,
    verified         INTEGER NOT NULL DEFAULT 0,
    source           TEXT NOT NULL DEFAULT 'chat', -- chat, import
    tags             TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    deleted_at       TIMESTAMP              -- anonymized on request
);
CREATE UNIQUE INDEX businesses_nib ON businesses (nib) WHERE nib IS NOT NULL AND nib <> '';
CREATE INDEX businesses_contact ON businesses (contact_id);
CREATE INDEX businesses_phone ON businesses (owner_phone);

CREATE TABLE consents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id     BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    purpose        TEXT NOT NULL,             -- data_processing, show_to_partners
    granted        INTEGER NOT NULL,
    notice_version TEXT NOT NULL,
    reply          TEXT NOT NULL DEFAULT '',
    message_id     TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX consents_contact ON consents (contact_id, purpose, created_at);

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'staff', -- admin, staff
    created_at    TIMESTAMP NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,                -- contact:12, staff:admin, system
    action      TEXT NOT NULL,                -- business.update, data.view, data.delete, ...
    entity      TEXT NOT NULL DEFAULT '',
    entity_id   TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT ''      -- JSON: old and new values
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE staff_users;
DROP TABLE consents;
DROP TABLE businesses;
DROP TABLE contacts;
