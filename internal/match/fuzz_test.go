package match

import (
	"encoding/json"
	"testing"
)

// FuzzSolve: any instance that passes Instance.Validate is solved, and the
// schedule passes Validate and stays within the bound; a re-run from it
// after the first partner leaves does too.
func FuzzSolve(f *testing.F) {
	seed, _ := json.Marshal(small())
	f.Add(seed)
	f.Add([]byte(`{"slots":2,"tables":1,"max_per_owner":1,"owners":[{"id":"a","available":[1]},{"id":"b"}],"partners":[{"id":"p","seats":2}],"wishes":[{"owner":"a","partner":"p","weight":1},{"owner":"b","partner":"p","weight":2}],"locked":[{"owner":"b","partner":"p","slot":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in Instance
		if json.Unmarshal(data, &in) != nil || in.Validate() != nil ||
			len(in.Owners) > 40 || len(in.Partners) > 15 || len(in.Wishes) > 200 || in.Slots > 20 {
			return
		}
		sch, err := Solve(&in)
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(&in, sch); err != nil {
			t.Fatalf("invalid schedule: %v", err)
		}
		if sch.Coverage > sch.Bound.Coverage || sch.Coverage == sch.Bound.Coverage && sch.Weight > sch.Bound.Weight+1e-6 {
			t.Fatalf("schedule %d/%g above the bound %+v", sch.Coverage, sch.Weight, sch.Bound)
		}
		if len(in.Partners) == 0 {
			return
		}
		gone := in.Partners[0].ID
		after := in
		after.Partners = in.Partners[1:]
		after.Wishes, after.Vetoes, after.Locked = nil, nil, nil
		for _, w := range in.Wishes {
			if w.Partner != gone {
				after.Wishes = append(after.Wishes, w)
			}
		}
		for _, v := range in.Vetoes {
			if v.Partner != gone {
				after.Vetoes = append(after.Vetoes, v)
			}
		}
		for _, l := range in.Locked {
			if l.Partner != gone {
				after.Locked = append(after.Locked, l)
			}
		}
		if after.Validate() != nil {
			return
		}
		again, err := Resolve(&after, sch.Meetings)
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(&after, again); err != nil {
			t.Fatalf("invalid re-run: %v", err)
		}
	})
}
