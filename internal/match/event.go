package match

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Setup is one temu bisnis event's grid: how many slots of how many minutes
// from when, how many tables, and the last run and publication.
type Setup struct {
	EventID     int64
	Slots       int
	SlotMinutes int
	FirstSlot   time.Time // start of slot 0
	Tables      int
	MaxPerOwner int
	// Version counts the publications: 0 before the first.
	Version     int
	RunAt       time.Time
	PublishedAt time.Time
	// The last run's figures.
	Coverage      int
	Weight        float64
	BoundCoverage int
	BoundWeight   float64
}

// Validate checks the grid.
func (s *Setup) Validate() error {
	var errs problems
	if s.Slots < 1 || s.Slots > maxSlots {
		errs.add("jumlah sesi harus 1 sampai %d", "slots must be 1 to %d", maxSlots)
	}
	if s.Tables < 1 || s.Tables > maxTables {
		errs.add("jumlah meja harus 1 sampai %d", "tables must be 1 to %d", maxTables)
	}
	if s.SlotMinutes < 5 || s.SlotMinutes > 240 {
		errs.add("lama satu sesi harus 5 sampai 240 menit", "a slot lasts 5 to 240 minutes")
	}
	if s.MaxPerOwner < 0 {
		errs.add("batas pertemuan per UMKM tidak boleh negatif", "max per owner must not be negative")
	}
	if s.FirstSlot.IsZero() {
		errs.add("jam mulai sesi pertama belum diisi", "the first slot's start is missing")
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// SlotStart is when slot i begins.
func (s *Setup) SlotStart(i int) time.Time {
	return s.FirstSlot.Add(time.Duration(i*s.SlotMinutes) * time.Minute)
}

// SlotEnd is when slot i ends.
func (s *Setup) SlotEnd(i int) time.Time { return s.SlotStart(i + 1) }

// Wish sides.
const (
	SideOwner   = "owner"
	SidePartner = "partner"
	SideStaff   = "staff"
)

// Weights of wishes: an owner's first pick weighs 5, the fifth 1; a
// partner's "ingin bertemu" adds 3 (so a mutual wish weighs most); a
// staff recommendation adds 2.
const (
	PartnerYesWeight = 3
	StaffWeight      = 2
)

// EventWish is one stated wish: an owner's pick (Rank 1..5), a partner's
// mark ("ingin bertemu", or No for "tidak") or a staff recommendation.
type EventWish struct {
	InvitationID int64
	PartnerID    int64
	Side         string
	Rank         int
	No           bool // "tidak": a veto
}

// Attendee is an owner coming to the event (their invitation says Hadir).
// AbsentFrom is the first slot they cancelled from (-1: none).
type Attendee struct {
	InvitationID int64
	AbsentFrom   int
}

// EventPartner is a partner taking part in the event.
type EventPartner struct {
	PartnerID int64
	Seats     int
	// Available lists their slots; nil means every slot.
	Available  []int
	AbsentFrom int // -1: none
}

// Booked is a stored meeting.
type Booked struct {
	ID           int64
	InvitationID int64
	PartnerID    int64
	Slot, Table  int
	Locked       bool
	// Announced says the people were told (a publication included it).
	Announced bool
}

// EventInput is everything a run needs of one event.
type EventInput struct {
	Setup    Setup
	Owners   []Attendee
	Partners []EventPartner
	Wishes   []EventWish
	Meetings []Booked
	// Now: slots that have begun are frozen — their meetings stay, and
	// nothing new is put there.
	Now time.Time
}

// OwnerKey and PartnerKey are the instance ids of people.
func OwnerKey(invitationID int64) string { return "o" + strconv.FormatInt(invitationID, 10) }

// PartnerKey is a partner's id in an Instance.
func PartnerKey(partnerID int64) string { return "p" + strconv.FormatInt(partnerID, 10) }

// ParseKey reads an id written by OwnerKey or PartnerKey.
func ParseKey(k string) (side string, id int64, err error) {
	if len(k) < 2 {
		return "", 0, fmt.Errorf("bad key %q", k)
	}
	id, err = strconv.ParseInt(k[1:], 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("bad key %q", k)
	}
	switch k[0] {
	case 'o':
		return SideOwner, id, nil
	case 'p':
		return SidePartner, id, nil
	}
	return "", 0, fmt.Errorf("bad key %q", k)
}

// PairWeights sums the wishes into one weight per pair and collects the
// vetoes: a "tidak" from either side.
func PairWeights(ws []EventWish) (weights map[[2]int64]float64, vetoes map[[2]int64]bool) {
	weights, vetoes = map[[2]int64]float64{}, map[[2]int64]bool{}
	for _, w := range ws {
		k := [2]int64{w.InvitationID, w.PartnerID}
		if w.No {
			vetoes[k] = true
			continue
		}
		switch w.Side {
		case SideOwner:
			r := min(max(w.Rank, 1), MaxPicks)
			weights[k] += float64(MaxPicks + 1 - r)
		case SidePartner:
			weights[k] += PartnerYesWeight
		case SideStaff:
			weights[k] += StaffWeight
		}
	}
	return weights, vetoes
}

// FirstOpenSlot is the first slot that has not begun at now.
func (s *Setup) FirstOpenSlot(now time.Time) int {
	if now.IsZero() {
		return 0
	}
	for i := 0; i < s.Slots; i++ {
		if s.SlotStart(i).After(now) {
			return i
		}
	}
	return s.Slots
}

// BuildInstance turns an event into the scheduler's instance, and gives the
// announced meetings as the previous schedule for Resolve. Meetings in a
// slot that has begun, and meetings staff locked, become locks; people are
// free in the open slots before they cancelled.
func BuildInstance(in *EventInput) (*Instance, []Meeting) {
	s := &in.Setup
	open := s.FirstOpenSlot(in.Now)
	weights, vetoes := PairWeights(in.Wishes)
	inst := &Instance{Slots: s.Slots, Tables: s.Tables, MaxPerOwner: s.MaxPerOwner}

	lockSlots := map[string][]int{}
	var prev []Meeting
	for _, m := range in.Meetings {
		ok, pk := OwnerKey(m.InvitationID), PartnerKey(m.PartnerID)
		k := [2]int64{m.InvitationID, m.PartnerID}
		past := m.Slot < open
		if past || m.Locked {
			if !past && vetoes[k] {
				continue // a lock a later "tidak" overrules
			}
			inst.Locked = append(inst.Locked, Lock{Owner: ok, Partner: pk, Slot: m.Slot})
			lockSlots[ok] = append(lockSlots[ok], m.Slot)
			lockSlots[pk] = append(lockSlots[pk], m.Slot)
			if weights[k] <= 0 {
				weights[k] = 1
			}
			delete(vetoes, k)
		}
		if m.Announced {
			prev = append(prev, Meeting{Owner: ok, Partner: pk, Slot: m.Slot, Table: m.Table})
		}
	}
	free := func(key string, avail []int, absentFrom int) []int {
		set := map[int]bool{}
		if avail == nil {
			for i := 0; i < s.Slots; i++ {
				set[i] = true
			}
		} else {
			for _, a := range avail {
				if a >= 0 && a < s.Slots {
					set[a] = true
				}
			}
		}
		var out []int
		for i := 0; i < s.Slots; i++ {
			if set[i] && i >= open && (absentFrom < 0 || i < absentFrom) {
				out = append(out, i)
			}
		}
		out = append(out, lockSlots[key]...)
		sort.Ints(out)
		return dedupe(out)
	}
	owners := map[int64]bool{}
	for _, o := range in.Owners {
		k := OwnerKey(o.InvitationID)
		owners[o.InvitationID] = true
		inst.Owners = append(inst.Owners, Owner{ID: k, Available: free(k, nil, o.AbsentFrom)})
	}
	partners := map[int64]bool{}
	for _, p := range in.Partners {
		k := PartnerKey(p.PartnerID)
		partners[p.PartnerID] = true
		inst.Partners = append(inst.Partners, Partner{ID: k, Seats: max(p.Seats, 1), Available: free(k, p.Available, p.AbsentFrom)})
	}
	// Locks of people no longer taking part (an owner who declined) are
	// dropped, with their previous meetings.
	keep := inst.Locked[:0]
	for _, l := range inst.Locked {
		_, o, _ := ParseKey(l.Owner)
		_, p, _ := ParseKey(l.Partner)
		if owners[o] && partners[p] {
			keep = append(keep, l)
		}
	}
	inst.Locked = keep
	keys := make([][2]int64, 0, len(weights))
	for k := range weights {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		if !owners[k[0]] || !partners[k[1]] || weights[k] <= 0 {
			continue
		}
		inst.Wishes = append(inst.Wishes, Wish{Owner: OwnerKey(k[0]), Partner: PartnerKey(k[1]), Weight: weights[k]})
	}
	vk := make([][2]int64, 0, len(vetoes))
	for k := range vetoes {
		if owners[k[0]] && partners[k[1]] && weights[k] > 0 {
			vk = append(vk, k)
		}
	}
	sort.Slice(vk, func(i, j int) bool {
		if vk[i][0] != vk[j][0] {
			return vk[i][0] < vk[j][0]
		}
		return vk[i][1] < vk[j][1]
	})
	for _, k := range vk {
		inst.Vetoes = append(inst.Vetoes, Pair{Owner: OwnerKey(k[0]), Partner: PartnerKey(k[1])})
	}
	return inst, prev
}

func dedupe(s []int) []int {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Change is what a re-run did to one person's day.
type Change struct {
	Side string // SideOwner or SidePartner
	ID   int64  // invitation or partner id
	// Moved are meetings kept with another slot or table; Added new ones;
	// Removed ones that are gone.
	Moved, Added, Removed []Booked
}

// Diff compares the announced meetings with the new schedule and returns,
// per person, what changed; people whose announced meetings all stay as
// they were are not listed. Meetings never announced are compared as
// absent from the old side (a person newly given a meeting is listed).
func Diff(old []Booked, nw []Booked) []Change {
	type key = [2]int64
	oldBy := map[key]Booked{}
	for _, m := range old {
		if m.Announced {
			oldBy[key{m.InvitationID, m.PartnerID}] = m
		}
	}
	newBy := map[key]Booked{}
	for _, m := range nw {
		newBy[key{m.InvitationID, m.PartnerID}] = m
	}
	changes := map[string]*Change{}
	get := func(side string, id int64) *Change {
		k := side + strconv.FormatInt(id, 10)
		c := changes[k]
		if c == nil {
			c = &Change{Side: side, ID: id}
			changes[k] = c
		}
		return c
	}
	for k, n := range newBy {
		o, was := oldBy[k]
		switch {
		case !was:
			get(SideOwner, k[0]).Added = append(get(SideOwner, k[0]).Added, n)
			get(SidePartner, k[1]).Added = append(get(SidePartner, k[1]).Added, n)
		case o.Slot != n.Slot || o.Table != n.Table:
			get(SideOwner, k[0]).Moved = append(get(SideOwner, k[0]).Moved, n)
			get(SidePartner, k[1]).Moved = append(get(SidePartner, k[1]).Moved, n)
		}
	}
	for k, o := range oldBy {
		if _, still := newBy[k]; !still {
			get(SideOwner, k[0]).Removed = append(get(SideOwner, k[0]).Removed, o)
			get(SidePartner, k[1]).Removed = append(get(SidePartner, k[1]).Removed, o)
		}
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		for _, l := range [][]Booked{c.Moved, c.Added, c.Removed} {
			sort.Slice(l, func(i, j int) bool { return l[i].Slot < l[j].Slot })
		}
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Side != out[j].Side {
			return out[i].Side < out[j].Side
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Booking turns the solver's meetings back into stored ones, keeping the
// ids and locks of the pairs that were booked before.
func Booking(sch *Schedule, old []Booked) ([]Booked, error) {
	prev := map[[2]int64]Booked{}
	for _, m := range old {
		prev[[2]int64{m.InvitationID, m.PartnerID}] = m
	}
	out := make([]Booked, 0, len(sch.Meetings))
	for _, m := range sch.Meetings {
		_, o, err := ParseKey(m.Owner)
		if err != nil {
			return nil, err
		}
		_, p, err := ParseKey(m.Partner)
		if err != nil {
			return nil, err
		}
		b := Booked{InvitationID: o, PartnerID: p, Slot: m.Slot, Table: m.Table}
		if was, ok := prev[[2]int64{o, p}]; ok {
			b.ID, b.Locked = was.ID, was.Locked
			b.Announced = was.Announced && was.Slot == m.Slot && was.Table == m.Table
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Slot != out[j].Slot {
			return out[i].Slot < out[j].Slot
		}
		return out[i].Table < out[j].Table
	})
	return out, nil
}

// SlotsText writes a list of slots for people ("1, 2, 5").
func SlotsText(slots []int) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		parts[i] = strconv.Itoa(s + 1)
	}
	return strings.Join(parts, ", ")
}
