package event

import (
	"fmt"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// ParseWIB reads a time as staff write it, in WIB: "2026-12-08 09:00",
// "2026-12-08T09:00" (what a browser's datetime-local field sends),
// "2026-12-08 09.00", a bare date "2026-12-08" (midnight), or RFC 3339 with
// its own offset. `jejaring event` and the dashboard both read times here.
func ParseWIB(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15.04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, idn.WIB); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: time %q: want YYYY-MM-DD HH:MM (WIB)", ErrInvalid, s)
}

// DescribeIn says in lang who the segment reaches, naming each kecamatan
// by name(code); name nil (or returning "") leaves the code. Staff read
// this before a broadcast: with the region's names they never see a code
// such as 13.01.07.
func (s Segment) DescribeIn(lang string, name func(code string) string) string {
	var parts []string
	if len(s.RegionCodes) > 0 {
		names := make([]string, len(s.RegionCodes))
		for i, c := range s.RegionCodes {
			names[i] = c
			if name != nil {
				if n := name(c); n != "" {
					names[i] = n
				}
			}
		}
		parts = append(parts, pick(lang, "kecamatan ", "kecamatan ")+strings.Join(names, ", "))
	}
	if len(s.SizeClasses) > 0 {
		parts = append(parts, pick(lang, "usaha ", "size ")+strings.Join(s.SizeClasses, "/"))
	}
	if len(s.KBLISections) > 0 {
		parts = append(parts, pick(lang, "sektor KBLI ", "KBLI sector ")+strings.Join(s.KBLISections, ", "))
	}
	if len(s.Tags) > 0 {
		parts = append(parts, "tag "+strings.Join(s.Tags, ", "))
	}
	if s.VerifiedOnly {
		parts = append(parts, pick(lang, "sudah diverifikasi", "verified"))
	}
	if !s.RegisteredSince.IsZero() {
		parts = append(parts, pick(lang, "terdaftar sejak ", "registered since ")+FormatDateIn(s.RegisteredSince, lang))
	}
	if len(s.Channels) > 0 {
		parts = append(parts, pick(lang, "lewat ", "on ")+strings.Join(s.Channels, ", "))
	}
	if len(parts) == 0 {
		return pick(lang, "semua UMKM terdaftar", "every registered business")
	}
	return strings.Join(parts, "; ")
}

// Empty reports whether the segment matches everyone.
func (s Segment) Empty() bool {
	return len(s.RegionCodes) == 0 && len(s.SizeClasses) == 0 && len(s.KBLISections) == 0 && len(s.Tags) == 0 &&
		!s.VerifiedOnly && s.RegisteredSince.IsZero() && len(s.Channels) == 0
}

// ResendNotice is the one reminder of an invitation not answered yet, with
// the same three answers: "resend to those who did not answer" sends it at
// most once per invitation.
func ResendNotice(ev *Event, inv *Invitation, to Addressee) Notice {
	n := InvitationNotice(ev, inv, to)
	n.Text = pick(to.Lang, "Mengingatkan undangan kami yang belum dijawab.\n\n", "A reminder of our invitation, not answered yet.\n\n") + n.Text
	return n
}

// TestNotice is the invitation as an owner would get it, marked as a test,
// for a staff member's own chat before a broadcast. Its answers carry the
// token "contoh", which belongs to no invitation.
func TestNotice(ev *Event, to Addressee) Notice {
	inv := &Invitation{Token: "contoh"}
	n := InvitationNotice(ev, inv, to)
	n.Text = pick(to.Lang, "[UJI COBA — pesan ini hanya untuk petugas]\n\n", "[TEST — this message is for staff only]\n\n") + n.Text
	return n
}

// NeedLabelIn names a temu bisnis need in lang.
func NeedLabelIn(n, lang string) string {
	if !en(lang) {
		return NeedLabel(n)
	}
	switch n {
	case "modal":
		return "Capital / financing"
	case "pembeli":
		return "Buyers / market"
	case "pemasok":
		return "Suppliers"
	case "pendampingan":
		return "Business mentoring"
	case "perizinan":
		return "Permits"
	}
	return n
}
