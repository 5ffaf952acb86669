package reach

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// The first-contact campaign: one WhatsApp message to each imported phone
// whose owner never wrote to us, only when staff start it. WhatsApp bans
// numbers that write in bulk to people with no chat history (docs/domain.md:
// restrictions reported after 15–20 such messages a day, new numbers
// needing days of warm-up), so the pace is deliberately slow: one message
// at a time, random gaps of many minutes, office hours only, a small cap
// on the first days growing to a daily cap, and a full stop at the first
// warning from the platform. Every message asks for a reply (KONFIRMASI
// <token>), so the owner's answer makes them a known contact.

// Campaign statuses.
const (
	CampaignRunning  = "running"
	CampaignStopped  = "stopped"  // by staff, or at a warning (StopReason says which)
	CampaignFinished = "finished" // nobody left to write to
)

// ErrCampaignRunning says a campaign is running already: one at a time.
var ErrCampaignRunning = errors.New("a first-contact campaign is running already")

// ErrNoCampaign says there is no running campaign.
var ErrNoCampaign = errors.New("no first-contact campaign is running")

// Pace is how fast a campaign may go.
type Pace struct {
	// DailyCap is the most first-contact messages a day once the number
	// is warmed up.
	DailyCap int
	// WarmUp are the caps of the campaign's first days (day 1 is the day
	// of its first message ever from this number); later days get
	// DailyCap. A cap above DailyCap is lowered to it.
	WarmUp []int
	// MinGap and MaxGap bound the random wait between two messages.
	MinGap, MaxGap time.Duration
	// FromHour and ToHour are the sending hours, WIB: from FromHour:00 up
	// to ToHour:00.
	FromHour, ToHour int
}

// DefaultPace: at most 15 a day after a warm-up of 3, 5, 8, 10 and 12,
// 8 to 30 minutes apart, 08:00–19:00 WIB. 645 owners take about 45 days
// at this pace: letters and posters are the main way, the campaign a help.
func DefaultPace() Pace {
	return Pace{DailyCap: 15, WarmUp: []int{3, 5, 8, 10, 12}, MinGap: 8 * time.Minute, MaxGap: 30 * time.Minute, FromHour: 8, ToHour: 19}
}

// MaxDailyCap is the highest daily cap staff may choose: above it the
// reported restrictions are near certain.
const MaxDailyCap = 40

// Validate reports a pace that cannot work or is reckless.
func (p Pace) Validate() error {
	var errs []error
	if p.DailyCap < 1 || p.DailyCap > MaxDailyCap {
		errs = append(errs, fmt.Errorf("daily cap must be 1 to %d, got %d", MaxDailyCap, p.DailyCap))
	}
	if p.MinGap < time.Minute || p.MaxGap < p.MinGap {
		errs = append(errs, fmt.Errorf("gaps must be at least 1m and max ≥ min, got %s–%s", p.MinGap, p.MaxGap))
	}
	if p.FromHour < 0 || p.ToHour > 24 || p.FromHour >= p.ToHour {
		errs = append(errs, fmt.Errorf("sending hours %d–%d are not a span of the day", p.FromHour, p.ToHour))
	}
	return errors.Join(errs...)
}

// CapOn is the cap of the campaign's day (1 = the first day).
func (p Pace) CapOn(day int) int {
	if day >= 1 && day <= len(p.WarmUp) {
		return min(p.WarmUp[day-1], p.DailyCap)
	}
	return p.DailyCap
}

// Outcome is what became of one campaign message so far (its outbox row).
type Outcome struct {
	Status    string // outbox status: pending, sending, sent, failed, skipped, expired, cancelled
	LastError string
}

// State is what a campaign step decides on.
type State struct {
	NextAt    time.Time // the earliest next message (the last random gap)
	SentToday int       // messages queued today (WIB)
	FirstDay  time.Time // the day of the first campaign message ever (zero: none yet)
	Outcomes  []Outcome // this campaign's messages
	Paused    bool      // the WhatsApp channel says it is paused (a ban) or cut off
	PauseNote string    // why, in its own words
}

// Open counts the messages not finished yet.
func (s State) Open() int {
	n := 0
	for _, o := range s.Outcomes {
		if o.Status == "pending" || o.Status == "sending" {
			n++
		}
	}
	return n
}

// StepKind is what a step does.
type StepKind int

// Step kinds.
const (
	Wait StepKind = iota // nothing now; look again at Until
	Send                 // queue the next message; the one after waits Gap
	Stop                 // stop the campaign: Reason
)

// Step is a campaign step's decision.
type Step struct {
	Kind   StepKind
	Until  time.Time
	Gap    time.Duration
	Reason string
}

// unknownRecipient is the error text of channel.ErrUnknownRecipient: the
// number is not on WhatsApp, which is no warning about ours.
const unknownRecipient = "unknown recipient"

