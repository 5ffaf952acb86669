package bot

import (
	"reflect"
	"testing"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
)

func TestToInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   channel.Inbound
		want flow.Input
	}{
		{"text", channel.Inbound{Kind: channel.KindText, Text: "Kerupuk", MessageID: "1"},
			flow.Input{Kind: flow.InText, Text: "Kerupuk", MessageID: "1"}},
		{"choice", channel.Inbound{Kind: channel.KindChoice, Choice: "kuliner"},
			flow.Input{Kind: flow.InChoice, Choice: "kuliner"}},
		{"own contact", channel.Inbound{Kind: channel.KindContact, Phone: "+6281234567890", OwnPhone: true},
			flow.Input{Kind: flow.InContact, Phone: "+6281234567890", OwnPhone: true}},
		{"location with address", channel.Inbound{Kind: channel.KindLocation, Location: &channel.Location{Latitude: -1.35, Longitude: 100.57, Address: "Painan"}},
			flow.Input{Kind: flow.InLocation, Location: &flow.Location{Latitude: -1.35, Longitude: 100.57, Name: "Painan"}}},
		{"location without a point", channel.Inbound{Kind: channel.KindLocation},
			flow.Input{Kind: flow.InOther}},
		{"photo", channel.Inbound{Kind: channel.KindPhoto, Attachment: &channel.Attachment{Ref: "f1"}},
			flow.Input{Kind: flow.InPhoto, FileRef: "f1"}},
		{"document", channel.Inbound{Kind: channel.KindDocument, Attachment: &channel.Attachment{Ref: "d1"}},
			flow.Input{Kind: flow.InDocument, FileRef: "d1"}},
		{"start", channel.Inbound{Kind: channel.KindStart, Payload: "rsvp_x"},
			flow.Input{Kind: flow.InStart, Text: "rsvp_x"}},
		{"sticker", channel.Inbound{Kind: channel.KindOther},
			flow.Input{Kind: flow.InOther}},
		{"unknown kind", channel.Inbound{Kind: "voice"},
			flow.Input{Kind: flow.InOther}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := toInput(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("toInput = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	doc := channel.Outbound{Text: "Berkas", Media: &channel.Media{Kind: "document", Name: "acara.ics", Data: []byte("ICS")}}
	qr := channel.Outbound{Media: &channel.Media{Kind: "image", Name: "qr.png", Data: []byte("PNG")}}
	out, dropped := render([]flow.Message{
		{Text: "Pilih:", Choices: []flow.Choice{{Label: "Ya", Value: "ya"}}, Expect: "yesno"},
		{Text: "Undangan Anda", Media: &flow.Media{Kind: "document", Ref: "acara.ics"}},
		{Text: "Brosur", Media: &flow.Media{Kind: "image", Ref: "brosur.jpg"}},
	}, []channel.Outbound{doc, qr})
	if len(out) != 4 {
		t.Fatalf("render: %d messages: %+v", len(out), out)
	}
	if out[0].Expect != "yesno" || len(out[0].Choices) != 1 || out[0].Choices[0] != (channel.Choice{Label: "Ya", Value: "ya"}) {
		t.Errorf("choices: %+v", out[0])
	}
	if out[1].Text != "Undangan Anda" || out[1].Media == nil || string(out[1].Media.Data) != "ICS" {
		t.Errorf("resolved media: %+v", out[1])
	}
	if out[2].Text != "Brosur" || out[2].Media != nil {
		t.Errorf("unresolved media must be dropped: %+v", out[2])
	}
	if out[3].Media == nil || out[3].Media.Name != "qr.png" {
		t.Errorf("unclaimed action message appended last: %+v", out[3])
	}
	if !reflect.DeepEqual(dropped, []string{"brosur.jpg"}) {
		t.Errorf("dropped = %v", dropped)
	}
}

func TestIsGreeting(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"halo": true, "Halo!": true, "  HALO  pak ": true, "Assalamu'alaikum": true, "selamat pagi": true,
		"Hai Kopi": false, "halo kopi nusantara": false, "Kerupuk": false, "": false, "ya": false,
	} {
		if got := isGreeting(text); got != want {
			t.Errorf("isGreeting(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestLangOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ arg, cur, want string }{
		{"inggris", "id", "en"}, {"english", "id", "en"}, {"indonesia", "en", "id"},
		{"", "id", "en"}, {"", "en", "id"},
	} {
		if got := langOf(tc.arg, tc.cur); got != tc.want {
			t.Errorf("langOf(%q, %q) = %q, want %q", tc.arg, tc.cur, got, tc.want)
		}
	}
}
