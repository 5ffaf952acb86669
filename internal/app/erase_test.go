package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"jejaring/flows"
	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/officeactions"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/channel/webchat"
	"jejaring/internal/channel/whatsapp/whatsapptest"
	"jejaring/internal/event"
	"jejaring/internal/flow"
	"jejaring/internal/session"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// The personal data the erasure test registers and then looks for.
const (
	eraseNIK   = "1301014506900001"
	erasePhone = "81234567890" // the digits every spelling shares: +6281234567890, 081234567890, 6281234567890
	eraseName  = "Aminah"      // of "Siti Aminah"
)

// TestHapusdataLeavesNothing registers an owner on WhatsApp through the real
// bot (name, phone, NIK, a photo), lets the same person share their own
// number on Telegram, says Hadir to a one-seat event (reminders queued, a
// second owner on the waitlist), and then says hapusdata. Afterwards the
// NIK, the phone and the name are nowhere: in no text of any table, in no
// Redis key or value under the test's prefix, in no file under DATA_DIR
// (the SQLite database file included, after a checkpoint); the seat went to
// the waitlist and the reminders are cancelled.
func TestHapusdataLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dataDir := t.TempDir()
			var db *store.DB
			if dialect == store.SQLite {
				// The database file lives under DATA_DIR, as in production.
				var err error
				if db, err = store.Open(ctx, "", dataDir); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
			} else {
				db = storetest.New(t, dialect)
			}
			rdb, prefix := sessiontest.Real(t)
			sessions := session.New(rdb, prefix, session.DefaultTTL)
			data, err := umkm.LoadData("")
			if err != nil {
				t.Fatal(err)
			}
			events := store.NewEventRepo(db)
			forget := Forgetter{Sessions: sessions, Redis: rdb, Prefix: prefix, DataDir: dataDir, DB: db}
			acts, err := actions(db, data, "", slog.New(slog.NewTextHandler(io.Discard, nil)), eventactions.Deps{Events: events}, forget)
			if err != nil {
				t.Fatal(err)
			}
			set, err := flow.Load(flows.FS)
			if err != nil {
				t.Fatal(err)
			}
			set.SetOptions(umkmactions.Options(data))
			h := bottest.NewWith(t, set, acts, db, sessions)

			// The office's WhatsApp is linked; whatsmeow learns her push
			// name in its own tables, in the same database.
			whatsapptest.Link(t, db, "6281299998888")
			dialectName := "sqlite"
			if db.IsPostgres() {
				dialectName = "postgres"
			}
			dev, err := sqlstore.NewWithDB(db.DB.DB, dialectName, nil).GetFirstDevice(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := dev.Contacts.PutPushName(ctx, types.NewJID("6281234567890", types.DefaultUserServer), "Siti Aminah"); err != nil {
				t.Fatal(err)
			}

			// Registration on WhatsApp: the platform gives the phone.
			wa := channel.Address{Channel: channel.WhatsApp, ExternalID: "6281234567890"}
			say := func(addr channel.Address, text, want string) {
				t.Helper()
				if got := bottest.Texts(h.Say(addr, text)); !strings.Contains(got, want) {
					t.Fatalf("after %q want %q, got:\n%s", text, want, got)
				}
			}
			h.Send(channel.Inbound{From: wa, Kind: channel.KindText, Text: "daftar", Phone: "+6281234567890", DisplayName: "Siti Aminah"})
			say(wa, "ya", "bolehkah profil usaha")
			say(wa, "tidak", "nama lengkap pemilik")
			say(wa, "Siti Aminah", "+6281234567890")
			say(wa, "iya", "nama usahanya")
			say(wa, "Keripik Balado Uni Siti", "Apa yang dijual")
			say(wa, "keripik balado", "Industri olahan")
			say(wa, "ya", "kecamatan")
			say(wa, "tarusan", "Nagari")
			say(wa, "mandeh", "Alamat")
			say(wa, "Jl. Raya Tarusan No. 5, rumah Siti Aminah", "Tahun")
			say(wa, "2015", "Berapa orang")
			say(wa, "3", "modal")
			say(wa, "50 juta", "omzet")
			say(wa, "2,5 M", "NIB")
			say(wa, "lewati", "NIK")
			say(wa, eraseNIK, "foto")
			// The photo as the WhatsApp adapter saves it.
			photo := filepath.Join(dataDir, "whatsapp", "media", "2026-11", "3EB0A1B2C3.jpg")
			if err := os.MkdirAll(filepath.Dir(photo), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(photo, []byte("\xff\xd8\xff\xe0 JFIF photo of Siti Aminah's shop"), 0o640); err != nil {
				t.Fatal(err)
			}
			out := h.Send(bottest.Inbound(wa, flow.Input{Kind: flow.InPhoto, FileRef: photo}))
			if got := bottest.Texts(out); !strings.Contains(got, "Usaha Kecil") {
				t.Fatalf("summary: %s", got)
			}
			say(wa, "ya", "PSS-2026-000001")

			// The same person on Telegram shares their own number.
			tg := channel.Address{Channel: channel.Telegram, ExternalID: "5550001"}
			h.Send(channel.Inbound{From: tg, Kind: channel.KindContact, Phone: "+6281234567890", OwnPhone: true, DisplayName: "Siti Aminah"})
			if c := h.Contact(tg); c.Phone != "+6281234567890" {
				t.Fatalf("telegram contact phone %q", c.Phone)
			}
			// From Telegram she asks the office (TANYA) with her name, NIK
			// and phone in the text, and staff answer by name.
			say(tg, "tanya", "pertanyaan Bapak/Ibu untuk kantor")
			say(tg, "Saya Siti Aminah, NIK "+eraseNIK+", HP 081234567890: izin PIRT di mana?", "sudah kami terima")
			tgQuestions, err := db.ListQuestions(ctx, store.QuestionFilter{ContactID: h.Contact(tg).ID})
			if err != nil || len(tgQuestions) != 1 {
				t.Fatalf("her question: %+v %v", tgQuestions, err)
			}
			if _, err := officeactions.Answer(ctx, db, tgQuestions[0].ID, "Bu Siti Aminah, silakan ke Dinas Kesehatan.", "rina", h.Now()); err != nil {
				t.Fatal(err)
			}

			// A second owner, and an event with one seat.
			repo := store.NewBusinessRepo(db)
			budi := channel.Address{Channel: channel.WebChat, ExternalID: "budi-web-0001"}
			h.Say(budi, "halo")
			bid := h.Contact(budi).ID
			other := umkm.Business{ContactID: &bid, OwnerName: "Budi", Name: "Rendang Budi", KBLISection: "C", RegionCode: "13.01.07"}
			other.Classify()
			if err := repo.CreateBusiness(ctx, &other, "PSS", h.Now()); err != nil {
				t.Fatal(err)
			}
			ev := &event.Event{Title: "Pelatihan Pengemasan", Kind: event.Pelatihan, Venue: "Aula Painan",
				StartsAt: h.Now().Add(72 * time.Hour), EndsAt: h.Now().Add(75 * time.Hour), Capacity: 1, MaxParty: 1}
			if _, err := events.CreateEvent(ctx, ev, h.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := events.Broadcast(ctx, store.BroadcastRequest{EventID: ev.ID}, h.Now()); err != nil {
				t.Fatal(err)
			}
			rows, err := events.ExportRows(ctx, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			tokens := map[int64]string{}
			for _, r := range rows {
				tokens[r.Invitation.ContactID] = r.Invitation.Token
			}
			siti := h.Contact(wa).ID
			if got := bottest.Texts(h.Choose(wa, "rsvp_"+tokens[siti]+"_yes")); !strings.Contains(got, "sudah kami catat") {
				t.Fatalf("Hadir: %s", got)
			}
			h.Choose(budi, "rsvp_"+tokens[bid]+"_yes")
			if inv, _, _ := events.Invitation(ctx, tokens[bid]); inv.Status != event.Waitlist {
				t.Fatalf("second owner: %s, want waitlist", inv.Status)
			}
			var reminders int
			if err := db.GetContext(ctx, &reminders, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE contact_id = ? AND kind = 'reminder' AND status = 'pending'`), siti); err != nil || reminders == 0 {
				t.Fatalf("no reminder queued: %d %v", reminders, err)
			}
			// Before: the data is there, so the search below can find it.
			if found := findInTables(t, db, eraseNIK, erasePhone, eraseName); len(found) < 3 {
				t.Fatalf("before hapusdata the search finds only %v", found)
			}
			if found := findInRedis(t, rdb, prefix, eraseNIK, erasePhone, eraseName); len(found) == 0 {
				t.Logf("(no session left in Redis before hapusdata)")
			}

			say(wa, "hapusdata", "Lanjutkan?")
			say(wa, "ya", "sudah dihapus (1 usaha)")

			for _, f := range findInTables(t, db, eraseNIK, erasePhone, eraseName) {
				t.Errorf("left in the database: %s", f)
			}
			for _, f := range findInRedis(t, rdb, prefix, eraseNIK, erasePhone, eraseName) {
				t.Errorf("left in Redis: %s", f)
			}
			if _, err := os.Stat(photo); !os.IsNotExist(err) {
				t.Errorf("photo file still there: %v", err)
			}
			if db.Dialect == store.SQLite {
				if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range findInFiles(t, dataDir, eraseNIK, erasePhone, eraseName) {
				t.Errorf("left under DATA_DIR: %s", f)
			}

			// The seat went to the waitlist; her reminders will not go.
			if inv, _, _ := events.Invitation(ctx, tokens[siti]); inv.Status != event.Declined || inv.PartySize != 0 {
				t.Errorf("her invitation: %+v", inv)
			}
			if inv, _, _ := events.Invitation(ctx, tokens[bid]); inv.Status != event.Going {
				t.Errorf("waitlisted owner not promoted: %s", inv.Status)
			}
			var pending int
			if err := db.GetContext(ctx, &pending, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE contact_id = ? AND status = 'pending'`), siti); err != nil || pending != 0 {
				t.Errorf("pending rows for her: %d %v", pending, err)
			}
			var questions int
			if err := db.GetContext(ctx, &questions, `SELECT COUNT(*) FROM questions`); err != nil || questions != 0 {
				t.Errorf("questions left: %d %v", questions, err)
			}
			if c := h.Contact(budi); c.Stopped {
				t.Errorf("the other owner was touched: %+v", c)
			}
		})
	}
}