// Warning is the first warning sign in the state, "" for none: the
// channel paused (a temporary ban, the device logged out), a recipient
// who blocked us, a message WhatsApp refused or asked us to retry
// (a rate limit, a transient error). Any of them stops the campaign.
func Warning(s State) string {
	if s.Paused {
		note := s.PauseNote
		if note == "" {
			note = "paused"
		}
		return "WhatsApp: " + note
	}
	for _, o := range s.Outcomes {
		e := strings.ToLower(o.LastError)
		switch {
		case o.Status == "skipped":
			// Campaign rows have no contact to stop or block: a skip
			// means no running Jejaring serves WhatsApp.
			return "WhatsApp is not running: " + o.LastError
		case e == "" || strings.Contains(e, unknownRecipient):
		case o.Status == "failed" && strings.Contains(e, "blocked"):
			return "a recipient blocked the number: " + o.LastError
		case o.Status == "failed":
			return "WhatsApp refused a message: " + o.LastError
		case o.Status == "pending" || o.Status == "sending":
			return "WhatsApp asked to wait or failed for now: " + o.LastError
		}
	}
	return ""
}

// Next decides the campaign's next step at now; r gives the random gap
// (nil: the global source).
func (p Pace) Next(s State, now time.Time, r *rand.Rand) Step {
	if w := Warning(s); w != "" {
		return Step{Kind: Stop, Reason: w}
	}
	if s.Open() > 0 {
		return Step{Kind: Wait, Until: now.Add(time.Minute)}
	}
	local := now.In(idn.WIB)
	day0 := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, idn.WIB)
	opens, closes := day0.Add(time.Duration(p.FromHour)*time.Hour), day0.Add(time.Duration(p.ToHour)*time.Hour)
	tomorrow := opens.AddDate(0, 0, 1)
	switch {
	case local.Before(opens):
		return Step{Kind: Wait, Until: opens}
	case !local.Before(closes):
		return Step{Kind: Wait, Until: tomorrow}
	}
	day := 1
	if !s.FirstDay.IsZero() {
		f := s.FirstDay.In(idn.WIB)
		first := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, idn.WIB)
		day = int(day0.Sub(first).Hours()/24+0.5) + 1
	}
	if s.SentToday >= p.CapOn(day) {
		return Step{Kind: Wait, Until: tomorrow}
	}
	if now.Before(s.NextAt) {
		return Step{Kind: Wait, Until: s.NextAt}
	}
	span := int64(p.MaxGap - p.MinGap)
	var j int64
	if span > 0 {
		if r != nil {
			j = r.Int64N(span + 1)
		} else {
			j = rand.Int64N(span + 1)
		}
	}
	return Step{Kind: Send, Gap: p.MinGap + time.Duration(j)}
}

// FirstContactText is the campaign's one message to an owner who never
// wrote to us: greeted by name and the time of day (so no two are the
// same), what Jejaring is, and a reply that links the record and confirms
// it (KONFIRMASI <token>), or BERHENTI.
func FirstContactText(o Office, owner, business, token string, now time.Time) string {
	h := now.In(idn.WIB).Hour()
	greet := "Selamat pagi"
	switch {
	case h >= 11 && h < 15:
		greet = "Selamat siang"
	case h >= 15 && h < 18:
		greet = "Selamat sore"
	case h >= 18 || h < 4:
		greet = "Selamat malam"
	}
	name := strings.TrimSpace(owner)
	if name == "" {
		name = "pemilik usaha"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s Bapak/Ibu %s. Kami dari %s. ", greet, name, o.Name)
	if business != "" {
		fmt.Fprintf(&b, "Usaha *%s* tercatat di data UMKM %s, ", business, o.Region)
	} else {
		fmt.Fprintf(&b, "Usaha Bapak/Ibu tercatat di data UMKM %s, ", o.Region)
	}
	b.WriteString("dan kami ingin memastikan datanya benar serta mengabarkan pelatihan, pameran dan temu bisnis untuk UMKM lewat chat ini (Jejaring, layanan resmi Dinas).\n\n")
	fmt.Fprintf(&b, "Bila benar ini usaha Bapak/Ibu, mohon balas pesan ini dengan:\n*%s*\n\n", ConfirmText(token))
	b.WriteString("Bila bukan, atau tidak ingin dihubungi lagi, cukup balas *BERHENTI*. Terima kasih.")
	return b.String()
}

// Campaign is one first-contact campaign and what it has done so far.
type Campaign struct {
	ID          int64
	Status      string // CampaignRunning, CampaignStopped, CampaignFinished
	RegionCodes []string
	DailyCap    int
	StartedBy   string
	StartedAt   time.Time
	NextAt      time.Time
	StoppedAt   *time.Time
	StopReason  string
	// Counts of its messages by outbox status (pending, sending, sent,
	// failed, skipped, cancelled …) and in all.
	Messages map[string]int
	Queued   int
}

// Running reports whether the campaign is still going.
func (c Campaign) Running() bool { return c.Status == CampaignRunning }
