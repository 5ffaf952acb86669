package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"jejaring/internal/channel"
)

func TestSendChoicesAsNumberedText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  channel.Outbound
		want string
	}{
		{name: "plain text", out: channel.Outbound{Text: "Terima kasih, Bu Rina."}, want: "Terima kasih, Bu Rina."},
		{name: "three choices",
			out: channel.Outbound{Text: "Di kecamatan mana usaha Bapak/Ibu?", Choices: []channel.Choice{
				{Label: "Koto XI Tarusan", Value: "tarusan"}, {Label: "Bayang", Value: "bayang"}, {Label: "IV Jurai", Value: "iv_jurai"}}},
			want: "Di kecamatan mana usaha Bapak/Ibu?\n\n1. Koto XI Tarusan\n2. Bayang\n3. IV Jurai\n\nBalas dengan angka 1–3."},
		{name: "multi choice",
			out: channel.Outbound{Text: "Apa yang Bapak/Ibu butuhkan?", Multi: true, Choices: []channel.Choice{
				{Label: "Modal", Value: "capital"}, {Label: "Pembeli", Value: "buyers"}}},
			want: "Apa yang Bapak/Ibu butuhkan?\n\n1. Modal\n2. Pembeli\n\nBalas dengan angka 1–2. Boleh lebih dari satu, pisahkan dengan koma (contoh: 1, 2)."},
		{name: "one choice",
			out:  channel.Outbound{Text: "Lanjut?", Choices: []channel.Choice{{Label: "Lanjut", Value: "go"}}},
			want: "Lanjut?\n\n1. Lanjut\n\nBalas dengan angka 1."},
		{name: "english",
			out: channel.Outbound{Text: "Which district?", Lang: "en", Choices: []channel.Choice{
				{Label: "Bayang", Value: "bayang"}, {Label: "IV Jurai", Value: "iv_jurai"}, {Label: "Tarusan", Value: "tarusan"}}},
			want: "Which district?\n\n1. Bayang\n2. IV Jurai\n3. Tarusan\n\nReply with a number 1–3."},
		{name: "english multi choice",
			out: channel.Outbound{Text: "What do you need?", Lang: "en", Multi: true, Choices: []channel.Choice{
				{Label: "Capital", Value: "capital"}, {Label: "Buyers", Value: "buyers"}}},
			want: "What do you need?\n\n1. Capital\n2. Buyers\n\nReply with a number 1–2. You may choose more than one, separated by commas (for example: 1, 2)."},
		{name: "english one choice",
			out:  channel.Outbound{Text: "Go on?", Lang: "en", Choices: []channel.Choice{{Label: "Go on", Value: "go"}}},
			want: "Go on?\n\n1. Go on\n\nReply with the number 1."},
		// An optional question waiting for a typed answer: its Lewati
		// button is a way out, not the answer.
		{name: "typed answer with lewati",
			out:  channel.Outbound{Text: "NIB?", Expect: "nib", Choices: []channel.Choice{{Label: "Lewati", Value: "lewati"}}},
			want: "NIB?\n\n1. Lewati\n\nAtau balas dengan angka 1."},
		{name: "english typed answer with skip",
			out:  channel.Outbound{Text: "NIB?", Expect: "nib", Lang: "en", Choices: []channel.Choice{{Label: "Skip", Value: "lewati"}}},
			want: "NIB?\n\n1. Skip\n\nOr reply with the number 1."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, f := testAdapter(t, nil, true)
			res, err := a.Send(context.Background(), channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, tc.out)
			if err != nil {
				t.Fatal(err)
			}
			sent := f.messages()
			if len(sent) != 1 {
				t.Fatalf("sent %d messages, want 1 (no poll for a plain choice)", len(sent))
			}
			if got := sent[0].msg.GetConversation(); got != tc.want {
				t.Errorf("text =\n%s\nwant\n%s", got, tc.want)
			}
			if sent[0].to != pnJID || res.MessageID != "M1" {
				t.Errorf("to %s id %q", sent[0].to, res.MessageID)
			}
		})
	}
}

func TestSendYesNoAlsoAsPoll(t *testing.T) {
	t.Parallel()
	out := channel.Outbound{Text: "Apakah data ini sudah benar?", Expect: "yesno",
		Choices: []channel.Choice{{Label: "Ya", Value: "yes"}, {Label: "Tidak", Value: "no"}}}

	a, f := testAdapter(t, nil, true)
	if _, err := a.Send(context.Background(), channel.Address{Channel: channel.WhatsApp, ExternalID: "+62 812-3456-7890"}, out); err != nil {
		t.Fatal(err)
	}
	sent := f.messages()
	if len(sent) != 2 {
		t.Fatalf("sent %d messages, want numbered text + poll", len(sent))
	}
	if got, want := sent[0].msg.GetConversation(), "Apakah data ini sudah benar?\n\n1. Ya\n2. Tidak\n\nBalas dengan angka 1–2."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	poll := sent[1].msg.GetPollCreationMessage()
	if poll.GetName() != pollTitle || poll.GetSelectableOptionsCount() != 1 || len(poll.GetOptions()) != 2 ||
		poll.GetOptions()[0].GetOptionName() != "Ya" || poll.GetOptions()[1].GetOptionName() != "Tidak" {
		t.Errorf("poll = %v", poll)
	}
	if len(sent[1].msg.GetMessageContextInfo().GetMessageSecret()) != 32 {
		t.Error("poll has no message secret, votes could not be decrypted")
	}

	// With polls switched off, only the numbered text goes out.
	b, g := testAdapter(t, nil, false)
	if _, err := b.Send(context.Background(), channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, out); err != nil {
		t.Fatal(err)
	}
	if n := len(g.messages()); n != 1 {
		t.Errorf("polls off: sent %d messages, want 1", n)
	}
}

