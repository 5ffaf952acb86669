package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jejaring/flows"
	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/flow"
	"jejaring/internal/outbox"
	"jejaring/internal/outbox/outboxtest"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// TestOutcomesAfterAnEvent plays issue 16's "done when" for an event with
// fake clocks, through the real bot, outbox dispatcher and database: four
// owners say Hadir to a temu bisnis, three come (one of them then says
// berhenti), and after the event
//   - every attendee who did not stop is asked once how it went, and the
//     one who stopped is asked nothing, now or months later;
//   - a pressed answer and a typed one (`hasil`) are stored, and a button
//     forwarded to another owner answers nothing;
//   - the follow-ups go out at one and three months, and typed stories
//     ("sudah sepakat, pesanan 15 jt per bulan") are stored as an order,
//     agreed, Rp15.000.000 a month;
//   - the report's figures equal counts taken straight from the database;
//   - datasaya shows the answers, hapusdata keeps them for the statistics
//     only.
func TestOutcomesAfterAnEvent(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.New(t, dialect)
			rdb, prefix := sessiontest.Real(t)
			sessions := session.New(rdb, prefix, session.DefaultTTL)
			data, err := umkm.LoadData("")
			if err != nil {
				t.Fatal(err)
			}
			events := store.NewEventRepo(db)
			acts, err := actions(db, data, "", slog.New(slog.NewTextHandler(io.Discard, nil)), eventactions.Deps{Events: events}, nil)
			if err != nil {
				t.Fatal(err)
			}
			set, err := flow.Load(flows.FS)
			if err != nil {
				t.Fatal(err)
			}
			set.SetOptions(umkmactions.Options(data))
			h := bottest.NewWith(t, set, acts, db, sessions)
			repo := store.NewBusinessRepo(db)

			// Four owners on Telegram, each with a business.
			var owners []channel.Address
			ids := map[channel.Address]int64{}
			for i := range 4 {
				a := channel.Address{Channel: channel.Telegram, ExternalID: fmt.Sprintf("77700%d", i)}
				h.Say(a, "halo")
				id := h.Contact(a).ID
				b := umkm.Business{ContactID: &id, OwnerName: fmt.Sprintf("Pemilik %d", i), Name: fmt.Sprintf("Usaha %d", i), KBLISection: "C",
					RegionCode: []string{"13.01.01", "13.01.02"}[i%2]}
				b.Classify()
				if err := repo.CreateBusiness(ctx, &b, "PSS", h.Now()); err != nil {
					t.Fatal(err)
				}
				owners = append(owners, a)
				ids[a] = id
			}
			ana, budi, cici := owners[0], owners[1], owners[2] // owners[3], Dodi, says Hadir and does not come
			ev := &event.Event{Title: "Temu Bisnis Kuliner", Kind: event.TemuBisnis, Venue: "Aula Painan",
				StartsAt: h.Now().Add(72 * time.Hour), EndsAt: h.Now().Add(76 * time.Hour), MaxParty: 1}
			if _, err := events.CreateEvent(ctx, ev, h.Now()); err != nil {
				t.Fatal(err)
			}
			if err := events.Publish(ctx, ev.ID, h.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := events.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, h.Now()); err != nil {
				t.Fatal(err)
			}
			rows, err := events.ExportRows(ctx, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			codes := map[int64]string{}
			for _, r := range rows {
				res, err := events.Answer(ctx, r.Invitation.Token, event.Request{Answer: event.Going, PartySize: 1}, h.Now())
				if err != nil {
					t.Fatal(err)
				}
				codes[r.Invitation.ContactID] = res.Invitation.CheckinCode
			}
			for _, a := range []channel.Address{ana, budi, cici} { // dodi does not come
				if _, _, err := events.CheckIn(ctx, ev.ID, codes[ids[a]], "staff:pintu", ev.StartsAt.Add(10*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			if got := bottest.Texts(h.Say(cici, "berhenti")); !strings.Contains(got, "MULAI") {
				t.Fatalf("berhenti: %s", got)
			}

			// The dispatcher, sending on a fake Telegram at the test's time.
			tg := &outboxtest.Channel{N: channel.Telegram}
			var clock time.Time
			d := outbox.NewDispatcher(outbox.Config{Store: store.NewOutboxRepo(db), Channels: map[channel.Name]channel.Channel{channel.Telegram: tg},
				Redis: rdb, KeyPrefix: prefix + "outbox:", Now: func() time.Time { return clock }, Worker: "w", ProgressEvery: -1, ChannelOffAfter: -1})
			// sendAt runs the dispatcher at t and returns the outcome
			// questions sent then, by recipient.
			sendAt := func(at time.Time) map[channel.Address][]channel.Outbound {
				t.Helper()
				clock = at
				before := len(tg.Sent())
				for pass := 0; ; pass++ {
					for {
						n, err := d.RunOnce(ctx)
						if err != nil {
							t.Fatal(err)
						}
						if n == 0 {
							break
						}
					}
					// A chat written to a moment ago (in real time) is
					// deferred a second by the per-chat limit: let it pass.
					var deferred int
					if err := db.GetContext(ctx, &deferred, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE kind = 'outcome' AND status = 'pending' AND not_before <= ?`), clock.Add(10*time.Second)); err != nil {
						t.Fatal(err)
					}
					if deferred == 0 || pass == 5 {
						break
					}
					time.Sleep(1100 * time.Millisecond)
					clock = clock.Add(10 * time.Second)
				}
				out := map[channel.Address][]channel.Outbound{}
				for _, s := range tg.Sent()[before:] {
					if strings.Contains(s.Msg.Text, ev.Title) && len(s.Msg.Choices) > 0 && strings.HasPrefix(s.Msg.Choices[0].Value, "hasil_") {
						out[s.To] = append(out[s.To], s.Msg)
					}
				}
				return out
			}
			sendAt(ev.StartsAt) // invitations and confirmations, before the event

			// Planned once, at the end; again is a no-op.
			n, err := events.ScheduleOutcomes(ctx, ev.EndsAt.Add(time.Minute))
			if err != nil || n != 3*4 {
				t.Fatalf("planned %d questions (%v), want 3 attendees × (after + 1, 3, 6 months)", n, err)
			}
			if n, err := events.ScheduleOutcomes(ctx, ev.EndsAt.Add(10*time.Minute)); err != nil || n != 0 {
				t.Fatalf("second run planned %d (%v)", n, err)
			}
			if got := sendAt(ev.EndsAt.Add(10 * time.Minute)); len(got) != 0 {
				t.Fatalf("asked before the time: %v", got)
			}
			after := sendAt(event.AfterAt(ev).Add(time.Minute))
			if len(after) != 2 || len(after[ana]) != 1 || len(after[budi]) != 1 {
				t.Fatalf("after the event asked %v, want Ana and Budi once each (Cici said berhenti, Dodi did not come)", after)
			}
			q := after[ana][0]
			if !strings.Contains(q.Text, "Bagaimana pertemuan") || len(q.Choices) != 4 {
				t.Fatalf("question: %q %+v", q.Text, q.Choices)
			}
			h.Advance(ev.EndsAt.Add(time.Hour).Sub(h.Now()))
			// A button forwarded to Budi does not answer Ana's question.
			if got := bottest.Texts(h.Choose(budi, q.Choices[3].Value)); !strings.Contains(got, "tidak kami temukan") {
				t.Fatalf("Budi pressing Ana's button: %s", got)
			}
			if got := bottest.Texts(h.Choose(ana, q.Choices[3].Value)); !strings.Contains(got, "kerja samanya lancar") {
				t.Fatalf("Ana's answer: %s", got)
			}
			if got := bottest.Texts(h.Say(budi, "hasil")); !strings.Contains(got, "Bagaimana pertemuan") {
				t.Fatalf("Budi types hasil: %s", got)
			}
			if got := bottest.Texts(h.Say(budi, "kurang cocok")); !strings.Contains(got, "Terima kasih") {
				t.Fatalf("Budi's typed answer: %s", got)
			}

			// One month on: still in touch? Ana tells what came of it.
			m1 := sendAt(event.FollowupAt(ev, 1).Add(time.Minute))
			if len(m1) != 2 || len(m1[ana]) != 1 || len(m1[budi]) != 1 {
				t.Fatalf("first follow-up went to %v", m1)
			}
			h.Advance(event.FollowupAt(ev, 1).Add(time.Hour).Sub(h.Now()))
			if got := bottest.Texts(h.Choose(ana, m1[ana][0].Choices[0].Value)); !strings.Contains(got, "Apa hasilnya") {
				t.Fatalf("Ana yes: %s", got)
			}
			if got := bottest.Texts(h.Say(ana, "sudah sepakat, pesanan 15 jt per bulan")); !strings.Contains(got, "Rp15.000.000 sebulan") {
				t.Fatalf("Ana's story: %s", got)
			}
			if got := bottest.Texts(h.Choose(budi, m1[budi][0].Choices[1].Value)); !strings.Contains(got, "Terima kasih") {
				t.Fatalf("Budi no: %s", got)
			}
			// Three months: Ana's order runs; she answers in pieces.
			m3 := sendAt(event.FollowupAt(ev, 3).Add(time.Minute))
			if len(m3) != 2 {
				t.Fatalf("second follow-up went to %v", m3)
			}
			h.Advance(event.FollowupAt(ev, 3).Add(time.Hour).Sub(h.Now()))
			h.Choose(ana, m3[ana][0].Choices[0].Value)
			if got := bottest.Texts(h.Say(ana, "masih, sudah berjalan")); !strings.Contains(got, "termasuk yang mana") {
				t.Fatalf("Ana's second story: %s", got)
			}
			if got := bottest.Texts(h.Say(ana, "pesanan")); !strings.Contains(got, "berapa nilainya") {
				t.Fatalf("kind: %s", got)
			}
			got := bottest.Texts(h.Say(ana, "240 juta"))
			if !strings.Contains(got, "Rp240.000.000") {
				t.Fatalf("value: %s", got)
			}
			o, err := db.OutcomesOf(ctx, ids[ana])
			if err != nil || len(o) != 3 {
				t.Fatalf("Ana's answers: %+v %v", o, err)
			}
			m1a := o[1].Outcome
			if m1a.Round != event.FollowupRound(1) || m1a.DealKind != event.DealOrder || m1a.DealStatus != event.DealAgreed || m1a.DealValue != 15_000_000 || m1a.DealPer != "month" {
				t.Fatalf("Ana's one-month answer stored as %+v", m1a)
			}

			// Six months: Cici, who stopped, never got a question.
			sendAt(event.FollowupAt(ev, 6).Add(time.Minute))
			for _, s := range tg.Sent() {
				if s.To == cici && strings.Contains(s.Msg.Text, "hasil") {
					t.Fatalf("sent to Cici after berhenti: %q", s.Msg.Text)
				}
			}

			// The report against the database.
			rep, err := events.Report(ctx, store.ReportFilter{EventID: ev.ID})
			if err != nil || len(rep.Events) != 1 {
				t.Fatalf("report: %+v %v", rep, err)
			}
			fig := rep.Events[0]
			count := func(q string, args ...any) int {
				t.Helper()
				var n int
				if err := db.GetContext(ctx, &n, db.Rebind(q), args...); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if want := count(`SELECT COUNT(*) FROM invitations WHERE event_id = ? AND checked_in_at IS NOT NULL`, ev.ID); fig.Attended != want || want != 3 {
				t.Errorf("attended %d, database %d", fig.Attended, want)
			}
			if want := count(`SELECT COUNT(*) FROM invitations WHERE event_id = ? AND status = 'going' AND checked_in_at IS NULL`, ev.ID); fig.NoShow != want || want != 1 {
				t.Errorf("no-shows %d, database %d", fig.NoShow, want)
			}
			if want := count(`SELECT COUNT(*) FROM outbox o JOIN outcomes x ON o.dedupe_key = 'outcome:' || CAST(x.id AS TEXT) WHERE x.event_id = ? AND x.round = 'after' AND o.status = 'sent'`, ev.ID); fig.Asked != want || want != 2 {
				t.Errorf("asked %d, database %d", fig.Asked, want)
			}
			if want := count(`SELECT COUNT(*) FROM outcomes WHERE event_id = ? AND round = 'after' AND answered_at IS NOT NULL`, ev.ID); fig.Answered != want || want != 2 {
				t.Errorf("answered %d, database %d", fig.Answered, want)
			}
			if fig.Ratings[event.RatingOpportunity] != 1 || fig.Ratings[event.RatingPoorFit] != 1 || fig.Useful != 1 {
				t.Errorf("ratings %+v useful %d", fig.Ratings, fig.Useful)
			}
			if len(rep.Deals) != 1 || rep.Deals[0].Kind != event.DealOrder || rep.Deals[0].Status != event.DealRunning || rep.Deals[0].Count != 1 || rep.Deals[0].YearValue != 240_000_000 {
				t.Errorf("deals %+v, want Ana's order once, at its latest (three months: running, Rp240.000.000 a year)", rep.Deals)
			}
			if want := count(`SELECT COUNT(*) FROM businesses WHERE deleted_at IS NULL`); rep.Registered != want || rep.Attended != 3 || rep.Good != 1 {
				t.Errorf("coverage %d/%d/%d, database %d registered", rep.Registered, rep.Attended, rep.Good, want)
			}

			// datasaya shows the answers; hapusdata keeps only the figures.
			if got := bottest.Texts(h.Say(ana, "datasaya")); !strings.Contains(got, "Jawaban tentang hasil acara") || !strings.Contains(got, "Rp15.000.000 sebulan") {
				t.Fatalf("datasaya: %s", got)
			}
			if _, err := repo.EraseContact(ctx, ids[ana], "test", h.Now()); err != nil {
				t.Fatal(err)
			}
			if n := count(`SELECT COUNT(*) FROM outcomes WHERE contact_id = ? OR note <> '' AND contact_id IS NULL`, ids[ana]); n != 0 {
				t.Errorf("%d outcome rows still hers after hapusdata", n)
			}
			rep, err = events.Report(ctx, store.ReportFilter{EventID: ev.ID})
			if err != nil || len(rep.Deals) != 1 || rep.Deals[0].YearValue != 240_000_000 {
				t.Errorf("after hapusdata the deal is no longer counted: %+v %v", rep.Deals, err)
			}
		})
	}
}
