package officeactions

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jejaring/internal/bot"
	"jejaring/internal/flow"
	"jejaring/internal/store"
)

type fakeAsker struct {
	err  error
	text string
}

func (f *fakeAsker) AddQuestion(_ context.Context, _ int64, text string, _ time.Time) (store.Question, error) {
	f.text = text
	if f.err != nil {
		return store.Question{}, f.err
	}
	return store.Question{ID: 9, Channel: "whatsapp"}, nil
}

// TestAskAnswers: each refusal of the store has its own kind sentence in
// the contact's language; a database failure is an error (the bot
// apologizes and the owner can try again).
func TestAskAnswers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, lang string
		err        error
		want       string
		fails      bool
	}{
		{"stored", "id", nil, "", false},
		{"too many", "id", fmt.Errorf("add: %w", store.ErrTooManyQuestions), "Mohon ditunggu dulu jawabannya", false},
		{"too many en", "en", store.ErrTooManyQuestions, "Please wait for our answers first", false},
		{"too long", "id", store.ErrQuestionTooLong, "paling banyak 1000 huruf", false},
		{"empty", "en", store.ErrEmptyText, "the question was empty", false},
		{"erased", "id", store.ErrContactErased, "sudah dihapus", false},
		{"database down", "id", fmt.Errorf("insert: connection refused"), "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeAsker{err: c.err}
			a := bot.Actions{}
			if err := Register(a, f, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				t.Fatal(err)
			}
			res, err := a[ActAsk](context.Background(), bot.ActionCall{
				Contact: flow.Contact{ID: 7, Channel: "whatsapp"}, Lang: c.lang,
				Answers: map[string]any{"question": "izin PIRT di mana?"}, Now: time.Now(),
			})
			if c.fails {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.text != "izin PIRT di mana?" || res.Answers["question"] != "" {
				t.Errorf("asked %q, answers %v", f.text, res.Answers)
			}
			text, _ := res.Answers["error_text"].(string)
			if c.want == "" {
				if text != "" || res.Answers["question_id"] != int64(9) {
					t.Errorf("answers %v", res.Answers)
				}
				return
			}
			if !strings.Contains(text, c.want) {
				t.Errorf("error_text %q, want %q", text, c.want)
			}
		})
	}
	if err := Register(bot.Actions{}, nil, nil); err == nil {
		t.Error("Register without a database: no error")
	}
}
