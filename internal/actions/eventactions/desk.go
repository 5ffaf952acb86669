package eventactions

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// Desk is the staff side of events as both doors use it: the dashboard
// (internal/web) and the staff chat flow (staff_broadcast.yaml) read event
// forms, audiences, their reach, the time a broadcast takes and the
// previews here, so a rule lives in one place.
type Desk struct {
	Events *store.EventRepo
	// Region names the kecamatan (nil: the built-in default region).
	Region *umkm.Region
	// ChannelOn reports whether a channel sends now (nil: all do).
	ChannelOn func(ctx context.Context, ch string) bool
	// Limits are the outbox's per-channel paces (nil:
	// outbox.DefaultLimits, with the app's WhatsApp policy when given).
	Limits map[channel.Name]outbox.Limit
	// BulkShare is the part of a channel's rate bulk sends use (0: the
	// dispatcher's default 0.9).
	BulkShare float64
}

// NewDesk fills a Desk's defaults.
func NewDesk(d Desk) (*Desk, error) {
	if d.Events == nil {
		return nil, errors.New("eventactions: Desk.Events is required")
	}
	if d.Region == nil {
		r, err := umkm.LoadRegion(umkm.DefaultRegion)
		if err != nil {
			return nil, fmt.Errorf("eventactions: region: %w", err)
		}
		d.Region = r
	}
	if d.Limits == nil {
		d.Limits = outbox.DefaultLimits()
	}
	if d.BulkShare <= 0 || d.BulkShare > 1 {
		d.BulkShare = 0.9
	}
	return &d, nil
}

// RegionName is a kecamatan's name, "" for an unknown code.
func (d *Desk) RegionName(code string) string {
	if k, ok := d.Region.KecamatanByCode(code); ok {
		return k.Name
	}
	return ""
}

// Describe says who seg reaches in lang, kecamatan by name.
func (d *Desk) Describe(seg event.Segment, lang string) string {
	return seg.DescribeIn(lang, d.RegionName)
}

// EventForm is an event as typed in the dashboard's form (or given to
// `jejaring event create`): every field a string, times in WIB.
type EventForm struct {
	Title, Kind, Description, Venue, MapURL string
	Start, End, Deadline                    string
	Capacity, MaxParty                      string
}

// FormError is a form's problems, one per field name.
type FormError map[string]string

func (f FormError) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + f[k]
	}
	return "event form: " + strings.Join(parts, "; ")
}

// Event reads the form into an event and checks it with event.Validate,
// the same rules `jejaring event create` and the store apply. A field it
// cannot read is named in the FormError.
func (f EventForm) Event() (*event.Event, error) {
	bad := FormError{}
	ev := &event.Event{Title: strings.TrimSpace(f.Title), Description: strings.TrimSpace(f.Description), Venue: strings.TrimSpace(f.Venue), MapURL: strings.TrimSpace(f.MapURL)}
	if k, err := event.ParseKind(f.Kind); err != nil {
		bad["kind"] = err.Error()
	} else {
		ev.Kind = k
	}
	times := []struct {
		name, s  string
		dst      *time.Time
		optional bool
	}{{"start", f.Start, &ev.StartsAt, false}, {"end", f.End, &ev.EndsAt, false}, {"deadline", f.Deadline, &ev.RSVPDeadline, true}}
	for _, tm := range times {
		if strings.TrimSpace(tm.s) == "" {
			if !tm.optional {
				bad[tm.name] = "missing"
			}
			continue
		}
		t, err := event.ParseWIB(tm.s)
		if err != nil {
			bad[tm.name] = err.Error()
			continue
		}
		*tm.dst = t
	}
	num := func(name, s string, def int) int {
		s = strings.TrimSpace(s)
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			bad[name] = fmt.Sprintf("%q is not a whole number", s)
		}
		return n
	}
	ev.Capacity = num("capacity", f.Capacity, 0)
	ev.MaxParty = num("max_party", f.MaxParty, 1)
	if len(bad) > 0 {
		return nil, bad
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	return ev, nil
}

