package reach

import (
	"fmt"
	"sort"
	"strings"

	"jejaring/internal/idn"
)

// Counts is how many records of a set have each reach status, and how
// many of them came from an import and how many the owner confirmed.
type Counts struct {
	Total     int            // live records in the set
	Imported  int            // of them, from a spreadsheet import
	Confirmed int            // of them, confirmed by the owner (verified)
	ByStatus  map[Status]int // by reach status; every record in exactly one
}

// Add counts n records of one kind into c.
func (c *Counts) Add(st Status, imported, confirmed bool, n int) {
	if c.ByStatus == nil {
		c.ByStatus = map[Status]int{}
	}
	c.Total += n
	c.ByStatus[st] += n
	if imported {
		c.Imported += n
	}
	if confirmed {
		c.Confirmed += n
	}
}

// Merge adds o into c.
func (c *Counts) Merge(o Counts) {
	if c.ByStatus == nil {
		c.ByStatus = map[Status]int{}
	}
	c.Total += o.Total
	c.Imported += o.Imported
	c.Confirmed += o.Confirmed
	for s, n := range o.ByStatus {
		c.ByStatus[s] += n
	}
}

// Reachable is how many can be written to now.
func (c Counts) Reachable() int {
	n := 0
	for _, s := range Channels() {
		n += c.ByStatus[s]
	}
	return n
}

// NeverWrote is how many owners never wrote to us (phone or not).
func (c Counts) NeverWrote() int { return c.ByStatus[PhoneOnly] + c.ByStatus[NoPhone] }

// Stopped is how many said berhenti or blocked us.
func (c Counts) Stopped() int { return c.ByStatus[Stopped] }

// Of is the count of status s (for templates).
func (c Counts) Of(s Status) int { return c.ByStatus[s] }

// FunnelRow is the funnel of one kecamatan (RegionCode "" for records
// without one).
type FunnelRow struct {
	RegionCode string
	Counts
}

// Funnel is the office's reach, register → reachable by chat → confirmed,
// per kecamatan (sorted by code) and in all.
type Funnel struct {
	Rows  []FunnelRow
	Total Counts
}

// NewFunnel builds a funnel from per-kecamatan counts.
func NewFunnel(byRegion map[string]Counts) Funnel {
	f := Funnel{Total: Counts{ByStatus: map[Status]int{}}}
	for code, c := range byRegion {
		f.Rows = append(f.Rows, FunnelRow{RegionCode: code, Counts: c})
		f.Total.Merge(c)
	}
	sort.Slice(f.Rows, func(i, j int) bool {
		a, b := f.Rows[i].RegionCode, f.Rows[j].RegionCode
		if (a == "") != (b == "") {
			return b == "" // no kecamatan last
		}
		return a < b
	})
	return f
}

// LeftOut is what a broadcast to an audience says about who it cannot
// reach and why, with the ways to reach them: "646 sesuai; 645 belum
// pernah menghubungi kami (belum bisa dihubungi lewat chat); 0 berhenti".
func LeftOut(c Counts, lang string) string {
	th := func(n int) string { return idn.Thousands(n, lang) }
	var b strings.Builder
	b.WriteString(fmt.Sprintf(idn.Pick(lang,
		"%s sesuai; %s bisa dihubungi lewat chat; %s belum pernah menghubungi kami (belum bisa dihubungi lewat chat; %s dengan nomor HP, %s tanpa HP); %s berhenti",
		"%s match; %s reachable by chat; %s never wrote to us (cannot be reached by chat yet; %s with a phone number, %s without); %s stopped"),
		th(c.Total), th(c.Reachable()), th(c.NeverWrote()), th(c.ByStatus[PhoneOnly]), th(c.ByStatus[NoPhone]), th(c.Stopped())))
	b.WriteString(".")
	if c.NeverWrote() > 0 {
		b.WriteString(idn.Pick(lang,
			" Untuk menjangkau mereka: cetak surat undangan per usaha dan poster per kecamatan dengan kode QR (halaman Jangkauan di dasbor, atau jejaring reach letters / posters), atau — hanya bila Bapak/Ibu memilihnya — kampanye sapaan pertama WhatsApp yang pelan (jejaring reach campaign start).",
			" To reach them: print the invitation letters per business and the posters per kecamatan with QR codes (the Reach page of the dashboard, or jejaring reach letters / posters), or — only if you choose it — the slow first-contact campaign on WhatsApp (jejaring reach campaign start)."))
	}
	return b.String()
}
