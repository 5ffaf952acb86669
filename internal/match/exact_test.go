package match

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// optimum is the best objective found by exhaustive search.
type optimum struct {
	cov     int
	weight  int64
	minGaps int // the fewest gaps among schedules with that cov and weight
}

// exhaustive tries every schedule of a small instance: each pair either does
// not meet or meets in one of the slots both are free in, whenever it fits.
// It is the referee the scheduler and the bound are tested against.
func exhaustive(m *model) optimum {
	st := newState(m)
	st.placeLocks()
	best := optimum{cov: -1}
	var rec func(k int)
	rec = func(k int) {
		if k == len(m.pairs) {
			g := st.gaps()
			switch {
			case st.cov > best.cov || st.cov == best.cov && st.weight > best.weight:
				best = optimum{st.cov, st.weight, g}
			case st.cov == best.cov && st.weight == best.weight && g < best.minGaps:
				best.minGaps = g
			}
			return
		}
		if m.pairs[k].lock >= 0 {
			rec(k + 1)
			return
		}
		rec(k + 1)
		for _, s := range m.pairs[k].slots {
			if st.fits(k, s) {
				st.place(k, s)
				rec(k + 1)
				st.unplace(k)
			}
		}
	}
	rec(0)
	return best
}

// randomInstance is a small instance with every feature: caps, seats,
// partial availability (or none given), vetoes, locks.
func randomInstance(rng *rand.Rand, maxSlots, maxPairs int) *Instance {
	in := &Instance{Slots: 1 + rng.IntN(maxSlots), Tables: 1 + rng.IntN(3), MaxPerOwner: rng.IntN(4)}
	avail := func() []int {
		if rng.IntN(3) == 0 {
			return nil
		}
		out := []int{}
		for s := 0; s < in.Slots; s++ {
			if rng.IntN(4) != 0 {
				out = append(out, s)
			}
		}
		return out
	}
	nO, nP := 1+rng.IntN(5), 1+rng.IntN(3)
	for i := 0; i < nO; i++ {
		in.Owners = append(in.Owners, Owner{ID: fmt.Sprintf("u%d", i), Available: avail()})
	}
	for i := 0; i < nP; i++ {
		in.Partners = append(in.Partners, Partner{ID: fmt.Sprintf("p%d", i), Seats: rng.IntN(3), Available: avail()})
	}
	pairs := 0
	for _, o := range in.Owners {
		for _, p := range in.Partners {
			if pairs < maxPairs && rng.IntN(10) < 6 {
				pairs++
				w := float64(1+rng.IntN(5)) + 0.5*float64(rng.IntN(2))
				in.Wishes = append(in.Wishes, Wish{Owner: o.ID, Partner: p.ID, Weight: w})
				if rng.IntN(10) == 0 {
					in.Vetoes = append(in.Vetoes, Pair{o.ID, p.ID})
				}
			}
		}
	}
	// a lock now and then, kept only when the instance stays valid
	for tries := 0; tries < 2 && len(in.Wishes) > 0; tries++ {
		if rng.IntN(3) != 0 {
			continue
		}
		w := in.Wishes[rng.IntN(len(in.Wishes))]
		in.Locked = append(in.Locked, Lock{w.Owner, w.Partner, rng.IntN(in.Slots)})
		if in.Validate() != nil {
			in.Locked = in.Locked[:len(in.Locked)-1]
		}
	}
	return in
}

// TestSolveAgainstExhaustive compares the scheduler and the bound with the
// exact optimum on many random small instances: the schedule is valid, it
// covers as many owners as the optimum and, as the numbers below show,
// reaches its weight; the bound is never below the optimum.
func TestSolveAgainstExhaustive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name               string
		n, slots, maxPairs int
	}{
		{"up to 3 slots, 9 pairs", 1500, 3, 9},
		{"up to 5 slots, 8 pairs", 400, 5, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			compareExhaustive(t, tc.n, tc.slots, tc.maxPairs)
		})
	}
}

