package match

// relaxation is the solution of the slot-free relaxation: the pairs chosen
// and the bound.
type relaxation struct {
	chosen []bool // per pair: in the relaxed optimum (locked pairs included)
	slot   []int  // per chosen pair: the slot the relaxation gave it
	cov    int
	weight int64
}

// relax solves the relaxation that keeps every constraint but one: an
// owner's meetings need not be in different slots. What stays:
//
//   - an owner meets at most min(max_per_owner, the slots they share with
//     some wished partner) partners;
//   - each wished, unvetoed pair at most once, in a slot both are free in;
//   - a partner holds at most seats meetings in a slot;
//   - a slot holds at most tables meetings;
//   - locked pairs always meet, in their slot.
//
// Every real schedule satisfies these, so the relaxation's lexicographic
// optimum (owners covered, then weight) is an upper bound on the
// schedule's. It is a min-cost flow: source → owner (one arc of capacity 1
// costing −B, B larger than all weights together, for the first meeting,
// one free arc for the rest), owner → pair (capacity 1, cost −weight),
// pair → (partner, slot) for each slot both are free in, (partner, slot) →
// slot (capacity seats), slot → sink (capacity tables). Flows are integral,
// so the optimum is exact. The pairs it chooses are the scheduler's target.
//
// prefer (nil, or one flag per pair) breaks ties between optima of equal
// coverage and weight towards the preferred pairs (on a re-run, the
// announced ones): each weight is scaled by K = preferred + 1 and a
// preferred pair earns 1 more, so the preference never outweighs a
// micro-unit of weight. When the scaled costs could overflow, ties are left
// unbroken.
func relax(m *model, prefer []bool) relaxation {
	nO, nP, nK, S := len(m.owners), len(m.partners), len(m.pairs), m.slots
	// nodes: owners, pairs, (partner, slot), slots, source, sink
	pairNode := func(k int) int { return nO + k }
	psNode := func(p, s int) int { return nO + nK + p*S + s }
	slotNode := func(s int) int { return nO + nK + nP*S + s }
	src, sink := nO+nK+nP*S+S, nO+nK+nP*S+S+1
	g := newFlowGraph(sink + 1)
	var total int64
	for _, p := range m.pairs {
		total += p.w
	}
	scale, bonus := int64(1), make([]int64, nK)
	if prefer != nil {
		n := int64(1)
		for _, ok := range prefer {
			if ok {
				n++
			}
		}
		if total < (int64(1)<<60)/int64(nO+2)/n {
			scale = n
			for k, ok := range prefer {
				if ok {
					bonus[k] = 1
				}
			}
		}
	}
	big := total*scale + int64(nK) + 1
	r := relaxation{chosen: make([]bool, nK), slot: make([]int, nK)}
	lockedOwner := make([]int, nO)
	lockedPS := make([]int, nP*S)
	lockedSlot := make([]int, S)
	for k, p := range m.pairs {
		r.slot[k] = -1
		if p.lock >= 0 {
			r.chosen[k] = true
			r.slot[k] = p.lock
			r.weight += p.w
			lockedOwner[p.o]++
			lockedPS[p.p*S+p.lock]++
			lockedSlot[p.lock]++
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
	arcOf := make([]int, nK)
	slotArcs := make([][]int, nK)
	for k, p := range m.pairs {
		arcOf[k] = -1
		if p.lock >= 0 {
			continue
		}
		arcOf[k] = g.addArc(p.o, pairNode(k), 1, -(p.w*scale + bonus[k]))
		for _, s := range p.slots {
			slotArcs[k] = append(slotArcs[k], g.addArc(pairNode(k), psNode(p.p, s), 1, 0))
		}
	}
	for p := 0; p < nP; p++ {
		for s := 0; s < S; s++ {
			if c := m.seats[p] - lockedPS[p*S+s]; c > 0 && m.partnerFree[p][s] {
				g.addArc(psNode(p, s), slotNode(s), c, 0)
			}
		}
	}
	for s := 0; s < S; s++ {
		if c := m.tables - lockedSlot[s]; c > 0 {
			g.addArc(slotNode(s), sink, c, 0)
		}
	}
	_, cost := g.minCost(src, sink, S*m.tables, true)
	var flowW, flowCost int64
	for k, a := range arcOf {
		if a >= 0 && g.flow(a) > 0 {
			r.chosen[k] = true
			flowW += m.pairs[k].w
			flowCost += m.pairs[k].w*scale + bonus[k]
			for i, sa := range slotArcs[k] {
				if g.flow(sa) > 0 {
					r.slot[k] = m.pairs[k].slots[i]
				}
			}
		}
	}
	r.weight += flowW
	r.cov += int((-cost - flowCost) / big)
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
	r := relax(m, nil)
	return Bound{Coverage: r.cov, Weight: weightOf(r.weight)}, nil
}
