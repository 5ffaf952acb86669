package telegram

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// errConflict is getUpdates' 409: a webhook is set or another poller runs.
var errConflict = errors.New("telegram getUpdates conflict")

type rateLimited struct{ retryAfter time.Duration }

func (e *rateLimited) Error() string {
	return fmt.Sprintf("telegram getUpdates: retry after %s", e.retryAfter)
}

// poll is the long-polling loop. Telegram forgets an update once getUpdates
// is called with a higher offset, so before asking for more, each fetched
// batch is written to a Redis inbox (hash update_id -> update JSON) in the
// same transaction that stores the next offset. Updates are then handled
// while polling goes on; a handled update leaves the inbox in the same
// transaction that records its id as done. At start the inbox is replayed
// first, so a crash loses nothing and handles nothing twice.
func (a *Adapter) poll(ctx context.Context) error {
	offsetKey, inboxKey := a.prefix+"offset", a.prefix+"inbox"
	a.moveUntagged(ctx)
	offset, err := retryCall(ctx, a, "load offset", func(ctx context.Context) (int64, error) {
		v, err := a.rdb.Get(ctx, offsetKey).Int64()
		if errors.Is(err, errNil) {
			return 0, nil
		}
		return v, err
	})
	if err != nil {
		return err
	}
	pending, err := retryCall(ctx, a, "load inbox", func(ctx context.Context) (map[string]string, error) {
		return a.rdb.HGetAll(ctx, inboxKey).Result()
	})
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		var replay []*models.Update
		for id, raw := range pending {
			u := &models.Update{}
			if err := json.Unmarshal([]byte(raw), u); err != nil || u.ID == 0 {
				a.log.Error("telegram: inbox entry does not decode, dropping it", "update", id, "err", err)
				a.rdb.HDel(ctx, inboxKey, id)
				continue
			}
			replay = append(replay, u)
		}
		slices.SortFunc(replay, func(x, y *models.Update) int { return cmp.Compare(x.ID, y.ID) })
		a.log.Info("telegram: replaying updates fetched before the last stop", "count", len(replay))
		for _, u := range replay {
			a.dispatch(ctx, u)
		}
	}

	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 && !sleep(ctx, backoff) {
			return nil
		}
		if !a.inflight.waitBelow(ctx, a.cfg.MaxInFlight) {
			return nil
		}
		updates, raws, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			a.setHealth(err)
			var rl *rateLimited
			switch {
			case errors.Is(err, tgbot.ErrorUnauthorized):
				return fmt.Errorf("telegram getUpdates: token refused: %w", err)
			case errors.As(err, &rl):
				backoff = max(rl.retryAfter, time.Second)
			case errors.Is(err, errConflict):
				a.log.Warn("telegram getUpdates conflict: deleting webhook (or another process polls this token)", "err", err)
				if _, derr := a.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); derr != nil {
					a.log.Warn("telegram deleteWebhook", "err", derr)
				}
				backoff = min(max(2*backoff, time.Second), 30*time.Second)
			default:
				a.log.Warn("telegram getUpdates failed", "err", err)
				backoff = min(max(2*backoff, firstBackoff), maxBackoff)
			}
			continue
		}
		a.setHealth(nil)
		backoff = 0
		var fresh []*models.Update
		fields := make([]any, 0, 2*len(updates))
		for i, u := range updates {
			if u.ID >= offset {
				fresh = append(fresh, u)
				fields = append(fields, strconv.FormatInt(u.ID, 10), string(raws[i]))
			}
		}
		if len(fresh) == 0 {
			continue
		}
		next := fresh[len(fresh)-1].ID + 1
		// Into the inbox and past the offset, together, before anything
		// else: from here the updates survive a crash.
		if _, err := retryCall(context.WithoutCancel(ctx), a, "store inbox", func(ctx context.Context) ([]redis.Cmder, error) {
			return a.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, inboxKey, fields...)
				p.Set(ctx, offsetKey, next, 0)
				return nil
			})
		}); err != nil {
			return err
		}
		offset = next
		for _, u := range fresh {
			a.dispatch(ctx, u)
		}
	}
	return nil
}

// dispatch queues an inboxed update on its chat. The job retries while Redis
// is in trouble; once Run is stopping, jobs not yet started are left in the
// inbox for the next start, and started ones are finished.
func (a *Adapter) dispatch(ctx context.Context, u *models.Update) {
	a.inflight.add(1)
	a.disp.submit(chatOf(u), func() {
		defer a.inflight.add(-1)
		wait := time.Second
		start := time.Now()
		told := false
		for ctx.Err() == nil {
			jctx, cancel := a.jobContext(ctx)
			err := a.process(jctx, u)
			cancel()
			if err == nil {
				return
			}
			if !told && errors.Is(err, channel.ErrUnavailable) && time.Since(start) >= a.cfg.HoldNoticeAfter {
				// The owner waits longer than a few seconds: tell
				// them once that the message is in hand.
				told = true
				a.holdNotice(ctx, u)
			}
			a.log.Warn("telegram update not handled, will retry", "update", u.ID, "err", err)
			if !sleep(ctx, wait) {
				return
			}
			if errors.Is(err, channel.ErrUnavailable) {
				// Back soon after the service is: a short cap.
				wait = min(2*wait, 5*time.Second)
			} else {
				wait = min(2*wait, 30*time.Second)
			}
		}
	})
}

