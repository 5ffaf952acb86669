package event

import (
	"bytes"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"
)

var start = time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC) // Selasa 8 Desember 2026, 09.00 WIB

func sample() *Event {
	return &Event{Title: "Temu Bisnis Kuliner", Kind: TemuBisnis, Venue: "Aula Painan", StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Capacity: 10, MaxParty: 2, RSVPDeadline: start.Add(-24 * time.Hour), Status: Published}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(e *Event)
		want string // part of the error, "" for valid
	}{
		{"ok", func(*Event) {}, ""},
		{"no title", func(e *Event) { e.Title = " " }, "title is empty"},
		{"bad kind", func(e *Event) { e.Kind = "konser" }, "kind"},
		{"end before start", func(e *Event) { e.EndsAt = e.StartsAt }, "end must be after start"},
		{"party over capacity", func(e *Event) { e.MaxParty = 11 }, "larger than the capacity"},
		{"deadline after start", func(e *Event) { e.RSVPDeadline = e.StartsAt.Add(time.Hour) }, "deadline is after the start"},
		{"bad map", func(e *Event) { e.MapURL = "javascript:alert(1)" }, "map link"},
		{"bad segment", func(e *Event) { e.Segment.KBLISections = []string{"Z"} }, "KBLI section"},
		{"no limit is fine", func(e *Event) { e.Capacity = 0; e.MaxParty = 5 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sample()
			tt.mod(e)
			err := e.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	before := start.Add(-48 * time.Hour)
	going := &Invitation{Status: Going, PartySize: 2}
	tests := []struct {
		name    string
		ev      func(e *Event)
		cur     *Invitation
		req     Request
		taken   int
		now     time.Time
		want    Answer
		frees   bool
		wantErr error
	}{
		{"seat free", nil, nil, Request{Answer: Going, PartySize: 2}, 7, before, Going, false, nil},
		{"exactly full", nil, nil, Request{Answer: Going, PartySize: 2}, 8, before, Going, false, nil},
		{"full: waitlist", nil, nil, Request{Answer: Going, PartySize: 2}, 9, before, Waitlist, false, nil},
		{"party 0 counts as 1", nil, nil, Request{Answer: Going}, 9, before, Going, false, nil},
		{"too many people", nil, nil, Request{Answer: Going, PartySize: 3}, 0, before, "", false, ErrPartyTooBig},
		{"no limit", func(e *Event) { e.Capacity = 0 }, nil, Request{Answer: Going, PartySize: 2}, 1000, before, Going, false, nil},
		{"going to maybe frees", nil, going, Request{Answer: Maybe}, 8, before, Maybe, true, nil},
		{"going to declined frees", nil, going, Request{Answer: Declined}, 8, before, Declined, true, nil},
		{"deadline", nil, nil, Request{Answer: Going}, 0, start.Add(-24 * time.Hour), "", false, ErrDeadlinePassed},
		{"no deadline: until start", func(e *Event) { e.RSVPDeadline = time.Time{} }, nil, Request{Answer: Going}, 0, start.Add(-time.Minute), Going, false, nil},
		{"cancelled", func(e *Event) { e.Status = Cancelled }, nil, Request{Answer: Going}, 0, before, "", false, ErrClosed},
		{"draft", func(e *Event) { e.Status = Draft }, nil, Request{Answer: Going}, 0, before, "", false, ErrClosed},
		{"changed still open", func(e *Event) { e.Status = Changed }, nil, Request{Answer: Maybe}, 0, before, Maybe, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sample()
			if tt.ev != nil {
				tt.ev(e)
			}
			d, err := Decide(e, tt.cur, tt.req, tt.taken, tt.now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || d.Status != tt.want || d.FreesSeats != tt.frees {
				t.Fatalf("got %+v, %v; want %s frees=%t", d, err, tt.want, tt.frees)
			}
		})
	}
}

func TestPromote(t *testing.T) {
	e := sample()
	waiting := []Invitation{{ID: 1, PartySize: 2}, {ID: 2, PartySize: 1}, {ID: 3, PartySize: 2}, {ID: 4, PartySize: 1}}
	// 7 of 10 taken: 3 free. #1 (2) fits, #2 (1) fits, #3 (2) does not, #4 does not.
	got := Promote(e, 7, waiting)
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
		t.Fatalf("promoted %+v", got)
	}
	// 8 taken: 2 free: #1 fits, then nothing.
	if got := Promote(e, 8, waiting); len(got) != 1 || got[0].ID != 1 {
		t.Fatalf("promoted %+v", got)
	}
	// 9 taken: a big party at the head does not block a single one behind it.
	if got := Promote(e, 9, waiting); len(got) != 1 || got[0].ID != 2 {
		t.Fatalf("promoted %+v", got)
	}
	if got := Promote(e, 10, waiting); len(got) != 0 {
		t.Fatalf("promoted %+v from a full event", got)
	}
}

func TestRemindersAndTexts(t *testing.T) {
	e := sample()
	rs := Reminders(e)
	if len(rs) != 2 || !rs[0].At.Equal(start.Add(-24*time.Hour)) || !rs[1].At.Equal(start.Add(-2*time.Hour)) {
		t.Fatalf("reminders %+v", rs)
	}
	if got := FormatWhen(e); got != "Selasa, 8 Desember 2026, 09.00–12.00 WIB" {
		t.Fatalf("FormatWhen = %q", got)
	}
	inv := InvitationText(e, "Siti", 3, "id")
	if !strings.Contains(inv, "Bapak/Ibu Siti") || !strings.Contains(inv, "Temu Bisnis Kuliner") || !strings.Contains(inv, "paling lambat Senin, 7 Desember 2026 pukul 09.00 WIB") {
		t.Fatalf("invitation:\n%s", inv)
	}
	seen := map[string]bool{}
	for v := range int64(5) {
		seen[Greeting("Siti", v, "id")] = true
	}
	if len(seen) != 5 {
		t.Fatalf("%d greeting variants, want 5", len(seen))
	}
	if !strings.Contains(Greeting("", 0, "id"), "Pelaku Usaha") {
		t.Fatal("greeting without a name")
	}
}

func TestParseReplyAndCodes(t *testing.T) {
	for in, want := range map[string]Answer{"yes": Going, "Hadir": Going, " iya ": Going, "no": Declined, "tidak hadir": Declined, "mungkin": Maybe, "3": Maybe} {
		if got, ok := ParseReply(in); !ok || got != want {
			t.Errorf("ParseReply(%q) = %s, %t", in, got, ok)
		}
	}
	if _, ok := ParseReply("besok"); ok {
		t.Error("ParseReply(besok) accepted")
	}
	code := NewCheckinCode()
	if len(code) != 6 || strings.ContainsAny(code, "01ILO") {
		t.Fatalf("code %q", code)
	}
	if NormalizeCode(" jjr-"+strings.ToLower(code[:3])+" "+code[3:]) != code {
		t.Fatalf("NormalizeCode does not read back %q", code)
	}
	tok := NewToken()
	if len(tok) != 12 || tok != strings.ToLower(tok) || strings.Contains(tok, "_") {
		t.Fatalf("token %q", tok)
	}
}

func TestICSAndQR(t *testing.T) {
	e := sample()
	e.ID, e.Description = 7, "Bawa katalog produk; sampel boleh, pameran kecil di halaman. "+strings.Repeat("Ini kalimat panjang untuk melipat baris. ", 3)
	ics := string(ICS(e, &Invitation{ID: 42, CheckinCode: "ABC234"}, start.Add(-72*time.Hour)))
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "UID:event-7-inv-42@jejaring\r\n", "DTSTART:20261208T020000Z\r\n", "DTEND:20261208T050000Z\r\n",
		"SUMMARY:Temu Bisnis Kuliner\r\n", `katalog produk\; sampel boleh\, pameran`, "TRIGGER:-PT2H", "END:VCALENDAR\r\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("ics lacks %q:\n%s", want, ics)
		}
	}
	for _, line := range strings.Split(ics, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	if !strings.Contains(unfolded, `Kode check-in: ABC234`) {
		t.Errorf("check-in code not in the description:\n%s", unfolded)
	}
	b, err := QRPNG("ABC234")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() < 100 {
		t.Fatalf("QR image %v is too small to scan", img.Bounds())
	}
}