func TestSendMedia(t *testing.T) {
	t.Parallel()
	a, f := testAdapter(t, nil, false)
	to := channel.Address{Channel: channel.WhatsApp, ExternalID: "123456789012345@lid"}
	ics := channel.Outbound{Text: "Simpan jadwal ini di kalender.", Media: &channel.Media{Kind: "document", Name: "temu-bisnis.ics", MIME: "text/calendar", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")}}
	if _, err := a.Send(context.Background(), to, ics); err != nil {
		t.Fatal(err)
	}
	img := channel.Outbound{Text: "Denah lokasi", Choices: []channel.Choice{{Label: "Oke", Value: "ok"}, {Label: "Tanya", Value: "ask"}},
		Media: &channel.Media{Kind: "image", MIME: "image/png", Data: []byte("\x89PNG"), Caption: "Denah"}}
	if _, err := a.Send(context.Background(), to, img); err != nil {
		t.Fatal(err)
	}
	sent := f.messages()
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want document, image, text", len(sent))
	}
	doc := sent[0].msg.GetDocumentMessage()
	if doc.GetFileName() != "temu-bisnis.ics" || doc.GetMimetype() != "text/calendar" || doc.GetCaption() != "Simpan jadwal ini di kalender." ||
		doc.GetFileLength() != uint64(len(ics.Media.Data)) || doc.GetDirectPath() == "" || len(doc.GetMediaKey()) == 0 {
		t.Errorf("document = %v", doc)
	}
	if sent[0].to != lidJID {
		t.Errorf("sent to %s, want the LID chat", sent[0].to)
	}
	im := sent[1].msg.GetImageMessage()
	if im.GetMimetype() != "image/png" || im.GetCaption() != "Denah" {
		t.Errorf("image = %v", im)
	}
	if got := sent[2].msg.GetConversation(); got != "Denah lokasi\n\n1. Oke\n2. Tanya\n\nBalas dengan angka 1–2." {
		t.Errorf("text after image = %q", got)
	}
	if want := []whatsmeow.MediaType{whatsmeow.MediaDocument, whatsmeow.MediaImage}; len(f.uploads) != 2 || f.uploads[0] != want[0] || f.uploads[1] != want[1] {
		t.Errorf("uploads = %v", f.uploads)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	a, f := testAdapter(t, nil, false)
	ctx := context.Background()
	for _, ext := range []string{"", "0812345", "08123456789", "120363000000000000@g.us", "status@broadcast"} {
		if _, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: ext}, channel.Outbound{Text: "x"}); !errors.Is(err, channel.ErrUnknownRecipient) {
			t.Errorf("Send to %q: err = %v, want ErrUnknownRecipient", ext, err)
		}
	}
	f.sendErr = whatsmeow.ErrNotConnected
	if _, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, channel.Outbound{Text: "x"}); !errors.Is(err, channel.ErrNotConnected) {
		t.Errorf("err = %v, want ErrNotConnected", err)
	}
	a.mu.Lock()
	a.snd = nil
	a.state = State{Status: StatusDisconnected, Reason: "dial tcp 127.0.0.1:1: connection refused"}
	a.mu.Unlock()
	_, err := a.Send(ctx, channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, channel.Outbound{Text: "x"})
	if !errors.Is(err, channel.ErrNotConnected) || channel.Permanent(err) {
		t.Errorf("disconnected: err = %v, want ErrNotConnected (not permanent)", err)
	}
}

func TestParseAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]types.JID{
		"6281234567890":                  pnJID,
		"+62 812-3456-7890":              pnJID,
		"6281234567890@s.whatsapp.net":   pnJID,
		"6281234567890:4@s.whatsapp.net": pnJID,
		"123456789012345@lid":            lidJID,
	} {
		got, err := parseAddress(in)
		if err != nil || got != want {
			t.Errorf("parseAddress(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestEnglishPollTitle(t *testing.T) {
	t.Parallel()
	out := channel.Outbound{Text: "Is this right?", Expect: "yesno", Lang: "en",
		Choices: []channel.Choice{{Label: "Yes", Value: "yes"}, {Label: "No", Value: "no"}}}
	a, f := testAdapter(t, nil, true)
	if _, err := a.Send(context.Background(), channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}, out); err != nil {
		t.Fatal(err)
	}
	sent := f.messages()
	if len(sent) != 2 {
		t.Fatalf("sent %d messages, want numbered text + poll", len(sent))
	}
	if got := sent[0].msg.GetConversation(); !strings.HasSuffix(got, "Reply with a number 1–2.") {
		t.Errorf("text = %q", got)
	}
	if got := sent[1].msg.GetPollCreationMessage().GetName(); got != "Or tap one of the options:" {
		t.Errorf("poll title = %q", got)
	}
}