// findInTables reads every column of every table as text and reports
// where any needle occurs.
func findInTables(t *testing.T, db *store.DB, needles ...string) []string {
	t.Helper()
	ctx := context.Background()
	cols := map[string][]string{}
	if db.IsPostgres() {
		rows, err := db.QueryxContext(ctx, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var tb, c string
			if err := rows.Scan(&tb, &c); err != nil {
				t.Fatal(err)
			}
			cols[tb] = append(cols[tb], c)
		}
		rows.Close()
	} else {
		var tables []string
		if err := db.SelectContext(ctx, &tables, `SELECT name FROM sqlite_master WHERE type = 'table'`); err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			var cs []string
			if err := db.SelectContext(ctx, &cs, `SELECT name FROM pragma_table_info(?)`, tb); err != nil {
				t.Fatal(err)
			}
			cols[tb] = cs
		}
	}
	if len(cols["businesses"]) == 0 || len(cols["outbox"]) == 0 {
		t.Fatalf("table scan found no columns: %v", cols)
	}
	var found []string
	for tb, cs := range cols {
		for _, c := range cs {
			for _, n := range needles {
				var k int
				q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE CAST(%s AS TEXT) LIKE ?`, tb, c)
				if err := db.GetContext(ctx, &k, db.Rebind(q), "%"+n+"%"); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if k > 0 {
					found = append(found, fmt.Sprintf("%s.%s has %q in %d row(s)", tb, c, n, k))
				}
			}
		}
	}
	return found
}

// findInRedis reads every key under prefix, its name and its value.
func findInRedis(t *testing.T, rdb redis.UniversalClient, prefix string, needles ...string) []string {
	t.Helper()
	ctx := context.Background()
	var found []string
	it := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for it.Next(ctx) {
		key := it.Val()
		var vals []string
		switch typ := rdb.Type(ctx, key).Val(); typ {
		case "string":
			vals = []string{rdb.Get(ctx, key).Val()}
		case "list":
			vals = rdb.LRange(ctx, key, 0, -1).Val()
		case "hash":
			for k, v := range rdb.HGetAll(ctx, key).Val() {
				vals = append(vals, k, v)
			}
		case "set":
			vals = rdb.SMembers(ctx, key).Val()
		case "zset":
			vals = rdb.ZRange(ctx, key, 0, -1).Val()
		case "none":
		default:
			t.Fatalf("key %s of type %s: teach findInRedis to read it", key, typ)
		}
		for _, n := range needles {
			if strings.Contains(key, n) && !(n == erasePhone && strings.Contains(key, ":done:")) {
				found = append(found, fmt.Sprintf("key name %s has %q", key, n))
			}
			for _, v := range vals {
				if strings.Contains(v, n) {
					found = append(found, fmt.Sprintf("key %s holds %q", key, n))
				}
			}
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return found
}

// findInFiles reads every file under dir.
func findInFiles(t *testing.T, dir string, needles ...string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				found = append(found, fmt.Sprintf("%s has %q", path, n))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestForgetterWebChatAndMedia: the web chat queue of an erased client goes,
// and only photo files under DATA_DIR's media folders are deleted.
func TestForgetterWebChatAndMedia(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := sessiontest.Real(t)
	dataDir := t.TempDir()
	chat, err := webchat.New(webchat.Options{Redis: rdb, Prefix: prefix, Handler: channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil })})
	if err != nil {
		t.Fatal(err)
	}
	to := channel.Address{Channel: channel.WebChat, ExternalID: "siti-web-0001"}
	if _, err := chat.Send(ctx, to, channel.Outbound{Text: "Yth. Ibu Siti Aminah, undangan pelatihan"}); err != nil {
		t.Fatal(err)
	}
	if found := findInRedis(t, rdb, prefix, eraseName); len(found) == 0 {
		t.Fatal("the queued message is not in Redis")
	}
	inMedia := filepath.Join(dataDir, "webchat", "media", "2026-11", "a.jpg")
	outside := filepath.Join(dataDir, "jejaring.db")
	for _, p := range []string{inMedia, outside} {
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	f := Forgetter{Sessions: session.New(rdb, prefix, 0), Redis: rdb, Prefix: prefix, DataDir: dataDir}
	refs := []string{inMedia, outside, filepath.Join(dataDir, "webchat", "media", "..", "..", "jejaring.db"), "AgACAgIAAxkBAAIB"}
	if err := f.Forget(ctx, []channel.Address{to}, refs); err != nil {
		t.Fatal(err)
	}
	if found := findInRedis(t, rdb, prefix, eraseName); len(found) != 0 {
		t.Errorf("left in Redis: %v", found)
	}
	if _, err := os.Stat(inMedia); !os.IsNotExist(err) {
		t.Errorf("media file kept: %v", err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("a file outside the media folders was deleted: %v", err)
	}
}
