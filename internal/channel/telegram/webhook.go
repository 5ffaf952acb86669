package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
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
