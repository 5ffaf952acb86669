package app

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/actions/matchactions"
	"jejaring/internal/channel"
	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/match"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// TestTemuBisnisEndToEnd is issue 15's done-when: a temu bisnis with 60
// generated owners and 10 partners over the fake Telegram server and the web
// chat. Partners register in the chat (the deep link staff send, or the
// keyword), owners press Hadir on the invitation and pick partners, staff see
// the plan's feasibility, run the scheduler and publish; every owner and
// partner receives an agenda (text and .ics) matching the database; on the
// day an owner presses "Tidak bisa hadir" on the nudge, the schedule
// re-runs, exactly the people whose meetings changed are told, and the
// freed place goes to a waiting owner who wished for that partner.
func TestTemuBisnisEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fake := tgtest.New(t)
			kv := []string{"TELEGRAM_BOT_TOKEN", fake.Token(), "TELEGRAM_API_URL", fake.URL()}
			if dialect == store.Postgres {
				redisURL, prefix := realRedis(t)
				kv = append(kv, "DATABASE_URL", storetest.URL(t), "REDIS_URL", redisURL, "REDIS_PREFIX", prefix)
			}
			a, base, _ := started(t, nil, kv...)
			temuEndToEnd(t, a, base, fake)
		})
	}
}

// person is one simulated participant: on Telegram (chat) or the web chat
// (web, addr).
type person struct {
	name string
	chat int64
	web  *http.Client
	addr channel.Address
	seen int // Telegram messages already read
	id   int64
}

func (p *person) isWeb() bool { return p.web != nil }

const (
	e2eOwners   = 60
	e2eWebOwner = 15 // the first 15 owners use the web chat
	e2ePartners = 10
	e2eWebPart  = 3 // the last 3 partners use the web chat
	e2eSlots    = 8
)

