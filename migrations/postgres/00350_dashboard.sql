-- +goose Up
-- Staff dashboard (issue 13): typo-tolerant search of business and owner
-- names with pg_trgm. An extension belongs to the database, not a schema,
-- and several schemas (tests, or two Jejarings) may migrate at once: the
-- advisory lock makes the creators take turns, and the extension lives in
-- public, where the queries name it (public.word_similarity,
-- OPERATOR(public.<%)), whatever the search_path.
-- +goose StatementBegin
DO $$
BEGIN
    PERFORM pg_advisory_xact_lock(1300350);
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm SCHEMA public;
    END IF;
END
$$;
-- +goose StatementEnd
-- A small pending list (128 kB, default 4 MB): right after a big import
-- the planner still picks the index (with the default it chose a 0.2-0.5 s
-- scan of 20,000 rows); fastupdate off did as well but made an import of
-- 20,000 rows four times slower.
CREATE INDEX businesses_names_trgm ON businesses USING gin ((lower(name || ' ' || owner_name)) public.gin_trgm_ops) WITH (gin_pending_list_limit = 128);
-- Phone, registration number and NIB searched as substrings (LIKE '%…%').
CREATE INDEX businesses_ids_trgm ON businesses USING gin ((lower(COALESCE(owner_phone, '') || ' ' || COALESCE(reg_no, '') || ' ' || COALESCE(nib, ''))) public.gin_trgm_ops) WITH (gin_pending_list_limit = 128);
CREATE INDEX businesses_created ON businesses (created_at);

-- +goose Down
-- The extension stays: other schemas of the database may use it.
DROP INDEX businesses_created;
DROP INDEX businesses_ids_trgm;
DROP INDEX businesses_names_trgm;
