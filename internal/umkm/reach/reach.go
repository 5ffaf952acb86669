package reach

import (
	"slices"

	"jejaring/internal/idn"
)

// Status is how a business can be reached today.
type Status string

// Reach statuses. A record linked to a chat contact is reachable on that
// contact's channel unless the contact said berhenti or blocked us.
const (
	WhatsApp  Status = "whatsapp"   // linked to a WhatsApp chat
	Telegram  Status = "telegram"   // linked to a Telegram chat
	WebChat   Status = "webchat"    // linked to a web chat visitor
	Stopped   Status = "stopped"    // linked, but the owner said berhenti or blocked the bot
	PhoneOnly Status = "phone_only" // a phone is on record, the owner never wrote to us
	NoPhone   Status = "no_phone"   // no chat and no phone: a letter or a poster is the way
)

// Statuses lists every status, reachable ones first.
func Statuses() []Status {
	return []Status{WhatsApp, Telegram, WebChat, Stopped, PhoneOnly, NoPhone}
}

// Channels are the statuses that are a working chat.
func Channels() []Status { return []Status{WhatsApp, Telegram, WebChat} }

// Reachable reports whether the office can write to the business now (an
// invitation, a reminder): a linked chat that did not stop.
func (s Status) Reachable() bool { return slices.Contains(Channels(), s) }

// NeverWrote reports whether the owner never wrote to us (with or without
// a phone on record).
func (s Status) NeverWrote() bool { return s == PhoneOnly || s == NoPhone }

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Label is the status in words for staff.
func (s Status) Label(lang string) string {
	switch s {
	case WhatsApp:
		return idn.Pick(lang, "chat WhatsApp", "WhatsApp chat")
	case Telegram:
		return idn.Pick(lang, "chat Telegram", "Telegram chat")
	case WebChat:
		return idn.Pick(lang, "web chat", "web chat")
	case Stopped:
		return idn.Pick(lang, "berhenti / memblokir", "stopped / blocked")
	case PhoneOnly:
		return idn.Pick(lang, "ada HP, belum pernah menghubungi kami", "phone known, never wrote to us")
	case NoPhone:
		return idn.Pick(lang, "tanpa HP, belum pernah menghubungi kami", "no phone, never wrote to us")
	}
	return string(s)
}

// Filter is a reach filter of the directory and the reach page: one
// status, or a group of them.
type Filter string

// Groups a Filter may name besides a single Status.
const (
	FilterAny       Filter = ""
	FilterReachable Filter = "reachable" // any working chat
	FilterNotChat   Filter = "not_chat"  // never wrote: phone only or no phone
)

// Statuses is what the filter keeps; nil for FilterAny, and for a filter
// that names nothing known (ok false).
func (f Filter) Statuses() (st []Status, ok bool) {
	switch f {
	case FilterAny:
		return nil, true
	case FilterReachable:
		return Channels(), true
	case FilterNotChat:
		return []Status{PhoneOnly, NoPhone}, true
	}
	if s := Status(f); s.Valid() {
		return []Status{s}, true
	}
	return nil, false
}

// Filters lists the filters the dashboard offers, in order.
func Filters() []Filter {
	out := []Filter{FilterReachable, FilterNotChat}
	for _, s := range Statuses() {
		out = append(out, Filter(s))
	}
	return out
}

// Label is the filter in words for staff.
func (f Filter) Label(lang string) string {
	switch f {
	case FilterAny:
		return idn.Pick(lang, "semua", "all")
	case FilterReachable:
		return idn.Pick(lang, "bisa dihubungi lewat chat", "reachable by chat")
	case FilterNotChat:
		return idn.Pick(lang, "belum pernah menghubungi kami", "never wrote to us")
	}
	return Status(f).Label(lang)
}
