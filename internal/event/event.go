// Package event is the domain of Jejaring's events: seminars, business
// matchmaking sessions (temu bisnis), trainings and expos; the invitations
// sent for them, the RSVP rules (capacity, per-business limit, waitlist,
// deadline), the reminder schedule, check-in codes, the .ics calendar file and
// the QR image of a check-in code, and the texts of every notice in Bahasa
// Indonesia and English, in the contact's language (words.go). A notice is
// a plain Notice (text, choices as label and value, attachments) that names
// no platform; outbox.NoticePayload turns it into what a channel sends. It
// does no SQL and no I/O and imports nothing of Jejaring: internal/store
// implements the repository, internal/outbox sends,
// internal/actions/eventactions wires the flows to both.
//
// Times are stored in UTC and shown in Asia/Jakarta (WIB, UTC+7, no daylight
// saving). Capacity counts people, not businesses: an invitation answered
// "Hadir" with a party of 3 takes 3 seats. When the seats are gone, "Hadir"
// joins the waitlist; a freed seat goes to the earliest waiting invitation
// whose party fits (first come, first served among those that fit), so a big
// party at the head of the list does not keep smaller ones waiting for
// nothing.
package event

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Kind is what sort of event it is.
type Kind string

// Event kinds.
const (
	Seminar    Kind = "seminar"
	TemuBisnis Kind = "temu_bisnis" // business matchmaking
	Pelatihan  Kind = "pelatihan"   // training
	Pameran    Kind = "pameran"     // expo
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Seminar, TemuBisnis, Pelatihan, Pameran}

// Label is the kind as people say it.
func (k Kind) Label() string {
	switch k {
	case Seminar:
		return "Seminar"
	case TemuBisnis:
		return "Temu Bisnis"
	case Pelatihan:
		return "Pelatihan"
	case Pameran:
		return "Pameran"
	}
	return string(k)
}

// ParseKind accepts a kind's code or its label in either language.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.TrimSpace(s))) {
	case "seminar":
		return Seminar, nil
	case "temubisnis", "matchmaking", "businessmatching", "businessmatchmaking":
		return TemuBisnis, nil
	case "pelatihan", "training":
		return Pelatihan, nil
	case "pameran", "expo":
		return Pameran, nil
	}
	return "", fmt.Errorf("%w: unknown event kind %q (seminar, temu_bisnis, pelatihan, pameran)", ErrInvalid, s)
}

// Status is where an event is in its life.
type Status string

// Event statuses. Changed is a published event whose time or venue moved
// after invitations went out; it still takes RSVPs.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Changed   Status = "changed"
	Cancelled Status = "cancelled"
)

// Open reports whether the event takes RSVPs in principle.
func (s Status) Open() bool { return s == Published || s == Changed }

// Errors of the event domain. Callers test them with errors.Is; the message
// wrapped around them is for staff.
var (
	ErrInvalid         = errors.New("invalid event")
	ErrNotFound        = errors.New("not found")
	ErrDeadlinePassed  = errors.New("rsvp deadline passed")
	ErrClosed          = errors.New("event not open for rsvp")
	ErrPartyTooBig     = errors.New("party larger than the event allows")
	ErrNotPublished    = errors.New("event is not published")
	ErrAlreadyCheckin  = errors.New("already checked in")
	ErrNotAttending    = errors.New("invitation is not a confirmed attendee")
	ErrBadCheckinCode  = errors.New("unknown check-in code")
	ErrAlreadyFinished = errors.New("event already started")
)

// Event is one seminar, matchmaking session, training or expo.
type Event struct {
	ID           int64     `json:"id" db:"id"`
	Title        string    `json:"title" db:"title"`
	Kind         Kind      `json:"kind" db:"kind"`
	Description  string    `json:"description" db:"description"`
	Venue        string    `json:"venue" db:"venue"`
	MapURL       string    `json:"map_url" db:"map_url"`
	StartsAt     time.Time `json:"starts_at" db:"starts_at"`
	EndsAt       time.Time `json:"ends_at" db:"ends_at"`
	Capacity     int       `json:"capacity" db:"capacity"`   // people; 0 = no limit
	MaxParty     int       `json:"max_party" db:"max_party"` // people per business, ≥ 1
	RSVPDeadline time.Time `json:"rsvp_deadline"`            // zero: until the start
	Segment      Segment   `json:"segment"`
	Status       Status    `json:"status" db:"status"`
	CreatedBy    string    `json:"created_by" db:"created_by"`
	CreatedAt    time.Time `json:"created_at" db:"created_at"`
	UpdatedAt    time.Time `json:"updated_at" db:"updated_at"`
}

