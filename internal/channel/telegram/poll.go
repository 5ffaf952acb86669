package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// errConflict is getUpdates' 409: a webhook is set or another poller runs.
var errConflict = errors.New("telegram getUpdates conflict")

type rateLimited struct{ retryAfter time.Duration }

func (e *rateLimited) Error() string {
	return fmt.Sprintf("telegram getUpdates: retry after %s", e.retryAfter)
}

// poll is the long-polling loop: fetch a batch from the stored offset, handle
// it completely, store the next offset, repeat. Telegram forgets updates only
// when asked for a higher offset, so nothing fetched is lost by a crash.
func (a *Adapter) poll(ctx context.Context) error {
	offsetKey := a.prefix + "offset"
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
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 && !sleep(ctx, backoff) {
			return nil
		}
		updates, err := a.getUpdates(ctx, offset)
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
		if len(updates) == 0 {
			continue
		}
		next := a.handleBatch(ctx, offset, updates)
		if next > offset {
			if _, err := retryCall(context.WithoutCancel(ctx), a, "store offset", func(ctx context.Context) (bool, error) {
				return true, a.rdb.Set(ctx, offsetKey, next, 0).Err()
			}); err != nil {
				return err
			}
			offset = next
		}
		if next <= updates[len(updates)-1].ID {
			// Something was not handled (shutdown or Redis trouble): fetch
			// it again after a pause; what was handled is deduplicated.
			backoff = time.Second
		}
	}
	return nil
}

// handleBatch runs a batch through the dispatcher and waits for all of it.
// It returns the next offset: one past the last update of the longest prefix
// that is done.
func (a *Adapter) handleBatch(ctx context.Context, offset int64, updates []*models.Update) int64 {
	errs := make([]error, len(updates))
	var wg sync.WaitGroup
	for i, u := range updates {
		if u.ID < offset {
			continue
		}
		wg.Add(1)
		a.disp.submit(chatOf(u), func() {
			defer wg.Done()
			jctx, cancel := a.jobContext(ctx)
			defer cancel()
			errs[i] = a.process(jctx, u)
		})
	}
	wg.Wait()
	next := offset
	for i, u := range updates {
		if u.ID < offset {
			continue
		}
		if errs[i] != nil {
			a.log.Warn("telegram update not handled, will retry", "update", u.ID, "err", errs[i])
			break
		}
		next = u.ID + 1
	}
	return next
}

// jobContext is the context one update is handled in: not cancelled by a
// shutdown (the update in hand is finished), but bounded by HandleTimeout.
func (a *Adapter) jobContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), a.cfg.HandleTimeout)
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
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(a.cfg.PollTimeout / time.Second),
		"allowed_updates": allowedUpdates,
	})
	rctx, cancel := context.WithTimeout(ctx, a.cfg.PollTimeout+10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", redactToken(err, a.cfg.Token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", redactToken(err, a.cfg.Token))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: read: %w", err)
	}
	var r updatesResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: status %d: decode: %w", resp.StatusCode, err)
	}
	if !r.OK {
		switch r.ErrorCode {
		case http.StatusUnauthorized:
			return nil, fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, r.Description)
		case http.StatusConflict:
			return nil, fmt.Errorf("%w: %s", errConflict, r.Description)
		case http.StatusTooManyRequests:
			return nil, &rateLimited{retryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
		}
		return nil, fmt.Errorf("telegram getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	out := make([]*models.Update, 0, len(r.Result))
	for _, item := range r.Result {
		u := &models.Update{}
		if err := json.Unmarshal(item, u); err != nil {
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(item, &id) != nil || id.ID == 0 {
				return nil, fmt.Errorf("telegram getUpdates: undecodable update: %w", err)
			}
			a.log.Error("telegram: update does not decode, skipping it", "update", id.ID, "err", err)
			u = &models.Update{ID: id.ID}
		}
		out = append(out, u)
	}
	return out, nil
}

// pollOffset is the next update id the poller will ask for (for tests and
// operators).
func (a *Adapter) pollOffset(ctx context.Context) (int64, error) {
	v, err := a.rdb.Get(ctx, a.prefix+"offset").Int64()
	if errors.Is(err, errNil) {
		return 0, nil
	}
	return v, err
}
