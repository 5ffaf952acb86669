package store_test

import (
	"testing"

	"jejaring/internal/channel"
	"jejaring/internal/outbox"
)

// TestPayloadKeepsTheLanguage: an Outbound queued in the outbox keeps its
// language through the payload column, and the messages that follow it
// inherit it. (Here rather than in internal/outbox, whose tests another
// engineer owns.)
func TestPayloadKeepsTheLanguage(t *testing.T) {
	t.Parallel()
	p := outbox.PayloadOf(channel.Outbound{Text: "Your phone number?", Lang: "en", Choices: []channel.Choice{{Label: "Yes", Value: "y"}}})
	p.Then = []outbox.Payload{{Text: "then"}, {Text: "indonesian", Lang: "id"}}
	back, err := outbox.DecodePayload(p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	out := back.Outbounds()
	if len(out) != 3 || out[0].Lang != "en" || out[1].Lang != "en" || out[2].Lang != "id" {
		t.Errorf("outbounds %+v", out)
	}
	if q := outbox.PayloadOf(channel.Outbound{Text: "x"}).Encode(); q != `{"text":"x"}` {
		t.Errorf("no language should add nothing: %s", q)
	}
}
