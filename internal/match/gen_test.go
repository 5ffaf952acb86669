package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// genConfig sizes a generated fair.
type genConfig struct {
	name                            string
	owners, partners, slots, tables int
}

// benchSeed makes the generated instances the same on every run.
const benchSeed = 20261201

// generate builds a fair as the issue describes it: wishes skewed (a few
// partners wanted by many, Zipf-like), three to five per owner in order of
// preference (weights 5, 4, 3, …), a quarter mutual (+3), 5 % vetoed by
// the partner; owners free in all slots but one in six (10 of 12); a quarter
// of the partners there only half a day; seats 1 (half), 2 or 3.
func generate(c genConfig, seed uint64) *Instance {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	in := &Instance{Slots: c.slots, Tables: c.tables, MaxPerOwner: 3}
	all := make([]int, c.slots)
	for s := range all {
		all[s] = s
	}
	for i := 0; i < c.partners; i++ {
		p := Partner{ID: fmt.Sprintf("p%03d", i+1), Seats: 1}
		switch r := rng.IntN(10); {
		case r >= 8:
			p.Seats = 3
		case r >= 5:
			p.Seats = 2
		}
		switch rng.IntN(8) {
		case 0:
			p.Available = append([]int(nil), all[:c.slots/2]...)
		case 1:
			p.Available = append([]int(nil), all[c.slots/2:]...)
		default:
			p.Available = append([]int(nil), all...)
		}
		in.Partners = append(in.Partners, p)
	}
	away := int(math.Round(float64(c.slots) / 6))
	popularity := make([]float64, c.partners)
	perm := rng.Perm(c.partners)
	total := 0.0
	for i := range popularity {
		popularity[perm[i]] = 1 / math.Pow(float64(i+1), 0.9)
		total += popularity[perm[i]]
	}
	for i := 0; i < c.owners; i++ {
		o := Owner{ID: fmt.Sprintf("u%04d", i+1)}
		skip := map[int]bool{}
		for len(skip) < away {
			skip[rng.IntN(c.slots)] = true
		}
		for s := 0; s < c.slots; s++ {
			if !skip[s] {
				o.Available = append(o.Available, s)
			}
		}
		in.Owners = append(in.Owners, o)
		n := min(3+rng.IntN(3), c.partners)
		picked := map[int]bool{}
		for r := 0; r < n; r++ {
			var p int
			for {
				x := rng.Float64() * total
				for p = 0; p < c.partners-1 && x >= popularity[p]; p++ {
					x -= popularity[p]
				}
				if !picked[p] {
					break
				}
			}
			picked[p] = true
			w := Wish{Owner: o.ID, Partner: in.Partners[p].ID, Weight: float64(5 - r)}
			if rng.IntN(4) == 0 {
				w.Weight += 3
			}
			in.Wishes = append(in.Wishes, w)
			if rng.IntN(20) == 0 {
				in.Vetoes = append(in.Vetoes, Pair{Owner: o.ID, Partner: w.Partner})
			}
		}
	}
	return in
}

// harden makes a fair where slots bind: every owner free in only three
// slots, every partner with one seat, half the partners there half a day.
func harden(in *Instance, seed uint64) *Instance {
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range in.Owners {
		in.Owners[i].Available = rng.Perm(in.Slots)[:3]
	}
	half := in.Slots / 2
	for i := range in.Partners {
		in.Partners[i].Seats = 1
		if i%2 == 0 {
			in.Partners[i].Available = nil
			for s := 0; s < half; s++ {
				in.Partners[i].Available = append(in.Partners[i].Available, s+(i%4/2)*half)
			}
		}
	}
	return in
}

// cancel removes a share of the partners and owners (and their wishes), as
// on the morning of the fair; it returns the new instance and how many
// people cancelled.
func cancel(in *Instance, partnerShare, ownerShare float64, seed uint64) (*Instance, int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	gone := map[string]bool{}
	pick := func(ids []string, share float64) {
		n := int(math.Round(share * float64(len(ids))))
		for _, i := range rng.Perm(len(ids))[:n] {
			gone[ids[i]] = true
		}
	}
	var pids, oids []string
	for _, p := range in.Partners {
		pids = append(pids, p.ID)
	}
	for _, o := range in.Owners {
		oids = append(oids, o.ID)
	}
	pick(pids, partnerShare)
	pick(oids, ownerShare)
	out := &Instance{Slots: in.Slots, Tables: in.Tables, MaxPerOwner: in.MaxPerOwner}
	for _, p := range in.Partners {
		if !gone[p.ID] {
			out.Partners = append(out.Partners, p)
		}
	}
	for _, o := range in.Owners {
		if !gone[o.ID] {
			out.Owners = append(out.Owners, o)
		}
	}
	for _, w := range in.Wishes {
		if !gone[w.Owner] && !gone[w.Partner] {
			out.Wishes = append(out.Wishes, w)
		}
	}
	for _, v := range in.Vetoes {
		if !gone[v.Owner] && !gone[v.Partner] {
			out.Vetoes = append(out.Vetoes, v)
		}
	}
	for _, l := range in.Locked {
		if !gone[l.Owner] && !gone[l.Partner] {
			out.Locked = append(out.Locked, l)
		}
	}
	return out, len(gone)
}

// roundRobin is the baseline trade-fair tools document (MeetMax's "one
// meeting each per pass"): owners in turn, each pass gives every owner at
// most one more meeting — their most wanted partner that still has a slot
// free in common, at the earliest such slot — until a pass adds nothing.
// Nothing ever moves.
func roundRobin(in *Instance) (*Schedule, error) {
	m, err := newModel(in)
	if err != nil {
		return nil, err
	}
	st := newState(m)
	st.placeLocks()
	for added := true; added; {
		added = false
		for o := range m.owners {
			for _, k := range st.byWeight(m.ownerPairs[o]) {
				if st.at[k] >= 0 {
					continue
				}
				placed := false
				for _, s := range m.pairs[k].slots {
					if st.fits(k, s) {
						st.place(k, s)
						placed = true
						break
					}
				}
				if placed {
					added = true
					break
				}
			}
		}
	}
	return st.schedule(nil), nil
}

// sortedIDs is for stable test output.
func sortedIDs(ids map[string]bool) []string {
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
