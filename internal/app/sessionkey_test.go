package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/session"
)

// TestSessionsAreSealedInRedis: a registration half done keeps the owner's
// NIK, phone and address in the session; what Redis holds is sealed with
// the key file generated in DATA_DIR (0600), or with SESSION_KEY when set.
func TestSessionsAreSealedInRedis(t *testing.T) {
	t.Parallel()
	for _, withKey := range []bool{false, true} {
		name := "key file"
		if withKey {
			name = "SESSION_KEY"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			redisURL, prefix := realRedis(t)
			kv := []string{"REDIS_URL", redisURL, "REDIS_PREFIX", prefix}
			if withKey {
				kv = append(kv, "SESSION_KEY", strings.Repeat("5a", 32))
			}
			a, err := New(context.Background(), localConfig(t, kv...), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ctx := context.Background()
			from := channel.Address{Channel: channel.WebChat, ExternalID: "sealed-session-1"}
			var last string
			for i, text := range []string{"daftar", "ya", "tidak", "Siti Aminah", "0812-3456-7890", "Keripik Balado Uni Siti",
				"keripik balado", "ya", "tarusan", "mandeh", "Jl. Raya Tarusan No. 5", "2015", "3", "50 juta", "2,5 M", "lewati",
				"1301014506900001"} {
				out, err := a.Bot.Handle(ctx, channel.Inbound{From: from, MessageID: "m" + string(rune('a'+i)), Kind: channel.KindText, Text: text})
				if err != nil || len(out) == 0 {
					t.Fatalf("%q: %v %v", text, out, err)
				}
				last = out[len(out)-1].Text
			}
			if !strings.Contains(last, "foto") {
				t.Fatalf("registration did not reach the photo question: %s", last)
			}
			if s, err := a.Sessions.Get(ctx, from); err != nil || s == nil || s.Answers["nik"] == nil {
				t.Fatalf("the app's store cannot read its session back: %+v %v", s, err)
			}
			rdb := redis.NewClient(mustParse(t, redisURL))
			defer rdb.Close()
			raw, err := rdb.Get(ctx, prefix+"sess:{webchat:sealed-session-1}").Bytes()
			if err != nil {
				t.Fatal(err)
			}
			for _, clear := range []string{"1301014506900001", "81234567890", "Tarusan No. 5", "Siti Aminah", "Keripik"} {
				if bytes.Contains(raw, []byte(clear)) {
					t.Errorf("session in Redis holds %q in clear", clear)
				}
			}
			keyFile := filepath.Join(a.Config.DataDir, session.KeyFileName)
			fi, err := os.Stat(keyFile)
			switch {
			case withKey && err == nil:
				t.Error("SESSION_KEY set, yet a key file was written")
			case !withKey && err != nil:
				t.Errorf("no key file: %v", err)
			case !withKey && fi.Mode().Perm() != 0o600:
				t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
			}
		})
	}
}

func mustParse(t *testing.T, u string) *redis.Options {
	t.Helper()
	o, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
