package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/event"
)

// Outcomes of a scan at the door.
const (
	ScanOK           = "ok"            // checked in now
	ScanAlready      = "already"       // checked in before (CheckedInAt is the first time)
	ScanUnknown      = "unknown"       // no such code for the event
	ScanNotAttending = "not_attending" // invited, but not answered Hadir with a seat
)

// ErrBadScanID is a scan id that is empty or too long.
var ErrBadScanID = errors.New("scan id must be 8 to 64 characters")

// ScanResult is the answer to one scan at the door.
type ScanResult struct {
	Outcome string
	// Replayed: the scan id was seen before, and this is the first answer
	// again (a phone that lost the answer sent the scan once more).
	Replayed     bool
	Code         string
	InvitationID int64
	Name         string
	PartySize    int
	Status       event.Answer
	CheckedInAt  time.Time // the (first) check-in, for ok and already
	CheckedInBy  string
}

// CheckInScan checks in the attendee with code, once per scanID: the door
// page gives every scan its own id and sends it again until it has an
// answer, so a scan sent twice (the answer lost on a bad connection) gets
// the first answer back, marked Replayed, and is counted once. A second
// scan of the same code (a new id) is ScanAlready with the first time.
func (r *EventRepo) CheckInScan(ctx context.Context, eventID int64, scanID, code, by string, now time.Time) (ScanResult, error) {
	scanID = strings.TrimSpace(scanID)
	if len(scanID) < 8 || len(scanID) > 64 {
		return ScanResult{}, ErrBadScanID
	}
	code = event.NormalizeCode(code)
	var out ScanResult
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		// Claim the id first: a concurrent request with the same id waits
		// here for this one to commit, then finds its row.
		res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO checkin_scans (scan_id, event_id, code, outcome, scanned_by, created_at)
 VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (scan_id) DO NOTHING`), scanID, eventID, code, by, now.UTC())
		if err != nil {
			return fmt.Errorf("record scan: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record scan: %w", err)
		} else if n == 0 {
			out, err = r.replayScan(ctx, tx, eventID, scanID)
			return err
		}
		inv, name, err := r.checkInTx(ctx, tx, eventID, code, by, now)
		out = ScanResult{Code: code, Name: name}
		switch {
		case errors.Is(err, event.ErrBadCheckinCode):
			out.Outcome = ScanUnknown
		case errors.Is(err, event.ErrAlreadyCheckin):
			out.Outcome = ScanAlready
		case errors.Is(err, event.ErrNotAttending):
			out.Outcome = ScanNotAttending
		case err != nil:
			return err
		default:
			out.Outcome = ScanOK
		}
		var invID any
		if inv != nil {
			out.fill(inv)
			invID = inv.ID
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE checkin_scans SET outcome = ?, invitation_id = ? WHERE scan_id = ?`), out.Outcome, invID, scanID); err != nil {
			return fmt.Errorf("record scan: %w", err)
		}
		return nil
	})
	return out, err
}

func (s *ScanResult) fill(inv *event.Invitation) {
	s.InvitationID, s.Code, s.Status = inv.ID, inv.CheckinCode, inv.Status
	s.PartySize = max(inv.PartySize, 1)
	s.CheckedInAt, s.CheckedInBy = inv.CheckedInAt, inv.CheckedInBy
}

