package telegram

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// A multi-choice question (Outbound.Multi) gets toggle buttons and a Done
// button. A toggle press ("m|<index>") only flips the option in the picked
// set, kept in Redis per chat and message, and edits the keyboard to mark the
// picked labels with "✅ "; the engine does not see it. Done ("m|ok") sends
// the engine one KindChoice whose Choice lists the picked options' numbers
// ("1, 3"), the form the engine's multi-choice parser reads, then shows the
// chosen labels under the question without buttons, as a single choice does.
const (
	multiPrefix = "m|"
	multiDone   = "m|ok"
	pickedMark  = "✅ "
)

var doneLabel = idn.Text{ID: "Selesai ✓", EN: "Done ✓"}

// multiKeyboard lays the options out as keyboard does, plus a Done row.
func multiKeyboard(choices []channel.Choice, lang string) *models.InlineKeyboardMarkup {
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
	for i, c := range choices {
		text := c.Label
		if text == "" {
			text = c.Value
		}
		row = append(row, models.InlineKeyboardButton{Text: text, CallbackData: multiPrefix + strconv.Itoa(i)})
		if len(row) == perRow {
			kb.InlineKeyboard = append(kb.InlineKeyboard, row)
			row = nil
		}
	}
	if len(row) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	kb.InlineKeyboard = append(kb.InlineKeyboard, []models.InlineKeyboardButton{{Text: doneLabel.In(lang), CallbackData: multiDone}})
	return kb
}

// markNewestKeyboard remembers the chat's newest inline keyboard, so a
// multi-choice keyboard pressed after a later question was asked is refused.
func (a *Adapter) markNewestKeyboard(ctx context.Context, chatID int64, msgID int) {
	if err := a.rdb.Set(ctx, a.prefix+"kbnew:"+strconv.FormatInt(chatID, 10), msgID, chatStateTTL).Err(); err != nil {
		a.log.Warn("telegram: remember newest keyboard", "chat", chatID, "err", err)
	}
}

