package match

import (
	"fmt"
	"sort"
)

// Search limits: how long an ejection chain may be and how many meetings one
// search may try to move. They bound the time; they do not change results
// from run to run.
const (
	placeDepth   = 8
	fillDepth    = 4
	placeBudget  = 4000
	fillBudget   = 1500
	fillPasses   = 3
	compactRuns  = 30
	compactKicks = 4
)

// Solve schedules the instance: see the package documentation for the model
// and the objective. The result is the same for the same instance.
func Solve(in *Instance) (*Schedule, error) {
	return Resolve(in, nil)
}

// Resolve schedules the instance again after a change (cancellations, a new
// lock), given the meetings announced before: objective 4 joins the other
// three. Two candidates are built — one that keeps every announced meeting
// that is still possible fixed and adds meetings around them before letting
// any move, one that takes the relaxation's optimum broken towards the
// announced pairs and places them in their old slots first — and the better
// in objective order wins (coverage, weight, fewest changes, fewest gaps).
// Kept meetings keep their tables. With no previous meetings it is Solve.
func Resolve(in *Instance, previous []Meeting) (*Schedule, error) {
	m, err := newModel(in)
	if err != nil {
		return nil, fmt.Errorf("instance: %w", err)
	}
	r := relax(m, nil)
	bound := Bound{Coverage: r.cov, Weight: weightOf(r.weight)}
	if len(previous) == 0 {
		sch := solveFresh(m, r).schedule(nil)
		sch.Bound = bound
		return sch, nil
	}
	prevSlot, prevTable := m.announced(previous)
	changed := func(st *state) int {
		n := 0
		for k, s := range prevSlot {
			if s >= 0 && st.at[k] != s {
				n++
			}
		}
		return n
	}
	best := resolveFrom(m, r, prevSlot)
	prefer := make([]bool, len(m.pairs))
	for k, s := range prevSlot {
		prefer[k] = s >= 0
	}
	if cand := resolveToward(m, relax(m, prefer), prevSlot); beats(cand, changed(cand), best, changed(best)) {
		best = cand
	}
	sch := best.schedule(prevTable)
	sch.Bound = bound
	sch.Changed = changed(best)
	return sch, nil
}

// beats compares two states in objective order, re-run included.
func beats(a *state, changesA int, b *state, changesB int) bool {
	switch {
	case a.cov != b.cov:
		return a.cov > b.cov
	case a.weight != b.weight:
		return a.weight > b.weight
	case changesA != changesB:
		return changesA < changesB
	}
	return a.gaps() < b.gaps()
}

// announced maps the previous meetings onto the model: each pair's previous
// slot (−1 when it did not meet, or can not meet there any more: a person
// cancelled, the wish was withdrawn, someone is no longer free then) and the
// previous tables by (pair, slot).
func (m *model) announced(previous []Meeting) ([]int, map[[2]int]int) {
	prevSlot := make([]int, len(m.pairs))
	for i := range prevSlot {
		prevSlot[i] = -1
	}
	prevTable := map[[2]int]int{}
	for _, mt := range previous {
		o, ok1 := m.ownerIndex[mt.Owner]
		p, ok2 := m.partnerIndex[mt.Partner]
		if !ok1 || !ok2 {
			continue
		}
		k, ok := m.pairIndex[[2]int{o, p}]
		if !ok || prevSlot[k] >= 0 || mt.Slot < 0 || mt.Slot >= m.slots || !contains(m.pairs[k].slots, mt.Slot) {
			continue
		}
		prevSlot[k] = mt.Slot
		prevTable[[2]int{k, mt.Slot}] = mt.Table
	}
	return prevSlot, prevTable
}

// solveFresh builds a schedule from nothing: the locks; the pairs of the
// relaxed optimum, most constrained first, each placed by an ejection chain;
// then owners still without a meeting, then weight; then compaction.
func solveFresh(m *model, r relaxation) *state {
	st := newState(m)
	st.placeLocks()
	st.placeTarget(r)
	if st.cov < r.cov || st.weight < r.weight {
		st.improve(fillDepth, r)
	}
	st.compact()
	return st
}

