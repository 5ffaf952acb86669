// Package officeactions holds the Go action of flows/tanya.yaml
// (`do: office.ask`): an owner puts a question to the office in the chat,
// it is stored (store.AddQuestion: at most store.MaxOpenQuestions open per
// contact, store.MaxQuestionLen characters), and a staff member answers it
// later with `jejaring questions answer` (or the dashboard), which sends the
// answer to the same chat through the outbox (Answer).
package officeactions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// ActAsk is the action's name.
const ActAsk = "office.ask"

// Names lists the actions Register adds, for `flows check`.
func Names() []string { return []string{ActAsk} }

// Asker is the store call the action needs.
type Asker interface {
	AddQuestion(ctx context.Context, contactID int64, text string, now time.Time) (store.Question, error)
}

// Register adds the office actions to a.
func Register(a bot.Actions, db Asker, log *slog.Logger) error {
	if db == nil {
		return errors.New("office actions: no database")
	}
	if log == nil {
		log = slog.Default()
	}
	return a.Register(ActAsk, func(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
		return ask(ctx, db, log, call)
	})
}

// ask stores answers.question: question_id, or error_text. The question's
// text is then dropped from the session (it lives in the database only).
func ask(ctx context.Context, db Asker, log *slog.Logger, call bot.ActionCall) (bot.ActionResult, error) {
	if call.Contact.ID == 0 {
		return bot.ActionResult{}, errors.New("office ask: the contact has no id")
	}
	text, _ := call.Answers["question"].(string)
	res := func(kv ...any) bot.ActionResult {
		r := bot.ActionResult{Answers: map[string]any{"error_text": "", "question": ""}}
		for i := 0; i+1 < len(kv); i += 2 {
			r.Answers[kv[i].(string)] = kv[i+1]
		}
		return r
	}
	q, err := db.AddQuestion(ctx, call.Contact.ID, text, call.Now)
	switch {
	case errors.Is(err, store.ErrTooManyQuestions):
		log.InfoContext(ctx, "question refused: too many open", "contact", call.Contact.ID)
		return res("error_text", idn.Pick(call.Lang,
			fmt.Sprintf("Mohon maaf, Bapak/Ibu masih punya %d pertanyaan yang belum kami jawab. Mohon ditunggu dulu jawabannya ya; setelah dijawab, Bapak/Ibu bisa bertanya lagi. Terima kasih atas kesabarannya 🙏", store.MaxOpenQuestions),
			fmt.Sprintf("Sorry, you still have %d questions we have not answered yet. Please wait for our answers first; once they are answered you can ask again. Thank you for your patience 🙏", store.MaxOpenQuestions))), nil
	case errors.Is(err, store.ErrQuestionTooLong):
		return res("error_text", idn.Pick(call.Lang,
			fmt.Sprintf("Mohon maaf, pertanyaannya terlalu panjang (paling banyak %d huruf). Mohon ketik *tanya* lagi dan tulis lebih singkat ya.", store.MaxQuestionLen),
			fmt.Sprintf("Sorry, the question is too long (at most %d characters). Please type *ask* again and write it shorter.", store.MaxQuestionLen))), nil
	case errors.Is(err, store.ErrEmptyText):
		return res("error_text", idn.Pick(call.Lang,
			"Mohon maaf, pertanyaannya kosong. Mohon ketik *tanya* lagi ya.",
			"Sorry, the question was empty. Please type *ask* again.")), nil
	case errors.Is(err, store.ErrContactErased):
		return res("error_text", idn.Pick(call.Lang,
			"Mohon maaf, data Bapak/Ibu sudah dihapus, jadi pertanyaan tidak bisa kami simpan.",
			"Sorry, your data was erased, so we cannot keep a question.")), nil
	case err != nil:
		return bot.ActionResult{}, fmt.Errorf("office ask: %w", err)
	}
	log.InfoContext(ctx, "question to the office", "contact", call.Contact.ID, "question", q.ID, "channel", q.Channel)
	return res("question_id", q.ID), nil
}

// AnswerText is the chat message carrying a staff member's answer, in the
// contact's language.
func AnswerText(lang, answer string) string {
	return idn.Pick(lang, "Jawaban dari kantor atas pertanyaan Bapak/Ibu: ", "The office's answer to your question: ") + answer
}

// Answerer is the store call Answer needs.
type Answerer interface {
	AnswerQuestion(ctx context.Context, a store.QuestionAnswer, now time.Time) (store.Question, error)
}

// Answer records a staff member's answer to question id and queues it to
// the contact's chat (AnswerText), audited, in one transaction: the one
// call the CLI and the dashboard make.
func Answer(ctx context.Context, db Answerer, id int64, answer, by string, now time.Time) (store.Question, error) {
	return db.AnswerQuestion(ctx, store.QuestionAnswer{ID: id, Answer: answer, By: by, Message: AnswerText}, now)
}
