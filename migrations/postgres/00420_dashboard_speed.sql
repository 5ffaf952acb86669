-- +goose Up
-- Staff dashboard speed (issue 13 review): the live rows in each sort
-- order of the directory, so a page walks an index and stops after 25
-- rows instead of sorting every match; and a covering index for the home
-- page's counts (one GROUP BY pass, an index-only scan once vacuumed).
CREATE INDEX businesses_live_created ON businesses (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX businesses_live_name ON businesses (lower(name), id) WHERE deleted_at IS NULL;
CREATE INDEX businesses_live_regno ON businesses (reg_no, id) WHERE deleted_at IS NULL;
CREATE INDEX businesses_groups ON businesses (size_class, region_code, kbli_section, verified);

-- +goose Down
DROP INDEX businesses_groups;
DROP INDEX businesses_live_regno;
DROP INDEX businesses_live_name;
DROP INDEX businesses_live_created;
