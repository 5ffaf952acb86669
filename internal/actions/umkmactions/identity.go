package umkmactions

import (
	"context"
	"errors"

	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/idn"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
)

// sendCode starts the one-time code path (flows/hubungkan.yaml): a code for
// the phone in link_phone goes, through the outbox, to the WhatsApp or
// Telegram chat whose platform-verified number it is. What the contact is
// told never depends on whether such a chat (or a record) exists — when
// none does, a code that can never match is recorded instead, so even the
// limits count the same. Answers: code_limited (CodesPerHour or
// CodesPerDay reached), link_already (it is already the contact's verified
// phone), link_other (a WhatsApp or Telegram chat whose number the platform
// already vouches for asks for another number: that one is reached from its
// own chat).
func (x *actions) sendCode(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	if call.Contact.ID == 0 {
		return bot.ActionResult{}, errors.New("send code: the contact has no id")
	}
	phone, err := idn.NormalizePhone(str(call.Answers, "link_phone"))
	if err != nil {
		// The flow's phone step validated it; an odd value asks again.
		return result("code_limited", false, "link_already", false, "code_bad_phone", true), nil
	}
	if phone == call.Contact.Phone {
		return result("code_limited", false, "link_already", true, "code_bad_phone", false), nil
	}
	if call.Contact.Phone != "" && (call.Contact.Channel == string(channel.WhatsApp) || call.Contact.Channel == string(channel.Telegram)) {
		// This chat's number is the platform's own word and would come
		// back with the next message: another number is reached from its
		// own chat, not linked here.
		return result("code_limited", false, "link_already", false, "code_bad_phone", false, "link_other", true), nil
	}
	code, hash, err := contact.NewCode()
	if err != nil {
		return bot.ActionResult{}, err
	}
	pc := store.PhoneCode{ContactID: call.Contact.ID, Phone: phone}
	to, err := x.db.ReachableByPhone(ctx, phone)
	if err != nil {
		return bot.ActionResult{}, err
	}
	for _, c := range to {
		if c.ID == call.Contact.ID {
			continue
		}
		lang := c.Language
		pc.Hash = hash
		pc.Send = &outbox.Message{
			Kind: outbox.KindCode, To: channel.Address{Channel: channel.Name(c.Channel), ExternalID: c.ExternalID},
			ContactID: c.ID, Priority: outbox.PriorityPersonal,
			Payload: outbox.Payload{Text: contact.CodeText(code, lang), Lang: lang},
		}
		break
	}
	err = x.db.CreatePhoneCode(ctx, pc, call.Now)
	if errors.Is(err, contact.ErrTooManyCodes) {
		x.log.InfoContext(ctx, "one-time code refused: too many asked", "contact", call.Contact.ID, "phone", idn.MaskPhone(phone))
		return result("code_limited", true, "link_already", false, "code_bad_phone", false), nil
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	x.log.InfoContext(ctx, "one-time code asked", "contact", call.Contact.ID, "phone", idn.MaskPhone(phone), "sent", pc.Send != nil)
	return result("code_limited", false, "link_already", false, "code_bad_phone", false), nil
}

// checkCode checks the code typed back (link_code). On a match the phone
// is the contact's verified phone from now on (source otp), so the records
// with that phone are theirs: link_ok true, link_count (how many records).
// Otherwise link_ok false and link_retry with link_left tries, or no retry
// when the code is dead (expired, used, out of tries, never sent). The
// typed code is not kept in the session.
func (x *actions) checkCode(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	if call.Contact.ID == 0 {
		return bot.ActionResult{}, errors.New("check code: the contact has no id")
	}
	phone, left, err := x.db.CheckPhoneCode(ctx, call.Contact.ID, str(call.Answers, "link_code"), call.Now)
	switch {
	case errors.Is(err, contact.ErrCodeWrong):
		return result("link_ok", false, "link_retry", true, "link_left", left, "link_code", ""), nil
	case errors.Is(err, contact.ErrCodeDead):
		x.log.InfoContext(ctx, "one-time code dead", "contact", call.Contact.ID)
		return result("link_ok", false, "link_retry", false, "link_left", 0, "link_code", ""), nil
	case err != nil:
		return bot.ActionResult{}, err
	}
	bs, err := x.repo.BusinessesOf(ctx, call.Contact.ID, phone)
	if err != nil {
		return bot.ActionResult{}, err
	}
	x.log.InfoContext(ctx, "phone verified with a one-time code", "contact", call.Contact.ID, "phone", idn.MaskPhone(phone), "businesses", len(bs))
	return result("link_ok", true, "link_retry", false, "link_count", len(bs), "link_code", ""), nil
}
