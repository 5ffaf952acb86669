package eventactions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/flows"
	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/matchactions"
	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

var (
	ourFlows = map[string]bool{"rsvp": true, "acara": true, "staff_broadcast": true, "agenda": true}
	ourFiles = map[string]bool{"rsvp.yaml": true, "acara.yaml": true, "staff_broadcast.yaml": true, "agenda.yaml": true}
)

var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

// convo drives a flow with the real actions against a real database, the
// way the bot does: effects run, their results fed back, and the session
// written to JSON and read back between turns (numbers come back as
// float64, as from Redis).
type convo struct {
	t       *testing.T
	set     *flow.Set
	acts    bot.Actions
	contact flow.Contact
	sess    *flow.Session
	def     *flow.Definition
	now     time.Time
	texts   []string
	media   []channel.Outbound
	ended   string
}

func newConvo(t *testing.T, db *store.DB, c flow.Contact) *convo {
	t.Helper()
	set, err := flow.Load(flows.FS)
	if err != nil {
		t.Fatal(err)
	}
	acts := bot.Actions{}
	if err := eventactions.Register(acts, eventactions.Deps{Events: store.NewEventRepo(db)}); err != nil {
		t.Fatal(err)
	}
	// A Hadir to a temu bisnis goes on to picking partners (matchactions).
	if err := matchactions.Register(acts, matchactions.Deps{Service: matchactions.NewService(db, nil)}); err != nil {
		t.Fatal(err)
	}
	// Other flows run other engineers' actions: check only ours.
	var probs []flow.Problem
	for _, p := range set.Check(acts.Names()) {
		if ourFlows[p.Flow] || ourFiles[p.File] {
			probs = append(probs, p)
		}
	}
	if len(probs) > 0 {
		t.Fatalf("flows check: %v", probs)
	}
	return &convo{t: t, set: set, acts: acts, contact: c, now: t0.Add(time.Hour)}
}

func (c *convo) start(flowID, param string) {
	c.t.Helper()
	c.def = c.set.Get(flowID)
	if c.def == nil {
		c.t.Fatalf("no flow %s", flowID)
	}
	res, err := flow.Start(c.def, c.contact, c.contact.Lang, c.def.StartParams(param), c.now)
	if err != nil {
		c.t.Fatal(err)
	}
	c.take(res)
}

func (c *convo) say(text string) {
	c.t.Helper()
	c.step(flow.Input{Kind: flow.InText, Text: text})
}

func (c *convo) step(in flow.Input) {
	c.t.Helper()
	if c.sess == nil {
		c.t.Fatalf("conversation over (%s), cannot send %+v", c.ended, in)
	}
	b, _ := json.Marshal(c.sess)
	var s flow.Session
	if err := json.Unmarshal(b, &s); err != nil {
		c.t.Fatal(err)
	}
	res, err := flow.Step(c.def, &s, in, c.now)
	if err != nil {
		c.t.Fatal(err)
	}
	c.take(res)
}

func (c *convo) take(res flow.Result) {
	c.t.Helper()
	c.texts, c.media = nil, nil
	for {
		for _, m := range res.Messages {
			c.texts = append(c.texts, m.Text)
		}
		c.sess, c.ended = res.Session, res.Ended
		if !res.Wait {
			return
		}
		merged := map[string]any{}
		var extra []channel.Outbound
		for _, eff := range res.Effects {
			fn := c.acts[eff.Action]
			if fn == nil {
				c.t.Fatalf("unknown action %s", eff.Action)
			}
			ar, err := fn(context.Background(), bot.ActionCall{
				Contact: c.contact, Address: channel.Address{Channel: channel.Name(c.contact.Channel), ExternalID: "x"},
				Answers: maps.Clone(res.Session.Answers), Args: eff.Args, Now: c.now, Lang: c.contact.Lang,
			})
			if err != nil {
				c.t.Fatalf("action %s: %v", eff.Action, err)
			}
			maps.Copy(merged, ar.Answers)
			extra = append(extra, ar.Messages...)
		}
		// JSON round trip, as the bot stores results in the session.
		b, _ := json.Marshal(merged)
		merged = map[string]any{}
		_ = json.Unmarshal(b, &merged)
		next, err := flow.Step(c.def, res.Session, flow.Input{Kind: flow.InResult, Result: merged}, c.now)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, m := range extra {
			c.texts = append(c.texts, m.Text)
			if m.Media != nil {
				c.media = append(c.media, m)
			}
		}
		res = next
	}
}

