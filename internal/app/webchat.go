package app

import (
	"context"
	"fmt"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/channel/webchat"
	"jejaring/internal/flow"
)

// webChatOptions are the web chat's options from the config: the app's
// Redis, the bot, DATA_DIR for photos, the conversation as the photo
// gate, and the limits with WEBCHAT_MAX_STREAMS.
func (a *App) webChatOptions(h channel.Handler) webchat.Options {
	lim := webchat.DefaultLimits()
	lim.MaxStreams = a.Config.WebChatMaxStreams
	return webchat.Options{
		Redis: a.Redis, Prefix: a.Config.RedisPrefix, Handler: h, Logger: a.Log, Metrics: a.Metrics,
		DataDir: a.Config.DataDir, Photos: photoGate{a}, Limits: &lim, TrustedProxies: a.Config.TrustedProxies,
	}
}

// photoGate answers the web chat's "does this conversation wait for a
// photo?" from the contact's session and the step it is at.
type photoGate struct{ a *App }

func (g photoGate) WantsPhoto(ctx context.Context, addr channel.Address) (bool, error) {
	sess, err := g.a.Sessions.Get(ctx, addr)
	if err != nil {
		return false, fmt.Errorf("photo gate: %w", err)
	}
	if sess == nil || sess.Confirm != "" {
		return false, nil
	}
	def := g.a.Bot.Flows().Get(sess.FlowID)
	if def == nil {
		return false, nil
	}
	n := def.Get(sess.Step)
	return n != nil && n.Ask == flow.AskPhoto, nil
}

// retentionEvery is how often the web chat retention job runs.
const retentionEvery = time.Hour

// retentionBatch is how many contacts one statement deletes, so a large
// backlog never holds a long lock.
const retentionBatch = 500

// addWebChatRetention runs the job that deletes web chat contacts who gave
// no consent and have no business (store.DeleteIdleWebChatContacts) once
// WEBCHAT_RETENTION has passed since their last message: at start, then
// every hour. Replicas may run it together: a contact is deleted once.
func (a *App) addWebChatRetention() {
	a.AddLoop("webchat-retention", func(ctx context.Context) error {
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			if n, err := a.PruneWebChat(ctx, time.Now()); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				a.Log.Warn("web chat retention", "err", err)
			} else if n > 0 {
				a.Log.Info("web chat retention: removed idle visitors", "contacts", n, "retention", a.Config.WebChatRetention)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
}

// PruneWebChat deletes, in batches, the web chat contacts last seen more
// than WEBCHAT_RETENTION before now with no consent and no business, and
// returns how many went.
func (a *App) PruneWebChat(ctx context.Context, now time.Time) (int64, error) {
	before := now.Add(-a.Config.WebChatRetention)
	var total int64
	for {
		n, err := a.DB.DeleteIdleWebChatContacts(ctx, before, retentionBatch)
		total += n
		if err != nil {
			return total, err
		}
		if n < retentionBatch {
			return total, nil
		}
	}
}
