package whatsapp

import (
	"context"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// sender is the part of *whatsmeow.Client the adapter uses once connected.
// Tests replace it with a recorder.
type sender interface {
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	Upload(ctx context.Context, data []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	MarkRead(ctx context.Context, ids []types.MessageID, ts time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
	BuildPollCreation(name string, options []string, selectable int) *waE2E.Message
	DecryptPollVote(ctx context.Context, vote *events.Message) (*waE2E.PollVoteMessage, error)
}

// lidStore maps hidden LID senders to phone numbers (whatsmeow's LID map).
type lidStore interface {
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
}

var _ sender = (*whatsmeow.Client)(nil)

// maxMediaBytes is the largest image or document downloaded from a contact.
const maxMediaBytes = 25 << 20

// skip reports whether a message is never for the bot: group chats, status
// broadcasts, broadcast lists, channels (newsletters) and our own messages.
func skip(evt *events.Message) (string, bool) {
	info := evt.Info
	switch {
	case info.IsFromMe:
		return "own message", true
	case info.IsGroup || info.Chat.Server == types.GroupServer:
		return "group", true
	case info.Chat == types.StatusBroadcastJID || info.Chat.Server == types.BroadcastServer:
		return "broadcast", true
	case info.Chat.Server == types.NewsletterServer:
		return "newsletter", true
	case info.Chat.Server != types.DefaultUserServer && info.Chat.Server != types.HiddenUserServer:
		return "unsupported chat " + info.Chat.Server, true
	case evt.Message == nil:
		return "empty", true
	}
	return "", false
}

// inbound turns a whatsmeow message into what the bot reads. It returns false
// for messages the bot must not see: groups, broadcasts, our own messages,
// and protocol noise (reactions, edits, deletions, key shares). It may
// download an image or document to the data directory and decrypt a poll
// vote, so it runs in the per-chat worker, not in whatsmeow's event loop.
func (a *Adapter) inbound(ctx context.Context, evt *events.Message) (channel.Inbound, bool) {
	if why, ok := skip(evt); ok {
		a.log.Debug("whatsapp message ignored", "why", why, "id", evt.Info.ID)
		return channel.Inbound{}, false
	}
	in := channel.Inbound{
		MessageID:   evt.Info.ID,
		DisplayName: evt.Info.PushName,
		Time:        evt.Info.Timestamp,
	}
	in.From, in.Phone = a.address(ctx, evt.Info)
	senderPhone := in.Phone
	if in.Time.IsZero() {
		in.Time = a.cfg.Now()
	}
	msg := evt.Message
	if evt.IsEdit {
		return channel.Inbound{}, false
	}
	switch {
	case msg.GetConversation() != "":
		in.Kind, in.Text = channel.KindText, msg.GetConversation()
	case msg.GetExtendedTextMessage().GetText() != "":
		in.Kind, in.Text = channel.KindText, msg.GetExtendedTextMessage().GetText()
	case msg.GetLocationMessage() != nil:
		l := msg.GetLocationMessage()
		in.Kind = channel.KindLocation
		in.Location = &channel.Location{Latitude: l.GetDegreesLatitude(), Longitude: l.GetDegreesLongitude(), Name: l.GetName(), Address: l.GetAddress()}
	case msg.GetLiveLocationMessage() != nil:
		l := msg.GetLiveLocationMessage()
		in.Kind = channel.KindLocation
		in.Location = &channel.Location{Latitude: l.GetDegreesLatitude(), Longitude: l.GetDegreesLongitude()}
	case msg.GetImageMessage() != nil:
		img := msg.GetImageMessage()
		in.Kind, in.Text = channel.KindPhoto, img.GetCaption()
		att, err := a.download(ctx, evt.Info, img, img.GetMimetype(), "", img.GetFileLength())
		if err != nil {
			a.log.Warn("whatsapp image download failed", "id", evt.Info.ID, "from", idn.MaskPhone(in.From.ExternalID), "err", err)
			in.Kind = channel.KindOther
		}
		in.Attachment = att
	case msg.GetDocumentMessage() != nil:
		doc := msg.GetDocumentMessage()
		in.Kind, in.Text = channel.KindDocument, doc.GetCaption()
		att, err := a.download(ctx, evt.Info, doc, doc.GetMimetype(), doc.GetFileName(), doc.GetFileLength())
		if err != nil {
			a.log.Warn("whatsapp document download failed", "id", evt.Info.ID, "from", idn.MaskPhone(in.From.ExternalID), "err", err)
			in.Kind = channel.KindOther
		}
		in.Attachment = att
	case msg.GetContactMessage() != nil:
		c := msg.GetContactMessage()
		in.Kind = channel.KindContact
		in.Phone = vcardPhone(c.GetVcard())
		in.OwnPhone = in.Phone != "" && in.Phone == senderPhone
		in.Text = c.GetDisplayName()
		if in.Phone == "" {
			in.Kind = channel.KindOther
		}
	case len(msg.GetContactsArrayMessage().GetContacts()) > 0:
		c := msg.GetContactsArrayMessage().GetContacts()[0]
		in.Kind = channel.KindContact
		in.Phone = vcardPhone(c.GetVcard())
		in.OwnPhone = in.Phone != "" && in.Phone == senderPhone
		in.Text = c.GetDisplayName()
		if in.Phone == "" {
			in.Kind = channel.KindOther
		}
	case msg.GetPollUpdateMessage() != nil:
		choice, text, ok := a.pollAnswer(ctx, evt)
		if !ok {
			return channel.Inbound{}, false
		}
		if choice != "" {
			in.Kind, in.Choice = channel.KindChoice, choice
		} else {
			in.Kind, in.Text = channel.KindText, text
		}
	case msg.GetStickerMessage() != nil, msg.GetAudioMessage() != nil, msg.GetVideoMessage() != nil,
		msg.GetPtvMessage() != nil:
		in.Kind = channel.KindOther
	default:
		// Reactions, deletions, key shares, poll creations, edits and
		// other protocol messages are not something the owner said.
		return channel.Inbound{}, false
	}
	a.answerOffer(ctx, &in)
	return in, true
}

// address works out who wrote: the phone number when WhatsApp tells it (the
// sender JID, the alternate JID of a hidden LID sender, or the stored LID
// mapping), otherwise the LID itself. A contact known only by LID still works;
// replies go to the chat the message came from.
func (a *Adapter) address(ctx context.Context, info types.MessageInfo) (channel.Address, string) {
	sender := info.Sender.ToNonAD()
	if sender.IsEmpty() {
		sender = info.Chat.ToNonAD()
	}
	if sender.Server == types.DefaultUserServer {
		return channel.Address{Channel: channel.WhatsApp, ExternalID: sender.User}, "+" + sender.User
	}
	if sender.Server == types.HiddenUserServer {
		if alt := info.SenderAlt.ToNonAD(); alt.Server == types.DefaultUserServer && alt.User != "" {
			return channel.Address{Channel: channel.WhatsApp, ExternalID: alt.User}, "+" + alt.User
		}
		a.mu.Lock()
		lids := a.lids
		a.mu.Unlock()
		if lids != nil {
			pn, err := lids.GetPNForLID(ctx, sender)
			if err != nil {
				a.log.Warn("whatsapp LID lookup failed", "lid", idn.MaskPhone(sender.String()), "err", err)
			} else if pn.Server == types.DefaultUserServer && pn.User != "" {
				return channel.Address{Channel: channel.WhatsApp, ExternalID: pn.User}, "+" + pn.User
			}
		}
	}
	return channel.Address{Channel: channel.WhatsApp, ExternalID: sender.String()}, ""
}

// download saves a received image or document under
// DataDir/whatsapp/media/YYYY-MM/ and returns the attachment for the bot.
func (a *Adapter) download(ctx context.Context, info types.MessageInfo, m whatsmeow.DownloadableMessage, mimeType, fileName string, size uint64) (*channel.Attachment, error) {
	if size > maxMediaBytes {
		return nil, fmt.Errorf("file of %d bytes is over the %d byte limit", size, maxMediaBytes)
	}
	snd := a.sender()
	if snd == nil {
		return nil, channel.ErrNotConnected
	}
	data, err := snd.Download(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	if len(data) > maxMediaBytes {
		return nil, fmt.Errorf("file of %d bytes is over the %d byte limit", len(data), maxMediaBytes)
	}
	dir := filepath.Join(a.cfg.DataDir, "whatsapp", "media", info.Timestamp.UTC().Format("2006-01"))
	if info.Timestamp.IsZero() {
		dir = filepath.Join(a.cfg.DataDir, "whatsapp", "media", a.cfg.Now().UTC().Format("2006-01"))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("media dir: %w", err)
	}
	path := filepath.Join(dir, safeName(info.ID)+extension(mimeType, fileName))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, fmt.Errorf("save media: %w", err)
	}
	return &channel.Attachment{Ref: path, MIME: mimeType, FileName: fileName, Size: int64(len(data))}, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func safeName(id string) string {
	s := unsafeChars.ReplaceAllString(id, "_")
	if s == "" {
		s = "media"
	}
	return s
}

func extension(mimeType, fileName string) string {
	if ext := filepath.Ext(fileName); ext != "" && len(ext) <= 6 && !unsafeChars.MatchString(ext[1:]) {
		return strings.ToLower(ext)
	}
	base, _, _ := strings.Cut(mimeType, ";")
	switch strings.TrimSpace(base) {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	}
	if exts, _ := mime.ExtensionsByType(base); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

var (
	vcardWAID = regexp.MustCompile(`(?i)waid=(\d+)`)
	vcardTel  = regexp.MustCompile(`(?im)^TEL[^:\r\n]*:([+\d][\d\s().-]*)`)
	nonDigits = regexp.MustCompile(`\D`)
)

// vcardPhone takes the phone number out of a shared contact card: the
// WhatsApp id when present, else the first TEL line. A national Indonesian
// number (08…) becomes +628…. It returns "" when there is none.
func vcardPhone(vcard string) string {
	if m := vcardWAID.FindStringSubmatch(vcard); m != nil {
		return "+" + m[1]
	}
	m := vcardTel.FindStringSubmatch(vcard)
	if m == nil {
		return ""
	}
	raw := strings.TrimSpace(m[1])
	digits := nonDigits.ReplaceAllString(raw, "")
	switch {
	case digits == "":
		return ""
	case strings.HasPrefix(raw, "+"):
		return "+" + digits
	case strings.HasPrefix(digits, "0"):
		return "+62" + digits[1:]
	default:
		return "+" + digits
	}
}