// FormOf is an event as its form shows it.
func FormOf(ev *event.Event) EventForm {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(idn.WIB).Format("2006-01-02T15:04")
	}
	return EventForm{
		Title: ev.Title, Kind: string(ev.Kind), Description: ev.Description, Venue: ev.Venue, MapURL: ev.MapURL,
		Start: ts(ev.StartsAt), End: ts(ev.EndsAt), Deadline: ts(ev.RSVPDeadline),
		Capacity: strconv.Itoa(ev.Capacity), MaxParty: strconv.Itoa(ev.MaxParty),
	}
}

// SegmentForm is an audience as chosen in the dashboard: kecamatan by name
// (or code), size classes, KBLI sections, tags, verified, registered
// since (a WIB date) and channels.
type SegmentForm struct {
	Regions, Sizes, Sectors, Tags, Channels []string
	Verified                                bool
	Since                                   string
}

// Segment reads the form; a kecamatan is matched by name as the chat
// does (umkm.Region.MatchKecamatan: "tarusan" is Koto XI Tarusan).
func (d *Desk) Segment(f SegmentForm) (event.Segment, error) {
	var seg event.Segment
	clean := func(xs []string, upper bool) []string {
		var out []string
		seen := map[string]bool{}
		for _, x := range xs {
			for p := range strings.SplitSeq(x, ",") {
				p = strings.TrimSpace(p)
				if upper {
					p = strings.ToUpper(p)
				} else {
					p = strings.ToLower(p)
				}
				if p != "" && !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	for _, r := range clean(f.Regions, false) {
		if k, ok := d.Region.KecamatanByCode(r); ok {
			seg.RegionCodes = append(seg.RegionCodes, k.Code)
			continue
		}
		k, ok := d.Region.MatchKecamatan(r)
		if !ok {
			return seg, fmt.Errorf("%w: kecamatan %q is not in %s", event.ErrInvalid, r, d.Region.Name)
		}
		seg.RegionCodes = append(seg.RegionCodes, k.Code)
	}
	seg.RegionCodes = clean(seg.RegionCodes, false)
	seg.SizeClasses, seg.KBLISections = clean(f.Sizes, false), clean(f.Sectors, true)
	seg.Tags, seg.Channels = clean(f.Tags, false), clean(f.Channels, false)
	seg.VerifiedOnly = f.Verified
	if strings.TrimSpace(f.Since) != "" {
		t, err := event.ParseWIB(f.Since)
		if err != nil {
			return seg, err
		}
		seg.RegisteredSince = t
	}
	if err := seg.Validate(); err != nil {
		return seg, fmt.Errorf("%w: %v", event.ErrInvalid, err)
	}
	return seg, nil
}

// ChannelPlan is one channel of an audience: how many will receive the
// invitation, whether the channel sends now, and how long the sends take
// at its pace.
type ChannelPlan struct {
	Channel string
	Label   string
	N       int
	On      bool
	Takes   time.Duration
}

// Way is a group the broadcast cannot reach, why, and how to reach it.
type Way struct {
	Key string // nochat, stopped, blocked, otherchannel, off
	N   int
}

// AudienceView is what staff see before sending.
type AudienceView struct {
	Segment     event.Segment
	Description string
	Total       int // will receive
	Already     int // invited before: not sent again
	Channels    []ChannelPlan
	Businesses  int   // matching businesses
	Unreached   []Way // who matches but cannot be reached by this broadcast
	Takes       time.Duration
}

// Plan counts who a broadcast of eventID (0: none yet) to seg would
// reach per channel, who it cannot and why, and how long it would take.
func (d *Desk) Plan(ctx context.Context, eventID int64, seg event.Segment, lang string) (AudienceView, error) {
	sc, reach, err := d.Events.AudienceCount(ctx, eventID, seg)
	if err != nil {
		return AudienceView{}, err
	}
	v := AudienceView{Segment: seg, Description: d.Describe(seg, lang), Total: sc.Total, Already: sc.Already, Businesses: reach.Businesses}
	chs := make([]string, 0, len(sc.ByChannel))
	for ch := range sc.ByChannel {
		chs = append(chs, ch)
	}
	sort.Strings(chs)
	off := 0
	for _, ch := range chs {
		p := ChannelPlan{Channel: ch, Label: channelLabel(ch), N: sc.ByChannel[ch], On: d.ChannelOn == nil || d.ChannelOn(ctx, ch)}
		p.Takes = d.Pace(ch, p.N)
		if !p.On {
			off += p.N
		}
		v.Takes = max(v.Takes, p.Takes)
		v.Channels = append(v.Channels, p)
	}
	for _, w := range []Way{{"nochat", reach.NoChat}, {"stopped", reach.Stopped}, {"blocked", reach.Blocked}, {"otherchannel", reach.OtherChannel}, {"off", off}} {
		if w.N > 0 {
			v.Unreached = append(v.Unreached, w)
		}
	}
	return v, nil
}

// Pace is how long n bulk messages take on ch at the configured rate: a
// message every max(1/rate, MinGap + Jitter/2) (the dispatcher waits
// MinGap plus a random pause up to Jitter), with bulk sends using
// BulkShare of the rate. Web chat has no limit.
func (d *Desk) Pace(ch string, n int) time.Duration {
	l, ok := d.Limits[channel.Name(ch)]
	if !ok || n <= 0 {
		return 0
	}
	var gap float64
	if l.PerSecond > 0 {
		gap = 1 / (l.PerSecond * d.BulkShare)
	}
	gap = math.Max(gap, (l.MinGap + l.Jitter/2).Seconds())
	return time.Duration(gap * float64(n) * float64(time.Second))
}

// PaceText says a duration as staff plan with it: "kurang dari 1 menit",
// "±25 menit", "±3 jam", "±1,5 hari".
func PaceText(d time.Duration, lang string) string {
	switch {
	case d < time.Minute:
		return idn.Pick(lang, "kurang dari 1 menit", "under a minute")
	case d < time.Hour:
		m := int(math.Ceil(d.Minutes()))
		return fmt.Sprintf(idn.Pick(lang, "±%d menit", "about %d minutes"), m)
	case d < 24*time.Hour:
		h := math.Round(d.Hours()*10) / 10
		return fmt.Sprintf(idn.Pick(lang, "±%s jam", "about %s hours"), decimal(h, lang))
	}
	days := math.Round(d.Hours()/24*10) / 10
	return fmt.Sprintf(idn.Pick(lang, "±%s hari", "about %s days"), decimal(days, lang))
}

func decimal(x float64, lang string) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !idn.English(lang) {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Preview is an invitation as an owner sees it on one channel.
type Preview struct {
	Channel string
	Label   string
	Lang    string
	Text    string
	Buttons []string // Telegram's and the web chat's buttons; WhatsApp numbers them in Text
}

// Previews renders the invitation of ev for a sample owner on each
// channel, in lang: Telegram and the web chat show the answers as
// buttons; WhatsApp through a linked device has none, so the answers are
// numbered under the text with the line the WhatsApp adapter adds
// (internal/channel/whatsapp's numbered choices).
func (d *Desk) Previews(ev *event.Event, lang string, telegramBot string) []Preview {
	var out []Preview
	for _, ch := range []string{"telegram", "whatsapp", "webchat"} {
		n := event.InvitationNotice(ev, &event.Invitation{Token: "contoh"}, event.Addressee{ContactID: 1, Name: "Siti Aminah", Lang: lang, Channel: ch, TelegramBot: telegramBot})
		p := Preview{Channel: ch, Label: channelLabel(ch), Lang: lang, Text: n.Text}
		if ch == "whatsapp" {
			var b strings.Builder
			b.WriteString(n.Text)
			b.WriteString("\n\n")
			for i, c := range n.Choices {
				fmt.Fprintf(&b, "%d. %s\n", i+1, c.Label)
			}
			fmt.Fprintf(&b, "\n"+idn.Pick(lang, "Balas dengan angka 1–%d.", "Reply with a number 1–%d."), len(n.Choices))
			p.Text = b.String()
		} else {
			for _, c := range n.Choices {
				p.Buttons = append(p.Buttons, c.Label)
			}
		}
		out = append(out, p)
	}
	return out
}

// CountText is the chat's summary of an audience before sending: who,
// how many per channel, who is left out and how to reach them, and how
// long it takes.
func (d *Desk) CountText(v AudienceView, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, idn.Pick(lang, "Sasaran: %s.\nAkan menerima: %s UMKM", "Audience: %s.\nWill receive: %s businesses"), v.Description, idn.Thousands(v.Total, lang))
	var parts []string
	for _, p := range v.Channels {
		parts = append(parts, fmt.Sprintf("%s %s", p.Label, idn.Thousands(p.N, lang)))
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	b.WriteString(".")
	if v.Already > 0 {
		fmt.Fprintf(&b, idn.Pick(lang, "\nSudah diundang sebelumnya (tidak dikirim lagi): %s.", "\nInvited before (not sent again): %s."), idn.Thousands(v.Already, lang))
	}
	for _, w := range v.Unreached {
		if w.Key == "off" {
			continue
		}
		fmt.Fprintf(&b, "\n%s: %s.", WayText(w.Key, lang), idn.Thousands(w.N, lang))
	}
	for _, p := range v.Channels {
		if !p.On {
			fmt.Fprintf(&b, idn.Pick(lang,
				"\nPerhatian: saluran %s tidak aktif saat ini. Bila tetap tidak aktif, %s undangan lewat %s tidak terkirim dan dihitung dilewati.",
				"\nNote: the %s channel is off right now. If it stays off, %s invitations on %s are not sent and count as skipped."),
				p.Label, idn.Thousands(p.N, lang), p.Label)
		}
	}
	if v.Total > 0 {
		var paces []string
		for _, p := range v.Channels {
			paces = append(paces, fmt.Sprintf("%s %s", p.Label, PaceText(p.Takes, lang)))
		}
		fmt.Fprintf(&b, idn.Pick(lang, "\nPerkiraan lama pengiriman: %s.", "\nTime to send: %s."), strings.Join(paces, ", "))
	}
	return b.String()
}

// WayText names a group a broadcast cannot reach and the way to reach it.
func WayText(key, lang string) string {
	switch key {
	case "nochat":
		return idn.Pick(lang, "Belum pernah chat dengan Jejaring (hanya ada di data kantor) — jangkau lewat surat atau poster kecamatan berkode KONFIRMASI",
			"Never chatted with Jejaring (only in the office's records) — reach them by letter or a kecamatan poster with their KONFIRMASI code")
	case "stopped":
		return idn.Pick(lang, "Sudah minta berhenti (berhenti) — tidak dikirimi; hanya lewat surat atau telepon kantor bila perlu",
			"Asked to stop (berhenti) — not sent to; only by letter or a call from the office if needed")
	case "blocked":
		return idn.Pick(lang, "Memblokir bot — jangkau lewat surat atau telepon", "Blocked the bot — reach them by letter or phone")
	case "otherchannel":
		return idn.Pick(lang, "Di saluran yang tidak dipilih — tambahkan salurannya", "On a channel not chosen — add that channel")
	case "off":
		return idn.Pick(lang, "Salurannya sedang mati — nyalakan dulu di halaman Saluran, bila tidak akan dilewati",
			"Their channel is off — turn it on first on the Channels page, or they are skipped")
	}
	return key
}

// Backend is the desk with the event repository: everything the
// dashboard's event pages call (internal/web declares the interface).
type Backend struct {
	*Desk
	*store.EventRepo
}
