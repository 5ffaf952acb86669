package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"jejaring/internal/umkm"
)

// The staff dashboard's directory (issue 13): one search, both dialects.
//
// A text with digits looks for a phone, a registration number or an NIB
// (substring). Any other text is a business or owner name, typo-tolerant:
// PostgreSQL compares trigrams with pg_trgm's word similarity, served by
// the GIN index of migration 00350; SQLite, which has no trigram
// similarity, gets the same kind of score computed here in Go over the
// rows the other filters leave (nameScore), which stays in the low
// milliseconds at the size of a regency's register (docs/benchmarks.md).

// nameExpr is the text a name search compares against; the PostgreSQL
// index is on exactly this expression.
const nameExpr = `lower(name || ' ' || owner_name)`

// nameThreshold is the least score a name match needs; pg_trgm's default
// word_similarity_threshold, so both dialects agree.
const nameThreshold = 0.6

// SearchBusinesses returns one page of the live businesses matching s, and
// how many match in all.
func (r *BusinessRepo) SearchBusinesses(ctx context.Context, s umkm.Search) (umkm.SearchPage, error) {
	limit := s.Limit
	if limit <= 0 {
		limit = umkm.DefaultSearchLimit
	}
	limit = min(limit, umkm.MaxSearchLimit)
	offset := max(s.Offset, 0)
	if s.Export {
		limit, offset = umkm.MaxExportRows, 0
	}
	conds, args := searchConds(s)
	text := strings.ToLower(strings.TrimSpace(s.Text))
	byName := text != "" && !hasDigit(text)
	if byName && !r.db.IsPostgres() {
		return r.searchNamesInGo(ctx, s, text, conds, args, limit, offset, true)
	}
	var order string
	var orderArgs []any
	if byName {
		conds = append(conds, `? OPERATOR(public.<%) `+nameExpr)
		args = append(args, text)
		if s.Sort == "" || s.Sort == umkm.SortRelevance {
			order = `public.word_similarity(?, ` + nameExpr + `) DESC, id`
			orderArgs = []any{text}
		}
	} else if text != "" {
		if m, ok := ftsIDMatch(text); ok && !r.db.IsPostgres() {
			conds, args = append(conds, ftsCond), append(args, m)
		} else {
			conds, args = append(conds, idConds(text)...), append(args, idArgs(text)...)
		}
	}
	if order == "" {
		order = sortOrder(s.Sort)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var page umkm.SearchPage
	if text != "" && r.db.IsPostgres() {
		// A search matches few rows, found by a trigram index. Left to
		// itself, the planner walked an order's index (the newest first)
		// testing each row until 25 matched, reading the whole register
		// for a phone number (73 ms of 20,000); the matches are taken
		// first (a materialized CTE, through the index), then sorted and
		// counted in one pass (no second count query).
		var rows []struct {
			umkm.Business
			Total int `db:"total"`
		}
		// Only the sort keys are materialized; the page's 25 rows are then
		// read whole.
		q := `WITH m AS MATERIALIZED (SELECT id, created_at, reg_no, name, owner_name FROM businesses` + where + `),
 p AS (SELECT id, COUNT(*) OVER () AS total FROM m ORDER BY ` + order + fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset) + `)
 SELECT ` + businessCols + `, p.total FROM p JOIN businesses USING (id) ORDER BY ` + order
		orderArgs = append(slices.Clone(orderArgs), orderArgs...)
		if err := r.db.SelectContext(ctx, &rows, r.db.Rebind(q), append(args, orderArgs...)...); err != nil {
			return page, fmt.Errorf("search businesses: %w", err)
		}
		for _, row := range rows {
			page.Businesses, page.Total = append(page.Businesses, row.Business), row.Total
		}
		if len(rows) > 0 || offset == 0 {
			return page, nil
		}
		// Past the last page: the count alone.
	}
	if err := r.db.GetContext(ctx, &page.Total, r.db.Rebind(`SELECT COUNT(*) FROM businesses`+where), args...); err != nil {
		return page, fmt.Errorf("search businesses: count: %w", err)
	}
	q := `SELECT ` + businessCols + ` FROM businesses` + where + ` ORDER BY ` + order + fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset)
	if err := r.db.SelectContext(ctx, &page.Businesses, r.db.Rebind(q), append(args, orderArgs...)...); err != nil {
		return page, fmt.Errorf("search businesses: %w", err)
	}
	return page, nil
}

// searchConds turns the filters (not the text) into SQL conditions.
func searchConds(s umkm.Search) ([]string, []any) {
	conds := []string{"deleted_at IS NULL"}
	var args []any
	if len(s.RegionCodes) > 0 {
		conds = append(conds, "region_code IN (?"+strings.Repeat(", ?", len(s.RegionCodes)-1)+")")
		for _, c := range s.RegionCodes {
			args = append(args, c)
		}
	}
	for _, c := range []struct{ col, v string }{{"size_class", string(s.SizeClass)}, {"kbli_section", s.KBLISection}, {"source", s.Source}} {
		if c.v != "" {
			conds, args = append(conds, c.col+" = ?"), append(args, c.v)
		}
	}
	if s.Verified != nil {
		conds, args = append(conds, "verified = ?"), append(args, *s.Verified)
	}
	if s.Partners != nil {
		conds, args = append(conds, "show_to_partners = ?"), append(args, *s.Partners)
	}
	if !s.Since.IsZero() {
		conds, args = append(conds, "created_at >= ?"), append(args, s.Since.UTC())
	}
	return conds, args
}