func (c *convo) expect(parts ...string) {
	c.t.Helper()
	all := strings.Join(c.texts, "\n---\n")
	for _, p := range parts {
		if !strings.Contains(all, p) {
			c.t.Fatalf("bot said:\n%s\n\nwant it to contain %q", all, p)
		}
	}
}

type fixture struct {
	repo   *store.EventRepo
	ev     *event.Event
	owners []flow.Contact
	staff  flow.Contact
	tokens map[int64]string
}

func setup(t *testing.T, db *store.DB, kind event.Kind, capacity, maxParty int, broadcast bool) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{repo: store.NewEventRepo(db), tokens: map[int64]string{}}
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range 3 {
			// The staff member is on Telegram (granted below); owners on the web chat.
			ch := "webchat"
			if i == 2 {
				ch = "telegram"
			}
			id, err := store.InsertID(ctx, tx, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
				ch, fmt.Sprintf("c%d", i), fmt.Sprintf("Kontak %d", i), t0, t0)
			if err != nil {
				return err
			}
			c := flow.Contact{ID: id, Name: fmt.Sprintf("Kontak %d", i), Channel: ch, Lang: "id", IsStaff: i == 2}
			if i == 2 {
				f.staff = c
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, size_class, created_at, updated_at) VALUES (?, ?, 'Usaha', '13.01.07', 'mikro', ?, ?)`),
				id, fmt.Sprintf("Siti %d", i), t0, t0); err != nil {
				return err
			}
			f.owners = append(f.owners, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddStaff(ctx, "petugas1", "rahasia-kantor", false, "test", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GrantStaff(ctx, f.staff.ID, "petugas1", "test", t0); err != nil {
		t.Fatal(err)
	}
	f.ev = &event.Event{Title: "Temu Bisnis Rendang", Kind: kind, Venue: "Aula Painan", StartsAt: t0.Add(72 * time.Hour), EndsAt: t0.Add(75 * time.Hour),
		Capacity: capacity, MaxParty: maxParty, RSVPDeadline: t0.Add(48 * time.Hour)}
	if _, err := f.repo.CreateEvent(ctx, f.ev, t0); err != nil {
		t.Fatal(err)
	}
	if broadcast {
		if _, err := f.repo.Broadcast(ctx, store.BroadcastRequest{EventID: f.ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		rows, err := f.repo.ExportRows(ctx, f.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			f.tokens[r.Invitation.ContactID] = r.Invitation.Token
		}
	}
	return f
}

func TestRSVPFlowPressedHadir(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, event.TemuBisnis, 10, 3, true)
		o := f.owners[0]
		c := newConvo(t, db, o)
		// The bot matched the pressed button's value as a payload.
		def, param := c.set.MatchPayload("rsvp_" + f.tokens[o.ID] + "_yes")
		if def == nil || def.ID != "rsvp" {
			t.Fatalf("button value does not start the rsvp flow: %v", def)
		}
		c.start("rsvp", param)
		c.expect("Berapa orang", "paling banyak 3")
		c.say("5")
		c.expect("paling banyak 3 orang")
		c.say("2")
		c.expect("apa yang Bapak/Ibu cari")
		c.say("1, 2")
		c.expect("kehadiran Bapak/Ibu (2 orang) sudah kami catat", "Kode check-in", "Ketik *acara*")
		if c.sess != nil {
			t.Fatalf("flow did not end")
		}
		if len(c.media) != 2 || c.media[0].Media.MIME != "text/calendar" || c.media[1].Media.MIME != "image/png" {
			t.Fatalf("media = %+v, want the .ics and the QR png", c.media)
		}
		if !strings.Contains(string(c.media[0].Media.Data), "BEGIN:VEVENT") {
			t.Fatal("calendar file has no event")
		}
		inv, _, err := f.repo.Invitation(context.Background(), f.tokens[o.ID])
		if err != nil {
			t.Fatal(err)
		}
		if inv.Status != event.Going || inv.PartySize != 2 || strings.Join(inv.Needs, ",") != "modal,pembeli" {
			t.Fatalf("invitation %+v", inv)
		}
		// A forwarded button pressed by someone else is refused.
		c2 := newConvo(t, db, f.owners[1])
		c2.start("rsvp", f.tokens[o.ID]+"_no")
		c2.expect("ditujukan untuk orang lain")
		// After the deadline, kindly refused.
		c3 := newConvo(t, db, o)
		c3.now = f.ev.RSVPDeadline.Add(time.Minute)
		c3.start("rsvp", f.tokens[o.ID]+"_no")
		c3.expect("batas konfirmasi", "sudah lewat")
	})
}

func TestAcaraChangeAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, event.Seminar, 0, 1, true)
		o := f.owners[1]
		c := newConvo(t, db, o)
		c.start("rsvp", f.tokens[o.ID]+"_yes")
		c.expect("sudah kami catat")
		c = newConvo(t, db, o)
		c.start("acara", "")
		c.expect("1. *Temu Bisnis Rendang*", "Jawaban: Hadir (1 orang, kode")
		c.say("1")
		c.expect("Jawaban Bapak/Ibu saat ini: Hadir")
		c.say("Tidak hadir")
		c.expect("terima kasih atas kabarnya")
		if c.sess != nil {
			t.Fatal("flow did not end")
		}
		inv, _, _ := f.repo.Invitation(context.Background(), f.tokens[o.ID])
		if inv.Status != event.Declined {
			t.Fatalf("status %s, want declined", inv.Status)
		}
		// Someone with no invitation sees the published event as open,
		// joins it and answers Hadir: their own invitation, no message
		// sent for it.
		c = newConvo(t, db, f.staff)
		c.start("acara", "")
		c.expect("Acara terbuka yang bisa Bapak/Ibu ikuti:", "1. *Temu Bisnis Rendang*", "Tempat: Aula Painan")
		c.say("1")
		c.expect("Jawaban Bapak/Ibu saat ini: Belum dijawab")
		c.say("Hadir")
		c.expect("sudah kami catat")
		var st string
		if err := db.GetContext(context.Background(), &st, db.Rebind(`SELECT status FROM invitations WHERE event_id = ? AND contact_id = ?`), f.ev.ID, f.staff.ID); err != nil || st != "going" {
			t.Fatalf("joined invitation: %q, %v", st, err)
		}
		// Joined once: it is now among their invitations, not offered again.
		c = newConvo(t, db, f.staff)
		c.start("acara", "")
		c.expect("Undangan Bapak/Ibu:")
		if strings.Contains(strings.Join(c.texts, "\n"), "Acara terbuka") {
			t.Error("an event joined is still offered as open")
		}
		// After the deadline nothing is open.
		c = newConvo(t, db, f.owners[0])
		c.now = f.ev.RSVPDeadline.Add(time.Minute)
		c.start("acara", "")
		if strings.Contains(strings.Join(c.texts, "\n"), "Acara terbuka") {
			t.Error("an event past its deadline is offered")
		}
	})
}

// TestRSVPInEnglish: an English contact answers an invitation and reads
// the confirmation (with its calendar file and QR code), the list of
// invitations and the decline note in English.
func TestRSVPInEnglish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, event.Seminar, 0, 1, true)
		o := f.owners[1]
		o.Lang = "en"
		c := newConvo(t, db, o)
		c.start("rsvp", f.tokens[o.ID]+"_yes")
		c.expect("Thank you, we have noted your attendance (party of 1).", "Check-in code: *")
		if len(c.media) != 2 || !strings.HasPrefix(c.media[1].Media.Caption, "Check-in code: ") {
			t.Fatalf("confirmation files %+v", c.media)
		}
		c = newConvo(t, db, o)
		c.start("acara", "")
		c.expect("1. *Temu Bisnis Rendang*", "Answer: Attending (party of 1, code")
		c.say("1")
		c.expect("Your current answer: Attending", "Time: ")
		c.say("Not attending")
		c.expect("Thank you for letting us know.")
		for _, text := range c.texts {
			if strings.Contains(text, "Bapak/Ibu") {
				t.Errorf("Indonesian in an English conversation: %q", text)
			}
		}
		c = newConvo(t, db, flow.Contact{ID: f.staff.ID, Channel: f.staff.Channel, Lang: "en"})
		c.start("acara", "")
		c.expect("Open events you can join:", "Friday, 4 December 2026", "Venue: Aula Painan", "Type a number")
		for _, text := range c.texts {
			if strings.Contains(text, "Bapak/Ibu") || strings.Contains(text, "Tempat") {
				t.Errorf("Indonesian in an English list: %q", text)
			}
		}
	})
}

func TestStaffFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, event.Seminar, 0, 2, false)
		// Not staff: refused.
		c := newConvo(t, db, f.owners[0])
		c.start("staff_broadcast", "")
		c.expect("hanya untuk petugas")

		c = newConvo(t, db, f.staff)
		c.start("staff_broadcast", "")
		c.expect("Menu petugas")
		c.say("1")
		c.expect("Acara yang mana?", "1. Temu Bisnis Rendang")
		c.say("1")
		c.expect("Sasaran yang tersimpan untuk *Temu Bisnis Rendang*: semua UMKM terdaftar.", "Pakai sasaran ini?")
		noCode := func() {
			t.Helper()
			for _, text := range c.texts {
				if strings.Contains(text, "13.01.") {
					t.Errorf("a kecamatan code reached staff: %q", text)
				}
			}
		}
		c.say("Pilih sasaran lain")
		c.expect("Kecamatan mana saja?")
		noCode()
		c.say("7")
		c.expect("Skala usaha")
		noCode()
		c.say("lewati")
		c.expect("sudah diverifikasi?")
		c.say("tidak")
		noCode()
		c.expect("Sasaran: kecamatan Koto XI Tarusan.", "Akan menerima: 2 UMKM (web chat 2)", "Perkiraan lama pengiriman: web chat kurang dari 1 menit",
			"Contoh pesan", "Bapak/Ibu Siti", "Kirim sekarang?")
		c.say("ya")
		c.expect("2 undangan masuk antrean")
		ev, _ := f.repo.Event(ctx, f.ev.ID)
		if ev.Status != event.Published {
			t.Fatalf("event status %s after broadcast, want published", ev.Status)
		}
		rows, _ := f.repo.ExportRows(ctx, f.ev.ID)
		if len(rows) != 2 {
			t.Fatalf("%d invitations, want 2", len(rows))
		}
		// Owner 0 says yes; staff checks them in from the phone.
		res, err := f.repo.Answer(ctx, rows[0].Invitation.Token, event.Request{Answer: event.Going}, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		c = newConvo(t, db, f.staff)
		c.start("staff_broadcast", "")
		c.say("Check-in peserta")
		c.say("1")
		c.expect("Ketik kode check-in")
		c.say(strings.ToLower(res.Invitation.CheckinCode))
		c.expect("check-in berhasil")
		c.say(res.Invitation.CheckinCode)
		c.expect("sudah check-in")
		c.say(rows[1].Invitation.CheckinCode)
		c.expect("tidak terdaftar hadir")
		c.say("selesai")
		c.expect("Sudah check-in 1")
		if c.sess != nil {
			t.Fatal("flow did not end")
		}
	})
}

// TestStaffFlowStoredAudience: the phone broadcast offers the audience
// stored with the event, by kecamatan name, and one "ya" keeps it: the
// invitations go to that kecamatan only, never to the whole regency, and
// no kecamatan code reaches the staff member.
func TestStaffFlowStoredAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, event.Seminar, 0, 2, false)
		// A third owner elsewhere (Bayang) must not be invited.
		other, err := store.InsertID(ctx, db, db.Dialect, `INSERT INTO contacts (channel, external_id, display_name, first_seen, last_seen) VALUES ('webchat', 'c9', 'Kontak 9', ?, ?)`, t0, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO businesses (contact_id, owner_name, name, region_code, size_class, created_at, updated_at) VALUES (?, 'Rini', 'Usaha', '13.01.06', 'mikro', ?, ?)`), other, t0, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.repo.UpdateDetails(ctx, f.ev.ID, store.EventDetails{Title: f.ev.Title, Kind: f.ev.Kind, MaxParty: 2, RSVPDeadline: f.ev.RSVPDeadline,
			Segment: event.Segment{RegionCodes: []string{"13.01.07"}}}, t0); err != nil {
			t.Fatal(err)
		}
		c := newConvo(t, db, f.staff)
		var said []string
		c.start("staff_broadcast", "")
		said = append(said, c.texts...)
		for _, in := range []string{"1", "1", "ya"} {
			c.say(in)
			said = append(said, c.texts...)
		}
		c.expect("Sasaran: kecamatan Koto XI Tarusan.", "Akan menerima: 2 UMKM (web chat 2)")
		c.say("ya")
		said = append(said, c.texts...)
		c.expect("2 undangan masuk antrean")
		for _, text := range said {
			if strings.Contains(text, "13.01.") || strings.Contains(text, "semua UMKM terdaftar") {
				t.Errorf("staff read a kecamatan code or the whole regency: %q", text)
			}
		}
		rows, _ := f.repo.ExportRows(ctx, f.ev.ID)
		if len(rows) != 2 {
			t.Fatalf("%d invitations, want the 2 in Koto XI Tarusan", len(rows))
		}
		for _, r := range rows {
			if r.Invitation.ContactID == other {
				t.Error("the owner in Bayang was invited")
			}
		}
	})
}
