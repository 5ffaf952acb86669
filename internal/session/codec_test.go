package session_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/session"
)

func newKey(t *testing.T) *session.Cipher {
	t.Helper()
	k := make([]byte, session.KeySize)
	_, _ = rand.Read(k)
	c, err := session.NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncBuffer collects log output from concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// sensitive is what a registration keeps in the session before it is saved.
var sensitive = map[string]any{
	"nik": "1301014506900001", "owner_phone": "+6281234567890", "address": "Jl. Raya Tarusan No. 5",
	"owner_name": "Siti Aminah",
}

func sensitiveSession() *flow.Session {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	return &flow.Session{FlowID: "daftar", Step: "foto", Lang: "id", Answers: sensitive, Started: now, LastActive: now}
}

func TestEncryptedSessionHoldsNoClearText(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour, session.Encrypt(newKey(t)))
		key := b.prefix + "sess:{telegram:12345}"
		assertSealed := func(when string) {
			t.Helper()
			raw, err := b.rdb.Get(ctx, key).Bytes()
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			for _, v := range []string{"1301014506900001", "6281234567890", "81234567890", "Tarusan", "Siti", "daftar", "nik"} {
				if bytes.Contains(raw, []byte(v)) {
					t.Errorf("%s: stored session holds %q in clear: %q", when, v, raw)
				}
			}
			if ttl, _ := b.rdb.PTTL(ctx, key).Result(); ttl <= 0 || ttl > time.Hour {
				t.Errorf("%s: TTL %v", when, ttl)
			}
		}

		// Save / Get.
		if err := commitSession(ctx, s, addr, sensitiveSession()); err != nil {
			t.Fatal(err)
		}
		assertSealed("Save")
		got, err := s.Get(ctx, addr)
		if err != nil || got == nil {
			t.Fatalf("Get = %v, %v", got, err)
		}
		for k, v := range sensitive {
			if got.Answers[k] != v {
				t.Errorf("round trip %s = %v, want %v", k, got.Answers[k], v)
			}
		}

		// Begin / CommitNote, the bot's path.
		tr, err := s.Begin(ctx, addr, "m1", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Session == nil || tr.Session.Answers["nik"] != "1301014506900001" {
			t.Fatalf("Begin read %+v", tr.Session)
		}
		tr.Session.Answers["nib"] = "9120001234567"
		if err := tr.CommitNote(ctx, tr.Session, "resume", time.Hour, time.Hour); err != nil {
			t.Fatal(err)
		}
		assertSealed("Commit")
		tr, err = s.Begin(ctx, addr, "m2", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Session == nil || tr.Session.Answers["nib"] != "9120001234567" || tr.Note != "resume" {
			t.Errorf("after commit: session %+v note %q", tr.Session, tr.Note)
		}
		tr.Release(ctx)

		// Sealing is randomised: the same session never gives the same bytes.
		a, _ := b.rdb.Get(ctx, key).Bytes()
		if err := commitSession(ctx, s, addr, got); err != nil {
			t.Fatal(err)
		}
		if c, _ := b.rdb.Get(ctx, key).Bytes(); bytes.Equal(a, c) {
			t.Error("two seals of a session gave the same bytes")
		}
	})
}