// Validate checks an event before it is saved.
func (e *Event) Validate() error {
	var probs []string
	if strings.TrimSpace(e.Title) == "" {
		probs = append(probs, "title is empty")
	}
	if _, err := ParseKind(string(e.Kind)); err != nil {
		probs = append(probs, fmt.Sprintf("kind %q is not one of seminar, temu_bisnis, pelatihan, pameran", e.Kind))
	}
	if e.StartsAt.IsZero() {
		probs = append(probs, "start time is missing")
	}
	if !e.EndsAt.After(e.StartsAt) {
		probs = append(probs, "end must be after start")
	}
	if e.Capacity < 0 {
		probs = append(probs, "capacity is negative")
	}
	if e.MaxParty < 1 {
		probs = append(probs, "max party per business must be at least 1")
	}
	if e.Capacity > 0 && e.MaxParty > e.Capacity {
		probs = append(probs, "max party is larger than the capacity")
	}
	if !e.RSVPDeadline.IsZero() && e.RSVPDeadline.After(e.StartsAt) {
		probs = append(probs, "RSVP deadline is after the start")
	}
	if e.MapURL != "" {
		if u, err := url.Parse(e.MapURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			probs = append(probs, "map link must be an http(s) URL")
		}
	}
	switch e.Status {
	case "", Draft, Published, Changed, Cancelled:
	default:
		probs = append(probs, fmt.Sprintf("status %q unknown", e.Status))
	}
	if err := e.Segment.Validate(); err != nil {
		probs = append(probs, err.Error())
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// Deadline is when RSVP changes stop: the RSVP deadline, or the start.
func (e *Event) Deadline() time.Time {
	if !e.RSVPDeadline.IsZero() {
		return e.RSVPDeadline
	}
	return e.StartsAt
}

// Segment chooses the audience of a broadcast. Empty fields match everyone.
// It is matched against contacts joined with their businesses.
type Segment struct {
	RegionCodes     []string  `json:"region_codes,omitempty"`  // kecamatan codes, e.g. 13.01.07
	SizeClasses     []string  `json:"size_classes,omitempty"`  // mikro, kecil, menengah
	KBLISections    []string  `json:"kbli_sections,omitempty"` // A..V
	Tags            []string  `json:"tags,omitempty"`          // any of these tags
	VerifiedOnly    bool      `json:"verified_only,omitempty"`
	RegisteredSince time.Time `json:"registered_since,omitzero"`
	Channels        []string  `json:"channels,omitempty"` // telegram, whatsapp, webchat
}

// Validate checks the segment's values.
func (s Segment) Validate() error {
	for _, c := range s.SizeClasses {
		switch c {
		case "mikro", "kecil", "menengah", "besar":
		default:
			return fmt.Errorf("segment: size class %q is not mikro, kecil, menengah or besar", c)
		}
	}
	for _, c := range s.KBLISections {
		if len(c) != 1 || c[0] < 'A' || c[0] > 'V' {
			return fmt.Errorf("segment: KBLI section %q is not a letter A-V", c)
		}
	}
	for _, c := range s.Channels {
		switch c {
		case "telegram", "whatsapp", "webchat":
		default:
			return fmt.Errorf("segment: channel %q unknown", c)
		}
	}
	return nil
}

// Describe says in Indonesian who the segment reaches.
func (s Segment) Describe() string {
	var parts []string
	if len(s.RegionCodes) > 0 {
		parts = append(parts, "kecamatan "+strings.Join(s.RegionCodes, ", "))
	}
	if len(s.SizeClasses) > 0 {
		parts = append(parts, "usaha "+strings.Join(s.SizeClasses, "/"))
	}
	if len(s.KBLISections) > 0 {
		parts = append(parts, "sektor KBLI "+strings.Join(s.KBLISections, ", "))
	}
	if len(s.Tags) > 0 {
		parts = append(parts, "tag "+strings.Join(s.Tags, ", "))
	}
	if s.VerifiedOnly {
		parts = append(parts, "sudah diverifikasi")
	}
	if !s.RegisteredSince.IsZero() {
		parts = append(parts, "terdaftar sejak "+FormatDate(s.RegisteredSince))
	}
	if len(s.Channels) > 0 {
		parts = append(parts, "lewat "+strings.Join(s.Channels, ", "))
	}
	if len(parts) == 0 {
		return "semua UMKM terdaftar"
	}
	return strings.Join(parts, "; ")
}
