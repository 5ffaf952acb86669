package match

import "sort"

// ownerGaps is the number of idle slots between the owner's first and last
// meeting.
func (st *state) ownerGaps(o int) int {
	m := st.m
	first, last, n := -1, -1, 0
	for s := 0; s < m.slots; s++ {
		if st.ownerAt[o*m.slots+s] >= 0 {
			if first < 0 {
				first = s
			}
			last = s
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return last - first + 1 - n
}

// partnerGaps is the number of slots between the partner's first and last
// meeting in which they hold none.
func (st *state) partnerGaps(p int) int {
	m := st.m
	first, last, n := -1, -1, 0
	for s := 0; s < m.slots; s++ {
		if len(st.partnerAt[p*m.slots+s]) > 0 {
			if first < 0 {
				first = s
			}
			last = s
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return last - first + 1 - n
}

// gaps is objective 3 over everybody.
func (st *state) gaps() int {
	g := 0
	for o := range st.m.owners {
		g += st.ownerGaps(o)
	}
	for p := range st.m.partners {
		g += st.partnerGaps(p)
	}
	return g
}

// pairGaps is the gaps of the people of pairs a and b (b may be −1), each
// person counted once.
func (st *state) pairGaps(a, b int) int {
	pa := &st.m.pairs[a]
	g := st.ownerGaps(pa.o) + st.partnerGaps(pa.p)
	if b >= 0 {
		pb := &st.m.pairs[b]
		if pb.o != pa.o {
			g += st.ownerGaps(pb.o)
		}
		if pb.p != pa.p {
			g += st.partnerGaps(pb.p)
		}
	}
	return g
}

// compact lowers the idle gaps without touching coverage or weight: a
// meeting moves to another slot, or two meetings swap slots, or two of one
// owner's meetings move together, whenever that leaves fewer gaps among the
// people involved. At a local optimum each meeting may once make a move
// that leaves the gaps as they are (a sideways step off the plateau), and
// the descent resumes; the gaps never go up. Frozen meetings stay.
func (st *state) compact() {
	m := st.m
	kicked := make([]bool, len(m.pairs))
	for kick := 0; kick <= compactKicks; kick++ {
		start := st.gaps()
		st.descend()
		if kick > 0 && st.gaps() == start {
			return
		}
		if !st.sideways(kicked) {
			return
		}
	}
}

// descend makes improving moves until there are none (or compactRuns
// passes).
func (st *state) descend() {
	m := st.m
	for run := 0; run < compactRuns; run++ {
		improved := false
		for k := range m.pairs {
			s0 := st.at[k]
			if s0 < 0 || st.frozen[k] {
				continue
			}
			for _, s := range m.pairs[k].slots {
				if s == s0 {
					continue
				}
				if st.tryMove(k, s) || st.trySwaps(k, s) || st.tryMoveTwo(k, s) {
					improved = true
					break
				}
			}
		}
		if !improved {
			return
		}
	}
}

// sideways moves each meeting not yet kicked to the first other slot where
// it fits with the same gaps; it says whether any moved.
func (st *state) sideways(kicked []bool) bool {
	m := st.m
	moved := false
	for k := range m.pairs {
		s0 := st.at[k]
		if s0 < 0 || st.frozen[k] || kicked[k] {
			continue
		}
		before := st.pairGaps(k, -1)
		st.unplace(k)
		done := false
		for _, s := range m.pairs[k].slots {
			if s == s0 || !st.fits(k, s) {
				continue
			}
			st.place(k, s)
			if st.pairGaps(k, -1) == before {
				done = true
				break
			}
			st.unplace(k)
		}
		if !done {
			st.place(k, s0)
			done = st.swapSideways(k, kicked)
		}
		if done {
			kicked[k] = true
			moved = true
		}
	}
	return moved
}

// swapSideways exchanges the slots of meeting k and a meeting not yet
// kicked in another slot when both fit and the gaps stay as they are.
func (st *state) swapSideways(k int, kicked []bool) bool {
	m := st.m
	s0 := st.at[k]
	for _, s := range m.pairs[k].slots {
		if s == s0 {
			continue
		}
		cands := append([]int(nil), st.slotAt[s]...)
		for _, b := range cands {
			if st.frozen[b] || kicked[b] || !contains(m.pairs[b].slots, s0) {
				continue
			}
			before := st.pairGaps(k, b)
			st.unplace(k)
			st.unplace(b)
			if st.fits(k, s) {
				st.place(k, s)
				if st.fits(b, s0) {
					st.place(b, s0)
					if st.pairGaps(k, b) == before {
						kicked[b] = true
						return true
					}
					st.unplace(b)
				}
				st.unplace(k)
			}
			st.place(k, s0)
			st.place(b, s)
		}
	}
	return false
}

// tryMove moves meeting k to slot s when it fits and lowers the gaps.
func (st *state) tryMove(k, s int) bool {
	s0 := st.at[k]
	before := st.pairGaps(k, -1)
	st.unplace(k)
	if st.fits(k, s) {
		st.place(k, s)
		if st.pairGaps(k, -1) < before {
			return true
		}
		st.unplace(k)
	}
	st.place(k, s0)
	return false
}

// tryMoveTwo moves meeting k to slot s and another meeting of the same
// owner to another slot, when both fit and the gaps of the people involved
// go down (a move that alone changes nothing can open the way).
func (st *state) tryMoveTwo(k, s int) bool {
	m := st.m
	pk := &m.pairs[k]
	s0 := st.at[k]
	for _, j := range m.ownerPairs[pk.o] {
		sj := st.at[j]
		if j == k || sj < 0 || st.frozen[j] {
			continue
		}
		pj := &m.pairs[j]
		before := st.ownerGaps(pk.o) + st.partnerGaps(pk.p) + st.partnerGaps(pj.p)
		st.unplace(k)
		if !st.fits(k, s) {
			st.place(k, s0)
			return false
		}
		st.place(k, s)
		st.unplace(j)
		for _, s2 := range pj.slots {
			if s2 == sj || !st.fits(j, s2) {
				continue
			}
			st.place(j, s2)
			if st.ownerGaps(pk.o)+st.partnerGaps(pk.p)+st.partnerGaps(pj.p) < before {
				return true
			}
			st.unplace(j)
		}
		st.place(j, sj)
		st.unplace(k)
		st.place(k, s0)
	}
	return false
}

// trySwaps exchanges the slots of meeting k and a meeting b in slot s that
// stands in its way, when both fit and the gaps go down.
func (st *state) trySwaps(k, s int) bool {
	m := st.m
	pk := &m.pairs[k]
	s0 := st.at[k]
	var cands []int
	if b := st.ownerAt[pk.o*m.slots+s]; b >= 0 {
		cands = append(cands, b)
	}
	cands = append(cands, st.partnerAt[pk.p*m.slots+s]...)
	if len(st.slotAt[s]) >= m.tables {
		cands = append(cands, st.slotAt[s]...)
	}
	for _, b := range cands {
		if st.frozen[b] || !contains(m.pairs[b].slots, s0) {
			continue
		}
		before := st.pairGaps(k, b)
		st.unplace(k)
		st.unplace(b)
		if st.fits(k, s) {
			st.place(k, s)
			if st.fits(b, s0) {
				st.place(b, s0)
				if st.pairGaps(k, b) < before {
					return true
				}
				st.unplace(b)
			}
			st.unplace(k)
		}
		st.place(k, s0)
		st.place(b, s)
	}
	return false
}

// schedule writes the state out as meetings with tables. Tables: a kept
// meeting keeps its previous table when it is free; otherwise a partner
// sits again at a table they had earlier in the day when it is free, else
// at the lowest free table nobody has had yet, else the lowest free one.
func (st *state) schedule(prevTable map[[2]int]int) *Schedule {
	m := st.m
	sch := &Schedule{Meetings: []Meeting{}, Coverage: st.cov, Weight: weightOf(st.weight), Gaps: st.gaps()}
	home := make([][]int, len(m.partners))
	used := make([]bool, m.tables+1)
	everUsed := make([]bool, m.tables+1)
	for s := 0; s < m.slots; s++ {
		ks := append([]int(nil), st.slotAt[s]...)
		sort.Ints(ks) // pairs are ordered by owner, then partner
		for t := range used {
			used[t] = false
		}
		table := make(map[int]int, len(ks))
		var rest []int
		for _, k := range ks {
			if t, ok := prevTable[[2]int{k, s}]; ok && t >= 1 && t <= m.tables && !used[t] {
				used[t] = true
				table[k] = t
				continue
			}
			rest = append(rest, k)
		}
		sort.SliceStable(rest, func(i, j int) bool { return m.pairs[rest[i]].p < m.pairs[rest[j]].p })
		for _, k := range rest {
			p := m.pairs[k].p
			t := 0
			for _, h := range home[p] {
				if !used[h] {
					t = h
					break
				}
			}
			for c := 1; t == 0 && c <= m.tables; c++ {
				if !used[c] && !everUsed[c] {
					t = c
				}
			}
			for c := 1; t == 0 && c <= m.tables; c++ {
				if !used[c] {
					t = c
				}
			}
			used[t] = true
			table[k] = t
		}
		for _, k := range ks {
			t := table[k]
			p := m.pairs[k].p
			if !contains(home[p], t) {
				home[p] = append(home[p], t)
			}
			everUsed[t] = true
			sch.Meetings = append(sch.Meetings, Meeting{Owner: m.owners[m.pairs[k].o], Partner: m.partners[p], Slot: s, Table: t})
		}
	}
	sort.SliceStable(sch.Meetings, func(i, j int) bool {
		a, b := sch.Meetings[i], sch.Meetings[j]
		if a.Slot != b.Slot {
			return a.Slot < b.Slot
		}
		return a.Table < b.Table
	})
	return sch
}
