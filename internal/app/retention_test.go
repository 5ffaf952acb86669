package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/config"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// retentionApp is an App with just what the retention job uses: the
// database and the periods.
func retentionApp(t *testing.T, dialect string) *App {
	t.Helper()
	return &App{DB: storetest.New(t, dialect), Config: &config.Config{
		DataDir: t.TempDir(), MediaRetention: 90 * 24 * time.Hour, OutboxRetention: 180 * 24 * time.Hour,
	}}
}

func writeMedia(t *testing.T, dir, rel string, age time.Duration) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("foto"), 0o640); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPruneMedia: received files older than MEDIA_RETENTION go unless a
// business (not deleted) names them as its photo; newer ones stay; a
// deleted business's photo goes; emptied month folders go too.
func TestPruneMedia(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a := retentionApp(t, d)
			dir := a.Config.DataDir
			old := 100 * 24 * time.Hour
			kept := writeMedia(t, dir, "whatsapp/media/2026-01/3EB0KEEP.jpg", old)      // a live business's photo
			orphan := writeMedia(t, dir, "whatsapp/media/2026-01/3EB0GONE.jpg", old)    // nobody's
			deleted := writeMedia(t, dir, "webchat/media/2026-02/aa11deleted.jpg", old) // a deleted business's
			lonely := writeMedia(t, dir, "webchat/media/2026-03/bb22lonely.png", old)   // alone in its month
			fresh := writeMedia(t, dir, "webchat/media/2026-11/cc33fresh.jpg", time.Hour)
			repo := store.NewBusinessRepo(a.DB)
			now := time.Now().UTC()
			for i, ref := range []string{
				// the ref as the app stored it: DATA_DIR as given (here
				// relative to another working directory)
				"data/whatsapp/media/2026-01/3EB0KEEP.jpg",
				deleted,
			} {
				b := &umkm.Business{OwnerName: fmt.Sprintf("Pemilik %d", i), Name: fmt.Sprintf("Usaha %d", i), OwnerPhone: fmt.Sprintf("+62812000000%d", i), PhotoRef: ref}
				if err := repo.CreateBusiness(ctx, b, "PSS", now); err != nil {
					t.Fatal(err)
				}
				if ref == deleted {
					if _, err := a.DB.ExecContext(ctx, a.DB.Rebind(`UPDATE businesses SET deleted_at = ? WHERE id = ?`), now, b.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			n, err := a.PruneMedia(ctx, time.Now())
			if err != nil || n != 3 {
				t.Fatalf("removed %d (%v); want 3", n, err)
			}
			for p, want := range map[string]bool{kept: true, orphan: false, deleted: false, lonely: false, fresh: true} {
				_, err := os.Stat(p)
				if got := err == nil; got != want {
					t.Errorf("%s: exists %v, want %v", p, got, want)
				}
			}
			if _, err := os.Stat(filepath.Dir(lonely)); !os.IsNotExist(err) {
				t.Errorf("empty month folder left: %v", err)
			}
			if _, err := os.Stat(filepath.Dir(kept)); err != nil {
				t.Errorf("month folder with a kept photo removed: %v", err)
			}
		})
	}
}

// TestScrubOutbox: finished outbox rows older than OUTBOX_RETENTION lose
// their text and keep their row and status (the counts); recent and
// pending rows keep their text.
func TestScrubOutbox(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a := retentionApp(t, d)
			repo := store.NewOutboxRepo(a.DB)
			now := time.Now().UTC()
			var msgs []outbox.Message
			for i, key := range []string{"old-sent", "old-failed", "old-pending", "new-sent"} {
				msgs = append(msgs, outbox.Message{
					Kind: outbox.KindInvite, To: channel.Address{Channel: channel.WebChat, ExternalID: fmt.Sprintf("c%08d", i)},
					DedupeKey: key, Payload: outbox.Payload{Text: "Undangan untuk Bu Rina " + key}, Priority: outbox.PriorityInvite, NotBefore: now,
				})
			}
			if n, err := repo.Enqueue(ctx, msgs, now); err != nil || n != 4 {
				t.Fatalf("enqueue %d %v", n, err)
			}
			set := func(key, status string, age time.Duration) {
				if _, err := a.DB.ExecContext(ctx, a.DB.Rebind(`UPDATE outbox SET status = ?, updated_at = ? WHERE dedupe_key = ?`), status, now.Add(-age), key); err != nil {
					t.Fatal(err)
				}
			}
			year := 365 * 24 * time.Hour
			set("old-sent", "sent", year)
			set("old-failed", "failed", year)
			set("old-pending", "pending", year)
			set("new-sent", "sent", 24*time.Hour)
			n, err := a.ScrubOutbox(ctx, time.Now())
			if err != nil || n != 2 {
				t.Fatalf("scrubbed %d (%v); want 2", n, err)
			}
			if n, _ := a.ScrubOutbox(ctx, time.Now()); n != 0 {
				t.Errorf("second run scrubbed %d again", n)
			}
			rows := map[string][2]string{}
			var got []struct {
				Key     string `db:"dedupe_key"`
				Status  string `db:"status"`
				Payload string `db:"payload"`
			}
			if err := a.DB.SelectContext(ctx, &got, `SELECT dedupe_key, status, payload FROM outbox`); err != nil {
				t.Fatal(err)
			}
			for _, r := range got {
				rows[r.Key] = [2]string{r.Status, r.Payload}
			}
			for key, scrubbed := range map[string]bool{"old-sent": true, "old-failed": true, "old-pending": false, "new-sent": false} {
				r, ok := rows[key]
				if !ok {
					t.Fatalf("row %s gone; rows must stay", key)
				}
				if has := strings.Contains(r[1], "Bu Rina"); has == scrubbed {
					t.Errorf("%s (%s): payload %s; scrubbed want %v", key, r[0], r[1], scrubbed)
				}
				if _, err := outbox.DecodePayload(r[1]); err != nil {
					t.Errorf("%s: payload does not decode: %v", key, err)
				}
			}
		})
	}
}

// TestNoticeStatesRetention: the privacy notice states the default
// retention periods of the configuration, in both languages; changing a
// default means changing the notice (and its version).
func TestNoticeStatesRetention(t *testing.T) {
	t.Parallel()
	defaults := map[string]string{}
	for _, v := range config.Vars() {
		defaults[v.Env] = v.Default
	}
	n := umkm.PrivacyNotice("")
	for _, tc := range []struct {
		env    string
		want   time.Duration
		id, en string
	}{
		{"SESSION_TTL", 24 * time.Hour, "belum selesai kami hapus setelah 1 hari", "Unfinished conversations are deleted after 1 day"},
		{"OUTBOX_RETENTION", 180 * 24 * time.Hour, "isi pesan yang kami kirim setelah 180 hari", "messages we sent after 180 days"},
		{"MEDIA_RETENTION", 90 * 24 * time.Hour, "tidak dipakai data usaha setelah 90 hari", "no business record uses after 90 days"},
		{"WEBCHAT_RETENTION", 30 * 24 * time.Hour, "tidak mendaftar kami hapus 30 hari", "do not register are deleted 30 days"},
	} {
		d, err := time.ParseDuration(defaults[tc.env])
		if err != nil || d != tc.want {
			t.Errorf("%s default %q; the notice says %s", tc.env, defaults[tc.env], tc.want)
		}
		if !strings.Contains(n.Text("id"), tc.id) || !strings.Contains(n.Text("en"), tc.en) {
			t.Errorf("notice does not state %s: want %q / %q", tc.env, tc.id, tc.en)
		}
	}
}
