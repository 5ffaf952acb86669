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
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	if sch.Coverage != cov {
		errs = append(errs, fmt.Errorf("coverage says %d owners, the meetings cover %d", sch.Coverage, cov))
	}
	if !closeTo(sch.Weight, weight) {
		errs = append(errs, fmt.Errorf("weight says %g, the meetings weigh %g", sch.Weight, weight))
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
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	type os struct{ o, s int }
	type ps struct{ p, s int }
	type ts struct{ t, s int }
	ownerSlot := map[os]string{}
	partnerSlot := map[ps]int{}
	tableSlot := map[ts]string{}
	met := map[int]int{} // pair → slot
	perOwner := make([]int, len(m.owners))
	var micro int64
	for i, mt := range meetings {
		name := fmt.Sprintf("meeting %d (%s–%s, slot %d, table %d)", i+1, mt.Owner, mt.Partner, mt.Slot, mt.Table)
		o, okO := m.ownerIndex[mt.Owner]
		p, okP := m.partnerIndex[mt.Partner]
		if !okO {
			bad("%s: unknown owner", name)
		}
		if !okP {
			bad("%s: unknown partner", name)
		}
		if mt.Slot < 0 || mt.Slot >= m.slots {
			bad("%s: no such slot (0..%d)", name, m.slots-1)
			continue
		}
		if mt.Table < 1 || mt.Table > m.tables {
			bad("%s: no such table (1..%d)", name, m.tables)
		} else if other, dup := tableSlot[ts{mt.Table, mt.Slot}]; dup {
			bad("%s: the table is taken by %s", name, other)
		} else {
			tableSlot[ts{mt.Table, mt.Slot}] = name
		}
		if !okO || !okP {
			continue
		}
		if !m.ownerFree[o][mt.Slot] {
			bad("%s: the owner is not available then", name)
		}
		if !m.partnerFree[p][mt.Slot] {
			bad("%s: the partner is not available then", name)
		}
		if other, dup := ownerSlot[os{o, mt.Slot}]; dup {
			bad("%s: the owner already has %s", name, other)
		} else {
			ownerSlot[os{o, mt.Slot}] = name
		}
		partnerSlot[ps{p, mt.Slot}]++
		if partnerSlot[ps{p, mt.Slot}] == m.seats[p]+1 {
			bad("%s: the partner has more meetings then than seats (%d)", name, m.seats[p])
		}
		perOwner[o]++
		if perOwner[o] == m.cap+1 {
			bad("%s: the owner has more than max_per_owner (%d) meetings", name, m.cap)
		}
		k, ok := m.pairIndex[[2]int{o, p}]
		if !ok {
			switch {
			case m.vetoed[[2]int{o, p}]:
				bad("%s: the pair is vetoed", name)
			case !m.wished[[2]int{o, p}]:
				bad("%s: the pair is not wished", name)
			}
			continue
		}
		if _, dup := met[k]; dup {
			bad("%s: the pair already meets (a pair meets at most once)", name)
			continue
		}
		met[k] = mt.Slot
		micro += m.pairs[k].w
	}
	for k, p := range m.pairs {
		if p.lock >= 0 {
			if s, ok := met[k]; !ok || s != p.lock {
				bad("locked meeting %s–%s in slot %d is missing", m.owners[p.o], m.partners[p.p], p.lock)
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
