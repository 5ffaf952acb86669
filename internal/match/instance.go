package match

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Instance is one matchmaking problem: the event's grid (slots × tables), the
// people on both sides with the slots they are free in, and who wishes to
// meet whom. It is also the JSON read by `jejaring match solve`.
type Instance struct {
	// Slots is the number of meeting slots, numbered from 0.
	Slots int `json:"slots"`
	// Tables is the number of tables, the same in every slot.
	Tables int `json:"tables"`
	// MaxPerOwner caps the meetings of one owner; 0 means no cap.
	MaxPerOwner int       `json:"max_per_owner"`
	Owners      []Owner   `json:"owners"`
	Partners    []Partner `json:"partners"`
	// Wishes are the pairs that may meet, with positive weights (a mutual
	// wish already summed into one weight). Only a wished pair may meet.
	Wishes []Wish `json:"wishes"`
	// Vetoes forbid pairs: a "tidak" from either side.
	Vetoes []Pair `json:"vetoes"`
	// Locked meetings are kept as they are (owner, partner and slot); the
	// scheduler only chooses their tables.
	Locked []Lock `json:"locked"`
}

// Owner is a business owner (UMKM). Available lists the slots they are free
// in; omitted (null) means every slot.
type Owner struct {
	ID        string `json:"id"`
	Available []int  `json:"available"`
}

// Partner is an investor, buyer, bank, programme or mentor. Seats is how many
// meetings they hold at once (each at its own table); 0 means 1. Available
// as for Owner.
type Partner struct {
	ID        string `json:"id"`
	Seats     int    `json:"seats"`
	Available []int  `json:"available"`
}

// Wish is a pair that may meet and what the meeting is worth.
type Wish struct {
	Owner   string  `json:"owner"`
	Partner string  `json:"partner"`
	Weight  float64 `json:"weight"`
}

// Pair names an owner and a partner (a veto).
type Pair struct {
	Owner   string `json:"owner"`
	Partner string `json:"partner"`
}

// Lock is a meeting staff fixed: this pair meets in this slot.
type Lock struct {
	Owner   string `json:"owner"`
	Partner string `json:"partner"`
	Slot    int    `json:"slot"`
}

// Meeting is one scheduled meeting; tables are numbered from 1.
type Meeting struct {
	Owner   string `json:"owner"`
	Partner string `json:"partner"`
	Slot    int    `json:"slot"`
	Table   int    `json:"table"`
}

// Bound is an upper bound on the schedule's objective (see Relax).
type Bound struct {
	Coverage int     `json:"coverage"`
	Weight   float64 `json:"weight"`
}

// Schedule is a solution: the meetings, the owners with at least one meeting
// (Coverage), the total wish weight of the meetings, and the bound they are
// measured against. It is the JSON written by `jejaring match solve`.
type Schedule struct {
	Meetings []Meeting `json:"meetings"`
	Coverage int       `json:"coverage"`
	Weight   float64   `json:"weight"`
	Bound    Bound     `json:"bound"`
	// Gaps is the number of idle slots between a person's first and last
	// meeting, summed over owners and partners (objective 3).
	Gaps int `json:"-"`
	// Changed is, on a re-run, the number of still-possible meetings of the
	// previous schedule that are not kept in the same slot (objective 4).
	Changed int `json:"-"`
}

// weightScale turns weights into integers (micro-units) so that the solver
// compares objectives exactly.
const weightScale = 1e6

// maxWeight keeps every sum of weights exact in an int64.
const maxWeight = 1e6

// maxSlots and maxTables bound the grid far above any fair, so that a typo
// ("slots": 1200) is refused instead of filling the memory.
const (
	maxSlots  = 200
	maxTables = 5000
)

// model is an Instance checked and indexed: people by number, the pairs that
// may meet with the slots both are free in.
type model struct {
	slots, tables, cap int
	owners             []string
	partners           []string
	ownerFree          [][]bool // [owner][slot]
	partnerFree        [][]bool
	seats              []int
	pairs              []pair // ordered by owner, then partner
	ownerPairs         [][]int
	partnerPairs       [][]int
	pairIndex          map[[2]int]int
	ownerIndex         map[string]int
	vetoed, wished     map[[2]int]bool
	partnerIndex       map[string]int
}

type pair struct {
	o, p  int
	w     int64 // weight in micro-units
	slots []int // slots both are free in, ascending
	lock  int   // locked slot or -1
}

// Validate reports what is wrong with the instance, every problem at once.
func (in *Instance) Validate() error {
	_, err := newModel(in)
	return err
}

