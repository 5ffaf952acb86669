package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// Poll limits WhatsApp enforces.
const (
	pollMinOptions = 2
	pollMaxOptions = 12
	pollNameMax    = 255
	pollTitle      = "Atau ketuk salah satu pilihan:"
	pollTitleEN    = "Or tap one of the options:"
)

// sender returns the connected client, or nil.
func (a *Adapter) sender() sender {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.snd
}

// Send delivers msg to a contact: the ExternalID is the phone number in
// digits ("6281234567890", "+62…" accepted too) or a JID ("…@lid",
// "…@s.whatsapp.net"). It does not throttle; the outbox dispatcher applies
// Policy's rate for bulk sends, but it does apply the rest of the policy:
// with OnlyKnownContacts it refuses (channel.ErrUnknownRecipient) a contact
// who never wrote to the number, and during a temporary ban it returns a
// *channel.RateLimitError lasting until the ban ends. It returns an error
// wrapping channel.ErrNotConnected when the channel is not connected and
// channel.ErrUnknownRecipient for an address that cannot be a WhatsApp user.
func (a *Adapter) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	jid, err := parseAddress(to.ExternalID)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("whatsapp send to %s: %w", idn.MaskPhone(to.ExternalID), err)
	}
	if until := a.Status().PausedUntil; until.After(a.cfg.Now()) {
		// A temporary ban: the outbox pauses the whole channel on a
		// RateLimitError, which is what a ban asks for.
		return channel.SendResult{}, fmt.Errorf("whatsapp send: temporarily banned, bulk sending paused: %w",
			&channel.RateLimitError{RetryAfter: until.Sub(a.cfg.Now())})
	}
	if a.sender() == nil {
		return channel.SendResult{}, fmt.Errorf("whatsapp send: %w: %s", channel.ErrNotConnected, a.Status().Describe())
	}
	if err := a.checkKnown(ctx, jid, msg.FirstContact); err != nil {
		return channel.SendResult{}, fmt.Errorf("whatsapp send to %s: %w", idn.MaskPhone(to.ExternalID), err)
	}
	id, err := a.sendTo(ctx, contactKey(jid), jid, msg)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("whatsapp send to %s: %w", idn.MaskPhone(to.ExternalID), err)
	}
	return channel.SendResult{MessageID: id}, nil
}

// checkKnown applies Policy.OnlyKnownContacts: Send (the outbox's way out:
// invitations, reminders, announcements) reaches only contacts who have
// written to the number, that is who have a WhatsApp contact row — the bot
// creates one on a contact's first message. Replies to a message go out
// through the reply path and are not checked.
//
// A first-contact message (channel.Outbound.FirstContact: the reach
// campaign staff started, paced by internal/umkm/reach) is the one
// exception: writing to someone new is its whole point.
func (a *Adapter) checkKnown(ctx context.Context, jid types.JID, firstContact bool) error {
	if firstContact || !a.cfg.Policy.OnlyKnownContacts || a.cfg.LastSeen == nil {
		return nil
	}
	_, known, err := a.cfg.LastSeen(ctx, contactKey(jid))
	switch {
	case err != nil:
		return fmt.Errorf("check the contact wrote before: %w", err)
	case !known:
		return fmt.Errorf("%w: has never written to this WhatsApp number, and %s is on", channel.ErrUnknownRecipient, EnvBulkOnlyKnown)
	}
	return nil
}

// contactKey is the ExternalID inbound messages from jid carry: the phone
// digits, or the whole LID JID.
func contactKey(jid types.JID) string {
	if jid.Server == types.HiddenUserServer {
		return jid.String()
	}
	return jid.User
}

// parseAddress turns an ExternalID into a user JID.
func parseAddress(ext string) (types.JID, error) {
	ext = strings.TrimSpace(ext)
	if strings.Contains(ext, "@") {
		jid, err := types.ParseJID(ext)
		if err != nil {
			return types.JID{}, fmt.Errorf("%w: %v", channel.ErrUnknownRecipient, err)
		}
		jid = jid.ToNonAD()
		if jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer || jid.User == "" {
			return types.JID{}, fmt.Errorf("%w: not a person's chat", channel.ErrUnknownRecipient)
		}
		return jid, nil
	}
	digits := nonDigits.ReplaceAllString(ext, "")
	if len(digits) < 8 || len(digits) > 15 || strings.HasPrefix(digits, "0") {
		return types.JID{}, fmt.Errorf("%w: %q is not an international phone number", channel.ErrUnknownRecipient, idn.MaskPhone(digits))
	}
	return types.NewJID(digits, types.DefaultUserServer), nil
}

