package match

import (
	"fmt"

	"jejaring/internal/idn"
)

// Plan is the arithmetic staff need while registration is still open: how
// many meetings the grid holds and what share of the owners can have one.
// It counts tables only; once partners and wishes are known, Relax gives the
// sharper bound.
type Plan struct {
	Slots, Tables, Owners int
	// Meetings is slots × tables.
	Meetings int
	// Percent is the largest whole share of owners that can have a meeting
	// (rounded down, so "at most" holds); 100 when all can.
	Percent int
	// TablesNeeded is the fewest tables with which every owner could have
	// a meeting in these slots (0 when there are no slots).
	TablesNeeded int
}

// Feasibility works out the plan for a number of slots, tables and owners.
func Feasibility(slots, tables, owners int) Plan {
	p := Plan{Slots: max(slots, 0), Tables: max(tables, 0), Owners: max(owners, 0)}
	p.Meetings = p.Slots * p.Tables
	switch {
	case p.Owners == 0 || p.Meetings >= p.Owners:
		p.Percent = 100
	default:
		p.Percent = 100 * p.Meetings / p.Owners
	}
	if p.Slots > 0 {
		p.TablesNeeded = (p.Owners + p.Slots - 1) / p.Slots
	}
	return p
}

// All says whether every owner can have a meeting.
func (p Plan) All() bool { return p.Meetings >= p.Owners }

// Indonesian is the plan in one sentence: "12 sesi × 20 meja = 240
// pertemuan untuk 300 UMKM: paling banyak 80 % bisa mendapat satu; 25 meja
// cukup untuk semua".
func (p Plan) Indonesian() string {
	grid := fmt.Sprintf("%s sesi × %s meja = %s pertemuan", idn.Thousands(p.Slots, "id"), idn.Thousands(p.Tables, "id"), idn.Thousands(p.Meetings, "id"))
	switch {
	case p.Owners == 0:
		return grid + "; belum ada UMKM yang terdaftar"
	case p.All():
		return fmt.Sprintf("%s untuk %s UMKM: semua bisa mendapat satu", grid, idn.Thousands(p.Owners, "id"))
	case p.Slots == 0:
		return fmt.Sprintf("%s untuk %s UMKM: belum ada sesi pertemuan", grid, idn.Thousands(p.Owners, "id"))
	default:
		return fmt.Sprintf("%s untuk %s UMKM: paling banyak %d %% bisa mendapat satu; %s meja cukup untuk semua",
			grid, idn.Thousands(p.Owners, "id"), p.Percent, idn.Thousands(p.TablesNeeded, "id"))
	}
}

// English is the same sentence in English: "12 slots × 20 tables = 240
// meetings for 300 owners: at most 80 % can have one; 25 tables would
// allow all".
func (p Plan) English() string {
	grid := fmt.Sprintf("%s slots × %s tables = %s meetings", idn.Thousands(p.Slots, "en"), idn.Thousands(p.Tables, "en"), idn.Thousands(p.Meetings, "en"))
	switch {
	case p.Owners == 0:
		return grid + "; no owners have registered yet"
	case p.All():
		return fmt.Sprintf("%s for %s owners: every owner can have one", grid, idn.Thousands(p.Owners, "en"))
	case p.Slots == 0:
		return fmt.Sprintf("%s for %s owners: no meeting slots are planned yet", grid, idn.Thousands(p.Owners, "en"))
	default:
		return fmt.Sprintf("%s for %s owners: at most %d %% can have one; %s tables would allow all",
			grid, idn.Thousands(p.Owners, "en"), p.Percent, idn.Thousands(p.TablesNeeded, "en"))
	}
}

// String is the Indonesian sentence, then the English one, on two lines.
func (p Plan) String() string { return p.Indonesian() + "\n" + p.English() }