// idExpr holds a record's phone, registration number and NIB; the
// PostgreSQL trigram index of migration 00350 is on exactly this
// expression, so a substring LIKE uses it.
const idExpr = `lower(COALESCE(owner_phone, '') || ' ' || COALESCE(reg_no, '') || ' ' || COALESCE(nib, ''))`

// idConds: a phone (typed 0812…, 62812… or +62812…), a registration
// number or an NIB, as a substring.
func idConds(string) []string {
	return []string{"(" + idExpr + " LIKE ? OR " + idExpr + " LIKE ? OR " + idExpr + " LIKE ?)"}
}

func idArgs(text string) []any {
	var digits strings.Builder
	for _, r := range text {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	phone := d
	if strings.HasPrefix(phone, "0") {
		phone = "62" + phone[1:]
	}
	return []any{"%" + likeEscape(phone) + "%", "%" + likeEscape(text) + "%", "%" + likeEscape(d) + "%"}
}

// likeEscape drops the LIKE wildcards from user text (neither % nor _ can
// be part of a phone, registration number or NIB).
func likeEscape(s string) string { return strings.NewReplacer("%", "", "_", "").Replace(s) }

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }

func sortOrder(sort string) string {
	switch sort {
	case umkm.SortName:
		return "lower(name), id"
	case umkm.SortRegNo:
		return "reg_no, id"
	case umkm.SortOldest:
		return "created_at, id"
	default:
		return "created_at DESC, id DESC"
	}
}

// ftsCond keeps the rows the SQLite FTS5 trigram table (migration 00420)
// matches: the table holds each live record's names and numbers, rowid
// the business id.
const ftsCond = "id IN (SELECT rowid FROM businesses_fts WHERE businesses_fts MATCH ?)"

// ftsNameCandidates is the condition keeping the live rows that can
// score nameThreshold for text, from the FTS5 trigram table (migration
// 00420), and whether the prefilter applies. nameScore counts pg_trgm's
// padded trigrams: those at a word's edges ("  k", " kr", "ik ") and those
// inside ("kri": three letters of a word, which the table finds as
// substrings). A row with n of the text's trigrams scores n/len; at best
// it has every edge one, so it needs need = ⌈threshold·len⌉ − edges inner
// ones. The table gives the rows of each inner trigram (rowids, from its
// index) and SQLite keeps those found at least need times. When need < 1
// (short words such as "toko") it does not apply and every filtered row is
// scored.
func ftsNameCandidates(text string) (string, []any, bool) {
	want := trigrams(text)
	var inner []string
	edges := 0
	for t := range want {
		if strings.Contains(t, " ") {
			edges++
		} else {
			inner = append(inner, t)
		}
	}
	need := int(math.Ceil(nameThreshold*float64(len(want))-1e-9)) - edges
	if need < 1 || len(inner) == 0 {
		return "", nil, false
	}
	sort.Strings(inner)
	parts := make([]string, len(inner))
	args := make([]any, 0, len(inner)+1)
	for i, t := range inner {
		parts[i] = "SELECT rowid FROM businesses_fts WHERE businesses_fts MATCH ?"
		args = append(args, `names : "`+t+`"`)
	}
	args = append(args, need)
	return "id IN (SELECT rowid FROM (" + strings.Join(parts, " UNION ALL ") + ") GROUP BY rowid HAVING COUNT(*) >= ?)", args, true
}

// ftsIDMatch is the FTS5 query of a phone, registration number or NIB
// as a substring of the numbers column (the trigram tokenizer matches a
// phrase anywhere inside), the same three readings as idArgs; false when
// one is shorter than a trigram.
func ftsIDMatch(text string) (string, bool) {
	var alts []string
	for _, a := range idArgs(text) {
		p := strings.Trim(a.(string), "%")
		if len([]rune(p)) < 3 || strings.ContainsRune(p, '"') {
			return "", false
		}
		alts = append(alts, `"`+p+`"`)
	}
	return "ids : (" + strings.Join(alts, " OR ") + ")", true
}

