package eventactions_test

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/bot"
	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// TestPreviewAndResultSayWhoIsLeftOut (issue 12): the chat staff flow's
// preview and its publish result say how many of the audience never wrote
// to us, with the ways to reach them.
func TestPreviewAndResultSayWhoIsLeftOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, event.Seminar, 0, 1, false)
		repo := store.NewBusinessRepo(db)
		for _, b := range []umkm.Business{{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", Source: umkm.SourceImport},
			{OwnerName: "Darman", Name: "Bengkel Darman", Source: umkm.SourceImport}} {
			if err := repo.CreateBusiness(context.Background(), &b, "PSS", t0); err != nil {
				t.Fatal(err)
			}
		}
		acts := bot.Actions{}
		if err := eventactions.Register(acts, eventactions.Deps{Events: store.NewEventRepo(db), Reach: repo.SegmentReach}); err != nil {
			t.Fatal(err)
		}
		call := bot.ActionCall{Contact: f.staff, Args: map[string]any{"event_id": f.ev.ID, "everyone": "true"}, Now: t0, Lang: "id"}
		res, err := acts["staff.segment_count"](context.Background(), call)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := res.Answers["count_text"].(string)
		if !strings.Contains(s, "2 belum pernah menghubungi kami (belum bisa dihubungi lewat chat; 1 dengan nomor HP, 1 tanpa HP); 0 berhenti.") || !strings.Contains(s, "surat undangan") {
			t.Errorf("preview:\n%s", s)
		}
		res, err = acts["staff.broadcast"](context.Background(), call)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := res.Answers["result_text"].(string); !strings.Contains(s, "2 belum pernah menghubungi kami") {
			t.Errorf("result:\n%s", s)
		}
	})
}
