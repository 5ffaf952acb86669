package reachactions_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"jejaring/flows"
	"jejaring/internal/actions/reachactions"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// TestLetterQRLinksTheRecord is issue 12's done-when: the payload of a
// printed letter's QR code, sent from a WhatsApp sender (the wa.me link's
// text, "KONFIRMASI <token>") and from a Telegram user (the t.me link's
// start payload, konfirmasi_<token>), links the imported record to that
// chat through the real bot and flows, shows the owner the data to check,
// and moves the record along the funnel: reachable on that channel, then
// confirmed once the owner says it is right.
func TestLetterQRLinksTheRecord(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			set, err := flow.Load(flows.FS)
			if err != nil {
				t.Fatal(err)
			}
			data, err := umkm.LoadData("")
			if err != nil {
				t.Fatal(err)
			}
			set.SetOptions(umkmactions.Options(data))
			db := storetest.New(t, dialect)
			acts := bot.Actions{}
			if err := umkmactions.Register(acts, umkmactions.Deps{DB: db, Data: data, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
				t.Fatal(err)
			}
			rdb, prefix := sessiontest.Real(t)
			h := bottest.NewWith(t, set, acts, db, session.New(rdb, prefix, session.DefaultTTL))

			repo := store.NewBusinessRepo(db)
			for _, b := range []umkm.Business{
				{OwnerName: "Rina", OwnerPhone: "+6281377778888", Name: "Lapau Rina", RegionCode: "13.01.03", Source: umkm.SourceImport},
				{OwnerName: "Darman", Name: "Bengkel Darman", RegionCode: "13.01.03", Source: umkm.SourceImport},
			} {
				if err := repo.CreateBusiness(ctx, &b, "PSS", h.Now()); err != nil {
					t.Fatal(err)
				}
			}
			office := reach.Office{Name: "Dinas Koperasi", Region: "Kabupaten Pesisir Selatan", WhatsApp: "+6281100001111", TelegramBot: "JejaringBot"}
			docs, err := reachactions.NewDocuments(repo, data.Region, office)
			if err != nil {
				t.Fatal(err)
			}
			letters, err := docs.LetterData(ctx, umkm.Search{Reach: string(reach.FilterNotChat), Sort: umkm.SortRegNo}, "staff:rina")
			if err != nil || len(letters) != 2 {
				t.Fatalf("letters %d %v", len(letters), err)
			}
			f, _ := repo.ReachFunnel(ctx)
			if f.Total.Reachable() != 0 || f.Total.NeverWrote() != 2 {
				t.Fatalf("funnel before: %+v", f.Total)
			}
			// The QR images carry exactly the deep links.
			for _, l := range letters {
				for link, img := range map[string]string{l.WhatsAppLink: string(l.WhatsAppQR), l.TelegramLink: string(l.TelegramQR)} {
					png, _ := reach.QRPNG(link, 8)
					if img != "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png) {
						t.Errorf("%s: the QR image is not the code of %s", l.RegNo, link)
					}
				}
			}

			// Rina scans the WhatsApp code: WhatsApp opens a chat with
			// the office with the text typed in; she sends it.
			u, err := url.Parse(letters[0].WhatsAppLink)
			if err != nil || u.Host != "wa.me" || u.Path != "/6281100001111" {
				t.Fatalf("wa.me link %s", letters[0].WhatsAppLink)
			}
			text := u.Query().Get("text")
			if text != "KONFIRMASI "+letters[0].Token {
				t.Fatalf("the wa.me text is %q", text)
			}
			wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281377778888"}
			out := h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: text, Phone: "+6281377778888", DisplayName: "Rina"})
			if got := bottest.Texts(out); !strings.Contains(got, "Lapau Rina") || !strings.Contains(got, "Bagian mana yang ingin diubah") {
				t.Fatalf("after KONFIRMASI from WhatsApp:\n%s", got)
			}

			// Darman scans the Telegram code: Telegram starts the bot
			// with the payload.
			tu, err := url.Parse(letters[1].TelegramLink)
			if err != nil || tu.Host != "t.me" || tu.Path != "/JejaringBot" {
				t.Fatalf("t.me link %s", letters[1].TelegramLink)
			}
			tg := channel.Address{Channel: channel.Telegram, ExternalID: "4242"}
			out = h.Send(channel.Inbound{From: tg, Kind: channel.KindStart, Payload: tu.Query().Get("start"), DisplayName: "Darman"})
			if got := bottest.Texts(out); !strings.Contains(got, "Bengkel Darman") || !strings.Contains(got, "Bagian mana yang ingin diubah") {
				t.Fatalf("after the Telegram deep link:\n%s", got)
			}

			ids := []int64{}
			for _, l := range letters {
				b, err := repo.BusinessByRegNo(ctx, l.RegNo)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, b.ID)
			}
			st, err := repo.ReachOf(ctx, ids)
			if err != nil || st[ids[0]] != reach.WhatsApp || st[ids[1]] != reach.Telegram {
				t.Fatalf("reach after the links: %v %v", st, err)
			}
			f, _ = repo.ReachFunnel(ctx)
			if f.Total.Of(reach.WhatsApp) != 1 || f.Total.Of(reach.Telegram) != 1 || f.Total.Reachable() != 2 || f.Total.Confirmed != 0 {
				t.Fatalf("funnel after the links: %+v", f.Total)
			}
			// Both say the data is right: confirmed.
			for _, a := range []channel.Address{wa, tg} {
				if got := bottest.Texts(h.Say(a, "1")); !strings.Contains(got, "sudah Bapak/Ibu konfirmasi") {
					t.Fatalf("confirm from %s:\n%s", a, got)
				}
			}
			f, _ = repo.ReachFunnel(ctx)
			if f.Total.Confirmed != 2 || len(f.Rows) != 1 || f.Rows[0].RegionCode != "13.01.03" || f.Rows[0].Confirmed != 2 {
				t.Fatalf("funnel after confirming: %+v", f)
			}
			// A printed letter works once: the same code from someone
			// else links nothing.
			out = h.Send(channel.Inbound{From: channel.Address{Channel: channel.WhatsApp, ExternalID: "6281200000000"}, Kind: channel.KindText,
				Text: text, Phone: "+6281200000000"})
			if got := bottest.Texts(out); !strings.Contains(got, "tidak berlaku") || strings.Contains(got, "Lapau Rina") {
				t.Errorf("a used letter code:\n%s", got)
			}
		})
	}
}
