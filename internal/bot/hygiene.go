package bot

import (
	"strings"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// cleanInbound applies idn.CleanText to every text a message carries, for
// every channel, before anything else reads it: the words, a chosen
// option, a deep-link payload, a shared phone, the platform's profile name,
// a location's name and address, an attachment's file name. A text or a
// choice that had something and is left with nothing but spaces becomes
// KindOther, which the engine answers like a sticker: it kindly asks again.
// The caller's message is not modified.
func cleanInbound(in channel.Inbound) channel.Inbound {
	text, choice := in.Text, in.Choice
	in.Text = idn.CleanText(in.Text)
	in.Choice = idn.CleanText(in.Choice)
	in.Payload = idn.CleanText(in.Payload)
	in.Phone = idn.CleanText(in.Phone)
	in.DisplayName = idn.CleanText(in.DisplayName)
	if in.Location != nil {
		loc := *in.Location
		loc.Name, loc.Address = idn.CleanText(loc.Name), idn.CleanText(loc.Address)
		in.Location = &loc
	}
	if in.Attachment != nil {
		att := *in.Attachment
		att.FileName = idn.CleanText(att.FileName)
		in.Attachment = &att
	}
	emptied := func(was, is string) bool { return strings.TrimSpace(is) == "" && strings.TrimSpace(was) != "" }
	if in.Kind == channel.KindText && emptied(text, in.Text) || in.Kind == channel.KindChoice && emptied(choice, in.Choice) {
		in.Kind, in.Text, in.Choice = channel.KindOther, "", ""
	}
	return in
}
