package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"jejaring/internal/outbox"
	"jejaring/internal/umkm"
)

// PostgreSQL at scale (issue 19): Scale fills a throwaway schema with a
// country-sized register (a million businesses, millions of outbox rows,
// mostly delivered), then runs the dashboard's and the dispatcher's real
// repository calls on it with auto_explain reporting every statement's
// plan and time back to this connection. It is `jejaring bench db`; the
// short form runs in CI (scale_test.go) on a few thousand rows.

// ScaleOptions size the generated data.
type ScaleOptions struct {
	Businesses int // rows in businesses (default 1,000,000)
	Outbox     int // rows in outbox (default 5,000,000), 2 in 500 due
	Claims     int // claims of 50 rows timed at the end (default 200)
	// Keep leaves the schema in place (its name is in the report).
	Keep bool
	// Progress gets a line per phase (nil: none).
	Progress io.Writer
}

// ScaleStatement is one repository call at scale: the SQL statements it
// ran, each with its plan, and the call's wall time.
type ScaleStatement struct {
	Name   string
	Took   time.Duration // the call's wall time, the round trips included
	Server time.Duration // the statements' time in the server (auto_explain's durations)
	Plans  []string      // auto_explain's text, one per statement
}

// planDuration reads auto_explain's "duration: 1.234 ms".
func planDuration(plan string) time.Duration {
	_, rest, ok := strings.Cut(plan, "duration: ")
	if !ok {
		return 0
	}
	ms, _, _ := strings.Cut(rest, " ")
	f, err := strconv.ParseFloat(ms, 64)
	if err != nil {
		return 0
	}
	return time.Duration(f * float64(time.Millisecond))
}

// ScaleReport is what Scale measured.
type ScaleReport struct {
	Schema              string
	Businesses, Outbox  int
	Generate            time.Duration
	Statements          []ScaleStatement
	Claims              int
	ClaimMean, ClaimMax time.Duration
	TableBytes          map[string]int64 // businesses, outbox, with indexes
}

