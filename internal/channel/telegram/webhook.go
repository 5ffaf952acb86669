package telegram

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"
)

// SecretHeader is the header Telegram puts the webhook secret token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// WebhookPath is the path of Config.WebhookURL, where WebhookHandler is to be
// mounted ("" in polling mode).
func (a *Adapter) WebhookPath() string {
	if a.cfg.WebhookURL == "" {
		return ""
	}
	u, err := url.Parse(a.cfg.WebhookURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// WebhookHandler receives updates in webhook mode; mount it at the path of
// Config.WebhookURL. It refuses (401) any request without the right secret
// header, handles the update through the same per-chat queue as polling, and
// answers 200 only once the update is handled (500 otherwise, so Telegram
// delivers it again; the update_id dedupe makes that safe).
func (a *Adapter) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !a.secretOK(r.Header.Get(SecretHeader)) {
			a.refused.note(a.log, r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		u := &models.Update{}
		if err := json.Unmarshal(body, u); err != nil || u.ID == 0 {
			// Answering an error would make Telegram resend it forever.
			a.log.Error("telegram webhook: undecodable update dropped", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		done := make(chan error, 1)
		a.disp.submit(chatOf(u), func() {
			// Across replicas: one update of a chat at a time. Telegram
			// sends a chat's next update only once this one is answered,
			// but it sends this one again when the answer is late, maybe
			// to another replica while the first still handles it.
			unlock, err := a.lockChat(r.Context(), chatOf(u))
			if err != nil {
				done <- err
				return
			}
			defer unlock()
			jctx, cancel := a.jobContext(r.Context())
			defer cancel()
			done <- a.process(jctx, u)
		})
		select {
		case err := <-done:
			if err != nil {
				a.log.Warn("telegram webhook: update not handled, Telegram will resend it", "update", u.ID, "err", err)
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
		}
	})
}

// chatLockTTL is how long a replica's hold on a chat lasts without renewal
// (renewed every third of it while the update is handled).
const chatLockTTL = 30 * time.Second

var chatLockRenew = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

var chatLockRelease = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// lockChat takes chat's webhook lock in Redis, waiting while another
// replica (or this one) holds it, until ctx ends. The returned function
// releases it. Chat 0 (an update of no chat) takes no lock.
func (a *Adapter) lockChat(ctx context.Context, chat int64) (func(), error) {
	if chat == 0 {
		return func() {}, nil
	}
	key := a.prefix + "wlock:" + strconv.FormatInt(chat, 10)
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		ok, err := a.rdb.SetNX(ctx, key, token, chatLockTTL).Result()
		if err != nil {
			return nil, fmt.Errorf("telegram: lock chat %d: %w", chat, err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("telegram: lock chat %d: %w", chat, ctx.Err())
		case <-time.After(wait):
		}
	}
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(chatLockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_ = chatLockRenew.Run(rctx, a.rdb, []string{key}, token, chatLockTTL.Milliseconds()).Err()
				cancel()
			}
		}
	}()
	return func() {
		close(stop)
		<-renewed
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = chatLockRelease.Run(rctx, a.rdb, []string{key}, token).Err()
	}, nil
}

// secretOK reports whether got is the webhook secret or one still accepted
// during a rotation (each compared in constant time).
func (a *Adapter) secretOK(got string) bool {
	ok := false
	for _, want := range append([]string{a.cfg.WebhookSecret}, a.cfg.OldWebhookSecrets...) {
		if want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
			ok = true
		}
	}
	return ok
}

// refuseLogEvery is the least time between two WARNs about refused webhook
// calls: a scan or a misconfigured proxy must not flood the log.
const refuseLogEvery = time.Minute

// refusals samples the WARN about refused webhook calls: the first one is
// logged, then at most one a minute, with the count of calls refused since
// the previous line (this one included).
type refusals struct {
	mu     sync.Mutex
	now    func() time.Time // nil: time.Now
	last   time.Time        // when the last WARN was written
	missed int              // calls refused since then, not logged
}

func (r *refusals) note(log *slog.Logger, remote string) {
	r.mu.Lock()
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	t := now()
	if !r.last.IsZero() && t.Sub(r.last) < refuseLogEvery {
		r.missed++
		r.mu.Unlock()
		return
	}
	count := r.missed + 1
	r.last, r.missed = t, 0
	r.mu.Unlock()
	log.Warn("telegram webhook: request without the right secret token refused (at most one such line a minute)",
		"remote", remote, "refused", count)
}
