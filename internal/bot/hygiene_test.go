package bot

import (
	"reflect"
	"testing"

	"jejaring/internal/channel"
)

func TestCleanInbound(t *testing.T) {
	t.Parallel()
	loc := &channel.Location{Latitude: -1.35, Longitude: 100.57, Name: "Pasar\x00 Painan", Address: "\u202eJl. Diponegoro"}
	att := &channel.Attachment{Ref: "media/x.jpg", FileName: "foto\u200b.jpg"}
	for _, tc := range []struct {
		name     string
		in, want channel.Inbound
	}{
		{"text", channel.Inbound{Kind: channel.KindText, Text: "Kerupuk\x00 Sanjai\u202e", DisplayName: "Uni\u2066 Ros"},
			channel.Inbound{Kind: channel.KindText, Text: "Kerupuk Sanjai", DisplayName: "Uni Ros"}},
		{"only invisible text", channel.Inbound{Kind: channel.KindText, Text: "\x00 \u200b\ufeff"},
			channel.Inbound{Kind: channel.KindOther}},
		{"only invisible choice", channel.Inbound{Kind: channel.KindChoice, Choice: "\u200d"},
			channel.Inbound{Kind: channel.KindOther}},
		{"blank text stays what it was", channel.Inbound{Kind: channel.KindText, Text: "  "},
			channel.Inbound{Kind: channel.KindText, Text: "  "}},
		{"choice and payload", channel.Inbound{Kind: channel.KindChoice, Choice: "rsvp_ab\x00c_yes", Payload: "\u200edaftar"},
			channel.Inbound{Kind: channel.KindChoice, Choice: "rsvp_abc_yes", Payload: "daftar"}},
		{"contact", channel.Inbound{Kind: channel.KindContact, Phone: "+62\u200b812 3456 7890", OwnPhone: true},
			channel.Inbound{Kind: channel.KindContact, Phone: "+62812 3456 7890", OwnPhone: true}},
		{"location", channel.Inbound{Kind: channel.KindLocation, Location: loc},
			channel.Inbound{Kind: channel.KindLocation, Location: &channel.Location{Latitude: -1.35, Longitude: 100.57, Name: "Pasar Painan", Address: "Jl. Diponegoro"}}},
		{"photo", channel.Inbound{Kind: channel.KindPhoto, Attachment: att},
			channel.Inbound{Kind: channel.KindPhoto, Attachment: &channel.Attachment{Ref: "media/x.jpg", FileName: "foto.jpg"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanInbound(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cleanInbound = %+v, want %+v", got, tc.want)
			}
		})
	}
	// The caller's message is left as it was.
	if loc.Name != "Pasar\x00 Painan" || att.FileName != "foto\u200b.jpg" {
		t.Errorf("cleanInbound changed the caller's location or attachment: %+v %+v", loc, att)
	}
}
