package match

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFits(t *testing.T) {
	t.Parallel()
	owner := OwnerProfile{Sector: "C", Size: "kecil", Kecamatan: "13.01.07", Needs: []string{"modal"}, Shown: true}
	for _, tc := range []struct {
		name string
		p    PartnerProfile
		want bool
	}{
		{"no rules", PartnerProfile{Kind: Bank}, true},
		{"sector named", PartnerProfile{Kind: Bank, Sectors: []string{"C", "G"}}, true},
		{"other sector", PartnerProfile{Kind: Bank, Sectors: []string{"G"}}, false},
		{"size in range", PartnerProfile{Kind: Bank, SizeMin: "mikro", SizeMax: "kecil"}, true},
		{"too big", PartnerProfile{Kind: Bank, SizeMax: "mikro"}, false},
		{"too small", PartnerProfile{Kind: Bank, SizeMin: "menengah"}, false},
		{"kecamatan served", PartnerProfile{Kind: Bank, Kecamatan: []string{"13.01.07"}}, true},
		{"kecamatan not served", PartnerProfile{Kind: Bank, Kecamatan: []string{"13.01.01"}}, false},
	} {
		if got := Fits(&tc.p, &owner); got != tc.want {
			t.Errorf("%s: Fits = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Best first: serves a need, names the sector; unconsented left out.
	ps := []PartnerProfile{
		{ID: 1, Kind: Mentor, Consent: true},
		{ID: 2, Kind: Bank, Consent: true},
		{ID: 3, Kind: Buyer, Sectors: []string{"C"}, Consent: true},
		{ID: 4, Kind: Investor, Sectors: []string{"C"}, Consent: true},
		{ID: 5, Kind: Investor, Consent: false},
		{ID: 6, Kind: Buyer, Sectors: []string{"G"}, Consent: true},
	}
	var ids []int64
	for _, p := range PartnersFor(&owner, ps, 4) {
		ids = append(ids, p.ID)
	}
	if got := fmtInts(ids); got != "[4 2 3 1]" {
		t.Errorf("PartnersFor = %s, want [4 2 3 1]", got)
	}
	hidden := owner
	hidden.Shown = false
	if got := OwnersFor(&ps[0], []OwnerProfile{owner, hidden}); len(got) != 1 {
		t.Errorf("OwnersFor kept %d owners, want the 1 shown", len(got))
	}
}

func fmtInts(ids []int64) string {
	var b strings.Builder
	b.WriteString("[")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(itoa(id))
	}
	b.WriteString("]")
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestParsePicks(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"2, 5 1": "[2 5 1]", "2 dan 2 dan 3": "[2 3]", "9": "error", "": "error", "1,2,3,4,5,6": "error"} {
		got, err := ParsePicks(in, 6)
		s := "error"
		if err == nil {
			s = fmtInts(toInt64(got))
		}
		if in == "9" && err == nil {
			t.Errorf("ParsePicks(9 of 6) accepted")
		}
		if s != want && !(want == "error" && err != nil) {
			t.Errorf("ParsePicks(%q) = %s, want %s", in, s, want)
		}
	}
}

func toInt64(ns []int) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = int64(n)
	}
	return out
}

func TestPairWeights(t *testing.T) {
	t.Parallel()
	w, v := PairWeights([]EventWish{
		{InvitationID: 1, PartnerID: 10, Side: SideOwner, Rank: 1},
		{InvitationID: 1, PartnerID: 10, Side: SidePartner},
		{InvitationID: 1, PartnerID: 11, Side: SideOwner, Rank: 5},
		{InvitationID: 2, PartnerID: 10, Side: SideStaff},
		{InvitationID: 2, PartnerID: 11, Side: SideOwner, Rank: 2},
		{InvitationID: 2, PartnerID: 11, Side: SidePartner, No: true},
	})
	if w[[2]int64{1, 10}] != 8 || w[[2]int64{1, 11}] != 1 || w[[2]int64{2, 10}] != 2 {
		t.Errorf("weights %v: want mutual first pick 5+3, fifth pick 1, staff 2", w)
	}
	if !v[[2]int64{2, 11}] || len(v) != 1 {
		t.Errorf("vetoes %v", v)
	}
}

