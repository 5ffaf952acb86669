package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/nyaruka/phonenumbers"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// How long handled update ids and per-chat keyboard state are kept.
const (
	dedupeTTL    = 72 * time.Hour
	chatStateTTL = 30 * 24 * time.Hour
)

// allowedUpdates are the update types we ask Telegram for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// chatOf is the chat an update belongs to (0 when it has none), which is the
// key that keeps one chat's updates in order.
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message; m.Message != nil {
			return m.Message.Chat.ID
		} else if m.InaccessibleMessage != nil && m.InaccessibleMessage.Chat.ID != 0 {
			return m.InaccessibleMessage.Chat.ID
		}
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// process handles one update exactly once: it is skipped if its id was
// handled before; otherwise the handler's replies are sent and the id is
// remembered. A nil error means the update is done (handled, skipped or
// ignored); an error means it must be delivered again (Redis trouble before
// it was handled, replies neither delivered nor queued: see reply). ctx
// comes from jobContext: a shutdown does not cancel it, only HandleTimeout
// does.
func (a *Adapter) process(ctx context.Context, u *models.Update) error {
	chatID := chatOf(u)
	doneKey := a.prefix + "upd:" + strconv.FormatInt(u.ID, 10)
	stateKey := a.prefix + "chat:" + strconv.FormatInt(chatID, 10)

	pipe := a.rdb.Pipeline()
	seen := pipe.Exists(ctx, doneKey)
	stateCmd := pipe.HGetAll(ctx, stateKey)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, errNil) {
		return fmt.Errorf("telegram update %d: load state: %w", u.ID, err)
	}
	if seen.Val() > 0 {
		a.rdb.HDel(ctx, a.prefix+"inbox", strconv.FormatInt(u.ID, 10))
		return nil
	}
	st := &chatState{}
	if v := stateCmd.Val(); v != nil {
		st.inlineMsg, _ = strconv.Atoi(v["kb"])
		st.replyKB = v["rk"] == "1"
	}

	in, ok, err := a.inbound(ctx, u, chatID, st)
	if err != nil {
		return err
	}
	if ok {
		if err := a.reply(ctx, chatID, in, st); err != nil {
			return err
		}
	}

	// Record the update as done even when ctx has just expired.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	pipe = a.rdb.TxPipeline()
	pipe.Set(ctx, doneKey, "1", dedupeTTL)
	pipe.HDel(ctx, a.prefix+"inbox", strconv.FormatInt(u.ID, 10))
	if st.changed && chatID != 0 {
		rk := "0"
		if st.replyKB {
			rk = "1"
		}
		pipe.HSet(ctx, stateKey, "kb", strconv.Itoa(st.inlineMsg), "rk", rk)
		pipe.Expire(ctx, stateKey, chatStateTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		// The replies are out; failing here would answer twice on replay.
		a.log.Error("telegram: remember handled update", "update", u.ID, "err", err)
	}
	return nil
}

