package whatsapp

import (
	"context"
	"crypto/sha256"
	"os"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"jejaring/internal/channel"
)

var (
	ts       = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	pnJID    = types.NewJID("6281234567890", types.DefaultUserServer)
	lidJID   = types.NewJID("123456789012345", types.HiddenUserServer)
	lid2JID  = types.NewJID("99887766554433", types.HiddenUserServer)
	lid3JID  = types.NewJID("11223344556677", types.HiddenUserServer)
	groupJID = types.NewJID("120363000000000000", types.GroupServer)
)

// dm builds a direct message event from sender in its own chat.
func dm(sender types.JID, msg *waE2E.Message) *events.Message {
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: sender, Sender: sender},
			ID:            "3EB0ABC", PushName: "Bu Rina", Timestamp: ts,
		},
		Message: msg,
	}
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

func TestInbound(t *testing.T) {
	t.Parallel()
	withAlt := dm(lidJID, text("halo"))
	withAlt.Info.SenderAlt = pnJID
	withAlt.Info.AddressingMode = types.AddressingModeLID
	mapped := dm(lid2JID, text("daftar"))
	lidOnly := dm(lid3JID, text("menu"))
	deviceSender := dm(pnJID, text("hai"))
	deviceSender.Info.Sender = types.JID{User: pnJID.User, Server: types.DefaultUserServer, Device: 3}
	group := dm(pnJID, text("halo semua"))
	group.Info.Chat, group.Info.IsGroup = groupJID, true
	own := dm(pnJID, text("pesan kami"))
	own.Info.IsFromMe = true
	status := dm(pnJID, text("status"))
	status.Info.Chat = types.StatusBroadcastJID
	edit := dm(pnJID, text("ubah"))
	edit.IsEdit = true

	pn := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
	tests := []struct {
		name string
		evt  *events.Message
		want channel.Inbound
		skip bool
	}{
		{name: "plain text", evt: dm(pnJID, text("daftar")),
			want: channel.Inbound{From: pn, Kind: channel.KindText, Text: "daftar", Phone: "+6281234567890"}},
		{name: "extended text", evt: dm(pnJID, &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("Daftar https://example.org")}}),
			want: channel.Inbound{From: pn, Kind: channel.KindText, Text: "Daftar https://example.org", Phone: "+6281234567890"}},
		{name: "device part dropped", evt: deviceSender,
			want: channel.Inbound{From: pn, Kind: channel.KindText, Text: "hai", Phone: "+6281234567890"}},
		{name: "LID sender with alternate phone JID", evt: withAlt,
			want: channel.Inbound{From: pn, Kind: channel.KindText, Text: "halo", Phone: "+6281234567890"}},
		{name: "LID sender from the LID mapping", evt: mapped,
			want: channel.Inbound{From: channel.Address{Channel: channel.WhatsApp, ExternalID: "6285211112222"}, Kind: channel.KindText, Text: "daftar", Phone: "+6285211112222"}},
		{name: "LID only", evt: lidOnly,
			want: channel.Inbound{From: channel.Address{Channel: channel.WhatsApp, ExternalID: "11223344556677@lid"}, Kind: channel.KindText, Text: "menu"}},
		{name: "location", evt: dm(pnJID, &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(-1.35), DegreesLongitude: proto.Float64(100.57), Name: proto.String("Toko Rina")}}),
			want: channel.Inbound{From: pn, Kind: channel.KindLocation, Phone: "+6281234567890", Location: &channel.Location{Latitude: -1.35, Longitude: 100.57, Name: "Toko Rina"}}},
		{name: "shared contact", evt: dm(pnJID, &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Pak Budi"),
			Vcard: proto.String("BEGIN:VCARD\nVERSION:3.0\nFN:Pak Budi\nTEL;type=CELL;waid=6281377778888:+62 813-7777-8888\nEND:VCARD")}}),
			want: channel.Inbound{From: pn, Kind: channel.KindContact, Text: "Pak Budi", Phone: "+6281377778888"}},
		{name: "shared own contact, national format", evt: dm(pnJID, &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Saya"),
			Vcard: proto.String("BEGIN:VCARD\nFN:Saya\nTEL;TYPE=CELL:0812-3456-7890\nEND:VCARD")}}),
			want: channel.Inbound{From: pn, Kind: channel.KindContact, Text: "Saya", Phone: "+6281234567890", OwnPhone: true}},
		{name: "sticker", evt: dm(pnJID, &waE2E.Message{StickerMessage: &waE2E.StickerMessage{}}),
			want: channel.Inbound{From: pn, Kind: channel.KindOther, Phone: "+6281234567890"}},
		{name: "group message ignored", evt: group, skip: true},
		{name: "own message ignored", evt: own, skip: true},
		{name: "status broadcast ignored", evt: status, skip: true},
		{name: "edit ignored", evt: edit, skip: true},
		{name: "reaction ignored", evt: dm(pnJID, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}), skip: true},
	}
	a, _ := testAdapter(t, nil, false)
	a.lids = fakeLIDs{lid2JID: types.NewJID("6285211112222", types.DefaultUserServer)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := a.inbound(context.Background(), tc.evt)
			if tc.skip {
				if ok {
					t.Fatalf("inbound = %+v, want ignored", got)
				}
				return
			}
			if !ok {
				t.Fatal("ignored, want passed on")
			}
			tc.want.MessageID, tc.want.DisplayName, tc.want.Time = "3EB0ABC", "Bu Rina", ts
			if !equalInbound(got, tc.want) {
				t.Errorf("inbound =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func equalInbound(a, b channel.Inbound) bool {
	if (a.Location == nil) != (b.Location == nil) || (a.Attachment == nil) != (b.Attachment == nil) {
		return false
	}
	if a.Location != nil && *a.Location != *b.Location {
		return false
	}
	al, bl, aa, ba := a.Location, b.Location, a.Attachment, b.Attachment
	a.Location, b.Location, a.Attachment, b.Attachment = nil, nil, nil, nil
	defer func() { a.Location, b.Location, a.Attachment, b.Attachment = al, bl, aa, ba }()
	return a == b
}

func TestInboundImageDownloadedToDataDir(t *testing.T) {
	t.Parallel()
	a, f := testAdapter(t, nil, false)
	f.download = []byte("\xff\xd8\xff jpeg bytes")
	evt := dm(pnJID, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Mimetype: proto.String("image/jpeg"), Caption: proto.String("foto toko"), FileLength: proto.Uint64(16),
	}})
	in, ok := a.inbound(context.Background(), evt)
	if !ok || in.Kind != channel.KindPhoto || in.Text != "foto toko" || in.Attachment == nil {
		t.Fatalf("inbound = %+v, ok %v", in, ok)
	}
	want := a.cfg.DataDir + "/whatsapp/media/2026-11/3EB0ABC.jpg"
	if in.Attachment.Ref != want || in.Attachment.MIME != "image/jpeg" || in.Attachment.Size != int64(len(f.download)) {
		t.Fatalf("attachment = %+v, want ref %s", in.Attachment, want)
	}
	b, err := os.ReadFile(in.Attachment.Ref)
	if err != nil || string(b) != string(f.download) {
		t.Fatalf("saved file = %q, %v", b, err)
	}
}

