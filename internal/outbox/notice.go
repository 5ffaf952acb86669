package outbox

import (
	"jejaring/internal/channel"
	"jejaring/internal/event"
)

// NoticePayload is what a row sends for an event notice: its text and
// choices, then each attachment as a message of its own, all in the
// notice's language. Storage queues notices through it, so the words stay
// in package event and the channel's shapes here.
func NoticePayload(n event.Notice) Payload {
	p := Payload{Text: n.Text, Lang: n.Lang}
	for _, c := range n.Choices {
		p.Choices = append(p.Choices, channel.Choice{Label: c.Label, Value: c.Value})
	}
	for _, a := range n.Attachments {
		p.Then = append(p.Then, Payload{Media: &Media{Kind: a.Kind, Name: a.Name, MIME: a.MIME, Data: a.Data, Caption: a.Caption}})
	}
	return p
}