func temuEndToEnd(t *testing.T, a *App, base string, fake *tgtest.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	now := time.Now()
	phase := func(what string) {
		t.Logf("%s: %s after %s", a.DB.Dialect, what, time.Since(now).Round(time.Millisecond))
	}
	events := store.NewEventRepo(a.DB)
	svc := matchactions.NewService(a.DB, events)
	ev := &event.Event{Title: "Temu Bisnis Kuliner", Kind: event.TemuBisnis, Venue: "Aula Dinas, Painan",
		StartsAt: now.Add(2 * time.Hour), EndsAt: now.Add(6 * time.Hour), Status: event.Published}
	eventID, err := events.CreateEvent(ctx, ev, now)
	if err != nil {
		t.Fatal(err)
	}
	// 12 tables: as many as the partners' seats (10 partners, two of them
	// with two seats), so the partners' seats are what is scarce.
	setup := &match.Setup{EventID: eventID, Slots: e2eSlots, SlotMinutes: 20, FirstSlot: ev.StartsAt, Tables: 12, MaxPerOwner: 3}
	if err := svc.Match.SaveSetup(ctx, setup, now); err != nil {
		t.Fatal(err)
	}

	// Telegram: wait for a text from index p.seen on and move past it.
	expect := func(p *person, substr string) tgtest.SentMessage {
		t.Helper()
		i, m, err := fake.WaitText(ctx, p.chat, p.seen, substr)
		if err != nil {
			t.Fatalf("%s: %v; sent: %s", p.name, err, lastTexts(fake.Sent(p.chat), 4))
		}
		p.seen = i + 1
		return m
	}
	// talk says text and checks the reply contains want.
	talk := func(p *person, text, want string) {
		t.Helper()
		if p.isWeb() {
			_, replies := say(t, p.web, base, text)
			if got := strings.Join(replies, "\n---\n"); !strings.Contains(got, want) {
				t.Fatalf("%s: after %q want %q, got:\n%s", p.name, text, want, got)
			}
			return
		}
		fake.SendText(p.chat, text)
		expect(p, want)
	}

	// Partners register in the chat: Telegram ones by the deep link staff
	// send, web chat ones by the keyword (the soonest temu bisnis).
	kinds := []string{"bank", "pembeli", "investor", "koperasi", "marketplace", "mentor", "bumn", "pembeli", "bank", "mentor"}
	partners := make([]*person, e2ePartners)
	for i := range partners {
		p := &person{name: fmt.Sprintf("mitra-%d", i+1)}
		if i >= e2ePartners-e2eWebPart {
			p.web = webClient(t)
			p.addr = hello(t, p.web, base)
			talk(p, "mitra", "lembaga jenis apa")
		} else {
			p.chat = 9001 + int64(i)
			p.addr = channel.Address{Channel: channel.Telegram, ExternalID: strconv.FormatInt(p.chat, 10)}
			fake.SetUser(p.chat, "Mitra", strconv.Itoa(i+1), "id")
			talk(p, "/start mitra_"+strconv.FormatInt(eventID, 10), "lembaga jenis apa")
		}
		talk(p, kinds[i], "nama lembaga")
		talk(p, fmt.Sprintf("Lembaga Mitra %d", i+1), "narahubung")
		talk(p, fmt.Sprintf("Narahubung %d", i+1), "tawarkan atau cari")
		talk(p, fmt.Sprintf("Penawaran nomor %d untuk UMKM kuliner", i+1), "Bidang usaha UMKM")
		talk(p, "lewati", "Skala usaha")
		talk(p, "1", "Kecamatan mana")
		talk(p, "lewati", "layani sekaligus")
		seats := "1"
		if i < 2 {
			seats = "2"
		}
		talk(p, seats, "Kapan Bapak/Ibu ada")
		avail := "1"
		if i == 6 {
			avail = "2" // the first half only
		}
		talk(p, avail, "setuju profil lembaga ditampilkan")
		talk(p, "ya", "Belum ada UMKM peserta")
		partners[i] = p
	}
	phase("partners registered")
	profiles, err := svc.Match.EventPartnerProfiles(ctx, eventID)
	if err != nil || len(profiles) != e2ePartners {
		t.Fatalf("partners in the event: %d (%v), want %d", len(profiles), err, e2ePartners)
	}
	for i, p := range partners {
		p.id = profiles[i].ID
		if !profiles[i].Consent || profiles[i].ConsentVersion != match.ConsentVersion || profiles[i].ContactID == 0 {
			t.Errorf("partner %d stored %+v", i+1, profiles[i])
		}
	}

	// 60 owners with a business each (10 of them not shown to partners);
	// the broadcast invites them all.
	biz := store.NewBusinessRepo(a.DB)
	owners := make([]*person, e2eOwners)
	for i := range owners {
		p := &person{name: fmt.Sprintf("umkm-%d", i+1)}
		if i < e2eWebOwner {
			p.web = webClient(t)
			p.addr = hello(t, p.web, base)
		} else {
			p.chat = 1001 + int64(i)
			fake.SetUser(p.chat, "Pemilik", strconv.Itoa(i+1), "id")
			p.addr = channel.Address{Channel: channel.Telegram, ExternalID: strconv.FormatInt(p.chat, 10)}
		}
		c, _, err := a.DB.UpsertContact(ctx, contact.Seen{Channel: string(p.addr.Channel), ExternalID: p.addr.ExternalID, DisplayName: "Pemilik " + strconv.Itoa(i+1), At: now})
		if err != nil {
			t.Fatal(err)
		}
		cid := c.ID
		b := &umkm.Business{ContactID: &cid, OwnerName: fmt.Sprintf("Pemilik %d", i+1), Name: fmt.Sprintf("Usaha %d", i+1),
			Products: "keripik dan rendang", KBLISection: []string{"C", "G"}[i%2], SizeClass: []umkm.SizeClass{umkm.Mikro, umkm.Kecil}[i%2],
			RegionCode: "13.01.07", ShowToPartners: i%6 != 5, Source: umkm.SourceImport}
		if err := biz.CreateBusiness(ctx, b, "PSS", now); err != nil {
			t.Fatal(err)
		}
		owners[i] = p
	}
	if res, err := events.Broadcast(ctx, store.BroadcastRequest{EventID: eventID, CreatedBy: "test"}, now); err != nil || res.Queued != e2eOwners {
		t.Fatalf("broadcast: %+v %v", res, err)
	}

	// Owners answer Hadir and pick five partners each, in an order that
	// varies (the first on the list is wanted by many).
	var wg sync.WaitGroup
	errs := make(chan error, e2eOwners)
	for i, p := range owners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			picks := fmt.Sprintf("1, %d, %d, %d, %d", 2+i%7, 2+(i+2)%7, 2+(i+4)%7, 2+(i+5)%7)
			// What they look for varies, so every kind of partner is
			// somebody's good fit: capital and buyers; suppliers and
			// mentoring; mentoring and permits.
			needs := []string{"1, 2", "3, 4", "4, 5"}[i%3]
			if err := ownerRSVP(ctx, base, fake, p, needs, picks); err != nil {
				errs <- fmt.Errorf("%s: %w", p.name, err)
			}
		}()
		if i%10 == 9 {
			wg.Wait()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	phase("owners answered and picked")
	wishes, err := svc.Match.Wishes(ctx, eventID)
	if err != nil {
		t.Fatal(err)
	}
	ownerWish := map[[2]int64]bool{}
	for _, w := range wishes {
		if w.Side == match.SideOwner {
			ownerWish[[2]int64{w.InvitationID, w.PartnerID}] = true
		}
	}
	if len(ownerWish) != 5*e2eOwners {
		t.Fatalf("%d owner picks stored, want %d", len(ownerWish), 5*e2eOwners)
	}

	// Three partners look at the owners shown to them and mark: two they
	// want to meet, one "tidak".
	for _, p := range partners[:3] {
		talk(p, "mitra", "sudah terdaftar sebagai mitra")
		talk(p, "1", "UMKM peserta yang cocok")
		talk(p, "1 2", "ingin bertemu")
		talk(p, "tidak 3", "tidak")
		talk(p, "selesai", "Jadwal pertemuan")
	}
	var partnerMarks, vetoes int
	wishes, _ = svc.Match.Wishes(ctx, eventID)
	for _, w := range wishes {
		if w.Side == match.SidePartner {
			partnerMarks++
			if w.No {
				vetoes++
			}
		}
	}
	if partnerMarks != 9 || vetoes != 3 {
		t.Errorf("partner marks %d (vetoes %d), want 9 (3)", partnerMarks, vetoes)
	}

	phase("partners marked owners")
	// Staff: the plan while registration is open.
	plan, err := svc.Plan(ctx, eventID, now)
	if err != nil {
		t.Fatal(err)
	}
	if txt := plan.Text("id"); !strings.Contains(txt, "8 sesi × 12 meja = 96 pertemuan untuk 60 UMKM: semua bisa mendapat satu") ||
		plan.Bound.Coverage != e2eOwners {
		t.Errorf("plan: %s (bound %+v)", txt, plan.Bound)
	}

	// The session starts soon: the first slot in 9 minutes, so its nudges
	// are due at once after publishing.
	setup.FirstSlot = time.Now().Add(9 * time.Minute)
	if err := svc.Match.SaveSetup(ctx, setup, now); err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Run(ctx, eventID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Schedule.Coverage != e2eOwners || rep.Schedule.Bound.Coverage != e2eOwners {
		t.Errorf("run: coverage %d, bound %d, want %d", rep.Schedule.Coverage, rep.Schedule.Bound.Coverage, e2eOwners)
	}
	t.Logf("%s: %d meetings, coverage %d/%d, weight %g (bound %g)", a.DB.Dialect, len(rep.Meetings), rep.Schedule.Coverage,
		rep.Schedule.Bound.Coverage, rep.Schedule.Weight, rep.Schedule.Bound.Weight)
	sent, err := svc.Publish(ctx, eventID, time.Now())
	if err != nil || sent != e2eOwners+e2ePartners {
		t.Fatalf("publish: %d agendas (%v), want %d", sent, err, e2eOwners+e2ePartners)
	}
	setup, _ = svc.Match.Setup(ctx, eventID)
	meetings, _ := svc.Match.Meetings(ctx, eventID)

	phase("published")
	// Every owner and partner received their agenda and its .ics, and both
	// say what the database says.
	invOf := map[int64]int64{} // contact → invitation
	ownerProfiles, _ := svc.Match.Owners(ctx, eventID)
	for _, o := range ownerProfiles {
		invOf[o.ContactID] = o.InvitationID
	}
	for _, p := range owners {
		c, err := a.DB.ContactByAddress(ctx, string(p.addr.Channel), p.addr.ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		p.id = invOf[c.ID]
	}
	streams := map[*person]*webStream{}
	for _, p := range append(append([]*person{}, owners...), partners...) {
		if p.isWeb() {
			streams[p] = openStream(ctx, t, p.web, base)
		}
	}
	check := func(p *person, side string, text string, ics []byte) {
		t.Helper()
		want := agendaOf(meetings, side, p.id)
		got := icsStarts(ics)
		if len(want) == 0 {
			t.Errorf("%s has no meeting", p.name)
		}
		if len(got) != len(want) {
			t.Errorf("%s: .ics has %d meetings, the database %d", p.name, len(got), len(want))
			return
		}
		for i, m := range want {
			start := setup.SlotStart(m.Slot).UTC().Format("20060102T150405Z")
			if got[i] != start {
				t.Errorf("%s: .ics meeting %d starts %s, the database %s", p.name, i+1, got[i], start)
			}
			if !strings.Contains(text, fmt.Sprintf("Meja %d", m.Table)) {
				t.Errorf("%s: agenda text lacks table %d:\n%s", p.name, m.Table, text)
			}
		}
	}
	for side, people := range map[string][]*person{match.SideOwner: owners, match.SidePartner: partners} {
		for _, p := range people {
			if p.isWeb() {
				text, ics := streams[p].agenda(t, p.name, "Jadwal temu bisnis")
				check(p, side, text, ics)
				continue
			}
			m := expect(p, "Jadwal temu bisnis")
			if len(agendaOf(meetings, side, p.id)) == 0 {
				t.Errorf("%s has no meeting: %s", p.name, m.Text)
				continue
			}
			doc := waitDocument(ctx, t, fake, p, "jadwal-temu-bisnis.ics")
			check(p, side, m.Text, doc)
		}
	}

	phase("agendas checked")
	// On the day: a Telegram owner with a meeting in the first slot whose
	// partner is wanted by a waiting owner free then presses "Tidak bisa
	// hadir" on the nudge.
	count := map[int64]int{}
	busy := map[[2]int64]bool{} // invitation, slot
	meets := map[[2]int64]bool{}
	for _, m := range meetings {
		count[m.InvitationID]++
		busy[[2]int64{m.InvitationID, int64(m.Slot)}] = true
		meets[[2]int64{m.InvitationID, m.PartnerID}] = true
	}
	var canceller *person
	var freed match.Booked
	for _, m := range meetings {
		if m.Slot != 0 || canceller != nil {
			continue
		}
		o := ownerByInv(owners, m.InvitationID)
		if o == nil || o.isWeb() {
			continue
		}
		for k := range ownerWish {
			if k[1] == m.PartnerID && k[0] != m.InvitationID && !meets[k] && count[k[0]] < setup.MaxPerOwner && !busy[[2]int64{k[0], 0}] {
				canceller, freed = o, m
				break
			}
		}
	}
	if canceller == nil {
		t.Fatal("no first-slot meeting whose partner a waiting owner wants: the generated fair lost its point")
	}
	expect(canceller, "Sepuluh menit lagi")
	if _, err := fake.PressButton(canceller.chat, "Tidak bisa hadir"); err != nil {
		t.Fatal(err)
	}
	expect(canceller, "kami batalkan")
	after, _ := svc.Match.Meetings(ctx, eventID)

	phase("cancelled")
	// Exactly the people whose meetings changed are told.
	changed := changedPeople(meetings, after)
	delete(changed, match.SideOwner+strconv.FormatInt(canceller.id, 10))
	if len(changed) == 0 {
		var abs []string
		_ = a.DB.SelectContext(ctx, &abs, `SELECT CAST(invitation_id AS TEXT) || ':' || CAST(absent_from AS TEXT) FROM match_absences`)
		t.Fatalf("the cancellation changed nobody's day: canceller %d, absences %v, before %v, after %v", canceller.id, abs, agendaOf(meetings, match.SideOwner, canceller.id), agendaOf(after, match.SideOwner, canceller.id))
	}
	var told []struct {
		ContactID int64 `db:"contact_id"`
	}
	if err := a.DB.SelectContext(ctx, &told, a.DB.Rebind(`SELECT contact_id FROM outbox WHERE kind = ? ORDER BY contact_id`), store.KindMatchChange); err != nil {
		t.Fatal(err)
	}
	toldSet := map[int64]bool{}
	for _, r := range told {
		toldSet[r.ContactID] = true
	}
	wantTold := map[int64]bool{}
	for _, p := range append(append([]*person{}, owners...), partners...) {
		side := match.SideOwner
		if strings.HasPrefix(p.name, "mitra") {
			side = match.SidePartner
		}
		if !changed[side+strconv.FormatInt(p.id, 10)] {
			continue
		}
		c, err := a.DB.ContactByAddress(ctx, string(p.addr.Channel), p.addr.ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		wantTold[c.ID] = true
		if !p.isWeb() {
			expect(p, "Ada perubahan jadwal temu bisnis")
		}
	}
	if fmt.Sprint(sortedKeys(toldSet)) != fmt.Sprint(sortedKeys(wantTold)) {
		t.Errorf("change notices went to contacts %v, the changed people are %v", sortedKeys(toldSet), sortedKeys(wantTold))
	}
	for _, m := range after {
		if m.InvitationID == canceller.id {
			t.Errorf("the cancelled owner still has %+v", m)
		}
	}
	// The freed place went to a waiting owner who wished for that partner.
	refilled := false
	for _, m := range after {
		k := [2]int64{m.InvitationID, m.PartnerID}
		if m.PartnerID == freed.PartnerID && m.Slot == freed.Slot && !meets[k] && ownerWish[k] {
			refilled = true
			if !changed[match.SideOwner+strconv.FormatInt(m.InvitationID, 10)] {
				t.Errorf("owner %d got the freed place but was not told", m.InvitationID)
			}
		}
	}
	if !refilled {
		t.Errorf("the freed place (partner %d, slot %d) was not given to a waiting owner who wished for that partner", freed.PartnerID, freed.Slot)
	}
	t.Logf("%s: cancellation told %d people; %d meetings after", a.DB.Dialect, len(wantTold), len(after))

	// Another owner at a first-slot meeting that stayed presses "Saya
	// sudah di meja" on the nudge.
	var arrived *person
	var at match.Booked
	for _, m := range after {
		if o := ownerByInv(owners, m.InvitationID); m.Slot == 0 && o != nil && !o.isWeb() && !changed[match.SideOwner+strconv.FormatInt(o.id, 10)] && arrived == nil {
			arrived, at = o, m
		}
	}
	if arrived == nil {
		t.Fatal("no unchanged first-slot meeting on Telegram")
	}
	expect(arrived, "Sepuluh menit lagi")
	if _, err := fake.PressButton(arrived.chat, "Saya sudah di meja"); err != nil {
		t.Fatal(err)
	}
	expect(arrived, fmt.Sprintf("sudah di meja %d", at.Table))
	var marked int
	if err := a.DB.QueryRowxContext(ctx, a.DB.Rebind(`SELECT COUNT(*) FROM match_meetings WHERE id = ? AND owner_arrived_at IS NOT NULL`), at.ID).Scan(&marked); err != nil || marked != 1 {
		t.Errorf("arrival not recorded: %d %v", marked, err)
	}
}

// ownerRSVP is one owner answering Hadir and picking partners.
func ownerRSVP(ctx context.Context, base string, fake *tgtest.Server, p *person, needs, picks string) error {
	if p.isWeb() {
		steps := [][2]string{{"rsvp", "Apakah Bapak/Ibu bisa hadir"}, {"1", "apa yang Bapak/Ibu cari"},
			{needs, "bisa bertemu mitra berikut"}, {picks, "5 pilihan mitra tercatat"}}
		for _, s := range steps {
			got, err := webSay(p.web, base, s[0])
			if err != nil {
				return err
			}
			if !strings.Contains(got, s[1]) {
				return fmt.Errorf("after %q want %q, got:\n%s", s[0], s[1], got)
			}
		}
		return nil
	}
	wait := func(substr string) error {
		i, _, err := fake.WaitText(ctx, p.chat, p.seen, substr)
		if err != nil {
			return fmt.Errorf("%w; sent: %s", err, lastTexts(fake.Sent(p.chat), 4))
		}
		p.seen = i + 1
		return nil
	}
	if err := wait("Temu Bisnis Kuliner"); err != nil { // the invitation
		return err
	}
	if _, err := fake.PressButton(p.chat, "Hadir"); err != nil {
		return err
	}
	if err := wait("apa yang Bapak/Ibu cari"); err != nil {
		return err
	}
	fake.SendText(p.chat, needs)
	if err := wait("bisa bertemu mitra berikut"); err != nil {
		return err
	}
	fake.SendText(p.chat, picks)
	return wait("5 pilihan mitra tercatat")
}

// webSay is say without a testing.T, for goroutines.
func webSay(cl *http.Client, base, text string) (string, error) {
	body, _ := json.Marshal(map[string]string{"text": text})
	resp, err := cl.Post(base+"/webchat/api/send", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			Text string `json:"text"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	var texts []string
	for _, m := range out.Messages {
		texts = append(texts, m.Text)
	}
	return strings.Join(texts, "\n---\n"), nil
}

func lastTexts(ms []tgtest.SentMessage, n int) string {
	var out []string
	for _, m := range ms[max(len(ms)-n, 0):] {
		out = append(out, fmt.Sprintf("%q", m.Text))
	}
	return strings.Join(out, ", ")
}

// waitDocument waits for the named file sent to p's chat after p.seen.
func waitDocument(ctx context.Context, t *testing.T, fake *tgtest.Server, p *person, name string) []byte {
	t.Helper()
	var doc []byte
	err := fake.WaitFor(ctx, func() bool {
		for _, m := range fake.Sent(p.chat)[p.seen-1:] {
			if m.FileName == name {
				doc = m.File
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("%s: no %s: %v", p.name, name, err)
	}
	return doc
}

func agendaOf(ms []match.Booked, side string, id int64) []match.Booked {
	var out []match.Booked
	for _, m := range ms {
		if side == match.SideOwner && m.InvitationID == id || side == match.SidePartner && m.PartnerID == id {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slot < out[j].Slot })
	return out
}

func icsStarts(ics []byte) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(string(ics), "\r\n ", ""), "\r\n") {
		if s, ok := strings.CutPrefix(l, "DTSTART:"); ok {
			out = append(out, s)
		}
	}
	return out
}

func ownerByInv(owners []*person, inv int64) *person {
	for _, o := range owners {
		if o.id == inv {
			return o
		}
	}
	return nil
}

// changedPeople lists "owner<inv>" and "partner<id>" whose meetings (who,
// slot, table) differ between two schedules.
func changedPeople(before, after []match.Booked) map[string]bool {
	sig := func(ms []match.Booked) map[string]string {
		out := map[string][]string{}
		for _, m := range ms {
			o, p := match.SideOwner+strconv.FormatInt(m.InvitationID, 10), match.SidePartner+strconv.FormatInt(m.PartnerID, 10)
			out[o] = append(out[o], fmt.Sprintf("%d@%d.%d", m.PartnerID, m.Slot, m.Table))
			out[p] = append(out[p], fmt.Sprintf("%d@%d.%d", m.InvitationID, m.Slot, m.Table))
		}
		s := map[string]string{}
		for k, v := range out {
			sort.Strings(v)
			s[k] = strings.Join(v, ",")
		}
		return s
	}
	b, a := sig(before), sig(after)
	changed := map[string]bool{}
	for k, v := range b {
		if a[k] != v {
			changed[k] = true
		}
	}
	for k, v := range a {
		if b[k] != v {
			changed[k] = true
		}
	}
	return changed
}

func sortedKeys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// webStream reads a web chat client's server-sent messages.
type webStream struct {
	msgs chan webMsg
}

type webMsg struct {
	Text  string `json:"text"`
	Media *struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"media"`
}

func openStream(ctx context.Context, t *testing.T, cl *http.Client, base string) *webStream {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/webchat/api/events", nil)
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	s := &webStream{msgs: make(chan webMsg, 64)}
	go func() {
		defer close(s.msgs)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 8<<20)
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m webMsg
				if json.Unmarshal([]byte(l), &m) == nil {
					s.msgs <- m
				}
			}
		}
	}()
	return s
}

// agenda reads until a text containing substr and the .ics after it.
func (s *webStream) agenda(t *testing.T, who, substr string) (string, []byte) {
	t.Helper()
	text := ""
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				t.Fatalf("%s: stream ended", who)
			}
			if text == "" && strings.Contains(m.Text, substr) {
				text = m.Text
			}
			if text != "" && m.Media != nil && m.Media.Name == "jadwal-temu-bisnis.ics" {
				_, b64, _ := strings.Cut(m.Media.URL, ",")
				data, err := base64.StdEncoding.DecodeString(b64)
				if err != nil {
					t.Fatalf("%s: .ics data URL: %v", who, err)
				}
				return text, data
			}
		case <-timeout:
			t.Fatalf("%s: no agenda on the web chat stream within 2 minutes", who)
		}
	}
}
