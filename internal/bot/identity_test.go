package bot

import (
	"testing"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
)

func TestVouchedPhone(t *testing.T) {
	t.Parallel()
	wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
	tg := channel.Address{Channel: channel.Telegram, ExternalID: "9"}
	web := channel.Address{Channel: channel.WebChat, ExternalID: "client-1"}
	for _, tt := range []struct {
		name  string
		in    channel.Inbound
		phone string
		src   contact.PhoneSource
	}{
		{"whatsapp sender", channel.Inbound{From: wa, Kind: channel.KindText, Phone: "+6281234567890"}, "+6281234567890", contact.SourceWhatsAppSender},
		{"whatsapp own card", channel.Inbound{From: wa, Kind: channel.KindContact, Phone: "081234567890", OwnPhone: true}, "+6281234567890", contact.SourceWhatsAppSender},
		{"whatsapp card of another", channel.Inbound{From: wa, Kind: channel.KindContact, Phone: "081111111111"}, "", ""},
		{"telegram own contact", channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "+6281234567890", OwnPhone: true}, "+6281234567890", contact.SourceTelegramContact},
		{"telegram contact of another", channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "+6281234567890"}, "", ""},
		{"telegram text with a phone", channel.Inbound{From: tg, Kind: channel.KindText, Phone: "+6281234567890"}, "", ""},
		{"web chat shared as own", channel.Inbound{From: web, Kind: channel.KindContact, Phone: "081266543210", OwnPhone: true}, "", ""},
		{"web chat text with a phone", channel.Inbound{From: web, Kind: channel.KindText, Phone: "081266543210"}, "", ""},
		{"unreadable phone", channel.Inbound{From: wa, Kind: channel.KindText, Phone: "12"}, "", ""},
	} {
		phone, src := vouchedPhone(tt.in)
		if phone != tt.phone || src != tt.src {
			t.Errorf("%s: %q %q, want %q %q", tt.name, phone, src, tt.phone, tt.src)
		}
	}
}

func TestTextLink(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"KONFIRMASI 3f9a2c71be04d5a8e6c1":     "konfirmasi_3f9a2c71be04d5a8e6c1",
		"  konfirmasi   3F9A2C71BE04D5A8E6C1": "konfirmasi_3F9A2C71BE04D5A8E6C1",
		"rsvp abc12345":                       "rsvp_abc12345",
		"ubah data":                           "",
		"Toko Sejahtera":                      "",
		"konfirmasi":                          "",
		"konfirmasi abc":                      "",
		"konfirmasi abcdefghij":               "",
		"konfirmasi 3f9a2c71 be04":            "",
		"konfirmasi 3f9a2c71;drop":            "",
		"2 5":                                 "",
	} {
		got, ok := textLink(text)
		if got != want || ok != (want != "") {
			t.Errorf("textLink(%q) = %q %v, want %q", text, got, ok, want)
		}
	}
}
