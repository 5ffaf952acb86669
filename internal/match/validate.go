package match

import (
	"errors"
	"fmt"
)

// Validate checks a schedule against the instance on its own, without the
// solver: the instance is valid; every meeting names a known owner and
// partner, a slot and a table (1..tables) that exist; the pair is wished and
// not vetoed, meets at most once, and both are available then; an owner has
// at most one meeting per slot and at most max_per_owner in all; a partner
// no more meetings in a slot than seats; no table holds two meetings in a
// slot; every locked meeting is there; and the schedule's Coverage and
// Weight are those of its meetings. It reports every violation at once.
func Validate(in *Instance, sch *Schedule) error {
	if err := in.Validate(); err != nil {
		return fmt.Errorf("instance: %w", err)
	}
	cov, weight, err := ValidateMeetings(in, sch.Meetings)
	var errs problems
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = append(errs, joined.Unwrap()...)
	}
	if sch.Coverage != cov {
		errs.add("coverage tertulis %d UMKM, padahal pertemuannya mencakup %d", "coverage says %d owners, the meetings cover %d", sch.Coverage, cov)
	}
	if !closeTo(sch.Weight, weight) {
		errs.add("weight tertulis %g, padahal bobot pertemuannya %g", "weight says %g, the meetings weigh %g", sch.Weight, weight)
	}
	return errors.Join(errs...)
}

// ValidateMeetings is Validate for bare meetings: it checks every rule and
// returns the owners the meetings cover and their total weight.
func ValidateMeetings(in *Instance, meetings []Meeting) (coverage int, weight float64, err error) {
	m, err := newModel(in)
	if err != nil {
		return 0, 0, fmt.Errorf("instance: %w", err)
	}
	var errs problems
	bad := errs.add
	type os struct{ o, s int }
	type ps struct{ p, s int }
	type ts struct{ t, s int }
	ownerSlot := map[os]bi{}
	partnerSlot := map[ps]int{}
	tableSlot := map[ts]bi{}
	met := map[int]int{} // pair → slot
	perOwner := make([]int, len(m.owners))
	var micro int64
	for i, mt := range meetings {
		name := bi{fmt.Sprintf("pertemuan %d (%s–%s, sesi %d, meja %d)", i+1, mt.Owner, mt.Partner, mt.Slot, mt.Table),
			fmt.Sprintf("meeting %d (%s–%s, slot %d, table %d)", i+1, mt.Owner, mt.Partner, mt.Slot, mt.Table)}
		o, okO := m.ownerIndex[mt.Owner]
		p, okP := m.partnerIndex[mt.Partner]
		if !okO {
			bad("%s: UMKM tidak dikenal", "%s: unknown owner", name)
		}
		if !okP {
			bad("%s: mitra tidak dikenal", "%s: unknown partner", name)
		}
		if mt.Slot < 0 || mt.Slot >= m.slots {
			bad("%s: sesi itu tidak ada (0..%d)", "%s: no such slot (0..%d)", name, m.slots-1)
			continue
		}
		if mt.Table < 1 || mt.Table > m.tables {
			bad("%s: meja itu tidak ada (1..%d)", "%s: no such table (1..%d)", name, m.tables)
		} else if other, dup := tableSlot[ts{mt.Table, mt.Slot}]; dup {
			bad("%s: meja itu sudah dipakai %s", "%s: the table is taken by %s", name, bi{other.id, other.en})
		} else {
			tableSlot[ts{mt.Table, mt.Slot}] = name
		}
		if !okO || !okP {
			continue
		}
		if !m.ownerFree[o][mt.Slot] {
			bad("%s: UMKM tidak bisa hadir di sesi itu", "%s: the owner is not available then", name)
		}
		if !m.partnerFree[p][mt.Slot] {
			bad("%s: mitra tidak bisa hadir di sesi itu", "%s: the partner is not available then", name)
		}
		if other, dup := ownerSlot[os{o, mt.Slot}]; dup {
			bad("%s: UMKM sudah punya %s", "%s: the owner already has %s", name, bi{other.id, other.en})
		} else {
			ownerSlot[os{o, mt.Slot}] = name
		}
		partnerSlot[ps{p, mt.Slot}]++
		if partnerSlot[ps{p, mt.Slot}] == m.seats[p]+1 {
			bad("%s: pertemuan mitra di sesi itu melebihi kursinya (%d)", "%s: the partner has more meetings then than seats (%d)", name, m.seats[p])
		}
		perOwner[o]++
		if perOwner[o] == m.cap+1 {
			bad("%s: pertemuan UMKM melebihi max_per_owner (%d)", "%s: the owner has more than max_per_owner (%d) meetings", name, m.cap)
		}
		k, ok := m.pairIndex[[2]int{o, p}]
		if !ok {
			switch {
			case m.vetoed[[2]int{o, p}]:
				bad("%s: pasangan ini ditolak", "%s: the pair is vetoed", name)
			case !m.wished[[2]int{o, p}]:
				bad("%s: pasangan ini tidak ada di keinginan", "%s: the pair is not wished", name)
			}
			continue
		}
		if _, dup := met[k]; dup {
			bad("%s: pasangan ini sudah bertemu (satu pasangan paling banyak sekali)", "%s: the pair already meets (a pair meets at most once)", name)
			continue
		}
		met[k] = mt.Slot
		micro += m.pairs[k].w
	}
	for k, p := range m.pairs {
		if p.lock >= 0 {
			if s, ok := met[k]; !ok || s != p.lock {
				bad("pertemuan terkunci %s–%s di sesi %d tidak ada", "locked meeting %s–%s in slot %d is missing", m.owners[p.o], m.partners[p.p], p.lock)
			}
		}
	}
	for _, n := range perOwner {
		if n > 0 {
			coverage++
		}
	}
	return coverage, weightOf(micro), errors.Join(errs...)
}

// closeTo compares weights up to the rounding of the micro-units.
func closeTo(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-6*(1+max(a, -a, b, -b))
}