func newModel(in *Instance) (*model, error) {
	var errs problems
	bad := errs.add
	if in.Slots < 1 || in.Slots > maxSlots {
		bad("slots (jumlah sesi) harus 1 sampai %d, bukan %d", "slots must be 1 to %d, not %d", maxSlots, in.Slots)
	}
	if in.Tables < 1 || in.Tables > maxTables {
		bad("tables (jumlah meja) harus 1 sampai %d, bukan %d", "tables must be 1 to %d, not %d", maxTables, in.Tables)
	}
	if in.MaxPerOwner < 0 {
		bad("max_per_owner tidak boleh negatif (0 berarti tanpa batas), bukan %d", "max_per_owner must not be negative (0 means no cap), not %d", in.MaxPerOwner)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m := &model{
		slots: in.Slots, tables: in.Tables, cap: in.MaxPerOwner,
		ownerIndex: map[string]int{}, partnerIndex: map[string]int{}, pairIndex: map[[2]int]int{},
	}
	if m.cap == 0 || m.cap > m.slots {
		m.cap = m.slots
	}
	free := func(who bi, id string, avail []int) []bool {
		f := make([]bool, m.slots)
		if avail == nil {
			for s := range f {
				f[s] = true
			}
			return f
		}
		for _, s := range avail {
			switch {
			case s < 0 || s >= m.slots:
				bad("%s %q: sesi %d di luar 0..%d", "%s %q: available slot %d is outside 0..%d", who, id, s, m.slots-1)
			case f[s]:
				bad("%s %q: sesi %d tercantum dua kali", "%s %q: available slot %d listed twice", who, id, s)
			default:
				f[s] = true
			}
		}
		return f
	}
	for i, o := range in.Owners {
		if o.ID == "" {
			bad("UMKM ke-%d tidak punya id", "owner #%d has no id", i+1)
			continue
		}
		if _, dup := m.ownerIndex[o.ID]; dup {
			bad("UMKM %q tercantum dua kali", "owner %q listed twice", o.ID)
			continue
		}
		m.ownerIndex[o.ID] = len(m.owners)
		m.owners = append(m.owners, o.ID)
		m.ownerFree = append(m.ownerFree, free(bi{"UMKM", "owner"}, o.ID, o.Available))
	}
	for i, p := range in.Partners {
		if p.ID == "" {
			bad("mitra ke-%d tidak punya id", "partner #%d has no id", i+1)
			continue
		}
		if _, dup := m.partnerIndex[p.ID]; dup {
			bad("mitra %q tercantum dua kali", "partner %q listed twice", p.ID)
			continue
		}
		seats := p.Seats
		if seats == 0 {
			seats = 1
		}
		if seats < 0 {
			bad("mitra %q: seats (kursi) tidak boleh negatif, bukan %d", "partner %q: seats must not be negative, not %d", p.ID, p.Seats)
		}
		m.partnerIndex[p.ID] = len(m.partners)
		m.partners = append(m.partners, p.ID)
		m.seats = append(m.seats, seats)
		m.partnerFree = append(m.partnerFree, free(bi{"mitra", "partner"}, p.ID, p.Available))
	}
	lookup := func(what bi, op Pair) (int, int, bool) {
		o, ok1 := m.ownerIndex[op.Owner]
		p, ok2 := m.partnerIndex[op.Partner]
		if !ok1 {
			bad("%s: UMKM %q tidak dikenal", "%s: unknown owner %q", what, op.Owner)
		}
		if !ok2 {
			bad("%s: mitra %q tidak dikenal", "%s: unknown partner %q", what, op.Partner)
		}
		return o, p, ok1 && ok2
	}
	vetoed := map[[2]int]bool{}
	for _, v := range in.Vetoes {
		if o, p, ok := lookup(bi{"penolakan", "veto"}, v); ok {
			vetoed[[2]int{o, p}] = true
		}
	}
	type wished struct {
		o, p int
		w    int64
	}
	var ws []wished
	seen := map[[2]int]bool{}
	for _, w := range in.Wishes {
		o, p, ok := lookup(bi{"keinginan", "wish"}, Pair{w.Owner, w.Partner})
		if !ok {
			continue
		}
		if !(w.Weight > 0) || w.Weight > maxWeight || math.IsInf(w.Weight, 0) {
			bad("keinginan %s–%s: bobot harus bilangan positif sampai %g, bukan %g", "wish %s–%s: weight must be a positive number up to %g, not %g", w.Owner, w.Partner, float64(maxWeight), w.Weight)
			continue
		}
		micro := int64(math.Round(w.Weight * weightScale))
		if micro == 0 {
			bad("keinginan %s–%s: bobot %g terlalu kecil", "wish %s–%s: weight %g is too small", w.Owner, w.Partner, w.Weight)
			continue
		}
		k := [2]int{o, p}
		if seen[k] {
			bad("keinginan %s–%s tercantum dua kali (jumlahkan bobotnya menjadi satu)", "wish %s–%s listed twice (sum the weights into one wish)", w.Owner, w.Partner)
			continue
		}
		seen[k] = true
		if !vetoed[k] {
			ws = append(ws, wished{o, p, micro})
		}
	}
	sort.Slice(ws, func(i, j int) bool {
		if ws[i].o != ws[j].o {
			return ws[i].o < ws[j].o
		}
		return ws[i].p < ws[j].p
	})
	m.ownerPairs = make([][]int, len(m.owners))
	m.partnerPairs = make([][]int, len(m.partners))
	for _, w := range ws {
		var common []int
		for s := 0; s < m.slots; s++ {
			if m.ownerFree[w.o][s] && m.partnerFree[w.p][s] {
				common = append(common, s)
			}
		}
		if len(common) == 0 {
			continue
		}
		k := len(m.pairs)
		m.pairs = append(m.pairs, pair{o: w.o, p: w.p, w: w.w, slots: common, lock: -1})
		m.pairIndex[[2]int{w.o, w.p}] = k
		m.ownerPairs[w.o] = append(m.ownerPairs[w.o], k)
		m.partnerPairs[w.p] = append(m.partnerPairs[w.p], k)
	}
	var total int64
	for _, p := range m.pairs {
		total += p.w
	}
	if total > (int64(1)<<60)/int64(len(m.owners)+2) {
		bad("jumlah semua bobot terlalu besar; pakai angka yang lebih kecil", "the wish weights are too large in total; use smaller numbers")
	}
	m.vetoed, m.wished = vetoed, seen
	m.checkLocks(in.Locked, vetoed, seen, bad)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// checkLocks marks the locked pairs and refuses locks that no schedule can
// keep: an unwished or vetoed pair, a person not free then, two locks of one
// owner in a slot, more locks than seats, tables or the owner's cap allow.
func (m *model) checkLocks(locks []Lock, vetoed, wished map[[2]int]bool, bad func(id, en string, args ...any)) {
	ownerSlot := map[[2]int]bool{}
	partnerSlot := map[[2]int]int{}
	perSlot := map[int]int{}
	perOwner := map[int]int{}
	for _, l := range locks {
		name := bi{fmt.Sprintf("pertemuan terkunci %s–%s di sesi %d", l.Owner, l.Partner, l.Slot),
			fmt.Sprintf("locked meeting %s–%s in slot %d", l.Owner, l.Partner, l.Slot)}
		o, okO := m.ownerIndex[l.Owner]
		p, okP := m.partnerIndex[l.Partner]
		switch {
		case !okO:
			bad("%s: UMKM tidak dikenal", "%s: unknown owner", name)
			continue
		case !okP:
			bad("%s: mitra tidak dikenal", "%s: unknown partner", name)
			continue
		case l.Slot < 0 || l.Slot >= m.slots:
			bad("%s: sesi di luar 0..%d", "%s: slot outside 0..%d", name, m.slots-1)
			continue
		case vetoed[[2]int{o, p}]:
			bad("%s: pasangan ini ditolak", "%s: the pair is vetoed", name)
			continue
		case !wished[[2]int{o, p}]:
			bad("%s: pasangan ini tidak ada di keinginan (tambahkan, misalnya sebagai rekomendasi petugas)", "%s: the pair is not wished (add a wish, e.g. a staff recommendation)", name)
			continue
		case !m.ownerFree[o][l.Slot]:
			bad("%s: UMKM tidak bisa hadir di sesi itu", "%s: the owner is not available then", name)
			continue
		case !m.partnerFree[p][l.Slot]:
			bad("%s: mitra tidak bisa hadir di sesi itu", "%s: the partner is not available then", name)
			continue
		}
		k := m.pairIndex[[2]int{o, p}]
		if m.pairs[k].lock >= 0 {
			bad("%s: pasangan ini sudah dikunci (satu pasangan paling banyak sekali bertemu)", "%s: the pair is already locked (a pair meets at most once)", name)
			continue
		}
		if ownerSlot[[2]int{o, l.Slot}] {
			bad("%s: UMKM sudah punya pertemuan terkunci lain di sesi itu", "%s: the owner has another locked meeting then", name)
			continue
		}
		ownerSlot[[2]int{o, l.Slot}] = true
		m.pairs[k].lock = l.Slot
		partnerSlot[[2]int{p, l.Slot}]++
		perSlot[l.Slot]++
		perOwner[o]++
		if partnerSlot[[2]int{p, l.Slot}] == m.seats[p]+1 {
			bad("%s: pertemuan terkunci mitra di sesi itu melebihi kursinya (%d)", "%s: the partner has more locked meetings then than seats (%d)", name, m.seats[p])
		}
		if perSlot[l.Slot] == m.tables+1 {
			bad("%s: pertemuan terkunci di sesi itu melebihi jumlah meja (%d)", "%s: more locked meetings in the slot than tables (%d)", name, m.tables)
		}
		if perOwner[o] == m.cap+1 {
			bad("%s: pertemuan terkunci UMKM melebihi max_per_owner (%d)", "%s: the owner has more locked meetings than max_per_owner (%d)", name, m.cap)
		}
	}
}

// weightOf turns micro-units back into the instance's unit.
func weightOf(micro int64) float64 { return float64(micro) / weightScale }
