-- +goose Up
-- Registration numbers (PSS-2026-000123): one counter per prefix and year,
-- bumped in the same transaction that inserts the business, so a number is
-- given out once and never reused.
CREATE TABLE reg_counters (
    prefix TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);
CREATE INDEX businesses_region ON businesses (region_code);
CREATE INDEX businesses_deleted ON businesses (deleted_at);

-- +goose Down
DROP INDEX businesses_deleted;
DROP INDEX businesses_region;
DROP TABLE reg_counters;
