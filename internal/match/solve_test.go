package match

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// small is a fair with one of everything: two slots, two tables, a partner
// with two seats, a veto, an owner away in slot 1.
func small() *Instance {
	return &Instance{
		Slots: 2, Tables: 2, MaxPerOwner: 2,
		Owners: []Owner{
			{ID: "u1"},
			{ID: "u2", Available: []int{0}},
			{ID: "u3"},
		},
		Partners: []Partner{
			{ID: "bank", Seats: 2},
			{ID: "buyer", Seats: 1},
		},
		Wishes: []Wish{
			{Owner: "u1", Partner: "bank", Weight: 4},
			{Owner: "u1", Partner: "buyer", Weight: 2},
			{Owner: "u2", Partner: "buyer", Weight: 5},
			{Owner: "u3", Partner: "bank", Weight: 1},
			{Owner: "u3", Partner: "buyer", Weight: 3},
		},
		Vetoes: []Pair{{Owner: "u3", Partner: "buyer"}},
	}
}

func TestSolveSmall(t *testing.T) {
	t.Parallel()
	in := small()
	sch, err := Solve(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(in, sch); err != nil {
		t.Fatal(err)
	}
	// u2 can only meet the buyer in slot 0; u1 then meets the bank and the
	// buyer in slot 1; u3 the bank (its buyer wish is vetoed).
	want := []Meeting{
		{Owner: "u1", Partner: "bank", Slot: 0, Table: 1},
		{Owner: "u2", Partner: "buyer", Slot: 0, Table: 2},
		{Owner: "u3", Partner: "bank", Slot: 1, Table: 1},
		{Owner: "u1", Partner: "buyer", Slot: 1, Table: 2},
	}
	if !reflect.DeepEqual(sch.Meetings, want) {
		t.Errorf("meetings\n%+v\nwant\n%+v", sch.Meetings, want)
	}
	if sch.Coverage != 3 || sch.Weight != 12 || sch.Bound != (Bound{3, 12}) || sch.Gaps != 0 {
		t.Errorf("coverage %d weight %g bound %+v gaps %d, want 3, 12, {3 12}, 0", sch.Coverage, sch.Weight, sch.Bound, sch.Gaps)
	}
}

// TestBoundCapacities: the relaxation counts a partner's capacity as
// min(seats, tables) over the slots they share with someone who wishes to
// meet them, and an owner's as the slots they share with a wished partner.
func TestBoundCapacities(t *testing.T) {
	t.Parallel()
	// p has two seats but there is one table, in the one slot a and b share
	// with p: one of them, plus c with q.
	in := &Instance{
		Slots: 2, Tables: 1,
		Owners:   []Owner{{ID: "a", Available: []int{0}}, {ID: "b", Available: []int{0}}, {ID: "c", Available: []int{1}}},
		Partners: []Partner{{ID: "p", Seats: 2, Available: []int{0}}, {ID: "q"}},
		Wishes:   []Wish{{"a", "p", 1}, {"b", "p", 2}, {"c", "q", 1}},
	}
	b, err := Relax(in)
	if err != nil {
		t.Fatal(err)
	}
	if b != (Bound{Coverage: 2, Weight: 3}) {
		t.Errorf("bound %+v, want {2 3}", b)
	}
	if sch, _ := Solve(in); sch.Coverage != 2 || sch.Weight != 3 {
		t.Errorf("coverage %d weight %g, want 2, 3", sch.Coverage, sch.Weight)
	}
	// two tables: both seats of p are used
	in.Tables = 2
	if sch, _ := Solve(in); sch.Coverage != 3 || sch.Bound != (Bound{3, 4}) {
		t.Errorf("two tables: coverage %d bound %+v, want 3, {3 4}", sch.Coverage, sch.Bound)
	}
	// p free in both slots with one seat, but a and b only in slot 0: p's
	// capacity counts slot 0 alone, so the bound is 1 meeting, not 2.
	in = &Instance{
		Slots: 2, Tables: 2,
		Owners:   []Owner{{ID: "a", Available: []int{0}}, {ID: "b", Available: []int{0}}},
		Partners: []Partner{{ID: "p"}},
		Wishes:   []Wish{{"a", "p", 1}, {"b", "p", 2}},
	}
	if sch, _ := Solve(in); sch.Coverage != 1 || sch.Bound != (Bound{1, 2}) {
		t.Errorf("coverage %d bound %+v, want 1, {1 2}", sch.Coverage, sch.Bound)
	}
}

// TestBoundNotTight: what the relaxation drops. u wants q and r (weight 5
// each), both there only in slot 0, and p (1) in slot 1; u may have two
// meetings. The relaxation gives u both q and r in slot 0 (10); a real
// schedule has one of them and p (6).
func TestBoundNotTight(t *testing.T) {
	t.Parallel()
	in := &Instance{Slots: 2, Tables: 3, MaxPerOwner: 2,
		Owners:   []Owner{{ID: "u"}},
		Partners: []Partner{{ID: "p", Available: []int{1}}, {ID: "q", Available: []int{0}}, {ID: "r", Available: []int{0}}},
		Wishes:   []Wish{{"u", "p", 1}, {"u", "q", 5}, {"u", "r", 5}},
	}
	sch, err := Solve(in)
	if err != nil {
		t.Fatal(err)
	}
	if sch.Coverage != 1 || sch.Weight != 6 || sch.Bound != (Bound{1, 10}) {
		t.Errorf("coverage %d weight %g bound %+v, want 1, 6, {1 10}", sch.Coverage, sch.Weight, sch.Bound)
	}
}

func TestLockedKept(t *testing.T) {
	t.Parallel()
	in := small()
	// both bank meetings locked in slot 0, where u2 must meet the buyer:
	// with two tables u2 is left out (the locks win), with three all meet.
	in.Locked = []Lock{{Owner: "u3", Partner: "bank", Slot: 0}, {Owner: "u1", Partner: "bank", Slot: 0}}
	sch, err := Solve(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(in, sch); err != nil {
		t.Fatal(err)
	}
	// the bound sees that slot 0 is full too
	if sch.Coverage != 2 || sch.Weight != 7 || sch.Bound != (Bound{2, 7}) {
		t.Errorf("two tables: coverage %d weight %g bound %+v, want 2, 7 (u1 meets the buyer in slot 1), {2 7}", sch.Coverage, sch.Weight, sch.Bound)
	}
	in.Tables = 3
	sch, err = Solve(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(in, sch); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range sch.Meetings {
		if m.Partner == "bank" {
			got = append(got, m.Owner)
			if m.Slot != 0 {
				t.Errorf("locked %s–bank moved to slot %d", m.Owner, m.Slot)
			}
		}
	}
	if len(got) != 2 {
		t.Errorf("bank meetings %v, want both locks", got)
	}
	// u1 is in slot 0 with the bank, so the buyer meets u2 in slot 0 (third
	// table) and u1 in slot 1.
	if sch.Coverage != 3 || sch.Weight != 12 {
		t.Errorf("coverage %d weight %g", sch.Coverage, sch.Weight)
	}
}

func TestInstanceValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(*Instance)
		want   string
	}{
		{"no slots", func(in *Instance) { in.Slots = 0 }, "slots must be 1 to 200, not 0"},
		{"too many slots", func(in *Instance) { in.Slots = 1200 }, "slots must be 1 to 200, not 1200"},
		{"no tables", func(in *Instance) { in.Tables = 0 }, "tables must be 1 to 5000, not 0"},
		{"too many tables", func(in *Instance) { in.Tables = 50000 }, "tables must be 1 to 5000"},
		{"negative cap", func(in *Instance) { in.MaxPerOwner = -1 }, "max_per_owner must not be negative"},
		{"owner twice", func(in *Instance) { in.Owners = append(in.Owners, Owner{ID: "u1"}) }, `owner "u1" listed twice`},
		{"owner no id", func(in *Instance) { in.Owners[0].ID = "" }, "owner #1 has no id"},
		{"partner twice", func(in *Instance) { in.Partners = append(in.Partners, Partner{ID: "bank"}) }, `partner "bank" listed twice`},
		{"negative seats", func(in *Instance) { in.Partners[0].Seats = -2 }, "seats must not be negative"},
		{"slot out of range", func(in *Instance) { in.Owners[0].Available = []int{0, 2} }, "available slot 2 is outside 0..1"},
		{"slot twice", func(in *Instance) { in.Partners[1].Available = []int{1, 1} }, "available slot 1 listed twice"},
		{"unknown owner in wish", func(in *Instance) { in.Wishes[0].Owner = "x" }, `wish: unknown owner "x"`},
		{"unknown partner in veto", func(in *Instance) { in.Vetoes[0].Partner = "y" }, `veto: unknown partner "y"`},
		{"zero weight", func(in *Instance) { in.Wishes[0].Weight = 0 }, "weight must be a positive number"},
		{"huge weight", func(in *Instance) { in.Wishes[0].Weight = 1e7 }, "weight must be a positive number"},
		{"wish twice", func(in *Instance) { in.Wishes = append(in.Wishes, in.Wishes[0]) }, "listed twice (sum the weights"},
		{"lock vetoed", func(in *Instance) { in.Locked = []Lock{{"u3", "buyer", 0}} }, "the pair is vetoed"},
		{"lock unwished", func(in *Instance) { in.Locked = []Lock{{"u2", "bank", 0}} }, "the pair is not wished"},
		{"lock away", func(in *Instance) { in.Locked = []Lock{{"u2", "buyer", 1}} }, "the owner is not available then"},
		{"lock slot", func(in *Instance) { in.Locked = []Lock{{"u2", "buyer", 5}} }, "slot outside 0..1"},
		{"lock twice", func(in *Instance) { in.Locked = []Lock{{"u1", "bank", 0}, {"u1", "bank", 1}} }, "already locked"},
		{"locks clash for owner", func(in *Instance) { in.Locked = []Lock{{"u1", "bank", 0}, {"u1", "buyer", 0}} }, "another locked meeting then"},
		{"locks beyond seats", func(in *Instance) { in.Locked = []Lock{{"u1", "buyer", 0}, {"u2", "buyer", 0}} }, "more locked meetings then than seats (1)"},
		{"locks beyond tables", func(in *Instance) {
			in.Tables = 1
			in.Locked = []Lock{{"u1", "bank", 0}, {"u2", "buyer", 0}}
		}, "more locked meetings in the slot than tables (1)"},
		{"locks beyond cap", func(in *Instance) {
			in.MaxPerOwner = 1
			in.Locked = []Lock{{"u1", "bank", 0}, {"u1", "buyer", 1}}
		}, "more locked meetings than max_per_owner (1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := small()
			tc.change(in)
			err := in.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if _, err := Solve(in); err == nil {
				t.Error("Solve accepted the instance")
			}
		})
	}
	if err := small().Validate(); err != nil {
		t.Errorf("the small instance is refused: %v", err)
	}
}