// holdNotice is the one message an owner gets while their update waits
// for Redis or the database to come back.
var holdNotice = idn.Text{
	ID: "Mohon tunggu sebentar ya, Bapak/Ibu. Pesan Anda sudah kami terima dan segera kami jawab.",
	EN: "Please wait a moment. We have your message and will answer shortly.",
}

func (a *Adapter) holdNotice(ctx context.Context, u *models.Update) {
	chatID := chatOf(u)
	if chatID == 0 || (u.Message == nil && u.CallbackQuery == nil) {
		return
	}
	lang := ""
	if u.Message != nil && u.Message.From != nil {
		lang = u.Message.From.LanguageCode
	}
	text := holdNotice.In(lang)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := a.deliver(sctx, chatID, channel.Outbound{Text: text}, nil, false); err != nil {
		a.log.Warn("telegram: wait notice not sent", "chat", chatID, "err", err)
	}
}

// jobContext is the context one update is handled in: not cancelled by a
// shutdown (the update in hand is finished), but bounded by HandleTimeout.
func (a *Adapter) jobContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), a.cfg.HandleTimeout)
}

// counter counts updates in flight; the poller waits while it is too high.
type counter struct {
	mu   sync.Mutex
	n    int
	cond chan struct{}
}

func (c *counter) add(d int) {
	c.mu.Lock()
	c.n += d
	if c.cond != nil {
		close(c.cond)
		c.cond = nil
	}
	c.mu.Unlock()
}

func (c *counter) waitBelow(ctx context.Context, limit int) bool {
	for {
		c.mu.Lock()
		if c.n < limit {
			c.mu.Unlock()
			return true
		}
		if c.cond == nil {
			c.cond = make(chan struct{})
		}
		ch := c.cond
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

type updatesResponse struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	Description string            `json:"description"`
	ErrorCode   int               `json:"error_code"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// getUpdates calls the Bot API's getUpdates with a JSON body. An update that
// does not decode is logged and passed on as an empty update (so it is
// confirmed, not fetched forever).
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]*models.Update, []json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(a.cfg.PollTimeout / time.Second),
		"allowed_updates": allowedUpdates,
	})
	rctx, cancel := context.WithTimeout(ctx, a.cfg.PollTimeout+10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("telegram getUpdates: %w", redactToken(err, a.cfg.Token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("telegram getUpdates: %w", redactToken(err, a.cfg.Token))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("telegram getUpdates: read: %w", err)
	}
	var r updatesResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, nil, fmt.Errorf("telegram getUpdates: status %d: decode: %w", resp.StatusCode, err)
	}
	if !r.OK {
		switch r.ErrorCode {
		case http.StatusUnauthorized:
			return nil, nil, fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, r.Description)
		case http.StatusConflict:
			return nil, nil, fmt.Errorf("%w: %s", errConflict, r.Description)
		case http.StatusTooManyRequests:
			return nil, nil, &rateLimited{retryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
		}
		return nil, nil, fmt.Errorf("telegram getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	out := make([]*models.Update, 0, len(r.Result))
	for _, item := range r.Result {
		u := &models.Update{}
		if err := json.Unmarshal(item, u); err != nil {
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(item, &id) != nil || id.ID == 0 {
				return nil, nil, fmt.Errorf("telegram getUpdates: undecodable update: %w", err)
			}
			a.log.Error("telegram: update does not decode, skipping it", "update", id.ID, "err", err)
			u = &models.Update{ID: id.ID}
		}
		out = append(out, u)
	}
	return out, r.Result, nil
}

// moveUntagged carries the offset and the inbox of a Jejaring from before
// KeyTag over to the tagged keys, once (best effort: what fails to move is
// at worst an update handled again, which the handler's own dedupe
// catches).
func (a *Adapter) moveUntagged(ctx context.Context) {
	oldOffset, oldInbox := a.cfg.KeyPrefix+"offset", a.cfg.KeyPrefix+"inbox"
	v, err := a.rdb.Get(ctx, oldOffset).Result()
	if err != nil {
		return // nothing to move (or Redis trouble: poll reports it)
	}
	if n, err := a.rdb.Exists(ctx, a.prefix+"offset").Result(); err != nil || n > 0 {
		return
	}
	if m, err := a.rdb.HGetAll(ctx, oldInbox).Result(); err == nil && len(m) > 0 {
		fields := make([]any, 0, 2*len(m))
		for k, raw := range m {
			fields = append(fields, k, raw)
		}
		if err := a.rdb.HSet(ctx, a.prefix+"inbox", fields...).Err(); err != nil {
			return
		}
	}
	if err := a.rdb.Set(ctx, a.prefix+"offset", v, 0).Err(); err != nil {
		return
	}
	a.rdb.Del(ctx, oldInbox)
	a.rdb.Del(ctx, oldOffset)
	a.log.Info("telegram: offset and inbox moved to the Redis Cluster-ready keys", "offset", v)
}
