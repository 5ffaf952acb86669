package match

// state is a partial schedule under construction: the slot of every pair
// (−1 when it does not meet) and the occupancy it implies. Every change goes
// through place and unplace, which keep the counts and the objective.
type state struct {
	m         *model
	at        []int   // per pair: slot or −1
	ownerAt   []int   // [owner*slots+slot]: pair or −1
	partnerAt [][]int // [partner*slots+slot]: pairs
	slotAt    [][]int // [slot]: pairs
	ownerN    []int   // meetings per owner
	cov       int
	weight    int64
	frozen    []bool // pairs that may not move or be dropped

	// bookkeeping of one insert (an ejection-chain search)
	allowDrop  bool    // a chain may end by leaving its last pair out
	baseCov    int     // the objective when the search began
	baseWeight int64   //
	mark       []int   // per pair: stamp of the search that touched it
	stamp      int     // the current search
	budget     int     // moves the search may still try
	cut        bool    // the depth limit stopped a branch
	pending    []int   // evicted pairs waiting for a new slot
	order      [][]int // per depth: scratch for slotOrder
	scratch    [][]int // per depth: scratch for evictees
}

func newState(m *model) *state {
	st := &state{
		m:         m,
		at:        make([]int, len(m.pairs)),
		ownerAt:   make([]int, len(m.owners)*m.slots),
		partnerAt: make([][]int, len(m.partners)*m.slots),
		slotAt:    make([][]int, m.slots),
		ownerN:    make([]int, len(m.owners)),
		frozen:    make([]bool, len(m.pairs)),
		mark:      make([]int, len(m.pairs)),
	}
	for i := range st.at {
		st.at[i] = -1
	}
	for i := range st.ownerAt {
		st.ownerAt[i] = -1
	}
	return st
}

// fits says whether unscheduled pair k can take slot s as things are.
func (st *state) fits(k, s int) bool {
	m := st.m
	p := &m.pairs[k]
	return st.ownerAt[p.o*m.slots+s] < 0 &&
		len(st.partnerAt[p.p*m.slots+s]) < m.seats[p.p] &&
		len(st.slotAt[s]) < m.tables &&
		st.ownerN[p.o] < m.cap
}

func (st *state) place(k, s int) {
	m := st.m
	p := &m.pairs[k]
	st.at[k] = s
	st.ownerAt[p.o*m.slots+s] = k
	st.partnerAt[p.p*m.slots+s] = append(st.partnerAt[p.p*m.slots+s], k)
	st.slotAt[s] = append(st.slotAt[s], k)
	st.ownerN[p.o]++
	if st.ownerN[p.o] == 1 {
		st.cov++
	}
	st.weight += p.w
}

func (st *state) unplace(k int) {
	m := st.m
	p := &m.pairs[k]
	s := st.at[k]
	st.at[k] = -1
	st.ownerAt[p.o*m.slots+s] = -1
	st.partnerAt[p.p*m.slots+s] = remove(st.partnerAt[p.p*m.slots+s], k)
	st.slotAt[s] = remove(st.slotAt[s], k)
	st.ownerN[p.o]--
	if st.ownerN[p.o] == 0 {
		st.cov--
	}
	st.weight -= p.w
}

// remove deletes k from list, moving the last element into its place
// (the same operations give the same order, so runs stay identical).
func remove(list []int, k int) []int {
	for i, v := range list {
		if v == k {
			last := len(list) - 1
			list[i] = list[last]
			return list[:last]
		}
	}
	return list
}

// better says whether the state beats the search's starting point on the
// objective: more owners covered, or as many and more weight.
func (st *state) better() bool {
	return st.cov > st.baseCov || st.cov == st.baseCov && st.weight > st.baseWeight
}

// insert tries to schedule pair k, moving other meetings along an ejection
// chain of at most depth moves (and, with allowDrop, leaving the last one
// out) so that the objective improves. On failure nothing changes.
func (st *state) insert(k, depth int, allowDrop bool, budget int) bool {
	if st.at[k] >= 0 {
		return false
	}
	st.allowDrop = allowDrop
	st.baseCov, st.baseWeight = st.cov, st.weight
	st.budget = budget
	st.stamp++
	st.mark[k] = st.stamp
	st.cut = false
	st.pending = st.pending[:0]
	for len(st.order) <= depth {
		st.order = append(st.order, nil)
		st.scratch = append(st.scratch, nil)
	}
	return st.chain(k, depth)
}

// insertDeepening tries insert with depth 0, 1, …, maxDepth: the shortest
// chain found wins, so as few meetings as possible move.
func (st *state) insertDeepening(k, maxDepth int, allowDrop bool, budget int) bool {
	for d := 0; d <= maxDepth; d++ {
		if st.insert(k, d, allowDrop, budget) {
			return true
		}
		if !st.cut {
			// no branch was stopped by the depth limit: deeper finds
			// nothing new
			return false
		}
	}
	return false
}