func TestInboundPollVote(t *testing.T) {
	t.Parallel()
	a, f := testAdapter(t, nil, true)
	q := channel.Outbound{Text: "Apakah Bapak/Ibu hadir di Temu Bisnis?", Expect: "rsvp",
		Choices: []channel.Choice{{Label: "Hadir", Value: "yes"}, {Label: "Tidak hadir", Value: "no"}, {Label: "Belum tahu", Value: "maybe"}}}
	if _, err := a.sendTo(context.Background(), "6281234567890", pnJID, q); err != nil {
		t.Fatal(err)
	}
	sent := f.messages()
	if len(sent) != 2 || sent[1].msg.GetPollCreationMessage() == nil {
		t.Fatalf("want numbered text then poll, got %d messages", len(sent))
	}
	pollID := "M2"
	vote := func(option string) *events.Message {
		h := sha256.Sum256([]byte(option))
		f.vote = &waE2E.PollVoteMessage{SelectedOptions: [][]byte{h[:]}}
		return dm(pnJID, &waE2E.Message{PollUpdateMessage: &waE2E.PollUpdateMessage{
			PollCreationMessageKey: &waCommon.MessageKey{ID: proto.String(pollID), FromMe: proto.Bool(true)},
			Vote:                   &waE2E.PollEncValue{},
		}})
	}
	in, ok := a.inbound(context.Background(), vote("Tidak hadir"))
	if !ok || in.Kind != channel.KindChoice || in.Choice != "no" {
		t.Fatalf("vote = %+v, ok %v; want choice no", in, ok)
	}
	// A vote taken back (no option) and a vote on an unknown poll do not reach the bot.
	evt := vote("Hadir")
	f.vote = &waE2E.PollVoteMessage{}
	if in, ok := a.inbound(context.Background(), evt); ok {
		t.Fatalf("empty vote passed on: %+v", in)
	}
	pollID = "UNKNOWN"
	if in, ok := a.inbound(context.Background(), vote("Hadir")); ok {
		t.Fatalf("vote on unknown poll passed on: %+v", in)
	}
}

func TestInboundYesNoPollWithoutChoicesAnswersAsText(t *testing.T) {
	t.Parallel()
	a, f := testAdapter(t, nil, true)
	if _, err := a.sendTo(context.Background(), "6281234567890", pnJID, channel.Outbound{Text: "Data sudah benar?", Expect: "yesno"}); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("Ya"))
	f.vote = &waE2E.PollVoteMessage{SelectedOptions: [][]byte{h[:]}}
	in, ok := a.inbound(context.Background(), dm(pnJID, &waE2E.Message{PollUpdateMessage: &waE2E.PollUpdateMessage{
		PollCreationMessageKey: &waCommon.MessageKey{ID: proto.String("M2")},
	}}))
	if !ok || in.Kind != channel.KindText || in.Text != "ya" {
		t.Fatalf("vote = %+v, ok %v; want text ya", in, ok)
	}
}