// TestBuildInstanceOnTheDay: slots begun are frozen (their meetings
// locked, nothing new there), a cancelled owner is free in no open slot, a
// staff lock a later "tidak" overrules is dropped, and the announced
// meetings are the previous schedule.
func TestBuildInstanceOnTheDay(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)
	in := &EventInput{
		Setup:    Setup{Slots: 4, SlotMinutes: 20, FirstSlot: start, Tables: 3},
		Owners:   []Attendee{{InvitationID: 1, AbsentFrom: -1}, {InvitationID: 2, AbsentFrom: 2}, {InvitationID: 3, AbsentFrom: -1}},
		Partners: []EventPartner{{PartnerID: 10, Seats: 1, AbsentFrom: -1}, {PartnerID: 11, Seats: 2, Available: []int{2, 3}, AbsentFrom: -1}},
		Wishes: []EventWish{
			{InvitationID: 1, PartnerID: 10, Side: SideOwner, Rank: 1},
			{InvitationID: 2, PartnerID: 11, Side: SideOwner, Rank: 1},
			{InvitationID: 3, PartnerID: 11, Side: SideOwner, Rank: 1},
			{InvitationID: 3, PartnerID: 11, Side: SidePartner, No: true},
		},
		Meetings: []Booked{
			{ID: 7, InvitationID: 1, PartnerID: 10, Slot: 0, Table: 1, Announced: true},
			{ID: 8, InvitationID: 3, PartnerID: 11, Slot: 3, Table: 2, Locked: true, Announced: true},
		},
		Now: start.Add(25 * time.Minute), // slot 1 has begun
	}
	inst, prev := BuildInstance(in)
	if len(inst.Locked) != 1 || inst.Locked[0] != (Lock{Owner: "o1", Partner: "p10", Slot: 0}) {
		t.Errorf("locks %+v, want only the past meeting", inst.Locked)
	}
	if got := inst.Owners[0].Available; len(got) != 3 || got[0] != 0 || got[1] != 2 {
		t.Errorf("owner 1 free in %v, want [0 2 3] (its locked past slot, then the open ones)", got)
	}
	if got := inst.Owners[1].Available; len(got) != 0 || got == nil {
		t.Errorf("owner 2 (cancelled from slot 2) free in %v, want none (an empty list, not nil)", got)
	}
	if got := inst.Partners[1].Available; len(got) != 2 || got[0] != 2 {
		t.Errorf("partner 11 free in %v, want [2 3]", got)
	}
	if len(inst.Vetoes) != 1 || inst.Vetoes[0] != (Pair{Owner: "o3", Partner: "p11"}) {
		t.Errorf("vetoes %+v", inst.Vetoes)
	}
	if len(prev) != 1 {
		t.Errorf("previous schedule %+v, want the announced meeting still allowed", prev)
	}
	sch, err := Resolve(inst, prev)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(inst, sch); err != nil {
		t.Fatal(err)
	}
	booked, err := Booking(sch, in.Meetings)
	if err != nil {
		t.Fatal(err)
	}
	changes := Diff(in.Meetings, booked)
	// The vetoed lock's meeting is gone: owner 3 and partner 11 are told;
	// owner 1's past meeting stays; owner 2 was never announced anything.
	var who []string
	for _, c := range changes {
		who = append(who, c.Side+itoa(c.ID))
	}
	if strings.Join(who, " ") != "owner3 partner11" {
		t.Errorf("changes for %v, want owner3 partner11", who)
	}
}

func TestAgendaTextAndICS(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC) // 09.00 WIB
	a := &Agenda{EventID: 4, EventTitle: "Temu Bisnis Kuliner", Venue: "Aula Dinas", Side: SideOwner, ID: 9, Name: "Siti",
		Items: []AgendaItem{{MeetingID: 1, Slot: 1, Start: start.Add(20 * time.Minute), End: start.Add(40 * time.Minute), Table: 7, With: "Bank Nagari (Andi)", About: "Bank (KUR): KUR Mikro"},
			{MeetingID: 2, Slot: 0, Start: start, End: start.Add(20 * time.Minute), Table: 3, With: "CV Oleh-oleh", About: "Pembeli / offtaker: keripik"}}}
	a.Sort()
	text := a.Text("id")
	for _, want := range []string{"Kamis, 10 Desember 2026, Aula Dinas", "1. 09.00–09.20 WIB · Meja 3 · CV Oleh-oleh", "2. 09.20–09.40 WIB · Meja 7 · Bank Nagari (Andi)\n   Bank (KUR): KUR Mikro"} {
		if !strings.Contains(text, want) {
			t.Errorf("agenda lacks %q:\n%s", want, text)
		}
	}
	ics := string(a.ICS(start))
	if strings.Count(ics, "BEGIN:VEVENT") != 2 || !strings.Contains(ics, "DTSTART:20261210T020000Z") || !strings.Contains(ics, "TRIGGER:-PT10M") {
		t.Errorf("ics:\n%s", ics)
	}
	if en := a.Text("en"); !strings.Contains(en, "Table 3") {
		t.Errorf("English agenda:\n%s", en)
	}
}
