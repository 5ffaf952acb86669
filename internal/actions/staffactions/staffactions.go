// Package staffactions holds the Go action of flows/staff_link.yaml
// (`do: staff.link`): a staff member sends, from their own WhatsApp or
// Telegram chat, the one-time code `jejaring user link NAME` printed, and
// that contact becomes staff linked to the user (store.LinkStaff, audited).
// The web chat is refused: anyone can be anyone there.
package staffactions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// ActLink is the action's name.
const ActLink = "staff.link"

// Names lists the actions Register adds, for `flows check`.
func Names() []string { return []string{ActLink} }

// Linker is the store call the action needs.
type Linker interface {
	LinkStaff(ctx context.Context, contactID int64, code string, now time.Time) (store.StaffContact, error)
}

// Register adds the staff actions to a.
func Register(a bot.Actions, db Linker, log *slog.Logger) error {
	if db == nil {
		return errors.New("staff actions: no database")
	}
	if log == nil {
		log = slog.Default()
	}
	return a.Register(ActLink, func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
		return link(ctx, db, log, call)
	})
}

func answer(kv ...any) bot.ActionResult {
	r := bot.ActionResult{Answers: map[string]any{"error_text": ""}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Answers[kv[i].(string)] = kv[i+1]
	}
	return r
}

// link: staff_user, or error_text.
func link(ctx context.Context, db Linker, log *slog.Logger, call bot.ActionCall) (bot.ActionResult, error) {
	lang := call.Lang
	if call.Contact.ID == 0 {
		return bot.ActionResult{}, errors.New("staff link: the contact has no id")
	}
	code := strings.TrimSpace(fmt.Sprint(call.Args["code"]))
	sc, err := db.LinkStaff(ctx, call.Contact.ID, code, call.Now)
	switch {
	case errors.Is(err, store.ErrStaffChannel):
		return answer("error_text", idn.Pick(lang,
			"Maaf, nomor petugas hanya bisa ditautkan dari WhatsApp atau Telegram Bapak/Ibu sendiri, tidak dari web chat.",
			"Sorry, a staff member can only be linked from their own WhatsApp or Telegram, not from the web chat.")), nil
	case errors.Is(err, store.ErrBadLinkCode):
		log.WarnContext(ctx, "staff link code refused", "contact", call.Contact.ID)
		return answer("error_text", idn.Pick(lang,
			"Maaf, kode itu tidak dikenal, sudah lewat 15 menit, atau sudah dipakai. Mohon minta kode baru ke admin kantor.",
			"Sorry, that code is unknown, older than 15 minutes or already used. Please ask the office admin for a new one.")), nil
	case errors.Is(err, store.ErrStaffDisabled), errors.Is(err, store.ErrContactErased):
		return answer("error_text", idn.Pick(lang,
			"Maaf, akun petugas itu sedang tidak aktif. Mohon hubungi admin kantor.",
			"Sorry, that staff account is not active. Please contact the office admin.")), nil
	case err != nil:
		return bot.ActionResult{}, err
	}
	log.InfoContext(ctx, "contact linked as staff", "contact", call.Contact.ID, "staff_user", sc.Username, "channel", sc.Channel)
	return answer("staff_user", sc.Username), nil
}