// part is one WhatsApp message of a rendered Outbound.
type part struct {
	text  string
	media *channel.Media
	poll  *pollPart
}

type pollPart struct {
	name    string
	options []string // names shown, unique
	choices []string // the choice values, same order (empty for plain yes/no)
	texts   []string // the yes/no answers as text when there are no choices
}

// render turns an Outbound into the WhatsApp messages that carry it, in
// order: the media (with the text as caption when it fits), the text with
// numbered choices and the line saying how to answer, and optionally a poll.
func render(out channel.Outbound, polls bool) []part {
	var parts []part
	text := strings.TrimSpace(out.Text)
	if len(out.Choices) > 0 {
		text = numbered(text, out.Choices, out.Multi, out.Lang, typedAnswer(out.Expect))
	}
	if out.Media != nil {
		m := *out.Media
		if m.Caption == "" && len(out.Choices) == 0 {
			m.Caption, text = text, ""
		}
		parts = append(parts, part{media: &m})
	}
	if text != "" {
		parts = append(parts, part{text: text})
	}
	if polls {
		if p := pollFor(out); p != nil {
			parts = append(parts, part{poll: p})
		}
	}
	return parts
}

// typedAnswer reports whether a question waits for a typed answer (a NIB,
// a nagari) and its choices are only a way out such as *Lewati*.
func typedAnswer(expect string) bool {
	switch expect {
	case "", "choice", "multi", "yesno":
		return false
	}
	return true
}

