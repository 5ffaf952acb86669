package telegram

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
)

var multiOptions = []channel.Choice{{Label: "Modal", Value: "modal"}, {Label: "Pasar", Value: "pasar"}, {Label: "Pelatihan", Value: "pelatihan"}}

// waitButton waits until the chat's first bot message shows a button.
func waitButton(t *testing.T, ctx context.Context, f *fixture, chat int64, label string, want bool) {
	t.Helper()
	if err := f.fake.WaitFor(ctx, func() bool {
		s := f.fake.Sent(chat)
		return len(s) > 0 && s[0].HasButton(label) == want
	}); err != nil {
		t.Fatalf("button %q shown %v: %+v", label, !want, f.fake.Sent(chat))
	}
}

func press(t *testing.T, f *fixture, chat int64, label string) string {
	t.Helper()
	cb, err := f.fake.PressButton(chat, label)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func waitAnswered(t *testing.T, ctx context.Context, f *fixture, cb string) string {
	t.Helper()
	if err := f.fake.WaitFor(ctx, func() bool { _, ok := f.fake.Answered(cb); return ok }); err != nil {
		t.Fatalf("callback %s not answered", cb)
	}
	txt, _ := f.fake.Answered(cb)
	return txt
}

func TestMultiChoiceTogglesAndDone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{reply: func(in channel.Inbound) []channel.Outbound {
		if in.Kind == channel.KindChoice {
			return []channel.Outbound{{Text: "dipilih " + in.Choice}}
		}
		lang := ""
		if in.Text == "en" {
			lang = "en"
		}
		return []channel.Outbound{{Text: "Apa yang dibutuhkan?", Choices: multiOptions, Multi: true, Lang: lang}}
	}}
	f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chat = 3300

	f.fake.SendText(chat, "mulai")
	sent, err := f.fake.WaitSent(ctx, chat, 1)
	if err != nil {
		t.Fatal(err)
	}
	q := sent[0]
	for _, l := range []string{"Modal", "Pasar", "Pelatihan", "Selesai ✓"} {
		if !q.HasButton(l) {
			t.Fatalf("no button %q: %+v", l, q.Buttons)
		}
	}
	for _, row := range q.Buttons {
		for _, b := range row {
			if len(b.Data) > 64 {
				t.Errorf("callback data %q is %d bytes", b.Data, len(b.Data))
			}
		}
	}

	// Done with nothing picked: refused kindly, the engine sees nothing.
	cb := press(t, f, chat, "Selesai ✓")
	if txt := waitAnswered(t, ctx, f, cb); txt != "Pilih minimal satu dulu, lalu tekan Selesai." {
		t.Errorf("empty Done answered %q", txt)
	}

	// Toggle two, untoggle one, toggle another.
	press(t, f, chat, "Modal")
	waitButton(t, ctx, f, chat, "✅ Modal", true)
	press(t, f, chat, "Pasar")
	waitButton(t, ctx, f, chat, "✅ Pasar", true)
	press(t, f, chat, "✅ Modal")
	waitButton(t, ctx, f, chat, "Modal", true)
	press(t, f, chat, "Pelatihan")
	waitButton(t, ctx, f, chat, "✅ Pelatihan", true)
	if n := len(rec.inbounds()); n != 1 {
		t.Fatalf("handler called %d times by toggles, want 1 (the text)", n)
	}

	cb = press(t, f, chat, "Selesai ✓")
	sent, err = f.fake.WaitSent(ctx, chat, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sent[1].Text != "dipilih 2, 3" {
		t.Errorf("reply = %q", sent[1].Text)
	}
	if txt := waitAnswered(t, ctx, f, cb); txt != "✅ Pasar, Pelatihan" {
		t.Errorf("Done answered %q", txt)
	}
	got := rec.inbounds()
	if len(got) != 2 || got[1].Kind != channel.KindChoice || got[1].Choice != "2, 3" || got[1].Text != "Pasar, Pelatihan" {
		t.Fatalf("inbounds = %+v", got)
	}
	q = f.fake.Sent(chat)[0]
	if q.Buttons != nil || q.Text != "Apa yang dibutuhkan?\n\n✅ Pasar, Pelatihan" {
		t.Errorf("question after Done: text %q buttons %+v", q.Text, q.Buttons)
	}

	// The old keyboard pressed again (a stale client): nothing reaches the
	// engine.
	cb = f.fake.Press(chat, q.MessageID, multiDone)
	waitAnswered(t, ctx, f, cb)
	cb = f.fake.Press(chat, q.MessageID, multiPrefix+"0")
	waitAnswered(t, ctx, f, cb)
	if n := len(rec.inbounds()); n != 2 {
		t.Errorf("handler called %d times, want 2", n)
	}

	// English.
	const en = 3301
	f.fake.SendText(en, "en")
	if _, err := f.fake.WaitSent(ctx, en, 1); err != nil {
		t.Fatal(err)
	}
	cb = press(t, f, en, "Done ✓")
	if txt := waitAnswered(t, ctx, f, cb); txt != "Please pick at least one first, then press Done." {
		t.Errorf("English empty Done answered %q", txt)
	}
}

// A multi-choice step of a real flow, answered with the buttons through the
// real bot: the picks are saved as the step's answer.
func TestMultiChoiceThroughTheBot(t *testing.T) {
	t.Parallel()
	set, err := flow.Load(fstest.MapFS{"butuh.yaml": {Data: []byte(`id: butuh
version: 1
title: {id: Kebutuhan, en: Needs}
triggers:
  keywords: [butuh]
steps:
  - id: needs
    ask: multi
    label: {id: Kebutuhan, en: Needs}
    say: {id: "Apa yang dibutuhkan? Boleh pilih lebih dari satu.", en: "What do you need? You may pick several."}
    options:
      - {value: "13.01.05", id: IV Jurai}
      - {value: pasar, id: Pembeli / pasar}
      - {value: pemasok, id: Pemasok bahan}
  - id: thanks
    say: {id: Terima kasih., en: Thank you.}
    end: done
`)}})
	if err != nil {
		t.Fatal(err)
	}
	h := bottest.New(t, set, nil, "sqlite")
	f := newFixture(t)
	f.start(t, f.config(h.Bot))
	ctx := waitCtx(t)
	const chat = 3302

	f.fake.SendText(chat, "butuh")
	if _, err := f.fake.WaitSent(ctx, chat, 1); err != nil {
		t.Fatal(err)
	}
	waitButton(t, ctx, f, chat, "Selesai ✓", true)
	press(t, f, chat, "IV Jurai")
	waitButton(t, ctx, f, chat, "✅ IV Jurai", true)
	press(t, f, chat, "Pemasok bahan")
	waitButton(t, ctx, f, chat, "✅ Pemasok bahan", true)
	press(t, f, chat, "Selesai ✓")
	if _, _, err := f.fake.WaitText(ctx, chat, 1, "Terima kasih"); err != nil {
		t.Fatalf("no thanks: %v; sent %+v", err, f.fake.Sent(chat))
	}
	answers, ended := h.Answers(channel.Address{Channel: channel.Telegram, ExternalID: "3302"})
	if want := []any{"13.01.05", "pemasok"}; !reflect.DeepEqual(answers["needs"], want) || ended != "done" {
		t.Errorf("answers %#v ended %q, want needs %#v", answers, ended, want)
	}
	if q := f.fake.Sent(chat)[0]; q.Buttons != nil || !strings.HasSuffix(q.Text, "✅ IV Jurai, Pemasok bahan") {
		t.Errorf("question after Done: %q %+v", q.Text, q.Buttons)
	}
}

// A multi-choice keyboard pressed after a later question was sent is over:
// the press is refused, its buttons go, and the engine sees nothing.
func TestMultiChoiceStaleKeyboard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := &recorder{}
	a, _ := f.start(t, f.config(rec))
	ctx := waitCtx(t)
	const chat = 3303
	to := channel.Address{Channel: channel.Telegram, ExternalID: "3303"}
	old, err := a.Send(ctx, to, channel.Outbound{Text: "Apa yang dibutuhkan?", Choices: multiOptions, Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	press(t, f, chat, "Modal")
	waitButton(t, ctx, f, chat, "✅ Modal", true)
	if _, err := a.Send(ctx, to, channel.Outbound{Text: "Setuju?", Choices: []channel.Choice{{Label: "Ya", Value: "ya"}}}); err != nil {
		t.Fatal(err)
	}
	cb := press(t, f, chat, "Selesai ✓")
	if txt := waitAnswered(t, ctx, f, cb); !strings.HasPrefix(txt, "Pertanyaan ini sudah lewat") {
		t.Errorf("stale Done answered %q", txt)
	}
	waitButton(t, ctx, f, chat, "Selesai ✓", false)
	if q := f.fake.Sent(chat)[0]; q.Buttons != nil || old.MessageID != strconv.Itoa(q.MessageID) {
		t.Errorf("old question keeps buttons %+v", q.Buttons)
	}
	if n := len(rec.inbounds()); n != 0 {
		t.Errorf("handler called %d times, want 0", n)
	}
}
