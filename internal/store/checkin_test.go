package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"jejaring/internal/event"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestCheckInScan: a scan sent again with its id gets the first answer and
// counts once; a new scan of the same code is refused with the first time;
// unknown and declined codes are told apart; the attendance per kecamatan
// agrees with the invitations.
func TestCheckInScan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := store.NewEventRepo(db)
		owners := addOwners(t, db, 4, 0) // regions 13.01.01, .02, .03, .01
		ev := newEvent(t, r, 0, 3)
		if _, err := r.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, t0); err != nil {
			t.Fatal(err)
		}
		tok := tokens(t, db, ev.ID)
		codes := map[int64]string{}
		for i, o := range owners {
			req := event.Request{Answer: event.Going, PartySize: 1 + i%3}
			if i == 2 {
				req = event.Request{Answer: event.Declined}
			}
			res, err := r.Answer(ctx, tok[o.id], req, t0)
			if err != nil {
				t.Fatal(err)
			}
			codes[o.id] = res.Invitation.CheckinCode
		}
		at := ev.StartsAt.Add(5 * time.Minute)
		first, err := r.CheckInScan(ctx, ev.ID, "scan-0001-aaaa", "jjr-"+codes[owners[1].id], "staff:rina", at)
		if err != nil || first.Outcome != store.ScanOK || first.Replayed || first.Name != "Ibu 1" || first.PartySize != 2 || !first.CheckedInAt.Equal(at) {
			t.Fatalf("first scan: %+v %v", first, err)
		}
		// The same scan again, many times at once (the phone retrying):
		// the first answer each time, one check-in.
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				again, err := r.CheckInScan(ctx, ev.ID, "scan-0001-aaaa", codes[owners[1].id], "staff:rina", at.Add(time.Minute))
				if err == nil && (again.Outcome != store.ScanOK || !again.Replayed || again.Name != "Ibu 1" || !again.CheckedInAt.Equal(at)) {
					err = errors.New("replay answered " + again.Outcome)
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("replayed scan: %v", err)
			}
		}
		second, err := r.CheckInScan(ctx, ev.ID, "scan-0002-bbbb", codes[owners[1].id], "staff:dedi", at.Add(10*time.Minute))
		if err != nil || second.Outcome != store.ScanAlready || second.Replayed || !second.CheckedInAt.Equal(at) || second.CheckedInBy != "staff:rina" {
			t.Fatalf("second scan of the code: %+v %v", second, err)
		}
		if res, err := r.CheckInScan(ctx, ev.ID, "scan-0003-cccc", "ZZZZZZ", "staff:rina", at); err != nil || res.Outcome != store.ScanUnknown {
			t.Fatalf("unknown code: %+v %v", res, err)
		}
		if res, err := r.CheckInScan(ctx, ev.ID, "scan-0003-cccc", "ZZZZZZ", "staff:rina", at); err != nil || res.Outcome != store.ScanUnknown || !res.Replayed {
			t.Fatalf("unknown code replayed: %+v %v", res, err)
		}
		if res, err := r.CheckInScan(ctx, ev.ID, "scan-0004-dddd", codes[owners[2].id], "staff:rina", at); err != nil || res.Outcome != store.ScanNotAttending || res.Status != event.Declined {
			t.Fatalf("declined code: %+v %v", res, err)
		}
		if _, err := r.CheckInScan(ctx, ev.ID, "short", codes[owners[0].id], "staff:rina", at); !errors.Is(err, store.ErrBadScanID) {
			t.Fatalf("short scan id: %v", err)
		}
		if res, err := r.CheckInScan(ctx, ev.ID, "scan-0005-eeee", codes[owners[3].id], "staff:rina", at); err != nil || res.Outcome != store.ScanOK {
			t.Fatalf("owner 3: %+v %v", res, err)
		}
		att, err := r.Attendance(ctx, ev.ID)
		if err != nil || att.CheckedIn != 2 || att.Going != 3 || att.NoShow != 1 {
			t.Fatalf("attendance %+v %v", att, err)
		}
		regions, err := r.AttendanceByRegion(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.RegionAttendance{
			{RegionCode: "13.01.01", Going: 2, Seats: 1 + 1, CheckedIn: 1, People: 1, NoShow: 1},
			{RegionCode: "13.01.02", Going: 1, Seats: 2, CheckedIn: 1, People: 2},
		}
		if len(regions) != len(want) || regions[0] != want[0] || regions[1] != want[1] {
			t.Fatalf("by region: %+v, want %+v", regions, want)
		}
		found, err := r.FindAttendees(ctx, ev.ID, "ibu 1", 10)
		if err != nil || len(found) != 1 || found[0].Name != "Ibu 1" || found[0].Business != "Usaha 1" || !found[0].CheckedInAt.Equal(at) || found[0].RegionCode != "13.01.02" {
			t.Fatalf("find by name: %+v %v", found, err)
		}
		found, err = r.FindAttendees(ctx, ev.ID, "usaha", 10)
		if err != nil || len(found) != 4 || found[len(found)-1].Status != event.Declined {
			t.Fatalf("find by business: %+v %v", found, err)
		}
		found, err = r.FindAttendees(ctx, ev.ID, codes[owners[0].id], 10)
		if err != nil || len(found) != 1 || found[0].Name != "Ibu 0" {
			t.Fatalf("find by code: %+v %v", found, err)
		}
		if found, err := r.FindAttendees(ctx, ev.ID, "100%", 10); err != nil || len(found) != 0 {
			t.Fatalf("find 100%%: %+v %v", found, err)
		}
	})
}
