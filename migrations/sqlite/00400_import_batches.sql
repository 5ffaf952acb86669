-- +goose Up
-- Imports of the office's register (issue 12): each import is one batch
-- with an id, listed and undone by `jejaring import list|undo` and the
-- dashboard's import page. An item is one business the batch added
-- (action insert) or whose empty fields it filled (action fill: the
-- fields, the size class and the time of the record before). stamp is the
-- record's updated_at as the batch left it: a record changed since
-- (by its owner in chat, by staff) has another, and the batch can no
-- longer be undone.
CREATE TABLE import_batches (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name TEXT NOT NULL DEFAULT '',
    actor     TEXT NOT NULL,
    at        TIMESTAMP NOT NULL,
    row_count INTEGER NOT NULL DEFAULT 0,  -- data rows read
    inserted  INTEGER NOT NULL DEFAULT 0,
    filled    INTEGER NOT NULL DEFAULT 0,  -- existing records with empty fields filled
    merged    INTEGER NOT NULL DEFAULT 0,  -- rows that were the same business as another
    refused   INTEGER NOT NULL DEFAULT 0,
    undone_at TIMESTAMP,
    undone_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE import_items (
    batch_id     BIGINT NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
    business_id  BIGINT NOT NULL,
    action       TEXT NOT NULL,                -- insert, fill
    fields       TEXT NOT NULL DEFAULT '',     -- fill: the columns filled, comma-separated
    prev_size    TEXT NOT NULL DEFAULT '',
    prev_updated TIMESTAMP,
    stamp        TIMESTAMP NOT NULL,
    PRIMARY KEY (batch_id, business_id)
);
CREATE INDEX import_items_business ON import_items (business_id);

-- +goose Down
DROP INDEX import_items_business;
DROP TABLE import_items;
DROP TABLE import_batches;
