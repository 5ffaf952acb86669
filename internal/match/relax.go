package match

// relaxation is the solution of the slot-free relaxation: the pairs chosen
// and the bound.
type relaxation struct {
	chosen []bool // per pair: in the relaxed optimum (locked pairs included)
	cov    int
	weight int64
}

// relax solves the relaxation that forgets which slot each meeting takes but
// keeps every count the slots impose:
//
//   - an owner meets at most min(max_per_owner, the slots they share with
//     some wished partner) partners;
//   - a partner holds at most Σ min(seats, tables) over the slots they share
//     with some wished owner;
//   - all meetings together take at most slots × tables tables;
//   - each wished, unvetoed pair at most once; locked pairs always.
//
// Every real schedule satisfies these, so the relaxation's lexicographic
// optimum (owners covered, then weight) is an upper bound on the
// schedule's. It is a min-cost flow: source → owner (one arc of capacity 1
// costing −B, B larger than all weights together, for the first meeting,
// one free arc for the rest), owner → partner (capacity 1, cost −weight),
// partner → collector (the partner's capacity), collector → sink (the
// tables left). Flows are integral, so the optimum is exact.
func relax(m *model) relaxation {
	nO, nP := len(m.owners), len(m.partners)
	src, coll, sink := nO+nP, nO+nP+1, nO+nP+2
	g := newFlowGraph(nO + nP + 3)
	var big int64 = 1
	for _, p := range m.pairs {
		big += p.w
	}
	r := relaxation{chosen: make([]bool, len(m.pairs))}
	lockedOwner := make([]int, nO)
	lockedPartner := make([]int, nP)
	locks := 0
	for k, p := range m.pairs {
		if p.lock >= 0 {
			r.chosen[k] = true
			r.weight += p.w
			lockedOwner[p.o]++
			lockedPartner[p.p]++
			locks++
		}
	}
	for o := 0; o < nO; o++ {
		if lockedOwner[o] > 0 {
			r.cov++
		}
		capO := min(m.cap, len(m.unionSlots(m.ownerPairs[o]))) - lockedOwner[o]
		if capO <= 0 {
			continue
		}
		if lockedOwner[o] == 0 {
			g.addArc(src, o, 1, -big)
			capO--
		}
		if capO > 0 {
			g.addArc(src, o, capO, 0)
		}
	}
	for p := 0; p < nP; p++ {
		capP := -lockedPartner[p]
		for range m.unionSlots(m.partnerPairs[p]) {
			capP += min(m.seats[p], m.tables)
		}
		if capP > 0 {
			g.addArc(nO+p, coll, capP, 0)
		}
	}
	g.addArc(coll, sink, m.slots*m.tables-locks, 0)
	arcOf := make([]int, len(m.pairs))
	for k, p := range m.pairs {
		arcOf[k] = -1
		if p.lock < 0 {
			arcOf[k] = g.addArc(p.o, nO+p.p, 1, -p.w)
		}
	}
	_, cost := g.minCost(src, sink, m.slots*m.tables, true)
	var flowW int64
	for k, a := range arcOf {
		if a >= 0 && g.flow(a) > 0 {
			r.chosen[k] = true
			flowW += m.pairs[k].w
		}
	}
	r.weight += flowW
	r.cov += int((-cost - flowW) / big)
	return r
}

// unionSlots is the set of slots in which at least one of the pairs can
// meet, ascending.
func (m *model) unionSlots(pairs []int) []int {
	seen := make([]bool, m.slots)
	for _, k := range pairs {
		for _, s := range m.pairs[k].slots {
			seen[s] = true
		}
	}
	var out []int
	for s, ok := range seen {
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// Relax returns the upper bound of the instance: no schedule covers more
// owners than Bound.Coverage, and none that covers that many owners has more
// weight than Bound.Weight (the bound is lexicographic, like the objective).
func Relax(in *Instance) (Bound, error) {
	m, err := newModel(in)
	if err != nil {
		return Bound{}, err
	}
	r := relax(m)
	return Bound{Coverage: r.cov, Weight: weightOf(r.weight)}, nil
}
