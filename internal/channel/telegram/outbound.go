package telegram

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// Telegram's limits.
const (
	maxText         = 4096 // UTF-16 code units per message
	maxCaption      = 1024
	maxCallbackData = 64 // bytes
)

// Labels of the reply-keyboard buttons, Indonesian and English (by
// Outbound.Lang).
var (
	sharePhoneLabel    = idn.Text{ID: "📱 Bagikan nomor saya", EN: "📱 Share my number"}
	shareLocationLabel = idn.Text{ID: "📍 Kirim lokasi saya", EN: "📍 Share my location"}
)

// ErrRejected wraps a 400 answer for a message Telegram will never accept as
// sent (too long, bad markup, ...). Retrying it is pointless.
var ErrRejected = fmt.Errorf("telegram: %w", channel.ErrRejected)

// errExpired says a long choice value's key is gone from Redis.
var errExpired = errors.New("choice expired")

// chatState is what the reply path remembers about a chat between updates:
// the bot message whose inline keyboard is still live (removed when the user
// answers by typing) and whether a reply keyboard (share number / location)
// is showing (removed by the next plain message).
type chatState struct {
	inlineMsg int
	replyKB   bool
	changed   bool
}

// Send delivers one message to a contact, trying each Bot API call once. It
// returns *channel.RateLimitError on 429, an error wrapping channel.ErrBlocked
// on 403 (and calls OnBlocked), channel.ErrUnknownRecipient when the chat is
// not found, one wrapping ErrRejected on other 400s, and a plain error on 5xx
// or network trouble. A long text is several messages: if a later part fails,
// the earlier parts were delivered.
func (a *Adapter) Send(ctx context.Context, to channel.Address, msg channel.Outbound) (channel.SendResult, error) {
	if to.Channel != "" && to.Channel != channel.Telegram {
		return channel.SendResult{}, fmt.Errorf("telegram send: address %s is not a telegram chat: %w", to, channel.ErrUnknownRecipient)
	}
	chatID, err := strconv.ParseInt(to.ExternalID, 10, 64)
	if err != nil || chatID == 0 {
		return channel.SendResult{}, fmt.Errorf("telegram send: bad chat id %q: %w", to.ExternalID, channel.ErrUnknownRecipient)
	}
	if strings.TrimSpace(msg.Text) == "" && msg.Media == nil {
		return channel.SendResult{}, fmt.Errorf("telegram send to %s: empty message: %w", to, ErrRejected)
	}
	id, err := a.deliver(ctx, chatID, msg, nil, false)
	if err != nil {
		return channel.SendResult{}, err
	}
	return channel.SendResult{MessageID: strconv.Itoa(id)}, nil
}

// deliver renders and sends one Outbound. With retry (the reply path) 429s,
// 5xx and network errors are retried here; st, if not nil, carries the chat's
// keyboard state. It returns the id of the last Telegram message sent.
func (a *Adapter) deliver(ctx context.Context, chatID int64, msg channel.Outbound, st *chatState, retry bool) (int, error) {
	var markup models.ReplyMarkup
	inline := false
	showsReplyKB := false
	switch {
	case len(msg.Choices) > 0:
		var kb *models.InlineKeyboardMarkup
		var err error
		if msg.Multi {
			kb = multiKeyboard(msg.Choices, msg.Lang)
		} else {
			kb, err = a.keyboard(ctx, msg.Choices)
		}
		if err != nil {
			return 0, err
		}
		markup, inline = kb, true
	case msg.Expect == "phone":
		markup = &models.ReplyKeyboardMarkup{
			Keyboard:       [][]models.KeyboardButton{{{Text: sharePhoneLabel.In(msg.Lang), RequestContact: true}}},
			ResizeKeyboard: true, OneTimeKeyboard: true,
			InputFieldPlaceholder: "0812-3456-7890",
		}
		showsReplyKB = true
	case msg.Expect == "location":
		markup = &models.ReplyKeyboardMarkup{
			Keyboard:       [][]models.KeyboardButton{{{Text: shareLocationLabel.In(msg.Lang), RequestLocation: true}}},
			ResizeKeyboard: true, OneTimeKeyboard: true,
		}
		showsReplyKB = true
	case st != nil && st.replyKB:
		markup = &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	}

	text := strings.TrimSpace(msg.Text)
	var lastID int
	if m := msg.Media; m != nil {
		caption := m.Caption
		textAsCaption := caption == "" && text != "" && utf16Len(text) <= maxCaption && !inline
		if textAsCaption {
			caption, text = text, ""
		}
		var mediaMarkup models.ReplyMarkup
		if text == "" {
			mediaMarkup = markup
		}
		id, err := a.sendMedia(ctx, chatID, m, caption, mediaMarkup, retry)
		if err != nil {
			return 0, err
		}
		lastID = id
	}
	if text != "" {
		parts := splitText(text, maxText)
		for i, part := range parts {
			p := &tgbot.SendMessageParams{ChatID: chatID, Text: part}
			if i == len(parts)-1 {
				p.ReplyMarkup = markup
			}
			var sent *models.Message
			err := a.call(ctx, "sendMessage", chatID, retry, func(ctx context.Context) error {
				var err error
				sent, err = a.api.SendMessage(ctx, p)
				return err
			})
			if err != nil {
				return lastID, err
			}
			lastID = sent.ID
		}
	}
	if inline && lastID != 0 {
		a.markNewestKeyboard(ctx, chatID, lastID)
	}
	if st != nil && lastID != 0 {
		switch {
		case inline:
			st.inlineMsg, st.changed = lastID, true
		case showsReplyKB:
			st.replyKB, st.changed = true, true
		case markup != nil && !inline:
			st.replyKB, st.changed = false, true
		}
	}
	return lastID, nil
}