func TestSessionUnderAnotherKeyIsAFreshStart(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		var logs syncBuffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		old := session.New(b.rdb, b.prefix, time.Hour, session.Encrypt(newKey(t)))
		s := session.New(b.rdb, b.prefix, time.Hour, session.Encrypt(newKey(t)), session.WithLogger(log))
		key := b.prefix + "sess:{telegram:12345}"
		if err := commitSession(ctx, old, addr, sensitiveSession()); err != nil {
			t.Fatal(err)
		}
		// Get: no session, no error.
		if g, err := s.Get(ctx, addr); g != nil || err != nil {
			t.Errorf("Get under a new key = %+v, %v; want nil, nil", g, err)
		}
		// Begin: a fresh turn, and committing no session removes the
		// unreadable value.
		tr, err := s.Begin(ctx, addr, "m1", time.Minute, time.Second)
		if err != nil {
			t.Fatalf("Begin under a new key: %v", err)
		}
		if tr.Session != nil {
			t.Errorf("Begin read %+v", tr.Session)
		}
		if err := tr.CommitNote(ctx, nil, "", time.Hour, time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, _ := b.rdb.Exists(ctx, key).Result(); n != 0 {
			t.Error("unreadable session kept after the turn")
		}
		out := logs.String()
		if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "SESSION_KEY") {
			t.Errorf("no WARN about the key: %s", out)
		}
		if strings.Contains(out, "12345") {
			t.Errorf("log names the contact's id in clear: %s", out)
		}

		// A clear value (an older Jejaring's) and garbage: no session either.
		for _, v := range []string{`{"flow_id":"daftar","step":"a"}`, "jjs1short", "{oops"} {
			b.rdb.Set(ctx, key, v, time.Hour)
			if g, err := s.Get(ctx, addr); g != nil || err != nil {
				t.Errorf("Get of %q = %+v, %v", v, g, err)
			}
			tr, err := s.Begin(ctx, addr, "", time.Minute, time.Second)
			if err != nil || tr.Session != nil {
				t.Errorf("Begin on %q = %+v, %v", v, tr, err)
			}
			if tr != nil {
				tr.Release(ctx)
			}
		}

		// A sealed value moved under another contact's key does not open
		// there (the key is the additional data).
		if err := commitSession(ctx, s, addr, sensitiveSession()); err != nil {
			t.Fatal(err)
		}
		raw, _ := b.rdb.Get(ctx, key).Bytes()
		other := channel.Address{Channel: channel.Telegram, ExternalID: "999"}
		b.rdb.Set(ctx, b.prefix+"sess:{telegram:999}", raw, time.Hour)
		if g, err := s.Get(ctx, other); g != nil || err != nil {
			t.Errorf("a copied session opened under another contact: %+v, %v", g, err)
		}
	})
}

func TestNewCipherWantsA32ByteKey(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := session.NewCipher(make([]byte, n)); err == nil {
			t.Errorf("NewCipher with %d bytes: want an error", n)
		}
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	k1, created, err := session.KeyFile(dir)
	if err != nil || !created || len(k1) != session.KeySize {
		t.Fatalf("first KeyFile = %x, %v, %v", k1, created, err)
	}
	path := filepath.Join(dir, session.KeyFileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := session.KeyFile(dir)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Errorf("second KeyFile = %x, %v, %v; want the same key", k2, created, err)
	}
	// No temporary files left behind.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files in DATA_DIR: %v", ents)
	}
	// A key file others can read is made private.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := session.KeyFile(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v after KeyFile, want 0600", fi.Mode().Perm())
	}
	// A damaged one is an error, never a silent new key.
	if err := os.WriteFile(path, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := session.KeyFile(dir); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("damaged key file: %v", err)
	}
}

func TestKeyFileRace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, _, err := session.KeyFile(dir)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("racing starts got different keys: %x and %x", keys[0], keys[i])
		}
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	good := strings.Repeat("ab", session.KeySize)
	if k, err := session.ParseKey(" " + good + "\n"); err != nil || hex.EncodeToString(k) != good {
		t.Errorf("ParseKey(good) = %x, %v", k, err)
	}
	for _, bad := range []string{"", "zz", good[:62], good + "00"} {
		if _, err := session.ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q): want an error", bad)
		}
	}
}

// BenchmarkSessionSealOpen is the cost sealing adds to a turn: one seal at
// the commit and one open at the next Begin of a registration-sized session.
func BenchmarkSessionSealOpen(b *testing.B) {
	k := make([]byte, session.KeySize)
	c, err := session.NewCipher(k)
	if err != nil {
		b.Fatal(err)
	}
	plain, err := json.Marshal(sensitiveSession())
	if err != nil {
		b.Fatal(err)
	}
	plain = bytes.Repeat(plain, 4) // about the size of a registration near its end
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		sealed := session.SealForTest(c, "jejaring:sess:{webchat:x}", plain)
		if _, err := session.OpenForTest(c, "jejaring:sess:{webchat:x}", sealed); err != nil {
			b.Fatal(err)
		}
	}
}
