package whatsapp

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Policy is how bulk messages (invitations, reminders, announcements) may go
// out on WhatsApp from one number. The outbox dispatcher honors it; replies to
// a contact who just wrote are not bulk and are not throttled.
//
// WhatsApp publishes no quota for linked devices, but numbers that send many
// similar messages to people who never wrote to them get banned. The defaults
// are deliberately slow.
type Policy struct {
	// PerMinute is the most bulk messages per minute from this number.
	PerMinute int
	// MinGap is the least time between two bulk messages.
	MinGap time.Duration
	// MaxJitter is the most random extra wait added to MinGap, so the
	// spacing does not look machine-made.
	MaxJitter time.Duration
	// OnlyKnownContacts limits bulk sends to contacts who have written to
	// the number before.
	OnlyKnownContacts bool
}

// DefaultPolicy is a few messages a minute, 10–25 seconds apart, only to
// contacts who wrote to the number before.
func DefaultPolicy() Policy {
	return Policy{
		PerMinute:         4,
		MinGap:            10 * time.Second,
		MaxJitter:         15 * time.Second,
		OnlyKnownContacts: true,
	}
}

// Validate reports a policy that cannot work.
func (p Policy) Validate() error {
	var errs []error
	if p.PerMinute < 1 {
		errs = append(errs, fmt.Errorf("WHATSAPP_BULK_PER_MINUTE must be at least 1, got %d", p.PerMinute))
	}
	if p.MinGap < 0 {
		errs = append(errs, fmt.Errorf("WHATSAPP_BULK_MIN_GAP must not be negative, got %s", p.MinGap))
	}
	if p.MaxJitter < 0 {
		errs = append(errs, fmt.Errorf("WHATSAPP_BULK_MAX_JITTER must not be negative, got %s", p.MaxJitter))
	}
	return errors.Join(errs...)
}

// Gap returns the wait before the next bulk message: MinGap plus a random
// part of MaxJitter, and never less than the spacing PerMinute implies.
// r may be nil (then math/rand/v2's global source is used).
func (p Policy) Gap(r *rand.Rand) time.Duration {
	gap := p.MinGap
	if p.PerMinute > 0 {
		if even := time.Minute / time.Duration(p.PerMinute); even > gap {
			gap = even
		}
	}
	if p.MaxJitter > 0 {
		var j int64
		if r != nil {
			j = r.Int64N(int64(p.MaxJitter) + 1)
		} else {
			j = rand.Int64N(int64(p.MaxJitter) + 1)
		}
		gap += time.Duration(j)
	}
	return gap
}

// Settings names, read by ParsePolicy. They are documented in README.md.
const (
	EnvBulkPerMinute = "WHATSAPP_BULK_PER_MINUTE"
	EnvBulkMinGap    = "WHATSAPP_BULK_MIN_GAP"
	EnvBulkMaxJitter = "WHATSAPP_BULK_MAX_JITTER"
	EnvBulkOnlyKnown = "WHATSAPP_BULK_ONLY_KNOWN_CONTACTS"
	EnvPolls         = "WHATSAPP_POLLS"
)

// ParsePolicy reads the bulk sending settings through getenv (os.Getenv or a
// config map), starting from DefaultPolicy for anything unset.
func ParsePolicy(getenv func(string) string) (Policy, error) {
	p := DefaultPolicy()
	var errs []error
	if v := strings.TrimSpace(getenv(EnvBulkPerMinute)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: want a whole number, got %q", EnvBulkPerMinute, v))
		}
		p.PerMinute = n
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{EnvBulkMinGap, &p.MinGap}, {EnvBulkMaxJitter, &p.MaxJitter}} {
		if v := strings.TrimSpace(getenv(d.name)); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: want a duration like 10s or 1m, got %q", d.name, v))
				continue
			}
			*d.dst = dur
		}
	}
	if v := strings.TrimSpace(getenv(EnvBulkOnlyKnown)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: want true or false, got %q", EnvBulkOnlyKnown, v))
		}
		p.OnlyKnownContacts = b
	}
	if err := errors.Join(errs...); err != nil {
		return DefaultPolicy(), err
	}
	if err := p.Validate(); err != nil {
		return DefaultPolicy(), err
	}
	return p, nil
}

// ParsePolls reads WHATSAPP_POLLS (default true): whether yes/no and RSVP
// questions also go out as a WhatsApp poll.
func ParsePolls(getenv func(string) string) (bool, error) {
	v := strings.TrimSpace(getenv(EnvPolls))
	if v == "" {
		return true, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return true, fmt.Errorf("%s: want true or false, got %q", EnvPolls, v)
	}
	return b, nil
}