// replayScan is the first answer to scanID again.
func (r *EventRepo) replayScan(ctx context.Context, tx *sqlx.Tx, eventID int64, scanID string) (ScanResult, error) {
	var ev int64
	var code, outcome string
	var invID sql.NullInt64
	if err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT event_id, code, outcome, invitation_id FROM checkin_scans WHERE scan_id = ?`), scanID).
		Scan(&ev, &code, &outcome, &invID); err != nil {
		return ScanResult{}, fmt.Errorf("load scan: %w", notFound(err, ErrBadScanID))
	}
	if ev != eventID {
		return ScanResult{}, fmt.Errorf("scan %s was for another event: %w", scanID, ErrBadScanID)
	}
	out := ScanResult{Outcome: outcome, Replayed: true, Code: code}
	if !invID.Valid {
		return out, nil
	}
	inv, err := scanInvitation(tx.QueryRowxContext(ctx, tx.Rebind(`SELECT `+invCols+` FROM invitations i WHERE i.id = ?`), invID.Int64))
	if err != nil {
		return ScanResult{}, fmt.Errorf("load scanned invitation: %w", notFound(err, event.ErrNotFound))
	}
	out.fill(inv)
	ci, err := r.contactInfo(ctx, tx, inv.ContactID)
	if err != nil {
		return ScanResult{}, err
	}
	out.Name = ci.Name
	return out, nil
}

// Attendee is one invitation as the door sees it.
type Attendee struct {
	InvitationID int64
	Code         string
	Name         string // the owner's name, else the chat's display name
	Business     string
	RegionCode   string // kecamatan of the contact's first business
	Status       event.Answer
	PartySize    int
	CheckedInAt  time.Time
}

// attendeeFrom joins each invitation to its contact and the contact's
// first business (one index look-up per row, then the primary key).
const attendeeFrom = ` FROM invitations i JOIN contacts c ON c.id = i.contact_id
 LEFT JOIN businesses b ON b.id = (SELECT MIN(b2.id) FROM businesses b2 WHERE b2.contact_id = c.id AND b2.deleted_at IS NULL)`

const (
	attendeeName = `COALESCE(NULLIF(b.owner_name, ''), c.display_name)`
	attendeeCols = `i.id, i.checkin_code, i.status, i.party_size, i.checked_in_at, ` + attendeeName + `, COALESCE(b.name, ''), COALESCE(b.region_code, '')`
)

func scanAttendees(rows *sqlx.Rows) ([]Attendee, error) {
	defer rows.Close()
	var out []Attendee
	for rows.Next() {
		var a Attendee
		var status string
		var at sql.NullTime
		if err := rows.Scan(&a.InvitationID, &a.Code, &status, &a.PartySize, &at, &a.Name, &a.Business, &a.RegionCode); err != nil {
			return nil, fmt.Errorf("read attendee: %w", err)
		}
		a.Status, a.CheckedInAt = event.Answer(status), at.Time
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindAttendees lists up to limit invitations of the event whose owner,
// chat name or business contains q (any case), or whose code is q; those
// who answered Hadir first, then by name.
func (r *EventRepo) FindAttendees(ctx context.Context, eventID int64, q string, limit int) ([]Attendee, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil, nil
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+attendeeCols+attendeeFrom+`
 WHERE i.event_id = ? AND (LOWER(`+attendeeName+`) LIKE ? ESCAPE '\' OR LOWER(COALESCE(b.name, '')) LIKE ? ESCAPE '\' OR i.checkin_code = ?)
 ORDER BY CASE WHEN i.status = 'going' THEN 0 ELSE 1 END, 6, i.id LIMIT ?`), eventID, like, like, event.NormalizeCode(q), limit)
	if err != nil {
		return nil, fmt.Errorf("find attendees: %w", err)
	}
	return scanAttendees(rows)
}

// Attendees lists every invitation of the event answered Hadir, and every
// one checked in, by name.
func (r *EventRepo) Attendees(ctx context.Context, eventID int64) ([]Attendee, error) {
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT `+attendeeCols+attendeeFrom+`
 WHERE i.event_id = ? AND (i.status = 'going' OR i.checked_in_at IS NOT NULL) ORDER BY i.id`), eventID)
	if err != nil {
		return nil, fmt.Errorf("attendees: %w", err)
	}
	return scanAttendees(rows)
}

// RegionAttendance is attendance in one kecamatan ("" for owners without a
// business record).
type RegionAttendance struct {
	RegionCode string
	// Going: businesses answered Hadir with a seat; Seats: their people.
	Going, Seats int
	// CheckedIn: businesses checked in; People: their party sizes.
	CheckedIn, People int
	// NoShow: answered Hadir, not checked in.
	NoShow int
}

// AttendanceByRegion counts, per kecamatan of the owner's first business,
// who said Hadir, who came and who did not; sorted by region code.
func (r *EventRepo) AttendanceByRegion(ctx context.Context, eventID int64) ([]RegionAttendance, error) {
	as, err := r.Attendees(ctx, eventID)
	if err != nil {
		return nil, err
	}
	by := map[string]*RegionAttendance{}
	var codes []string
	for _, a := range as {
		ra := by[a.RegionCode]
		if ra == nil {
			ra = &RegionAttendance{RegionCode: a.RegionCode}
			by[a.RegionCode] = ra
			codes = append(codes, a.RegionCode)
		}
		party := max(a.PartySize, 1)
		if a.Status == event.Going {
			ra.Going++
			ra.Seats += party
			if a.CheckedInAt.IsZero() {
				ra.NoShow++
			}
		}
		if !a.CheckedInAt.IsZero() {
			ra.CheckedIn++
			ra.People += party
		}
	}
	slices.Sort(codes)
	out := make([]RegionAttendance, 0, len(codes))
	for _, c := range codes {
		out = append(out, *by[c])
	}
	return out, nil
}