// Scale runs the scale benchmark on the PostgreSQL at baseURL, in a new
// schema dropped at the end (unless Keep).
func Scale(ctx context.Context, baseURL string, o ScaleOptions) (ScaleReport, error) {
	if o.Businesses <= 0 {
		o.Businesses = 1_000_000
	}
	if o.Outbox <= 0 {
		o.Outbox = 5_000_000
	}
	if o.Claims <= 0 {
		o.Claims = 200
	}
	progress := func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, format+"\n", args...)
		}
	}
	var rep ScaleReport
	admin, err := Open(ctx, baseURL, "")
	if err != nil {
		return rep, err
	}
	defer admin.Close()
	if !admin.IsPostgres() {
		return rep, fmt.Errorf("bench db: needs PostgreSQL (DATABASE_URL postgres://...)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	rep.Schema = "scale_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+rep.Schema); err != nil {
		return rep, fmt.Errorf("bench db: create schema: %w", err)
	}
	if !o.Keep {
		defer admin.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+rep.Schema+" CASCADE")
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return rep, fmt.Errorf("bench db: DATABASE_URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", rep.Schema+",public")
	u.RawQuery = q.Encode()
	db, notices, err := openExplained(ctx, u.String())
	if err != nil {
		return rep, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return rep, err
	}
	t0 := time.Now()
	progress("generating %d businesses and %d outbox rows in schema %s ...", o.Businesses, o.Outbox, rep.Schema)
	if err := scaleGenerate(ctx, db, o, progress); err != nil {
		return rep, err
	}
	rep.Generate = time.Since(t0)
	rep.Businesses, rep.Outbox = o.Businesses, o.Outbox
	rep.TableBytes = map[string]int64{}
	for _, t := range []string{"businesses", "outbox"} {
		var n int64
		if err := db.GetContext(ctx, &n, `SELECT pg_total_relation_size($1::regclass)`, rep.Schema+"."+t); err != nil {
			return rep, fmt.Errorf("bench db: size of %s: %w", t, err)
		}
		rep.TableBytes[t] = n
	}
	progress("generated in %s; explaining the dashboard's and the dispatcher's statements", rep.Generate.Round(time.Second))
	for _, ex := range []string{
		`LOAD 'auto_explain'`, `SET auto_explain.log_min_duration = 0`, `SET auto_explain.log_analyze = on`,
		`SET auto_explain.log_buffers = on`, `SET auto_explain.log_timing = on`, `SET auto_explain.log_level = notice`,
		`SET client_min_messages = notice`,
	} {
		if _, err := db.ExecContext(ctx, ex); err != nil {
			return rep, fmt.Errorf("bench db: %s: %w", ex, err)
		}
	}
	biz, ob := NewBusinessRepo(db), NewOutboxRepo(db)
	now := time.Now()
	verified := true
	calls := []struct {
		name string
		fn   func() error
	}{
		{"dashboard: directory, newest first (page 1)", func() error { _, err := biz.SearchBusinesses(ctx, umkm.Search{}); return err }},
		{"dashboard: directory, one kecamatan", func() error {
			_, err := biz.SearchBusinesses(ctx, umkm.Search{RegionCodes: []string{"13.01.07"}})
			return err
		}},
		{"dashboard: directory, kecamatan + size class + verified", func() error {
			_, err := biz.SearchBusinesses(ctx, umkm.Search{RegionCodes: []string{"13.01.07"}, SizeClass: umkm.SizeClass("kecil"), Verified: &verified})
			return err
		}},
		{"dashboard: directory, page 200 of the whole register", func() error {
			_, err := biz.SearchBusinesses(ctx, umkm.Search{Offset: 200 * umkm.DefaultSearchLimit})
			return err
		}},
		{"dashboard: directory, name search (typo-tolerant)", func() error {
			_, err := biz.SearchBusinesses(ctx, umkm.Search{Text: "kerupuk sanjai"})
			return err
		}},
		{"dashboard: directory, phone search", func() error {
			_, err := biz.SearchBusinesses(ctx, umkm.Search{Text: "0812-0012-3456"})
			return err
		}},
		{"dashboard: statistics (counts by class, kecamatan, sector)", func() error { _, err := biz.BusinessStats(ctx); return err }},
		{"dashboard: one record by registration number", func() error {
			_, err := biz.BusinessByRegNo(ctx, fmt.Sprintf("SCL-2026-%07d", o.Businesses/2|1))
			return err
		}},
		{"bot: duplicate check on registration (phone, NIB)", func() error {
			_, _, err := biz.FindDuplicate(ctx, 0, fmt.Sprintf("+62812%08d", o.Businesses/2|1), "")
			return err
		}},
		{"dispatcher: claim 50 due rows (telegram)", func() error {
			_, err := ob.Claim(ctx, "telegram", "scale-explain", now, time.Minute, 50)
			return err
		}},
		{"dispatcher: open broadcasts' progress", func() error { _, err := ob.OpenBroadcasts(ctx); return err }},
		{"retention: scrub 1000 finished payloads", func() error {
			_, err := db.ScrubOutboxPayloads(ctx, now.AddDate(0, 0, -30), 1000)
			return err
		}},
	}
	for _, c := range calls {
		notices.take()
		start := time.Now()
		if err := c.fn(); err != nil {
			return rep, fmt.Errorf("bench db: %s: %w", c.name, err)
		}
		st := ScaleStatement{Name: c.name, Took: time.Since(start), Plans: notices.take()}
		for _, p := range st.Plans {
			st.Server += planDuration(p)
		}
		rep.Statements = append(rep.Statements, st)
	}
	if _, err := db.ExecContext(ctx, `SET auto_explain.log_min_duration = -1`); err != nil {
		return rep, fmt.Errorf("bench db: auto_explain off: %w", err)
	}
	// Claims at scale: claim 50, deliver them, again — the dispatcher's
	// loop without the network.
	progress("timing %d claims of 50 rows at %d outbox rows", o.Claims, o.Outbox)
	for i := range o.Claims {
		start := time.Now()
		rows, err := ob.Claim(ctx, outbox.ChannelName([]string{"telegram", "whatsapp"}[i%2]), "scale", now, time.Minute, 50)
		took := time.Since(start)
		if err != nil {
			return rep, fmt.Errorf("bench db: claim: %w", err)
		}
		rep.ClaimMean += took
		rep.ClaimMax = max(rep.ClaimMax, took)
		rep.Claims++
		ids := make([]int64, len(rows))
		for k, r := range rows {
			ids[k] = r.ID
		}
		if len(ids) > 0 {
			if _, err := db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL WHERE id = ANY($2)`, now, pq.Array(ids)); err != nil {
				return rep, fmt.Errorf("bench db: deliver: %w", err)
			}
		}
	}
	rep.ClaimMean /= time.Duration(max(rep.Claims, 1))
	return rep, nil
}

// noticeLog collects the notices (auto_explain's plans) of the one
// connection.
type noticeLog struct {
	mu  sync.Mutex
	got []string
}

func (n *noticeLog) add(e *pq.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, e.Message)
}

func (n *noticeLog) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.got
	n.got = nil
	return out
}

// openExplained opens one PostgreSQL connection whose notices are kept.
func openExplained(ctx context.Context, dsn string) (*DB, *noticeLog, error) {
	dsn = pgDefaults(dsn)
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("bench db: %w", err)
	}
	notices := &noticeLog{}
	sdb := sql.OpenDB(pq.ConnectorWithNoticeHandler(c, notices.add))
	sdb.SetMaxOpenConns(1) // the SETs below hold for this one connection
	sdb.SetMaxIdleConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, nil, fmt.Errorf("bench db: %w", err)
	}
	return &DB{DB: sqlx.NewDb(sdb, Postgres), Dialect: Postgres, URL: dsn}, notices, nil
}

// scaleGenerate writes the rows in chunks, all in SQL (generate_series).
func scaleGenerate(ctx context.Context, db *DB, o ScaleOptions, progress func(string, ...any)) error {
	const chunk = 100_000
	// A bulk load: the secondary indexes are dropped first and built
	// again from their definitions at the end (the trigram indexes would
	// otherwise make the load take an hour).
	var indexes []struct {
		Name string `db:"indexname"`
		Def  string `db:"indexdef"`
	}
	if err := db.SelectContext(ctx, &indexes, `SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = current_schema() AND tablename IN ('businesses', 'outbox')
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(schemaname) || '.' || quote_ident(indexname))::regclass)`); err != nil {
		return fmt.Errorf("bench db: list indexes: %w", err)
	}
	for _, ix := range indexes {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+pq.QuoteIdentifier(ix.Name)); err != nil {
			return fmt.Errorf("bench db: drop index %s: %w", ix.Name, err)
		}
	}
	// 15 kecamatan of one regency, then other regencies' codes: the
	// dashboard's region filter picks one of 2,000 kecamatan-sized slices
	// at a million rows, as a province's would.
	for lo := 1; lo <= o.Businesses; lo += chunk {
		hi := min(lo+chunk-1, o.Businesses)
		_, err := db.ExecContext(ctx, `INSERT INTO businesses (reg_no, owner_name, owner_phone, nik, name, products, kbli_section, kbli_code,
 region_code, village, address, year_started, workers, capital, annual_sales, size_class, nib, verified, source, created_at, updated_at, deleted_at)
SELECT 'SCL-2026-' || lpad(g::text, 7, '0'),
 (ARRAY['Siti','Ani','Budi','Rina','Yusuf','Dewi','Hendra','Nur'])[1 + g % 8] || ' ' || (ARRAY['Aminah','Putri','Santoso','Saputra','Rahma','Lestari'])[1 + (g / 8) % 6],
 '+62812' || lpad(g::text, 8, '0'), NULL,
 (ARRAY['Kerupuk','Rendang','Keripik','Batik','Kopi','Songket','Sulaman','Bengkel'])[1 + g % 8] || ' ' || (ARRAY['Sanjai','Balado','Minang','Bu Siti','Pak Budi','Tarusan','Painan'])[1 + (g / 8) % 7] || ' ' || g,
 'produk ' || g, (ARRAY['A','C','G','I','S'])[1 + g % 5], '4711' || (g % 10),
 lpad((11 + g % 24)::text, 2, '0') || '.' || lpad((1 + (g / 24) % 20)::text, 2, '0') || '.' || lpad((1 + (g / 480) % 15)::text, 2, '0'),
 'Nagari ' || (g % 50), 'Jl. Raya No. ' || (g % 300), 2000 + g % 25, g % 20, (g % 100) * 1000000, (g % 300) * 10000000,
 (ARRAY['mikro','mikro','mikro','kecil','menengah'])[1 + g % 5],
 CASE WHEN g % 3 = 0 THEN '9' || lpad(g::text, 12, '0') END, g % 4 = 0, CASE WHEN g % 10 = 0 THEN 'import' ELSE 'chat' END,
 now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval, CASE WHEN g % 200 = 0 THEN now() END
FROM generate_series($1::bigint, $2::bigint) g`, lo, hi)
		if err != nil {
			return fmt.Errorf("bench db: generate businesses: %w", err)
		}
		progress("  businesses %d/%d", hi, o.Businesses)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO broadcasts (kind, created_at, total) VALUES ('campaign', now(), 0), ('campaign', now(), 0)`); err != nil {
		return fmt.Errorf("bench db: generate broadcasts: %w", err)
	}
	var bcast int64
	if err := db.GetContext(ctx, &bcast, `SELECT MAX(id) FROM broadcasts`); err != nil {
		return fmt.Errorf("bench db: broadcasts: %w", err)
	}
	for lo := 1; lo <= o.Outbox; lo += chunk {
		hi := min(lo+chunk-1, o.Outbox)
		// Per 500 rows: 2 due (one per channel), 1 scheduled for later, 1
		// in a live lease, 1 failed, the rest delivered over the past 90
		// days, older rows first as ids grow with time. The last
		// 20,000 rows belong to an open broadcast.
		_, err := db.ExecContext(ctx, `INSERT INTO outbox (kind, channel, external_id, broadcast_id, dedupe_key, payload, priority, status, attempts,
 not_before, lease_until, claimed_by, sent_at, created_at, updated_at)
SELECT CASE WHEN g % 7 = 0 THEN 'reminder' ELSE 'invite' END, (ARRAY['telegram','whatsapp'])[1 + g % 2], (100000 + g)::text,
 CASE WHEN g > $3::bigint - 20000 THEN $4::bigint END, 'scale:' || g, '{"text":"Undangan"}', 5 + g % 3,
 CASE g % 500 WHEN 1 THEN 'pending' WHEN 2 THEN 'pending' WHEN 3 THEN 'pending' WHEN 4 THEN 'sending' WHEN 5 THEN 'failed' ELSE 'sent' END, 1,
 CASE g % 500 WHEN 3 THEN now() + interval '3 days' ELSE now() - ((($3::bigint - g) * 7776000 / $3::bigint) || ' seconds')::interval END,
 CASE g % 500 WHEN 4 THEN now() + interval '1 minute' END, CASE g % 500 WHEN 4 THEN 'other' ELSE '' END,
 CASE WHEN g % 500 > 5 OR g % 500 = 0 THEN now() - ((($3::bigint - g) * 7776000 / $3::bigint) || ' seconds')::interval END,
 now() - ((($3::bigint - g) * 7776000 / $3::bigint) || ' seconds')::interval, now() - ((($3::bigint - g) * 7776000 / $3::bigint) || ' seconds')::interval
FROM generate_series($1::bigint, $2::bigint) g`, lo, hi, o.Outbox, bcast)
		if err != nil {
			return fmt.Errorf("bench db: generate outbox: %w", err)
		}
		progress("  outbox %d/%d", hi, o.Outbox)
	}
	progress("  building %d indexes", len(indexes))
	if _, err := db.ExecContext(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
		return fmt.Errorf("bench db: %w", err)
	}
	for _, ix := range indexes {
		if _, err := db.ExecContext(ctx, ix.Def); err != nil {
			return fmt.Errorf("bench db: build index %s: %w", ix.Name, err)
		}
	}
	for _, t := range []string{"businesses", "outbox", "broadcasts"} {
		if _, err := db.ExecContext(ctx, "VACUUM ANALYZE "+t); err != nil {
			return fmt.Errorf("bench db: vacuum %s: %w", t, err)
		}
	}
	return nil
}

// WriteScaleReport prints rep for people.
func WriteScaleReport(w io.Writer, rep ScaleReport, plans bool) {
	fmt.Fprintf(w, "jejaring bench db: %d businesses, %d outbox rows (schema %s), generated in %s\n",
		rep.Businesses, rep.Outbox, rep.Schema, rep.Generate.Round(time.Second))
	keys := make([]string, 0, len(rep.TableBytes))
	for k := range rep.TableBytes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-11s %6.0f MB with indexes\n", k, float64(rep.TableBytes[k])/1e6)
	}
	for _, s := range rep.Statements {
		fmt.Fprintf(w, "  %-58s server %10s  wall %10s  %d statement(s)\n", s.Name, s.Server.Round(10*time.Microsecond), s.Took.Round(10*time.Microsecond), len(s.Plans))
		if plans {
			for _, p := range s.Plans {
				for _, line := range strings.Split(strings.TrimSpace(p), "\n") {
					fmt.Fprintf(w, "      %s\n", line)
				}
			}
		}
	}
	fmt.Fprintf(w, "  claim of 50 rows, %d times: mean %s, max %s\n", rep.Claims, rep.ClaimMean.Round(time.Microsecond), rep.ClaimMax.Round(time.Microsecond))
}