// searchNamesInGo is the SQLite name search: the filtered rows' names are
// scored here, the best page is then read by id.
func (r *BusinessRepo) searchNamesInGo(ctx context.Context, s umkm.Search, text string, conds []string, args []any, limit, offset int, prefilter bool) (umkm.SearchPage, error) {
	var rows []struct {
		ID        int64     `db:"id"`
		Names     string    `db:"names"`
		RegNo     string    `db:"reg_no"`
		CreatedAt time.Time `db:"created_at"`
	}
	if cond, condArgs, ok := ftsNameCandidates(text); ok && prefilter {
		// Only these rows can reach nameThreshold: score only them.
		conds, args = append(slices.Clone(conds), cond), append(slices.Clone(args), condArgs...)
	}
	q := `SELECT id, name || ' ' || owner_name AS names, COALESCE(reg_no, '') AS reg_no, created_at FROM businesses WHERE ` + strings.Join(conds, " AND ")
	if err := r.db.SelectContext(ctx, &rows, r.db.Rebind(q), args...); err != nil {
		return umkm.SearchPage{}, fmt.Errorf("search businesses by name: %w", err)
	}
	want := trigrams(text)
	seen, buf := make([]bool, len(want)), make([]byte, 0, 64)
	type hit struct {
		i     int
		score float64
	}
	var hits []hit
	for i, row := range rows {
		if sc := nameScore(want, strings.ToLower(row.Names), seen, buf); sc >= nameThreshold {
			hits = append(hits, hit{i, sc})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool {
		ra, rb := rows[hits[a].i], rows[hits[b].i]
		switch s.Sort {
		case umkm.SortName:
			return strings.ToLower(ra.Names) < strings.ToLower(rb.Names)
		case umkm.SortRegNo:
			return ra.RegNo < rb.RegNo
		case umkm.SortOldest:
			return ra.CreatedAt.Before(rb.CreatedAt) || ra.CreatedAt.Equal(rb.CreatedAt) && ra.ID < rb.ID
		case umkm.SortNewest:
			return ra.CreatedAt.After(rb.CreatedAt) || ra.CreatedAt.Equal(rb.CreatedAt) && ra.ID > rb.ID
		}
		if hits[a].score != hits[b].score {
			return hits[a].score > hits[b].score
		}
		return ra.ID < rb.ID
	})
	page := umkm.SearchPage{Total: len(hits)}
	if offset >= len(hits) {
		return page, nil
	}
	hits = hits[offset:min(offset+limit, len(hits))]
	ids := make([]any, len(hits))
	for i, h := range hits {
		ids[i] = rows[h.i].ID
	}
	var bs []umkm.Business
	if err := r.db.SelectContext(ctx, &bs, r.db.Rebind(`SELECT `+businessCols+` FROM businesses WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`), ids...); err != nil {
		return page, fmt.Errorf("search businesses by name: %w", err)
	}
	pos := map[int64]int{}
	for i, id := range ids {
		pos[id.(int64)] = i
	}
	slices.SortFunc(bs, func(a, b umkm.Business) int { return pos[a.ID] - pos[b.ID] })
	page.Businesses = bs
	return page, nil
}

// trigrams are a text's trigrams the way pg_trgm makes them: each word of
// letters and digits, lower-cased, padded with two spaces before and one
// after; numbered, for nameScore.
func trigrams(s string) map[string]int {
	out := map[string]int{}
	eachTrigram(strings.ToLower(s), make([]byte, 0, 64), func(t []byte) {
		if _, ok := out[string(t)]; !ok {
			out[string(t)] = len(out)
		}
	})
	return out
}

// eachTrigram calls fn with every trigram (as bytes, repeats included) of
// the lower-cased text s, in buf: no allocation per trigram.
func eachTrigram(s string, buf []byte, fn func([]byte)) {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		buf = append(append(append(buf[:0], ' ', ' '), w...), ' ')
		for i := 0; i+3 <= len(buf); i++ {
			fn(buf[i : i+3])
		}
	}
}

// nameScore is the share of the searched text's trigrams found in names
// (lower-cased): 1 when every word appears, high for a letter missing or
// swapped ("kripik" in "keripik sanjai" scores 5/7). It is pg_trgm's word
// similarity without the contiguity rule, close enough for one threshold.
// seen (len(want)) and buf are scratch space, reused from row to row.
func nameScore(want map[string]int, names string, seen []bool, buf []byte) float64 {
	if len(want) == 0 {
		return 0
	}
	clear(seen)
	n := 0
	eachTrigram(names, buf, func(t []byte) {
		if i, ok := want[string(t)]; ok && !seen[i] {
			seen[i] = true
			n++
		}
	})
	return float64(n) / float64(len(want))
}

// BusinessesPerWeek counts the businesses registered in each of the weeks
// (Monday to Sunday, UTC) from the one holding since to the one holding
// now, empty weeks included.
func (r *BusinessRepo) BusinessesPerWeek(ctx context.Context, since, now time.Time) ([]umkm.Week, error) {
	start := mondayOf(since)
	var weeks []umkm.Week
	for w := start; !w.After(now); w = w.AddDate(0, 0, 7) {
		weeks = append(weeks, umkm.Week{Start: w})
	}
	counts, err := r.weekCounts(ctx, start, len(weeks))
	if err != nil {
		return nil, err
	}
	for i := range weeks {
		weeks[i].Count = counts[i]
	}
	return weeks, nil
}

func mondayOf(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}
