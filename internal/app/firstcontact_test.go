package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/event"
)

func joinTexts(out []channel.Outbound) string {
	var b strings.Builder
	for _, o := range out {
		b.WriteString(o.Text)
		b.WriteString("\n---\n")
	}
	return b.String()
}

// TestFirstContactNotARegistration (issue 17): with the real flows and
// event store, a new contact whose first message asks about events gets a
// welcome and the upcoming published events — not the privacy notice and
// consent — and "register" as a first message starts the registration in
// English.
func TestFirstContactNotARegistration(t *testing.T) {
	t.Parallel()
	a, err := New(context.Background(), localConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	now := time.Now().UTC()
	pub := &event.Event{Title: "Pelatihan Kemasan Produk", Kind: event.Pelatihan, Venue: "Aula Dinas, Painan",
		MapURL: "https://maps.app.goo.gl/abc", StartsAt: now.Add(72 * time.Hour), EndsAt: now.Add(75 * time.Hour)}
	if _, err := a.Events.CreateEvent(ctx, pub, now); err != nil {
		t.Fatal(err)
	}
	if err := a.Events.Publish(ctx, pub.ID, now); err != nil {
		t.Fatal(err)
	}
	draft := &event.Event{Title: "Rapat Internal", Kind: event.Seminar, StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(26 * time.Hour)}
	if _, err := a.Events.CreateEvent(ctx, draft, now); err != nil {
		t.Fatal(err)
	}

	out, err := a.Bot.Handle(ctx, channel.Inbound{From: channel.Address{Channel: "webchat", ExternalID: "fc-events"},
		Kind: channel.KindText, Text: "halo, mau tanya acara pelatihan bulan ini ada?"})
	if err != nil {
		t.Fatal(err)
	}
	all := joinTexts(out)
	for _, want := range []string{"selamat datang di Jejaring", "Pelatihan Kemasan Produk", "Aula Dinas, Painan", "https://maps.app.goo.gl/abc", "*DAFTAR*"} {
		if !strings.Contains(all, want) {
			t.Errorf("reply lacks %q:\n%s", want, all)
		}
	}
	for _, not := range []string{"Rapat Internal", "setuju", "ya atau tidak", "Pemberitahuan"} {
		if strings.Contains(all, not) {
			t.Errorf("reply has %q:\n%s", not, all)
		}
	}

	// Any other question: the welcome and the menu.
	out, err = a.Bot.Handle(ctx, channel.Inbound{From: channel.Address{Channel: "webchat", ExternalID: "fc-other"},
		Kind: channel.KindText, Text: "pak, kantor dinas buka jam berapa?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || !strings.Contains(out[0].Text, "selamat datang") || len(out[1].Choices) == 0 || strings.Contains(joinTexts(out), "setuju") {
		t.Errorf("want welcome + menu, got:\n%s", joinTexts(out))
	}
	var values []string
	for _, c := range out[len(out)-1].Choices {
		values = append(values, c.Value)
	}
	if v := strings.Join(values, ","); !strings.Contains(v, "daftar") || !strings.Contains(v, "agenda") || !strings.Contains(v, "tanya") {
		t.Errorf("menu values %s lack daftar, agenda or tanya (ask the office)", v)
	}

	// "bahasa inggris" first: the welcome and the menu in English.
	out, err = a.Bot.Handle(ctx, channel.Inbound{From: channel.Address{Channel: "webchat", ExternalID: "fc-lang"},
		Kind: channel.KindText, Text: "bahasa inggris"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || !strings.HasPrefix(out[0].Text, "Hello, welcome to Jejaring") || !strings.HasPrefix(out[1].Text, "How can we help?") {
		t.Errorf("want the English welcome + menu, got:\n%s", joinTexts(out))
	}

	// "register": the registration, in English.
	out, err = a.Bot.Handle(ctx, channel.Inbound{From: channel.Address{Channel: "webchat", ExternalID: "fc-register"},
		Kind: channel.KindText, Text: "register"})
	if err != nil {
		t.Fatal(err)
	}
	if all := joinTexts(out); !strings.Contains(all, "Welcome to Jejaring") || !strings.Contains(all, "Do you agree") {
		t.Errorf("register did not start the English registration:\n%s", all)
	}
	// "mau daftar usaha": the registration, as before.
	out, err = a.Bot.Handle(ctx, channel.Inbound{From: channel.Address{Channel: "webchat", ExternalID: "fc-daftar"},
		Kind: channel.KindText, Text: "mau daftar usaha pak"})
	if err != nil {
		t.Fatal(err)
	}
	if all := joinTexts(out); !strings.Contains(all, "Apakah Bapak/Ibu setuju") {
		t.Errorf("a registration request did not start the registration:\n%s", all)
	}
}