// placeTarget places the relaxed optimum's pairs that do not meet yet: each
// in the slot the relaxation gave it when that fits (only an owner's
// meetings may clash there), then the rest by chains, the most constrained
// first (fewest slots, then heaviest).
func (st *state) placeTarget(r relaxation) {
	m := st.m
	for k, ok := range r.chosen {
		if ok && st.at[k] < 0 && r.slot[k] >= 0 && st.fits(k, r.slot[k]) {
			st.place(k, r.slot[k])
		}
	}
	var target []int
	for k, ok := range r.chosen {
		if ok && st.at[k] < 0 {
			target = append(target, k)
		}
	}
	sort.SliceStable(target, func(i, j int) bool {
		a, b := &m.pairs[target[i]], &m.pairs[target[j]]
		if len(a.slots) != len(b.slots) {
			return len(a.slots) < len(b.slots)
		}
		return a.w > b.w
	})
	for _, k := range target {
		st.insertDeepening(k, placeDepth, false, placeBudget)
	}
}

// placeAnnounced puts the announced meetings back in their slots, as many
// as fit after the locks, in index order.
func (st *state) placeAnnounced(prevSlot []int, only []bool) {
	for k, s := range prevSlot {
		if s >= 0 && st.at[k] < 0 && (only == nil || only[k]) && st.fits(k, s) {
			st.place(k, s)
		}
	}
}

// freezeAnnounced freezes the meetings still in their announced slot (and
// the locks), unfreezes the rest.
func (st *state) freezeAnnounced(prevSlot []int) {
	for k := range st.frozen {
		st.frozen[k] = st.m.pairs[k].lock >= 0 || prevSlot[k] >= 0 && st.at[k] == prevSlot[k]
	}
}

// resolveFrom: the announced meetings fixed, meetings added around them;
// then they may move by chains where that covers an owner or adds weight;
// compaction leaves them alone.
func resolveFrom(m *model, r relaxation, prevSlot []int) *state {
	st := newState(m)
	st.placeLocks()
	st.placeAnnounced(prevSlot, nil)
	st.freezeAnnounced(prevSlot)
	st.improve(fillDepth, r)
	for k := range st.frozen {
		st.frozen[k] = m.pairs[k].lock >= 0
	}
	st.placeTarget(r)
	st.improve(fillDepth, r)
	st.freezeAnnounced(prevSlot)
	st.compact()
	return st
}

// resolveToward: the relaxed optimum that keeps the most announced pairs
// (r was solved preferring them); those are put back in their slots, the
// other target pairs placed by chains that may move them; then as Solve.
func resolveToward(m *model, r relaxation, prevSlot []int) *state {
	st := newState(m)
	st.placeLocks()
	st.placeAnnounced(prevSlot, r.chosen)
	st.placeTarget(r)
	if st.cov < r.cov || st.weight < r.weight {
		st.improve(fillDepth, r)
	}
	st.freezeAnnounced(prevSlot)
	st.compact()
	return st
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// placeLocks puts every locked pair in its slot and freezes it (newModel
// checked that the locks fit together).
func (st *state) placeLocks() {
	for k, p := range st.m.pairs {
		if p.lock >= 0 {
			st.place(k, p.lock)
			st.frozen[k] = true
		}
	}
}

// improve first gives a meeting to owners who have none, then adds weight:
// every pair not meeting, heaviest first, is inserted when a chain (which may
// leave a lighter meeting out) improves the objective. Repeated while it
// helps, and never once the bound r is reached (nothing better exists).
func (st *state) improve(depth int, r relaxation) {
	m := st.m
	atBound := func() bool { return st.cov == r.cov && st.weight == r.weight }
	for o := range m.owners {
		if st.ownerN[o] > 0 {
			continue
		}
		for _, k := range st.byWeight(m.ownerPairs[o]) {
			if st.insertDeepening(k, depth, true, fillBudget) {
				break
			}
		}
	}
	all := make([]int, len(m.pairs))
	for k := range all {
		all[k] = k
	}
	all = st.byWeight(all)
	for pass := 0; pass < fillPasses; pass++ {
		changed := false
		for _, k := range all {
			if atBound() {
				return
			}
			if st.at[k] < 0 && st.insertDeepening(k, depth, true, fillBudget) {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

// byWeight returns the pairs heaviest first (ties in index order).
func (st *state) byWeight(pairs []int) []int {
	out := append([]int(nil), pairs...)
	sort.SliceStable(out, func(i, j int) bool { return st.m.pairs[out[i]].w > st.m.pairs[out[j]].w })
	return out
}
