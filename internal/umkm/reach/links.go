package reach

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"rsc.io/qr"
)

// Office is what a letter or poster says of the office and how owners
// reach it: its name and region, its WhatsApp number (E.164) and its
// Telegram bot's username; either channel may be missing.
type Office struct {
	Name        string // Dinas … Kabupaten …
	Region      string // Kabupaten Pesisir Selatan
	WhatsApp    string // E.164, "+62812…"; "" when the office has none
	TelegramBot string // without "@"; "" when Telegram is off
}

// ConfirmText is the message an owner sends to confirm a record: the
// bot reads it as the deep link konfirmasi_<token> (internal/bot's
// textLink, flows/update.yaml).
func ConfirmText(token string) string { return "KONFIRMASI " + token }

// RegisterText is the message a poster's general QR code types: it starts
// the registration, which first looks for a record with the sender's own
// WhatsApp number.
const RegisterText = "DAFTAR"

// WhatsAppLink is the wa.me link that opens a chat with number (E.164)
// with text typed in.
func WhatsAppLink(number, text string) string {
	digits := strings.TrimPrefix(strings.TrimSpace(number), "+")
	// QueryEscape writes a space as "+", which wa.me may keep as a plus;
	// a literal plus is "%2B" by then, so every "+" left is a space.
	return "https://wa.me/" + digits + "?text=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
}

// TelegramLink is the t.me link that starts the bot with payload.
func TelegramLink(bot, payload string) string {
	return "https://t.me/" + strings.TrimPrefix(bot, "@") + "?start=" + url.QueryEscape(payload)
}

// ConfirmLinks are the deep links of a record's claim token:
// wa.me/<number>?text=KONFIRMASI%20<token> and
// t.me/<bot>?start=konfirmasi_<token> ("" where the office has no such
// channel).
func (o Office) ConfirmLinks(token string) (whatsapp, telegram string) {
	if o.WhatsApp != "" {
		whatsapp = WhatsAppLink(o.WhatsApp, ConfirmText(token))
	}
	if o.TelegramBot != "" {
		telegram = TelegramLink(o.TelegramBot, "konfirmasi_"+token)
	}
	return whatsapp, telegram
}

// RegisterLinks are a poster's general links (no token): WhatsApp with
// DAFTAR typed in, Telegram started with daftar.
func (o Office) RegisterLinks() (whatsapp, telegram string) {
	if o.WhatsApp != "" {
		whatsapp = WhatsAppLink(o.WhatsApp, RegisterText)
	}
	if o.TelegramBot != "" {
		telegram = TelegramLink(o.TelegramBot, "daftar")
	}
	return whatsapp, telegram
}

// QRPNG is the QR code of payload as a PNG, scale pixels per module
// (error correction M: a printed code survives a fold or a smudge).
func QRPNG(payload string, scale int) ([]byte, error) {
	c, err := qr.Encode(payload, qr.M)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	c.Scale = max(scale, 1)
	return c.PNG(), nil
}

// QRDataURL is QRPNG as a data: URL for an <img> in a printable page.
func QRDataURL(payload string) (template.URL, error) {
	png, err := QRPNG(payload, 8)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}
