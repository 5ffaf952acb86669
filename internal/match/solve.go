package match

import (
	"fmt"
	"sort"
)

// Search limits: how long an ejection chain may be and how many meetings one
// search may try to move. They bound the time; they do not change results
// from run to run.
const (
	placeDepth  = 8
	fillDepth   = 4
	placeBudget = 4000
	fillBudget  = 1500
	fillPasses  = 3
	compactRuns = 30
)

// Solve schedules the instance: see the package documentation for the model
// and the objective. The result is the same for the same instance.
func Solve(in *Instance) (*Schedule, error) {
	return Resolve(in, nil)
}

// Resolve schedules the instance again after a change (cancellations, a new
// lock), starting from the previous schedule: every previous meeting that is
// still possible is kept in its slot unless moving it lets more owners meet
// or adds weight, and the table of a kept meeting is kept. With no previous
// meetings it is Solve.
func Resolve(in *Instance, previous []Meeting) (*Schedule, error) {
	m, err := newModel(in)
	if err != nil {
		return nil, fmt.Errorf("instance: %w", err)
	}
	r := relax(m)
	bound := Bound{Coverage: r.cov, Weight: weightOf(r.weight)}
	st := solveFresh(m, r)
	var prevSlot []int
	var prevTable map[[2]int]int
	if len(previous) > 0 {
		var again *state
		again, prevSlot, prevTable = resolveFrom(m, r, previous)
		// a fresh start is taken only when it lets more owners meet
		if again.cov >= st.cov {
			st = again
		} else {
			prevTable = nil
		}
	}
	sch := st.schedule(prevTable)
	sch.Bound = bound
	if prevSlot != nil {
		for k, s := range prevSlot {
			if s >= 0 && st.at[k] != s {
				sch.Changed++
			}
		}
	}
	return sch, nil
}

// solveFresh builds a schedule from nothing: the locks; the pairs of the
// relaxed optimum, most constrained first, each placed by an ejection chain;
// then owners still without a meeting, then weight; then compaction.
func solveFresh(m *model, r relaxation) *state {
	st := newState(m)
	st.placeLocks()
	var target []int
	for k, ok := range r.chosen {
		if ok && m.pairs[k].lock < 0 {
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
	if st.cov < r.cov || st.weight < r.weight {
		st.improve(fillDepth, r)
	}
	st.compact()
	return st
}

// resolveFrom starts from the previous meetings that are still possible,
// frozen, and adds meetings around them; then it lets them move, by short
// chains, where that covers an owner or adds weight. It returns the state,
// each pair's previous slot (−1 if none) and the previous tables.
func resolveFrom(m *model, r relaxation, previous []Meeting) (*state, []int, map[[2]int]int) {
	st := newState(m)
	st.placeLocks()
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
		if !ok || mt.Slot < 0 || mt.Slot >= m.slots || !contains(m.pairs[k].slots, mt.Slot) {
			continue
		}
		if st.at[k] == mt.Slot {
			prevSlot[k] = mt.Slot // a lock kept
			prevTable[[2]int{k, mt.Slot}] = mt.Table
			continue
		}
		if st.at[k] >= 0 || !st.fits(k, mt.Slot) {
			continue
		}
		st.place(k, mt.Slot)
		prevSlot[k] = mt.Slot
		prevTable[[2]int{k, mt.Slot}] = mt.Table
	}
	for k, s := range prevSlot {
		if s >= 0 {
			st.frozen[k] = true
		}
	}
	st.improve(fillDepth, r)
	for k := range st.frozen {
		st.frozen[k] = m.pairs[k].lock >= 0
	}
	// the relaxed optimum's pairs that do not meet yet, by longer chains
	for k, ok := range r.chosen {
		if ok && st.at[k] < 0 {
			st.insertDeepening(k, placeDepth, true, placeBudget)
		}
	}
	st.improve(fillDepth, r)
	// compaction moves only meetings that were not announced
	for k, s := range prevSlot {
		if s >= 0 && st.at[k] == s {
			st.frozen[k] = true
		}
	}
	st.compact()
	return st, prevSlot, prevTable
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