func (a *Adapter) sendMedia(ctx context.Context, chatID int64, m *channel.Media, caption string, markup models.ReplyMarkup, retry bool) (int, error) {
	if r := []rune(caption); utf16Len(caption) > maxCaption {
		caption = string(r[:maxCaption/2]) + "…"
	}
	name := m.Name
	var sent *models.Message
	if m.Kind == "image" {
		if name == "" {
			name = "foto.jpg"
		}
		err := a.call(ctx, "sendPhoto", chatID, retry, func(ctx context.Context) error {
			var err error
			sent, err = a.api.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: chatID, Caption: caption, ReplyMarkup: markup,
				Photo: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(m.Data)}})
			return err
		})
		if err != nil {
			return 0, err
		}
		return sent.ID, nil
	}
	if name == "" {
		name = "dokumen"
	}
	err := a.call(ctx, "sendDocument", chatID, retry, func(ctx context.Context) error {
		var err error
		sent, err = a.api.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: chatID, Caption: caption, ReplyMarkup: markup,
			Document: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(m.Data)}})
		return err
	})
	if err != nil {
		return 0, err
	}
	return sent.ID, nil
}

// keyboard builds the inline keyboard for choices: one button per row, or two
// per row when there are many short labels. A multi-choice question gets
// multiKeyboard instead (toggles and a Done button, see multi.go).
func (a *Adapter) keyboard(ctx context.Context, choices []channel.Choice) (*models.InlineKeyboardMarkup, error) {
	perRow := 1
	if len(choices) >= 5 {
		perRow = 2
		for _, c := range choices {
			if len([]rune(c.Label)) > 14 {
				perRow = 1
				break
			}
		}
	}
	kb := &models.InlineKeyboardMarkup{}
	var row []models.InlineKeyboardButton
	for _, c := range choices {
		data, err := a.encodeChoice(ctx, c.Value)
		if err != nil {
			return nil, err
		}
		label := c.Label
		if label == "" {
			label = c.Value
		}
		row = append(row, models.InlineKeyboardButton{Text: label, CallbackData: data})
		if len(row) == perRow {
			kb.InlineKeyboard = append(kb.InlineKeyboard, row)
			row = nil
		}
	}
	if len(row) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	return kb, nil
}

// Callback data: "v|<value>" when the value fits in 64 bytes; otherwise
// "k|<key>" with the value kept in Redis for choiceTTL.
const choiceTTL = 30 * 24 * time.Hour

func (a *Adapter) encodeChoice(ctx context.Context, value string) (string, error) {
	short, long := "v|", "k|"
	if len(short)+len(value) <= maxCallbackData {
		return short + value, nil
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	key := hex.EncodeToString(b[:])
	if err := a.rdb.Set(ctx, a.prefix+"cb:"+key, value, choiceTTL).Err(); err != nil {
		return "", fmt.Errorf("telegram: store long choice value: %w", err)
	}
	return long + key, nil
}

// decodeChoice turns callback data back into the choice value.
func (a *Adapter) decodeChoice(ctx context.Context, data string) (string, error) {
	if len(data) < 2 || data[1] != '|' {
		return data, nil // not ours: pass it through as is
	}
	switch data[0] {
	case 'v':
		return data[2:], nil
	case 'k':
		v, err := a.rdb.Get(ctx, a.prefix+"cb:"+data[2:]).Result()
		if errors.Is(err, errNil) {
			return "", errExpired
		}
		if err != nil {
			return "", fmt.Errorf("telegram: load long choice value: %w", err)
		}
		return v, nil
	}
	return data, nil
}

// splitText cuts text into parts of at most limit UTF-16 code units, on line
// boundaries where possible, then on spaces, then anywhere.
func splitText(text string, limit int) []string {
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf16Len(line)
		if curLen+n <= limit {
			cur.WriteString(line)
			curLen += n
			continue
		}
		flush()
		for utf16Len(line) > limit {
			head, tail := cutAt(line, limit)
			parts = append(parts, head)
			line = tail
		}
		cur.WriteString(line)
		curLen = utf16Len(line)
	}
	flush()
	return parts
}

// cutAt splits an over-long line at the last space within limit, or at the
// limit itself (never inside a rune).
func cutAt(line string, limit int) (string, string) {
	n, cut, lastSpace := 0, len(line), -1
	for i, r := range line {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if n+w > limit {
			cut = i
			break
		}
		if r == ' ' {
			lastSpace = i
		}
		n += w
	}
	if lastSpace > 0 {
		return line[:lastSpace], line[lastSpace+1:]
	}
	return line[:cut], line[cut:]
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}
