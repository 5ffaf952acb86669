package staffactions

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

type fakeLinker struct {
	err  error
	code string
}

func (f *fakeLinker) LinkStaff(_ context.Context, _ int64, code string, _ time.Time) (store.StaffContact, error) {
	f.code = code
	if f.err != nil {
		return store.StaffContact{}, f.err
	}
	return store.StaffContact{Username: "rina", Channel: "telegram"}, nil
}

// TestLinkAnswers: each refusal has its own kind sentence in the
// contact's language; a database failure is an error (the bot apologizes).
func TestLinkAnswers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, lang string
		err        error
		want       string
		fails      bool
	}{
		{"linked", "id", nil, "", false},
		{"web chat", "id", fmt.Errorf("contact 1 on webchat: %w", store.ErrStaffChannel), "tidak dari web chat", false},
		{"web chat en", "en", store.ErrStaffChannel, "not from the web chat", false},
		{"bad code", "id", store.ErrBadLinkCode, "sudah lewat 15 menit, atau sudah dipakai", false},
		{"disabled", "id", store.ErrStaffDisabled, "tidak aktif", false},
		{"database down", "id", fmt.Errorf("use link code: connection refused"), "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeLinker{err: c.err}
			a := bot.Actions{}
			if err := Register(a, f, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				t.Fatal(err)
			}
			res, err := a[ActLink](context.Background(), bot.ActionCall{
				Contact: flow.Contact{ID: 7, Channel: "telegram"}, Lang: c.lang, Args: map[string]any{"code": " abcde-fgh23 "}, Now: time.Now(),
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
			text, _ := res.Answers["error_text"].(string)
			if c.want == "" {
				if text != "" || res.Answers["staff_user"] != "rina" || f.code != "abcde-fgh23" {
					t.Errorf("answers %v, code %q", res.Answers, f.code)
				}
				return
			}
			if !strings.Contains(text, c.want) {
				t.Errorf("error_text %q, want %q", text, c.want)
			}
		})
	}
}
