package match

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// PartnerKind is what sort of partner an organisation is.
type PartnerKind string

// Partner kinds.
const (
	Investor    PartnerKind = "investor"    // pemodal, angel, venture
	Buyer       PartnerKind = "buyer"       // pembeli, offtaker
	Bank        PartnerKind = "bank"        // KUR
	BUMN        PartnerKind = "bumn"        // BUMN / CSR programme
	Cooperative PartnerKind = "koperasi"    // cooperative
	Marketplace PartnerKind = "marketplace" // online marketplace
	Mentor      PartnerKind = "mentor"      // mentor, established entrepreneur
)

// PartnerKinds lists the kinds in the order the chat offers them.
var PartnerKinds = []PartnerKind{Investor, Buyer, Bank, BUMN, Cooperative, Marketplace, Mentor}

// Label is the kind as people say it.
func (k PartnerKind) Label(lang string) string {
	switch k {
	case Investor:
		return idn.Pick(lang, "Investor / pemodal", "Investor")
	case Buyer:
		return idn.Pick(lang, "Pembeli / offtaker", "Buyer / offtaker")
	case Bank:
		return idn.Pick(lang, "Bank (KUR)", "Bank (KUR loans)")
	case BUMN:
		return idn.Pick(lang, "BUMN / program CSR", "State company / CSR programme")
	case Cooperative:
		return idn.Pick(lang, "Koperasi", "Cooperative")
	case Marketplace:
		return idn.Pick(lang, "Marketplace", "Marketplace")
	case Mentor:
		return idn.Pick(lang, "Mentor / pengusaha senior", "Mentor / established entrepreneur")
	}
	return string(k)
}

// ParsePartnerKind accepts a kind's code or a common word for it.
func ParsePartnerKind(s string) (PartnerKind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "investor", "pemodal", "modal", "angel", "venture":
		return Investor, true
	case "buyer", "pembeli", "offtaker", "off-taker":
		return Buyer, true
	case "bank", "kur", "bank kur":
		return Bank, true
	case "bumn", "csr", "bumn/csr", "program csr":
		return BUMN, true
	case "koperasi", "cooperative", "kop":
		return Cooperative, true
	case "marketplace", "lokapasar", "e-commerce", "ecommerce":
		return Marketplace, true
	case "mentor", "pendamping", "pengusaha", "pengusaha senior":
		return Mentor, true
	}
	return "", false
}

// serves is what an owner's need ("modal", "pembeli", …, the rsvp flow's
// answers) each kind answers.
var serves = map[PartnerKind][]string{
	Investor:    {"modal"},
	Buyer:       {"pembeli"},
	Bank:        {"modal"},
	BUMN:        {"modal", "pendampingan"},
	Cooperative: {"pemasok", "modal"},
	Marketplace: {"pembeli"},
	Mentor:      {"pendampingan", "perizinan"},
}

// Size classes an owner's business may have, smallest first (PP 7/2021).
var sizeOrder = []string{"mikro", "kecil", "menengah", "besar"}

func sizeRank(s string) int {
	for i, c := range sizeOrder {
		if c == s {
			return i
		}
	}
	return -1
}

// ConsentVersion is the version of the notice a partner agrees to when
// their profile is shown to owners; raise it when the words change.
const ConsentVersion = "mitra-2026-12"

// ConsentText is that notice.
func ConsentText(lang string) string {
	return idn.Pick(lang,
		"Profil lembaga Bapak/Ibu (nama lembaga, jenis, yang ditawarkan atau dicari, nama narahubung) akan ditampilkan kepada UMKM peserta temu bisnis agar mereka bisa memilih untuk bertemu. Nomor telepon tidak ditampilkan. Persetujuan ini bisa dicabut kapan saja lewat petugas Dinas.",
		"Your organisation's profile (name, kind, what you offer or look for, contact person) will be shown to the business owners taking part in the matchmaking so that they can choose to meet you. Your phone number is not shown. You may withdraw this consent at any time through the office staff.")
}