// chain places homeless pair h: in a free slot if one fits; else in a slot
// whose one blocking meeting c moves on, recursively, or whose two blocking
// meetings (the owner's own and one of the partner's full seats) both move
// on; or h's owner meets another wished partner instead; else, when drops
// are allowed, h stays out. Each success then settles the pending pairs;
// the last settles on the objective.
func (st *state) chain(h, depth int) bool {
	slots := st.slotOrder(h, depth)
	for _, s := range slots {
		if st.fits(h, s) {
			st.place(h, s)
			if st.settle(depth) {
				return true
			}
			st.unplace(h)
		}
	}
	if depth == 0 {
		st.cut = true
		return st.allowDrop && st.settle(depth)
	}
	m := st.m
	for _, s := range slots {
		for _, c := range st.evictees(h, s, depth) {
			if st.frozen[c] || st.mark[c] == st.stamp {
				continue
			}
			if st.budget <= 0 {
				return false
			}
			st.budget--
			st.mark[c] = st.stamp
			cs := st.at[c]
			st.unplace(c)
			if !st.fits(h, s) {
				st.place(c, cs)
				continue
			}
			st.place(h, s)
			if st.chain(c, depth-1) {
				return true
			}
			st.unplace(h)
			st.place(c, cs)
		}
		if st.doubleEviction(h, s, depth) {
			return true
		}
	}
	// h's owner meets another wished partner instead
	for _, q := range m.ownerPairs[m.pairs[h].o] {
		if st.at[q] >= 0 || st.mark[q] == st.stamp || st.budget <= 0 {
			continue
		}
		st.budget--
		st.mark[q] = st.stamp
		if st.chain(q, depth-1) {
			return true
		}
	}
	return st.allowDrop && st.settle(depth)
}

// doubleEviction handles the slot where h's owner has a meeting and h's
// partner has every seat taken: the owner's meeting and one of the
// partner's leave, h takes the slot, both are re-homed.
func (st *state) doubleEviction(h, s, depth int) bool {
	m := st.m
	p := &m.pairs[h]
	oc := st.ownerAt[p.o*m.slots+s]
	if depth < 2 || oc < 0 || st.frozen[oc] || st.mark[oc] == st.stamp ||
		len(st.partnerAt[p.p*m.slots+s]) < m.seats[p.p] {
		return false
	}
	cands := append(st.scratch[depth][:0], st.partnerAt[p.p*m.slots+s]...)
	st.scratch[depth] = cands
	for _, c := range cands {
		if st.frozen[c] || st.mark[c] == st.stamp {
			continue
		}
		if st.budget <= 0 {
			return false
		}
		st.budget--
		st.mark[c] = st.stamp
		st.unplace(oc)
		st.unplace(c)
		if st.fits(h, s) {
			st.place(h, s)
			st.pending = append(st.pending, c)
			if st.chain(oc, depth-2) {
				return true
			}
			st.pending = st.pending[:len(st.pending)-1]
			st.unplace(h)
		}
		st.place(oc, s)
		st.place(c, s)
	}
	st.mark[oc] = st.stamp
	return false
}

// settle is reached when the current homeless pair is placed (or left out):
// the next pending pair is re-homed, or, with none left, the objective
// decides. On failure the pending list is as it was.
func (st *state) settle(depth int) bool {
	if n := len(st.pending); n > 0 {
		c := st.pending[n-1]
		st.pending = st.pending[:n-1]
		if st.chain(c, depth) {
			return true
		}
		st.pending = append(st.pending, c)
		return false
	}
	return st.better()
}

// slotOrder lists h's slots, emptiest first (spreading meetings over the
// slots leaves room for later ones; ties in slot order).
func (st *state) slotOrder(h, depth int) []int {
	out := append(st.order[depth][:0], st.m.pairs[h].slots...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(st.slotAt[out[j]]) < len(st.slotAt[out[j-1]]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	st.order[depth] = out
	return out
}

// evictees are the meetings one of which must leave slot s for h to fit
// there (empty when one is not enough).
func (st *state) evictees(h, s, depth int) []int {
	m := st.m
	p := &m.pairs[h]
	oc := st.ownerAt[p.o*m.slots+s]
	pFull := len(st.partnerAt[p.p*m.slots+s]) >= m.seats[p.p]
	tFull := len(st.slotAt[s]) >= m.tables
	capFull := st.ownerN[p.o] >= m.cap
	var src []int
	switch {
	case oc >= 0:
		if pFull {
			return nil
		}
		return []int{oc}
	case capFull:
		if pFull || tFull {
			return nil
		}
		for _, k := range m.ownerPairs[p.o] {
			if st.at[k] >= 0 {
				src = append(src, k)
			}
		}
		return src
	case pFull:
		src = st.partnerAt[p.p*m.slots+s]
	case tFull:
		src = st.slotAt[s]
	default:
		return nil
	}
	out := append(st.scratch[depth][:0], src...)
	st.scratch[depth] = out
	return out
}