// reply handles in and delivers its replies in order, confirming each one
// to a DurableHandler as it gets out. A reply that keeps failing
// transiently for ReplyRetryFor goes, with the ones after it, to
// OnUndelivered. An error means the update must be handled again (it stays
// in the inbox): the replies could not be sent nor queued, or the handling
// ran out of time; a DurableHandler then returns just the ones not confirmed.
func (a *Adapter) reply(ctx context.Context, chatID int64, in channel.Inbound, st *chatState) error {
	durable, _ := a.cfg.Handler.(channel.DurableHandler)
	r, err := a.handle(ctx, in, durable)
	if err != nil {
		return err
	}
	confirm := func(upto int) {
		if durable == nil {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := durable.Delivered(cctx, in, upto); err != nil {
			// Not fatal: a replay would send this reply again.
			a.log.Warn("telegram: reply delivered but not confirmed", "chat", chatID, "err", err)
		}
	}
	total := r.From + len(r.Out)
	for i, msg := range r.Out {
		_, err := a.deliver(ctx, chatID, msg, st, true)
		if err == nil {
			confirm(r.From + i + 1)
			continue
		}
		if channel.Permanent(err) {
			// Blocked, unknown chat, or a message Telegram refuses:
			// the rest cannot do better.
			a.log.Warn("telegram reply refused; the rest of the turn's replies are dropped", "chat", chatID, "err", err)
			confirm(total)
			return nil
		}
		rest := r.Out[i:]
		if a.cfg.OnUndelivered != nil {
			qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			qerr := a.cfg.OnUndelivered(qctx, in, rest)
			cancel()
			if qerr == nil {
				a.log.Warn("telegram reply not delivered in time; queued in the outbox", "chat", chatID, "replies", len(rest), "err", err)
				confirm(total)
				return nil
			}
			a.log.Error("telegram reply neither delivered nor queued; the update will be handled again", "chat", chatID, "err", err, "queue_err", qerr)
		}
		if ctx.Err() != nil {
			a.log.Error("telegram: handling the update took too long; it is retried", "update", in.MessageID, "chat", chatID, "timeout", a.cfg.HandleTimeout)
		}
		return fmt.Errorf("telegram reply to chat %d not delivered: %w", chatID, err)
	}
	return nil
}

// handle calls the handler (durable when it is one) once. The bot answers
// its own failures with its one apology (internal/bot) and returns an error
// only when nothing can be said now: channel.ErrUnavailable (Redis or the
// database out of reach) or a turn that must run again goes back to
// dispatch — the update stays in the inbox, is handed in again after a
// back-off, and this chat's later updates wait behind it; a handler that
// ran out of HandleTimeout is given up (the update is not retried). There
// is no second retry or apology here.
func (a *Adapter) handle(ctx context.Context, in channel.Inbound, durable channel.DurableHandler) (channel.Replies, error) {
	var r channel.Replies
	var err error
	if durable != nil {
		r, err = durable.HandleDurable(ctx, in)
	} else {
		r.Out, err = a.cfg.Handler.Handle(ctx, in)
	}
	switch {
	case err == nil:
		return r, nil
	case ctx.Err() != nil && !errors.Is(err, channel.ErrUnavailable):
		// The handler ran out of HandleTimeout (or we are stopping): the
		// update is not tried again, so a stuck handler cannot hold the
		// chat forever.
		a.log.Error("telegram: handler did not finish; the update is dropped", "chat", in.From.ExternalID, "message", in.MessageID, "err", err)
		return channel.Replies{}, nil
	}
	return channel.Replies{}, fmt.Errorf("telegram update %s: %w", in.MessageID, err)
}

// inbound turns an update into an Inbound. ok is false for updates that need
// no handler call (ignored kinds, blocked notices, repeated button presses).
func (a *Adapter) inbound(ctx context.Context, u *models.Update, chatID int64, st *chatState) (channel.Inbound, bool, error) {
	switch {
	case u.MyChatMember != nil:
		m := u.MyChatMember
		if m.Chat.Type == models.ChatTypePrivate && m.NewChatMember.Type == models.ChatMemberTypeBanned {
			a.log.Info("telegram user blocked the bot", "chat", chatID)
			if a.cfg.OnBlocked != nil {
				a.cfg.OnBlocked(ctx, address(chatID))
			}
		}
		return channel.Inbound{}, false, nil
	case u.CallbackQuery != nil:
		return a.callback(ctx, u.CallbackQuery, u.ID, chatID, st)
	case u.Message != nil:
		m := u.Message
		if m.Chat.Type != models.ChatTypePrivate || m.From == nil || m.From.IsBot {
			return channel.Inbound{}, false, nil
		}
		if st.inlineMsg != 0 {
			// The user answered by typing: take the old buttons away.
			id := st.inlineMsg
			st.inlineMsg, st.changed = 0, true
			a.removeKeyboard(ctx, chatID, id)
		}
		return a.fromMessage(m), true, nil
	}
	return channel.Inbound{}, false, nil
}

func (a *Adapter) removeKeyboard(ctx context.Context, chatID int64, msgID int) {
	_ = a.callWithRetry(ctx, "editMessageReplyMarkup", chatID, func(ctx context.Context) error {
		_, err := a.api.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: msgID})
		return err
	})
}