// multiCallback handles a press on a multi-choice keyboard. ok is true only
// for Done with at least one option picked.
func (a *Adapter) multiCallback(ctx context.Context, q *models.CallbackQuery, updateID, chatID int64, st *chatState, answer func(string)) (channel.Inbound, bool, error) {
	msg := q.Message.Message
	if msg == nil || msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) == 0 {
		answer("Maaf, pilihan ini sudah kedaluwarsa. Silakan ketik jawaban Bapak/Ibu.")
		return channel.Inbound{}, false, nil
	}
	msgID := msg.ID
	// The options' labels by index, and the language of the Done button.
	labels := map[int]string{}
	en := false
	for _, row := range msg.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData == multiDone {
				en = b.Text == doneLabel.EN
			} else if i, err := strconv.Atoi(strings.TrimPrefix(b.CallbackData, multiPrefix)); err == nil && strings.HasPrefix(b.CallbackData, multiPrefix) {
				labels[i] = strings.TrimPrefix(b.Text, pickedMark)
			}
		}
	}
	say := func(id, en2 string) string {
		if en {
			return en2
		}
		return id
	}
	chat, mid := strconv.FormatInt(chatID, 10), strconv.Itoa(msgID)
	chosenKey := a.prefix + "chosen:" + chat + ":" + mid
	pickKey := a.prefix + "multi:" + chat + ":" + mid
	claim := strconv.FormatInt(updateID, 10)
	fail := func(err error) (channel.Inbound, bool, error) {
		return channel.Inbound{}, false, fmt.Errorf("telegram callback %s: %w", q.ID, err)
	}

	pipe := a.rdb.Pipeline()
	ownerCmd := pipe.Get(ctx, chosenKey)
	newestCmd := pipe.Get(ctx, a.prefix+"kbnew:"+chat)
	stateCmd := pipe.HGetAll(ctx, pickKey)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, errNil) {
		return fail(err)
	}
	if owner, err := ownerCmd.Result(); err == nil && owner != claim {
		answer(say("Pilihan ini sudah dicatat.", "This answer is already recorded."))
		return channel.Inbound{}, false, nil
	}
	if newest, err := newestCmd.Result(); err == nil && newest != mid {
		// A later question was asked: this one is over.
		answer(say("Pertanyaan ini sudah lewat. Silakan jawab pertanyaan terakhir.", "This question has passed. Please answer the latest one."))
		a.removeKeyboard(ctx, chatID, msgID)
		return channel.Inbound{}, false, nil
	}
	state := stateCmd.Val()
	picked := map[int]bool{}
	for f := range state {
		if i, err := strconv.Atoi(strings.TrimPrefix(f, "p")); err == nil && strings.HasPrefix(f, "p") {
			if _, known := labels[i]; known {
				picked[i] = true
			}
		}
	}

	if q.Data != multiDone {
		i, err := strconv.Atoi(q.Data[len(multiPrefix):])
		if _, known := labels[i]; err != nil || !known {
			answer("")
			return channel.Inbound{}, false, nil
		}
		// A replay of the toggle that was applied last (after a crash) must
		// not flip it back.
		if state["upd"] != claim {
			picked[i] = !picked[i]
			tx := a.rdb.TxPipeline()
			if picked[i] {
				tx.HSet(ctx, pickKey, "p"+strconv.Itoa(i), "1")
			} else {
				tx.HDel(ctx, pickKey, "p"+strconv.Itoa(i))
			}
			tx.HSet(ctx, pickKey, "upd", claim)
			tx.Expire(ctx, pickKey, chatStateTTL)
			if _, err := tx.Exec(ctx); err != nil {
				return fail(err)
			}
		}
		kb := &models.InlineKeyboardMarkup{}
		for _, row := range msg.ReplyMarkup.InlineKeyboard {
			var nrow []models.InlineKeyboardButton
			for _, b := range row {
				if j, err := strconv.Atoi(strings.TrimPrefix(b.CallbackData, multiPrefix)); err == nil && strings.HasPrefix(b.CallbackData, multiPrefix) {
					b.Text = labels[j]
					if picked[j] {
						b.Text = pickedMark + labels[j]
					}
				}
				nrow = append(nrow, models.InlineKeyboardButton{Text: b.Text, CallbackData: b.CallbackData})
			}
			kb.InlineKeyboard = append(kb.InlineKeyboard, nrow)
		}
		answer("")
		_ = a.callWithRetry(ctx, "editMessageReplyMarkup", chatID, func(ctx context.Context) error {
			_, err := a.api.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: msgID, ReplyMarkup: kb})
			return err
		})
		return channel.Inbound{}, false, nil
	}

	// Done.
	if len(picked) == 0 {
		answer(say("Pilih minimal satu dulu, lalu tekan Selesai.", "Please pick at least one first, then press Done."))
		return channel.Inbound{}, false, nil
	}
	// The key holds the update that claimed the keyboard, so a replay of
	// that same update (after a crash) is still handled.
	first, err := a.rdb.SetNX(ctx, chosenKey, claim, chatStateTTL).Result()
	if err != nil {
		return fail(err)
	}
	if !first {
		if owner, err := a.rdb.Get(ctx, chosenKey).Result(); err != nil || owner != claim {
			answer(say("Pilihan ini sudah dicatat.", "This answer is already recorded."))
			return channel.Inbound{}, false, nil
		}
	}
	idx := make([]int, 0, len(picked))
	for i := range picked {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	nums := make([]string, len(idx))
	names := make([]string, len(idx))
	for k, i := range idx {
		nums[k], names[k] = strconv.Itoa(i+1), labels[i]
	}
	chosen := strings.Join(names, ", ")
	answer(pickedMark + chosen)
	if st.inlineMsg == msgID {
		st.inlineMsg, st.changed = 0, true
	}
	if msg.Text != "" {
		text := msg.Text + "\n\n" + pickedMark + chosen
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
	// The picks stay for a replay of this update after a crash.
	a.rdb.Expire(ctx, pickKey, dedupeTTL)
	in := base(&q.From, chatID, 0)
	in.Time = time.Now().UTC()
	in.MessageID = "cb:" + q.ID
	in.Kind, in.Choice, in.Text = channel.KindChoice, strings.Join(nums, ", "), chosen
	return in, true, nil
}
