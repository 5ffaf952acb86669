-- +goose Up
-- Staff dashboard (issue 13): the directory sorts and counts by the date of
-- registration. Typo-tolerant search runs in Go over the filtered rows
-- (internal/store/directory.go): SQLite has no trigram similarity.
CREATE INDEX businesses_created ON businesses (created_at);

-- +goose Down
DROP INDEX businesses_created;