// numbered writes choices as "1. Label" lines under the text, then how to
// answer in the conversation's language: "Balas dengan angka 1–3." or
// "Reply with a number 1–3." ("Atau balas dengan angka 1." when the
// question waits for a typed answer).
func numbered(text string, choices []channel.Choice, multi bool, lang string, typed bool) string {
	var b strings.Builder
	if text != "" {
		b.WriteString(text)
		b.WriteString("\n\n")
	}
	for i, c := range choices {
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(c.Label)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	n := len(choices)
	if typed {
		if idn.English(lang) {
			if n == 1 {
				return b.String() + "Or reply with the number 1."
			}
			return b.String() + fmt.Sprintf("Or reply with a number 1–%d.", n)
		}
		if n == 1 {
			return b.String() + "Atau balas dengan angka 1."
		}
		return b.String() + fmt.Sprintf("Atau balas dengan angka 1–%d.", n)
	}
	if idn.English(lang) {
		switch {
		case n == 1:
			b.WriteString("Reply with the number 1.")
		case multi:
			fmt.Fprintf(&b, "Reply with a number 1–%d. You may choose more than one, separated by commas (for example: 1, 2).", n)
		default:
			fmt.Fprintf(&b, "Reply with a number 1–%d.", n)
		}
		return b.String()
	}
	switch {
	case n == 1:
		b.WriteString("Balas dengan angka 1.")
	case multi:
		fmt.Fprintf(&b, "Balas dengan angka 1–%d. Boleh lebih dari satu, pisahkan dengan koma (contoh: 1, 2).", n)
	default:
		fmt.Fprintf(&b, "Balas dengan angka 1–%d.", n)
	}
	return b.String()
}

// pollFor builds the optional poll for a yes/no or RSVP question with a
// single answer and 2–12 options. A yes/no question without choices gets
// "Ya" and "Tidak", answered as text.
func pollFor(out channel.Outbound) *pollPart {
	if out.Multi || out.Media != nil {
		return nil
	}
	switch strings.ToLower(out.Expect) {
	case "yesno", "yes_no", "rsvp":
	default:
		return nil
	}
	p := &pollPart{name: pollTitle}
	if idn.English(out.Lang) {
		p.name = pollTitleEN
	}
	if len(out.Choices) == 0 {
		if strings.ToLower(out.Expect) == "rsvp" {
			return nil
		}
		p.options = []string{"Ya", "Tidak"}
		p.texts = []string{"ya", "tidak"}
		return p
	}
	if len(out.Choices) < pollMinOptions || len(out.Choices) > pollMaxOptions {
		return nil
	}
	seen := make(map[string]bool)
	for i, c := range out.Choices {
		name := strings.TrimSpace(c.Label)
		if name == "" || seen[name] {
			name = strconv.Itoa(i+1) + ". " + name
		}
		if utf8.RuneCountInString(name) > 100 {
			name = string([]rune(name)[:100])
		}
		seen[name] = true
		p.options = append(p.options, name)
		p.choices = append(p.choices, c.Value)
	}
	return p
}

// sendTo sends an Outbound to a chat and returns the id of the first
// message; key is the contact's ExternalID, under which the numbered choices
// shown are remembered. A failed poll is logged, not returned: the numbered
// text carries the question already.
func (a *Adapter) sendTo(ctx context.Context, key string, jid types.JID, out channel.Outbound) (string, error) {
	snd := a.sender()
	if snd == nil {
		return "", fmt.Errorf("%w: %s", channel.ErrNotConnected, a.Status().Describe())
	}
	var first string
	for _, p := range render(out, a.cfg.Polls) {
		var (
			msg *waE2E.Message
			err error
		)
		switch {
		case p.media != nil:
			msg, err = mediaMessage(ctx, snd, p.media)
		case p.poll != nil:
			msg = snd.BuildPollCreation(p.poll.name, p.poll.options, 1)
		default:
			msg = &waE2E.Message{Conversation: proto.String(p.text)}
		}
		if err == nil {
			var resp whatsmeow.SendResponse
			resp, err = snd.SendMessage(ctx, jid, msg)
			if err == nil {
				if p.poll != nil {
					a.polls.put(resp.ID, p.poll.options, p.poll.choices, p.poll.texts)
				}
				if first == "" {
					first = resp.ID
					a.offers.shown(key, out, a.cfg.Now())
				}
				continue
			}
		}
		err = sendError(err)
		if p.poll != nil && first != "" {
			a.log.Warn("whatsapp poll not sent; the numbered question went out", "to", idn.MaskPhone(jid.String()), "err", err)
			continue
		}
		return first, err
	}
	return first, nil
}

// mediaMessage uploads an image or document and builds its message.
func mediaMessage(ctx context.Context, snd sender, m *channel.Media) (*waE2E.Message, error) {
	if len(m.Data) == 0 {
		return nil, fmt.Errorf("media %q has no data", m.Name)
	}
	mimeType := m.MIME
	switch m.Kind {
	case "image":
		if mimeType == "" {
			mimeType = "image/jpeg"
		}
		up, err := snd.Upload(ctx, m.Data, whatsmeow.MediaImage)
		if err != nil {
			return nil, fmt.Errorf("upload image: %w", err)
		}
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			Mimetype: proto.String(mimeType), FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256,
			FileLength: proto.Uint64(up.FileLength), Caption: optString(m.Caption),
		}}, nil
	case "document", "":
		if mimeType == "" {
			mimeType = "application/octet-stream"
		}
		up, err := snd.Upload(ctx, m.Data, whatsmeow.MediaDocument)
		if err != nil {
			return nil, fmt.Errorf("upload document: %w", err)
		}
		name := m.Name
		if name == "" {
			name = "dokumen" + extension(mimeType, "")
		}
		return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			Mimetype: proto.String(mimeType), FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256,
			FileLength: proto.Uint64(up.FileLength), FileName: proto.String(name), Title: proto.String(name),
			Caption: optString(m.Caption),
		}}, nil
	default:
		return nil, fmt.Errorf("media kind %q: want image or document", m.Kind)
	}
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return proto.String(s)
}

// sendError maps whatsmeow's errors onto the channel's vocabulary.
func sendError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.Is(err, whatsmeow.ErrNotLoggedIn),
		errors.Is(err, whatsmeow.ErrIQDisconnected), errors.Is(err, whatsmeow.ErrClientIsNil):
		return fmt.Errorf("%w: %v", channel.ErrNotConnected, err)
	case errors.Is(err, whatsmeow.ErrUnknownServer), errors.Is(err, whatsmeow.ErrRecipientADJID),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported):
		return fmt.Errorf("%w: %v", channel.ErrUnknownRecipient, err)
	}
	return err
}