func base(from *models.User, chatID int64, date int) channel.Inbound {
	in := channel.Inbound{From: address(chatID), Time: time.Unix(int64(date), 0).UTC()}
	if from != nil {
		in.DisplayName = strings.TrimSpace(from.FirstName + " " + from.LastName)
		in.Language = from.LanguageCode
	}
	return in
}

// fromMessage maps a private message.
func (a *Adapter) fromMessage(m *models.Message) channel.Inbound {
	in := base(m.From, m.Chat.ID, m.Date)
	in.MessageID = strconv.Itoa(m.ID)
	switch {
	case m.Text != "":
		in.Kind, in.Text = channel.KindText, m.Text
		if strings.HasPrefix(m.Text, "/") {
			a.command(&in, m.Text)
		}
	case m.Contact != nil:
		in.Kind = channel.KindContact
		in.Phone = normalizePhone(m.Contact.PhoneNumber)
		in.OwnPhone = m.Contact.UserID != 0 && m.Contact.UserID == m.From.ID
	case m.Location != nil:
		in.Kind = channel.KindLocation
		in.Location = &channel.Location{Latitude: m.Location.Latitude, Longitude: m.Location.Longitude}
		if m.Venue != nil {
			in.Location.Name, in.Location.Address = m.Venue.Title, m.Venue.Address
		}
	case len(m.Photo) > 0:
		best := m.Photo[0]
		for _, p := range m.Photo[1:] {
			if p.Width*p.Height > best.Width*best.Height || (p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize) {
				best = p
			}
		}
		in.Kind, in.Text = channel.KindPhoto, m.Caption
		in.Attachment = &channel.Attachment{Ref: best.FileID, MIME: "image/jpeg", Size: int64(best.FileSize)}
	case m.Document != nil:
		in.Kind, in.Text = channel.KindDocument, m.Caption
		in.Attachment = &channel.Attachment{Ref: m.Document.FileID, MIME: m.Document.MimeType, FileName: m.Document.FileName, Size: m.Document.FileSize}
	default:
		in.Kind, in.Text = channel.KindOther, m.Caption
	}
	return in
}

// command maps "/start payload" to KindStart and the menu commands to the
// bot's global words ("/batal" -> "batal").
func (a *Adapter) command(in *channel.Inbound, text string) {
	word, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	cmd := strings.TrimPrefix(word, "/")
	if c, target, ok := strings.Cut(cmd, "@"); ok {
		if me, _ := a.username.Load().(string); me != "" && !strings.EqualFold(target, me) {
			return // a command for another bot: leave the text as it is
		}
		cmd = c
	}
	cmd = strings.ToLower(cmd)
	if cmd == "start" {
		in.Kind, in.Text, in.Payload = channel.KindStart, "", strings.TrimSpace(rest)
		return
	}
	if w, ok := commandWords[cmd]; ok {
		in.Text = strings.TrimSpace(w + " " + rest)
		return
	}
	in.Text = strings.TrimSpace(cmd + " " + rest)
}