func compareExhaustive(t *testing.T, n, slots, maxPairs int) {
	rng := rand.New(rand.NewPCG(uint64(slots), uint64(maxPairs)))
	var weightShort, gapsEqual, boundTight int
	for i := 0; i < n; i++ {
		in := randomInstance(rng, slots, maxPairs)
		m, err := newModel(in)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		opt := exhaustive(m)
		sch, err := Solve(in)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if err := Validate(in, sch); err != nil {
			t.Fatalf("instance %d: invalid schedule: %v\n%+v", i, err, in)
		}
		if sch.Coverage != opt.cov {
			t.Fatalf("instance %d: coverage %d, optimum %d\n%+v", i, sch.Coverage, opt.cov, in)
		}
		got := int64(sch.Weight*weightScale + 0.5)
		if got > opt.weight {
			t.Fatalf("instance %d: weight %d above the optimum %d", i, got, opt.weight)
		}
		if got < opt.weight {
			weightShort++
			t.Logf("instance %d: weight %g, optimum %g", i, sch.Weight, weightOf(opt.weight))
		}
		if sch.Gaps < opt.minGaps && got == opt.weight {
			t.Fatalf("instance %d: %d gaps, fewer than the exhaustive minimum %d", i, sch.Gaps, opt.minGaps)
		}
		if sch.Gaps == opt.minGaps {
			gapsEqual++
		}
		b := sch.Bound
		bw := int64(b.Weight*weightScale + 0.5)
		if b.Coverage < opt.cov || b.Coverage == opt.cov && bw < opt.weight {
			t.Fatalf("instance %d: bound %+v below the optimum %d/%d", i, b, opt.cov, opt.weight)
		}
		if b.Coverage == opt.cov && bw == opt.weight {
			boundTight++
		}
	}
	t.Logf("%d instances: weight short of the optimum on %d; fewest gaps reached on %d; bound equal to the optimum on %d",
		n, weightShort, gapsEqual, boundTight)
	if weightShort != 0 {
		t.Errorf("weight short of the optimum on %d of %d instances", weightShort, n)
	}
}

// TestResolveAgainstExhaustive: people cancel after a schedule was
// announced; the re-run from it is valid and covers as many owners as the
// optimum of the new instance and, on all of these, reaches its weight too.
func TestResolveAgainstExhaustive(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 800
	short := 0
	for i := 0; i < n; i++ {
		in := randomInstance(rng, 4, 9)
		first, err := Solve(in)
		if err != nil {
			t.Fatal(err)
		}
		after, _ := cancel(in, 0.3, 0.3, uint64(i))
		m, err := newModel(after)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		opt := exhaustive(m)
		sch, err := Resolve(after, first.Meetings)
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(after, sch); err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if sch.Coverage != opt.cov {
			t.Fatalf("instance %d: coverage %d, optimum %d", i, sch.Coverage, opt.cov)
		}
		if got := int64(sch.Weight*weightScale + 0.5); got < opt.weight {
			short++
		}
	}
	t.Logf("%d re-runs: weight short of the optimum on %d", n, short)
	if short != 0 {
		t.Errorf("weight short of the optimum on %d of %d re-runs", short, n)
	}
}

// TestSolveMediumRandom: instances too big for exhaustive search but with
// every feature (locks, caps, seats, partial availability), solved and
// re-run from a perturbed previous schedule that also names people and
// slots that no longer exist: every result passes Validate and stays within
// the bound.
func TestSolveMediumRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 60; i++ {
		c := genConfig{"R", 20 + rng.IntN(60), 3 + rng.IntN(10), 2 + rng.IntN(8), 1 + rng.IntN(8)}
		in := generate(c, uint64(i))
		in.MaxPerOwner = rng.IntN(4)
		// some locks, kept when valid
		for j := 0; j < 5; j++ {
			w := in.Wishes[rng.IntN(len(in.Wishes))]
			in.Locked = append(in.Locked, Lock{w.Owner, w.Partner, rng.IntN(in.Slots)})
			if in.Validate() != nil {
				in.Locked = in.Locked[:len(in.Locked)-1]
			}
		}
		sch, err := Solve(in)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if err := Validate(in, sch); err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if sch.Coverage > sch.Bound.Coverage || sch.Coverage == sch.Bound.Coverage && sch.Weight > sch.Bound.Weight+1e-9 {
			t.Fatalf("instance %d: %d/%g above the bound %+v", i, sch.Coverage, sch.Weight, sch.Bound)
		}
		prev := append([]Meeting(nil), sch.Meetings...)
		prev = append(prev, Meeting{Owner: "nobody", Partner: "p001", Slot: 0, Table: 1},
			Meeting{Owner: in.Owners[0].ID, Partner: in.Partners[0].ID, Slot: 99, Table: 1})
		after, _ := cancel(in, 0.2, 0.2, uint64(i))
		again, err := Resolve(after, prev)
		if err != nil {
			t.Fatalf("instance %d re-run: %v", i, err)
		}
		if err := Validate(after, again); err != nil {
			t.Fatalf("instance %d re-run: %v", i, err)
		}
	}
}

func TestSolveEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []*Instance{
		{Slots: 3, Tables: 2},
		{Slots: 3, Tables: 2, Owners: []Owner{{ID: "a"}}},
		{Slots: 3, Tables: 2, Owners: []Owner{{ID: "a"}}, Partners: []Partner{{ID: "p", Available: []int{}}},
			Wishes: []Wish{{"a", "p", 1}}},
	} {
		sch, err := Solve(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(sch.Meetings) != 0 || sch.Coverage != 0 || sch.Bound != (Bound{}) {
			t.Errorf("%+v: %+v", in, sch)
		}
		if err := Validate(in, sch); err != nil {
			t.Error(err)
		}
	}
}
