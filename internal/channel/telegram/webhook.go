package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

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
		got := r.Header.Get(SecretHeader)
		want := a.cfg.WebhookSecret
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			a.log.Warn("telegram webhook: request without the right secret token refused", "remote", r.RemoteAddr)
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
