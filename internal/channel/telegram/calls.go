package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

var errNil = redis.Nil

// Retry policy of the reply path: 5xx and network errors back off from
// firstBackoff to maxBackoff for up to Config.ReplyRetryFor
// (DefaultReplyRetryFor); 429 waits are added to that deadline.
const (
	firstBackoff         = 200 * time.Millisecond
	maxBackoff           = 5 * time.Second
	DefaultReplyRetryFor = 5 * time.Minute
)

// call runs one Bot API call for chatID (0: none). With retry it waits out
// 429s (retry_after, capped by MaxRetryWait, as long as ctx allows) and backs
// off on 5xx and network errors; without retry it tries once. Either way the
// error is mapped to the channel errors, a 403 calls OnBlocked and a 400 is
// logged with the method.
func (a *Adapter) call(ctx context.Context, method string, chatID int64, retry bool, fn func(context.Context) error) error {
	backoff := firstBackoff
	deadline := time.Now().Add(a.cfg.ReplyRetryFor)
	for {
		if retry && a.cfg.ReplyTurn != nil {
			_ = a.cfg.ReplyTurn(ctx)
		}
		err := fn(ctx)
		if err == nil {
			return nil
		}
		mapped, kind := a.classify(method, chatID, err)
		switch kind {
		case errKindRateLimit:
			if !retry || ctx.Err() != nil {
				return mapped
			}
			var rl *channel.RateLimitError
			errors.As(mapped, &rl)
			wait := min(max(rl.RetryAfter, time.Second), a.cfg.MaxRetryWait)
			a.log.Debug("telegram 429, waiting", "method", method, "wait", wait)
			if !sleep(ctx, wait) {
				return mapped
			}
			// Waiting for the platform's turn is not trouble: it
			// does not use up the reply's retry time.
			deadline = deadline.Add(wait)
		case errKindTransient:
			if !retry || ctx.Err() != nil || time.Now().Add(backoff).After(deadline) {
				return mapped
			}
			a.log.Debug("telegram call failed, retrying", "method", method, "err", err, "wait", backoff)
			if !sleep(ctx, backoff) {
				return mapped
			}
			backoff = min(backoff*2, maxBackoff)
		case errKindBlocked:
			if a.cfg.OnBlocked != nil && chatID != 0 {
				a.cfg.OnBlocked(context.WithoutCancel(ctx), address(chatID))
			}
			a.log.Info("telegram user blocked the bot", "method", method, "chat", chatID)
			return mapped
		default: // bad request, unknown recipient, unauthorized
			a.log.Warn("telegram refused a call", "method", method, "chat", chatID, "err", err)
			return mapped
		}
	}
}

type errKind int

const (
	errKindTransient errKind = iota
	errKindRateLimit
	errKindBlocked
	errKindUnknown
	errKindRejected
)

// classify maps a go-telegram/bot error to the channel's error vocabulary.
func (a *Adapter) classify(method string, chatID int64, err error) (error, errKind) {
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		return &channel.RateLimitError{RetryAfter: time.Duration(tooMany.RetryAfter) * time.Second}, errKindRateLimit
	case errors.Is(err, tgbot.ErrorForbidden):
		return fmt.Errorf("telegram %s chat %d: %w: %v", method, chatID, channel.ErrBlocked, err), errKindBlocked
	case errors.Is(err, tgbot.ErrorBadRequest):
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, "chat not found") || strings.Contains(msg, "user not found") || strings.Contains(msg, "peer_id_invalid") {
			return fmt.Errorf("telegram %s chat %d: %w: %v", method, chatID, channel.ErrUnknownRecipient, err), errKindUnknown
		}
		return fmt.Errorf("telegram %s chat %d: %w: %v", method, chatID, ErrRejected, err), errKindRejected
	case errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorNotFound):
		return fmt.Errorf("telegram %s: %w", method, err), errKindRejected
	}
	return fmt.Errorf("telegram %s chat %d: %w", method, chatID, err), errKindTransient
}

// callWithRetry is call with the reply path's retries.
func (a *Adapter) callWithRetry(ctx context.Context, method string, chatID int64, fn func(context.Context) error) error {
	return a.call(ctx, method, chatID, true, fn)
}

func address(chatID int64) channel.Address {
	return channel.Address{Channel: channel.Telegram, ExternalID: strconv.FormatInt(chatID, 10)}
}