// PartnerProfile is a partner as the office keeps it: who they are, what
// they offer or look for, which owners they want to meet, and whether
// owners may see the profile.
type PartnerProfile struct {
	ID            int64
	ContactID     int64 // the chat that registered it; 0 when staff did
	Kind          PartnerKind
	Organisation  string
	ContactPerson string
	Phone         string // E.164 or ""; never shown to owners
	Offer         string // what they offer or look for
	// Sectors are KBLI sections ("C", "G"); empty means every sector.
	Sectors []string
	// SizeMin and SizeMax bound the owners' size class ("mikro" …
	// "menengah"); empty means no bound.
	SizeMin, SizeMax string
	// Kecamatan are region codes the partner serves; empty means the
	// whole regency.
	Kecamatan      []string
	Consent        bool
	ConsentVersion string
	ConsentAt      time.Time
	Source         string // chat, dashboard, import
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ErrInvalidPartner wraps what is wrong with a profile.
var ErrInvalidPartner = errors.New("invalid partner profile")

// ErrNotFound is a partner, meeting or match setting that does not exist.
var ErrNotFound = errors.New("not found")

// Normalize cleans the profile's fields: trimmed texts, upper-case KBLI
// sections, sorted and without duplicates.
func (p *PartnerProfile) Normalize() {
	p.Organisation = strings.TrimSpace(idn.CleanText(p.Organisation))
	p.ContactPerson = strings.TrimSpace(idn.CleanText(p.ContactPerson))
	p.Offer = strings.TrimSpace(idn.CleanText(p.Offer))
	p.SizeMin = strings.ToLower(strings.TrimSpace(p.SizeMin))
	p.SizeMax = strings.ToLower(strings.TrimSpace(p.SizeMax))
	p.Sectors = cleanList(p.Sectors, strings.ToUpper)
	p.Kecamatan = cleanList(p.Kecamatan, func(s string) string { return s })
}

func cleanList(in []string, f func(string) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		s = f(strings.TrimSpace(s))
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Validate reports every problem of the profile at once.
func (p *PartnerProfile) Validate() error {
	var errs []error
	bad := func(f string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+f, append([]any{ErrInvalidPartner}, a...)...))
	}
	if mustKind(p.Kind) == "" {
		bad("jenis mitra %q tidak dikenal / unknown partner kind", p.Kind)
	}
	if l := len([]rune(p.Organisation)); l < 2 || l > 120 {
		bad("nama lembaga harus 2 sampai 120 huruf / the organisation's name must be 2 to 120 letters")
	}
	if len([]rune(p.Offer)) > 500 {
		bad("yang ditawarkan paling panjang 500 huruf / the offer is at most 500 letters")
	}
	for _, s := range p.Sectors {
		if len(s) != 1 || s[0] < 'A' || s[0] > 'U' {
			bad("seksi KBLI %q tidak dikenal (A sampai U) / unknown KBLI section %q (A to U)", s, s)
		}
	}
	for _, s := range []string{p.SizeMin, p.SizeMax} {
		if s != "" && sizeRank(s) < 0 {
			bad("skala usaha %q tidak dikenal (mikro, kecil, menengah, besar) / unknown size class", s)
		}
	}
	if p.SizeMin != "" && p.SizeMax != "" && sizeRank(p.SizeMin) > sizeRank(p.SizeMax) {
		bad("skala usaha terkecil melebihi yang terbesar / the smallest size is above the largest")
	}
	return errors.Join(errs...)
}

func mustKind(k PartnerKind) PartnerKind {
	for _, x := range PartnerKinds {
		if x == k {
			return x
		}
	}
	return ""
}

// OwnerProfile is what fitting needs of an owner's business.
type OwnerProfile struct {
	InvitationID int64
	ContactID    int64
	Name         string // the business's name
	OwnerName    string
	Products     string
	Sector       string // KBLI section
	Size         string // size class
	Kecamatan    string // region code
	Needs        []string
	// Shown says the owner agreed to be shown to partners.
	Shown bool
}

// Fits says whether the partner wants owners like this one: the sector,
// the size range and the kecamatan scope all admit the owner (an empty
// rule admits everyone; an owner who left the field empty is admitted).
func Fits(p *PartnerProfile, o *OwnerProfile) bool {
	if len(p.Sectors) > 0 && o.Sector != "" && !hasString(p.Sectors, strings.ToUpper(o.Sector)) {
		return false
	}
	if r := sizeRank(o.Size); r >= 0 {
		if p.SizeMin != "" && r < sizeRank(p.SizeMin) {
			return false
		}
		if p.SizeMax != "" && r > sizeRank(p.SizeMax) {
			return false
		}
	}
	if len(p.Kecamatan) > 0 && o.Kecamatan != "" && !hasString(p.Kecamatan, o.Kecamatan) {
		return false
	}
	return true
}

// FitScore orders fitting partners for an owner: a partner that serves one
// of the owner's needs first, then one that names the owner's sector, then
// the rest; 0 means it does not fit.
func FitScore(p *PartnerProfile, o *OwnerProfile) int {
	if !Fits(p, o) {
		return 0
	}
	score := 1
	if len(p.Sectors) > 0 && o.Sector != "" {
		score++
	}
	for _, n := range o.Needs {
		if hasString(serves[p.Kind], n) {
			score += 2
			break
		}
	}
	return score
}

// PartnersFor lists the consented partners that fit the owner, best first
// (ties by id), at most limit (0: all).
func PartnersFor(o *OwnerProfile, partners []PartnerProfile, limit int) []PartnerProfile {
	type scored struct {
		p PartnerProfile
		s int
	}
	var list []scored
	for _, p := range partners {
		if !p.Consent {
			continue
		}
		if s := FitScore(&p, o); s > 0 {
			list = append(list, scored{p, s})
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].s != list[j].s {
			return list[i].s > list[j].s
		}
		return list[i].p.ID < list[j].p.ID
	})
	var out []PartnerProfile
	for _, x := range list {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, x.p)
	}
	return out
}

// OwnersFor lists the owners who agreed to be shown to partners and fit
// the partner, in the order given.
func OwnersFor(p *PartnerProfile, owners []OwnerProfile) []OwnerProfile {
	var out []OwnerProfile
	for _, o := range owners {
		if o.Shown && Fits(p, &o) {
			out = append(out, o)
		}
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaxPicks is how many partners an owner may pick.
const MaxPicks = 5

// ParsePicks reads an owner's picks from a numbered list of n: "2, 5 1",
// "2 dan 5", in the order written; duplicates dropped. It refuses a number
// outside 1..n and more than MaxPicks numbers.
func ParsePicks(s string, n int) ([]int, error) {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r < '0' || r > '9' })
	var out []int
	seen := map[int]bool{}
	for _, w := range f {
		var k int
		if _, err := fmt.Sscan(w, &k); err != nil {
			continue
		}
		if k < 1 || k > n {
			return nil, fmt.Errorf("nomor %d tidak ada di daftar (1 sampai %d)", k, n)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("tulis nomor mitra yang dipilih, misalnya: 2, 1, 4")
	}
	if len(out) > MaxPicks {
		return nil, fmt.Errorf("paling banyak %d mitra", MaxPicks)
	}
	return out, nil
}