// callback handles a pressed inline button: it always answers the callback
// query, lets each keyboard be used once (a second press only gets a note),
// and edits the message to show the chosen option without buttons.
func (a *Adapter) callback(ctx context.Context, q *models.CallbackQuery, updateID int64, chatID int64, st *chatState) (channel.Inbound, bool, error) {
	answer := func(text string) {
		_ = a.callWithRetry(ctx, "answerCallbackQuery", chatID, func(ctx context.Context) error {
			_, err := a.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: text})
			return err
		})
	}
	if strings.HasPrefix(q.Data, multiPrefix) {
		return a.multiCallback(ctx, q, updateID, chatID, st, answer)
	}
	value, err := a.decodeChoice(ctx, q.Data)
	if errors.Is(err, errExpired) {
		answer("Maaf, pilihan ini sudah kedaluwarsa. Silakan ketik jawaban Bapak/Ibu.")
		return channel.Inbound{}, false, nil
	}
	if err != nil {
		return channel.Inbound{}, false, err
	}
	msg := q.Message.Message // nil when Telegram says the message is inaccessible
	msgID := 0
	if msg != nil {
		msgID = msg.ID
	} else if q.Message.InaccessibleMessage != nil {
		msgID = q.Message.InaccessibleMessage.MessageID
	}
	label := value
	if msg != nil && msg.ReplyMarkup != nil {
		for _, row := range msg.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				if b.CallbackData == q.Data {
					label = b.Text
				}
			}
		}
	}
	if msgID != 0 {
		key := a.prefix + "chosen:" + strconv.FormatInt(chatID, 10) + ":" + strconv.Itoa(msgID)
		// The key holds the update that claimed the keyboard, so a replay of
		// that same update (after a crash) is still handled.
		claim := strconv.FormatInt(updateID, 10)
		first, err := a.rdb.SetNX(ctx, key, claim, chatStateTTL).Result()
		if err != nil {
			return channel.Inbound{}, false, fmt.Errorf("telegram callback %s: %w", q.ID, err)
		}
		if !first {
			if owner, err := a.rdb.Get(ctx, key).Result(); err == nil && owner == claim {
				first = true
			}
		}
		if !first {
			answer("Pilihan ini sudah dicatat.")
			return channel.Inbound{}, false, nil
		}
	}
	answer("✅ " + label)
	if msg != nil {
		if st.inlineMsg == msgID {
			st.inlineMsg, st.changed = 0, true
		}
		if msg.Text != "" {
			text := msg.Text + "\n\n✅ " + label
			if utf16Len(text) > maxText {
				text = msg.Text
			}
			_ = a.callWithRetry(ctx, "editMessageText", chatID, func(ctx context.Context) error {
				_, err := a.api.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: chatID, MessageID: msgID, Text: text})
				return err
			})
		} else {
			a.removeKeyboard(ctx, chatID, msgID)
		}
	}
	in := base(&q.From, chatID, 0)
	in.Time = time.Now().UTC()
	in.MessageID = "cb:" + q.ID
	in.Kind, in.Choice, in.Text = channel.KindChoice, value, label
	return in, true, nil
}

// normalizePhone turns a shared contact's number (Telegram sends
// international digits, with or without "+") into E.164; numbers it cannot
// parse are returned as "+digits".
func normalizePhone(s string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if digits == "" {
		return ""
	}
	if strings.HasPrefix(digits, "0") {
		if p, err := idn.NormalizePhone(digits); err == nil {
			return p
		}
		return digits
	}
	num, err := phonenumbers.Parse("+"+digits, "ID")
	if err != nil {
		return "+" + digits
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// Download fetches a received file (a photo's or document's Attachment.Ref)
// with getFile and the Bot API's file endpoint. Files over 20 MB are refused,
// as Telegram refuses them to bots.
func (a *Adapter) Download(ctx context.Context, fileID string) ([]byte, error) {
	var f *models.File
	err := a.callWithRetry(ctx, "getFile", 0, func(ctx context.Context) error {
		var err error
		f, err = a.api.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("telegram download %s: %w", fileID, err)
	}
	const maxFile = 20 << 20
	if f.FileSize > maxFile {
		return nil, fmt.Errorf("telegram download %s: file of %d bytes is too big", fileID, f.FileSize)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.api.FileDownloadLink(f), nil)
	if err != nil {
		return nil, fmt.Errorf("telegram download %s: %w", fileID, err)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram download %s: %w", fileID, redactToken(err, a.cfg.Token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("telegram download %s: status %d", fileID, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("telegram download %s: %w", fileID, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("telegram download %s: file is too big", fileID)
	}
	return data, nil
}

// redactToken hides the bot token in an error that may carry a URL.
func redactToken(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "***"))
}