// TestValidateSchedule breaks a valid schedule one constraint at a time;
// Validate names each break.
func TestValidateSchedule(t *testing.T) {
	t.Parallel()
	valid := func() *Schedule {
		return &Schedule{
			Meetings: []Meeting{
				{Owner: "u1", Partner: "bank", Slot: 0, Table: 1},
				{Owner: "u2", Partner: "buyer", Slot: 0, Table: 2},
				{Owner: "u1", Partner: "buyer", Slot: 1, Table: 2},
				{Owner: "u3", Partner: "bank", Slot: 1, Table: 1},
			},
			Coverage: 3, Weight: 12,
		}
	}
	add := func(m Meeting, cov int, w float64) func(*Instance, *Schedule) {
		return func(_ *Instance, s *Schedule) {
			s.Meetings = append(s.Meetings, m)
			s.Coverage += cov
			s.Weight += w
		}
	}
	for _, tc := range []struct {
		name   string
		change func(*Instance, *Schedule)
		want   string
	}{
		{"unknown owner", func(_ *Instance, s *Schedule) { s.Meetings[0].Owner = "zz" }, "unknown owner"},
		{"unknown partner", func(_ *Instance, s *Schedule) { s.Meetings[0].Partner = "zz" }, "unknown partner"},
		{"slot", func(_ *Instance, s *Schedule) { s.Meetings[0].Slot = 2 }, "no such slot (0..1)"},
		{"table 0", func(_ *Instance, s *Schedule) { s.Meetings[0].Table = 0 }, "no such table (1..2)"},
		{"table taken", func(_ *Instance, s *Schedule) { s.Meetings[1].Table = 1 }, "the table is taken by meeting 1"},
		{"owner away", func(_ *Instance, s *Schedule) {
			s.Meetings[1].Slot = 1
			s.Meetings[2].Slot = 0
			s.Meetings[2].Table = 2
			s.Meetings[1].Table = 3
		}, "the owner is not available then"},
		{"partner away", func(in *Instance, _ *Schedule) { in.Partners[0].Available = []int{1} }, "the partner is not available then"},
		{"owner twice in a slot", func(in *Instance, s *Schedule) {
			s.Meetings[3] = Meeting{Owner: "u1", Partner: "bank", Slot: 1, Table: 1}
		}, "the owner already has meeting 3"},
		{"vetoed pair", func(in *Instance, s *Schedule) {
			in.Tables = 3
			s.Meetings = append(s.Meetings, Meeting{Owner: "u3", Partner: "buyer", Slot: 1, Table: 3})
		}, "the pair is vetoed"},
		{"beyond cap", func(in *Instance, _ *Schedule) { in.MaxPerOwner = 1 }, "more than max_per_owner (1)"},
		{"table beyond", add(Meeting{Owner: "u2", Partner: "bank", Slot: 0, Table: 3}, 0, 0), "no such table (1..2)"},
		{"unwished pair", func(in *Instance, s *Schedule) {
			in.Tables = 3
			s.Meetings = append(s.Meetings, Meeting{Owner: "u2", Partner: "bank", Slot: 0, Table: 3})
		}, "the pair is not wished"},
		{"pair twice", func(in *Instance, s *Schedule) {
			in.Tables = 3
			in.Partners[0].Seats = 3
			s.Meetings = append(s.Meetings, Meeting{Owner: "u3", Partner: "bank", Slot: 0, Table: 3})
		}, "the pair already meets"},
		{"lock missing", func(in *Instance, _ *Schedule) { in.Locked = []Lock{{"u1", "bank", 1}} }, "locked meeting u1–bank in slot 1 is missing"},
		{"coverage claim", func(_ *Instance, s *Schedule) { s.Coverage = 2 }, "coverage says 2 owners, the meetings cover 3"},
		{"weight claim", func(_ *Instance, s *Schedule) { s.Weight = 11 }, "weight says 11, the meetings weigh 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, s := small(), valid()
			tc.change(in, s)
			err := Validate(in, s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if err := Validate(small(), valid()); err != nil {
		t.Errorf("the valid schedule is refused: %v", err)
	}
}

// TestProblemsBilingual: every problem Validate and Instance.Validate
// report is a *Problem with its Indonesian and English text.
func TestProblemsBilingual(t *testing.T) {
	t.Parallel()
	in := small()
	in.Owners = append(in.Owners, Owner{ID: "u1"}, Owner{ID: "u9", Available: []int{7}})
	in.Wishes = append(in.Wishes, Wish{Owner: "zz", Partner: "bank", Weight: -1})
	bad := &Schedule{Meetings: []Meeting{
		{Owner: "u2", Partner: "buyer", Slot: 1, Table: 1},
		{Owner: "u2", Partner: "bank", Slot: 1, Table: 1},
		{Owner: "u3", Partner: "buyer", Slot: 3, Table: 9},
	}, Coverage: 7, Weight: 1}
	for name, err := range map[string]error{"instance": in.Validate(), "schedule": Validate(small(), bad)} {
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("%s: %v is not a joined error", name, err)
		}
		errs := joined.Unwrap()
		if len(errs) < 3 {
			t.Errorf("%s: only %d problems: %v", name, len(errs), err)
		}
		for _, e := range errs {
			p, ok := e.(*Problem)
			if !ok || p.ID == "" || p.EN == "" || p.ID == p.EN {
				t.Errorf("%s: %q is not a bilingual Problem", name, e)
			}
		}
	}
}

// TestValidatePartnerSeats: a partner with one seat in two meetings of one
// slot, each at its own table.
func TestValidatePartnerSeats(t *testing.T) {
	t.Parallel()
	in := small()
	in.Tables = 3
	s := &Schedule{Meetings: []Meeting{
		{Owner: "u1", Partner: "buyer", Slot: 0, Table: 1},
		{Owner: "u2", Partner: "buyer", Slot: 0, Table: 2},
	}, Coverage: 2, Weight: 7}
	err := Validate(in, s)
	if err == nil || !strings.Contains(err.Error(), "more meetings then than seats (1)") {
		t.Errorf("error %v", err)
	}
	in.Partners[1].Seats = 2
	if err := Validate(in, s); err != nil {
		t.Errorf("two seats: %v", err)
	}
}

// TestDeterministic: the same instance gives the same bytes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	in := generate(genConfig{"D", 120, 16, 10, 14}, 99)
	var first []byte
	for i := 0; i < 3; i++ {
		sch, err := Solve(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(in, sch); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sch)
		if i == 0 {
			first = b
		} else if string(b) != string(first) {
			t.Fatal("a second run gave another schedule")
		}
	}
}

// TestResolveKeepsAnnounced: a re-run with nothing changed keeps every
// meeting and table; after cancellations every meeting still possible
// stays in its slot at its table unless it moved to let more meet.
func TestResolveKeepsAnnounced(t *testing.T) {
	t.Parallel()
	in := generate(genConfig{"R", 60, 10, 8, 10}, 7)
	first, err := Solve(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Resolve(in, first.Meetings)
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed != 0 || !reflect.DeepEqual(again.Meetings, first.Meetings) {
		t.Errorf("re-run of an unchanged instance changed %d meetings", again.Changed)
	}
	after, cancelled := cancel(in, 0.1, 0.15, 7)
	sch, err := Resolve(after, first.Meetings)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(after, sch); err != nil {
		t.Fatal(err)
	}
	now := map[[2]string]Meeting{}
	for _, m := range sch.Meetings {
		now[[2]string{m.Owner, m.Partner}] = m
	}
	gone := map[string]bool{}
	for _, o := range in.Owners {
		gone[o.ID] = true
	}
	for _, p := range in.Partners {
		gone[p.ID] = true
	}
	for _, o := range after.Owners {
		delete(gone, o.ID)
	}
	for _, p := range after.Partners {
		delete(gone, p.ID)
	}
	moved, tableMoved := 0, 0
	for _, m := range first.Meetings {
		if gone[m.Owner] || gone[m.Partner] {
			continue
		}
		n, ok := now[[2]string{m.Owner, m.Partner}]
		switch {
		case !ok || n.Slot != m.Slot:
			moved++
		case n.Table != m.Table:
			tableMoved++
		}
	}
	if moved != sch.Changed {
		t.Errorf("Changed %d, counted %d", sch.Changed, moved)
	}
	if tableMoved != 0 {
		t.Errorf("%d kept meetings changed table", tableMoved)
	}
	if moved > 2*cancelled {
		t.Errorf("%d meetings moved for %d cancellations", moved, cancelled)
	}
	fresh, _ := Solve(after)
	if sch.Coverage < fresh.Coverage {
		t.Errorf("re-run covers %d, a fresh solve %d", sch.Coverage, fresh.Coverage)
	}
	t.Logf("%d cancellations (%v…), %d meetings moved", cancelled, sortedIDs(gone)[:3], moved)
}

// TestCompactness: p meets a (free in 0 or 5), b (1 or 5) and c (any slot);
// q meets c in 0 or 5. The fewest gaps (found by exhaustive search) need
// p's meetings side by side and c's two meetings next to each other.
func TestCompactness(t *testing.T) {
	t.Parallel()
	in := &Instance{Slots: 6, Tables: 3,
		Owners:   []Owner{{ID: "a", Available: []int{0, 5}}, {ID: "b", Available: []int{1, 5}}, {ID: "c"}},
		Partners: []Partner{{ID: "p"}, {ID: "q", Available: []int{0, 5}}},
		Wishes:   []Wish{{"a", "p", 1}, {"b", "p", 1}, {"c", "p", 1}, {"c", "q", 1}},
	}
	sch, err := Solve(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(in, sch); err != nil {
		t.Fatal(err)
	}
	if sch.Coverage != 3 || sch.Weight != 4 {
		t.Fatalf("coverage %d weight %g", sch.Coverage, sch.Weight)
	}
	m, _ := newModel(in)
	if opt := exhaustive(m); sch.Gaps != opt.minGaps {
		t.Errorf("gaps %d, fewest possible %d: %+v", sch.Gaps, opt.minGaps, sch.Meetings)
	}
}
