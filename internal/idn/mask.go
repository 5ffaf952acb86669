package idn

import "strings"

// The masks below are the only ones in Jejaring: logs, error messages and
// staff lists call them, so an audit greps one form. Every masked phone or
// platform id carries exactly four stars ("****") where its middle was, and
// a NIK eight; the length of what was hidden is not shown.
//
//	MaskPhone("+6281234567890")           "+62812****7890"
//	MaskPhone("6281234567890@s.whatsapp.net") "+62812****7890"
//	MaskPhone("123456789012345@lid")      "123****345@lid" (a LID is no phone)
//	MaskID("1234567890")                  "123****890"
//	MaskAddress("telegram", "1234567890") "telegram:123****890"
//	MaskNIK("1301014506900001")           "1301********0001"

// maskStars is what stands for the hidden middle.
const maskStars = "****"

// MaskNIK hides the middle of a NIK for logs and lists: "1301********0001".
func MaskNIK(s string) string {
	d := stripID(s)
	if len(d) <= 8 {
		return strings.Repeat("*", len(d))
	}
	return d[:4] + strings.Repeat("*", len(d)-8) + d[len(d)-4:]
}

// MaskPhone hides the middle of a phone number: "+" and its first five
// digits (country code and operator prefix), four stars, its last four
// digits: "+62812****7890", whether it was written "+6281234567890",
// "6281234567890" or as a WhatsApp JID ("6281234567890@s.whatsapp.net",
// with or without a device number). A number of fewer than ten digits is
// "+****". Anything that is not a phone number (a WhatsApp LID
// "…@lid", a username) is masked by MaskID.
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	user, server, hasServer := strings.Cut(s, "@")
	if hasServer && server != "s.whatsapp.net" && server != "c.us" {
		return MaskID(user) + "@" + server
	}
	user, _, _ = strings.Cut(user, ":") // device number of a JID
	d := strings.TrimPrefix(strings.NewReplacer(" ", "", "-", "").Replace(user), "+")
	if d == "" || !onlyDigits(d) {
		return MaskID(s)
	}
	if len(d) < 10 {
		return "+" + maskStars
	}
	return "+" + d[:5] + maskStars + d[len(d)-4:]
}

// MaskID hides the middle of a platform id (a Telegram chat id, a web chat
// id, a WhatsApp LID) for logs: its first three and last three characters
// around four stars, "123****890". An id of eight characters or fewer is
// "****"; an "@server" suffix is kept ("123****345@lid").
func MaskID(s string) string {
	if s == "" {
		return ""
	}
	if user, server, ok := strings.Cut(s, "@"); ok {
		return MaskID(user) + "@" + server
	}
	r := []rune(s)
	if len(r) <= 8 {
		return maskStars
	}
	return string(r[:3]) + maskStars + string(r[len(r)-3:])
}

// MaskAddress names a contact in a log line or an error: the channel, a
// colon and the masked platform id. A WhatsApp id is the owner's phone
// number and is masked by MaskPhone, any other by MaskID:
// "whatsapp:+62812****7890", "telegram:123****890".
func MaskAddress(channel, externalID string) string {
	if channel == "whatsapp" {
		return channel + ":" + MaskPhone(externalID)
	}
	return channel + ":" + MaskID(externalID)
}
