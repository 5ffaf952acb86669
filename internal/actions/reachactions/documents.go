package reachactions

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// DocStore is what letters and posters need of storage
// (store.BusinessRepo).
type DocStore interface {
	LetterBusinesses(ctx context.Context, s umkm.Search, actor string, now time.Time) ([]umkm.Business, error)
	ReachFunnel(ctx context.Context) (reach.Funnel, error)
}

// Documents writes the printable letters and posters.
type Documents struct {
	Store  DocStore
	Region *umkm.Region
	Office reach.Office
	// OfficeOf, when set, is asked at each document instead of Office
	// (the Telegram bot's username is learned after the start).
	OfficeOf func() reach.Office
	Printer  *reach.Printer
	Now      func() time.Time // nil: time.Now
}

// NewDocuments builds Documents with its printer.
func NewDocuments(st DocStore, region *umkm.Region, office reach.Office) (*Documents, error) {
	p, err := reach.NewPrinter()
	if err != nil {
		return nil, err
	}
	return &Documents{Store: st, Region: region, Office: office, Printer: p}, nil
}

func (d *Documents) office() reach.Office {
	if d.OfficeOf != nil {
		return d.OfficeOf()
	}
	return d.Office
}

func (d *Documents) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Place is a record's kecamatan and nagari in words.
func (d *Documents) Place(b umkm.Business) string {
	var parts []string
	if k, ok := d.Region.KecamatanByCode(b.RegionCode); ok {
		parts = append(parts, "Kecamatan "+k.Name)
	}
	if b.Village != "" {
		parts = append(parts, "Nagari "+b.Village)
	}
	return strings.Join(parts, ", ")
}

// LetterData builds the letters of the businesses s selects (their claim
// tokens issued where missing, audited as actor).
func (d *Documents) LetterData(ctx context.Context, s umkm.Search, actor string) ([]reach.Letter, error) {
	bs, err := d.Store.LetterBusinesses(ctx, s, actor, d.now())
	if err != nil {
		return nil, err
	}
	office := d.office()
	out := make([]reach.Letter, 0, len(bs))
	for _, b := range bs {
		l, err := office.NewLetter(b.RegNo, b.Name, b.OwnerName, b.OwnerPhone, b.NIK, d.Place(b), b.Products, b.ClaimToken)
		if err != nil {
			return nil, fmt.Errorf("letter of %s: %w", b.RegNo, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// Letters writes the letters of s as one A4 document; it returns how many.
func (d *Documents) Letters(ctx context.Context, w io.Writer, s umkm.Search, actor string) (int, error) {
	ls, err := d.LetterData(ctx, s, actor)
	if err != nil {
		return 0, err
	}
	return len(ls), d.Printer.Letters(w, d.office(), ls)
}

// Posters writes one poster per kecamatan of regionCodes (none: every
// kecamatan of the region), with its figures; it returns how many.
func (d *Documents) Posters(ctx context.Context, w io.Writer, regionCodes []string) (int, error) {
	f, err := d.Store.ReachFunnel(ctx)
	if err != nil {
		return 0, err
	}
	by := map[string]reach.Counts{}
	for _, r := range f.Rows {
		by[r.RegionCode] = r.Counts
	}
	want := map[string]bool{}
	for _, c := range regionCodes {
		want[c] = true
	}
	office := d.office()
	var ps []reach.Poster
	for _, k := range d.Region.Kecamatan {
		if len(want) > 0 && !want[k.Code] {
			continue
		}
		c := by[k.Code]
		p, err := office.NewPoster(k.Name, c.Total, c.Reachable())
		if err != nil {
			return 0, err
		}
		ps = append(ps, p)
	}
	return len(ps), d.Printer.Posters(w, office, ps)
}

// StyleHash is the CSP source of the documents' inline style.
func (d *Documents) StyleHash() string { return d.Printer.StyleHash() }
