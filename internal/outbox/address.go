package outbox

import "jejaring/internal/channel"

// Address is a contact's address on a channel (where a row goes), and
// ChannelName a channel (what a dispatcher serves): channel.Address and
// channel.Name under the queue's own names. Storage reads and writes rows
// and contacts in these words, so internal/store needs the queue's
// vocabulary, never the transport package itself.
type (
	Address     = channel.Address
	ChannelName = channel.Name
)

// The chat platforms, under the queue's names (channel.Telegram, …).
const (
	Telegram ChannelName = channel.Telegram
	WhatsApp ChannelName = channel.WhatsApp
	WebChat  ChannelName = channel.WebChat
)
