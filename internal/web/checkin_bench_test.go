package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// BenchmarkCheckin is the door's server time (handler only, no network)
// for an event with 1,000 attendees, on both databases: a scan that
// checks someone in, a scan sent again (its first answer replayed), and a
// name search.
func BenchmarkCheckin(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			data, err := umkm.LoadData("")
			if err != nil {
				b.Fatal(err)
			}
			guests := make([]doorGuest, 1000)
			for i := range guests {
				guests[i] = doorGuest{name: fmt.Sprintf("Ibu Tamu %04d", i), business: fmt.Sprintf("Usaha %04d", i), party: 1 + i%3, answer: event.Going}
			}
			evID, g := doorEvent(b, db, guests)
			// What autovacuum does soon after; without statistics the
			// planner of a fresh table reads businesses through the
			// deleted_at index, 1,000 rows per attendee (1.4 s a search).
			if db.IsPostgres() {
				if _, err := db.ExecContext(context.Background(), `ANALYZE businesses; ANALYZE invitations; ANALYZE contacts`); err != nil {
					b.Fatal(err)
				}
			}
			rdb, prefix := sessiontest.Real(b)
			s, err := web.New(storeOptions(db, web.Options{Data: data, Redis: rdb, KeyPrefix: prefix, Idle: 30 * time.Minute, Max: 12 * time.Hour}))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.AddStaffRole(context.Background(), "rina", "sandi-rina-123", store.RoleStaff, "bench", time.Now()); err != nil {
				b.Fatal(err)
			}
			cookie := benchLogin(b, s)
			path := fmt.Sprintf("/dashboard/checkin/%d/scan", evID)
			scan := func(id, code string) {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("POST", path, strings.NewReader(fmt.Sprintf(`{"scan_id":%q,"code":%q}`, id, code)))
				req.Header.Set("Content-Type", "application/json")
				req.AddCookie(cookie)
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"outcome"`) {
					b.Fatalf("scan: %d %s", rec.Code, rec.Body.String())
				}
			}
			n := 0
			b.Run("scan-new", func(b *testing.B) {
				for b.Loop() {
					scan(fmt.Sprintf("bench-scan-%06d", n), g[n%len(g)].code) // ok for the first 1,000, then "already"
					n++
				}
			})
			b.Run("scan-replayed", func(b *testing.B) {
				for b.Loop() {
					scan("bench-scan-000000", g[0].code)
				}
			})
			b.Run("find-name", func(b *testing.B) {
				for b.Loop() {
					rec := httptest.NewRecorder()
					req := httptest.NewRequest("GET", fmt.Sprintf("/dashboard/checkin/%d/find?q=tamu+0421", evID), nil)
					req.AddCookie(cookie)
					s.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Ibu Tamu 0421") {
						b.Fatalf("find: %d %s", rec.Code, rec.Body.String())
					}
				}
			})
		})
	}
}
