package event

import (
	"testing"
	"time"

	"jejaring/internal/idn"
)

func TestParseDeal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Deal
	}{
		{"sudah sepakat, pesanan 15 jt per bulan", Deal{InContact: "ya", Kind: DealOrder, Status: DealAgreed, Value: 15_000_000, Per: idn.PerMonth}},
		{"pinjaman KUR 50 juta, masih dibicarakan", Deal{InContact: "ya", Kind: DealLoan, Status: DealTalking, Value: 50_000_000}},
		{"Ya, investasi Rp 2,5 M sudah berjalan", Deal{InContact: "ya", Kind: DealInvestment, Status: DealRunning, Value: 2_500_000_000}},
		{"tidak", Deal{InContact: "tidak"}},
		{"masih, jadi pemasok tetap", Deal{InContact: "ya", Kind: DealPartnership, Status: DealAgreed}},
		{"pesanan 750rb seminggu", Deal{InContact: "ya", Kind: DealOrder, Value: 750_000, Per: idn.PerWeek}},
		{"ikut pendampingan", Deal{InContact: "ya", Kind: DealTraining}},
		{"entahlah", Deal{}},
	} {
		if got := ParseDeal(tc.in, "id"); got != tc.want {
			t.Errorf("ParseDeal(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestFollowups(t *testing.T) {
	t.Parallel()
	got, err := ParseFollowups("6, 1 3,3")
	if err != nil || FormatFollowups(got) != "1,3,6" {
		t.Fatalf("ParseFollowups = %v, %v", got, err)
	}
	if _, err := ParseFollowups("0"); err == nil {
		t.Error("month 0 accepted")
	}
	if got, err := ParseFollowups("-"); err != nil || len(got) != 0 {
		t.Errorf("none = %v, %v", got, err)
	}
	ev := &Event{Kind: Seminar, EndsAt: time.Date(2026, 1, 31, 8, 0, 0, 0, time.UTC)} // 15:00 WIB
	if at := AfterAt(ev).In(idn.WIB); at.Day() != 1 || at.Month() != 2 || at.Hour() != 9 {
		t.Errorf("seminar AfterAt = %v", at)
	}
	if at := FollowupAt(ev, 1).In(idn.WIB); at.Month() != 2 || at.Day() != 28 || at.Hour() != 10 {
		t.Errorf("FollowupAt 1 month after 31 Jan = %v, want 28 Feb 10:00", at)
	}
	if r := FollowupRound(3); r.Months() != 3 || RoundAfter.Months() != 0 {
		t.Errorf("round months: %v", r)
	}
	if tok, ans := SplitOutcomeParam("abc_tidak_terjadi"); tok != "abc" || ans != "tidak_terjadi" {
		t.Errorf("split = %q %q", tok, ans)
	}
}

func TestOutcomeNotice(t *testing.T) {
	t.Parallel()
	ev := &Event{Title: "Temu Bisnis 2026", Kind: TemuBisnis}
	o := &Outcome{Token: "tok", Round: RoundAfter, Counterpart: "Bank Nagari"}
	n := OutcomeNotice(ev, o, Addressee{Name: "Rina", Lang: "id"})
	if len(n.Choices) != 4 || n.Choices[0].Value != "hasil_tok_tidak_terjadi" {
		t.Errorf("choices = %+v", n.Choices)
	}
	o.Round = FollowupRound(3)
	n = OutcomeNotice(ev, o, Addressee{Name: "Rina", Lang: "en"})
	if len(n.Choices) != 2 || n.Choices[0].Value != "hasil_tok_ya" || n.Lang != "en" {
		t.Errorf("follow-up = %+v", n)
	}
}
