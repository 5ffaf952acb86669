package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

// Rows for a channel that no running Jejaring serves (WhatsApp not enabled,
// Telegram without a token) would wait for ever, and a broadcast reaching
// such contacts would never be reported finished. So every dispatcher marks
// each channel it runs as alive in Redis (a key that lives
// Config.ChannelOffAfter, renewed every tenth of that while the dispatcher
// runs, however long its channel loops wait), and
// sweeps: the due pending rows of a channel whose key is gone, while the
// sweeping dispatcher itself has run for at least ChannelOffAfter, are
// finished as skipped with an error starting with ChannelOffError. A
// channel that is only paused (a WhatsApp ban, a 429) or slow (WhatsApp's
// few messages a minute) still has its loop running, so its rows wait; a
// replica restarting within ChannelOffAfter loses nothing. Rows due later
// (tomorrow's reminder) are left until they are due, in case the channel
// is back by then.

// DefaultChannelOffAfter is Config.ChannelOffAfter when zero.
const DefaultChannelOffAfter = time.Hour

// ChannelOffError starts the last_error of a row skipped because its
// channel was off; the delivery report counts them apart.
const ChannelOffError = "channel off"

// ChannelSweeper is the optional part of a Store that finishes the rows of
// a channel no dispatcher serves (internal/store implements it).
type ChannelSweeper interface {
	// WaitingChannels lists the channels with pending rows due by now.
	WaitingChannels(ctx context.Context, now time.Time) ([]channel.Name, error)
	// SkipChannel finishes the pending rows of ch due by now as skipped
	// with errText, and returns how many.
	SkipChannel(ctx context.Context, ch channel.Name, errText string, now time.Time) (int, error)
}

func aliveKey(prefix string, ch channel.Name) string { return prefix + "alive:" + string(ch) }

// ChannelAlive reports whether some dispatcher sharing rdb and prefix (the
// KeyPrefix of its Config) has run channel ch within its ChannelOffAfter.
func ChannelAlive(ctx context.Context, rdb redis.UniversalClient, prefix string, ch channel.Name) (bool, error) {
	n, err := rdb.Exists(ctx, aliveKey(prefix, ch)).Result()
	if err != nil {
		return false, fmt.Errorf("outbox: is %s alive: %w", ch, err)
	}
	return n > 0, nil
}

// MarkChannelsAlive marks every channel of this dispatcher as served, for
// ChannelOffAfter. Run does it every tenth of that from its own goroutine,
// so a channel loop that waits (a WhatsApp ban pauses sends for hours) still
// counts as running; RunOnce does it too.
func (d *Dispatcher) MarkChannelsAlive(ctx context.Context) {
	if d.cfg.Redis == nil || d.cfg.ChannelOffAfter < 0 || len(d.cfg.Channels) == 0 {
		return
	}
	pipe := d.cfg.Redis.Pipeline()
	for ch := range d.cfg.Channels {
		if d.holds(ch) {
			pipe.Set(ctx, aliveKey(d.cfg.KeyPrefix, ch), d.cfg.Worker, d.cfg.ChannelOffAfter)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && ctx.Err() == nil {
		d.log.Warn("outbox: could not mark channels alive", "err", err)
	}
}

func (d *Dispatcher) beatLoop(ctx context.Context) {
	t := time.NewTicker(max(d.cfg.ChannelOffAfter/10, 10*time.Millisecond))
	defer t.Stop()
	for {
		d.MarkChannelsAlive(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SweepChannelsOff finishes as skipped the due rows of every channel that
// this dispatcher does not run and no other dispatcher has run for
// ChannelOffAfter (see above), and returns how many. It does nothing until
// this dispatcher has itself run that long, or when the Store cannot sweep.
func (d *Dispatcher) SweepChannelsOff(ctx context.Context) (int, error) {
	sw, ok := d.cfg.Store.(ChannelSweeper)
	if !ok || d.cfg.Redis == nil || d.cfg.ChannelOffAfter < 0 {
		return 0, nil
	}
	now := d.cfg.Now()
	if now.Sub(d.started) < d.cfg.ChannelOffAfter {
		return 0, nil
	}
	chs, err := sw.WaitingChannels(ctx, now)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, ch := range chs {
		if _, mine := d.cfg.Channels[ch]; mine {
			continue
		}
		alive, err := ChannelAlive(ctx, d.cfg.Redis, d.cfg.KeyPrefix, ch)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if alive {
			continue
		}
		msg := fmt.Sprintf("%s: no running Jejaring has sent on %s for %s (not enabled?)", ChannelOffError, ch, d.cfg.ChannelOffAfter)
		n, err := sw.SkipChannel(ctx, ch, msg, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("skip %s rows: %w", ch, err))
			continue
		}
		if n > 0 {
			d.stats.skipped.Add(int64(n))
			d.log.Warn("outbox: messages skipped, their channel is not running", "channel", ch, "rows", n, "after", d.cfg.ChannelOffAfter)
		}
		total += n
	}
	return total, errors.Join(errs...)
}

func (d *Dispatcher) sweepLoop(ctx context.Context) {
	every := min(max(d.cfg.ChannelOffAfter/10, time.Second), time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := d.SweepChannelsOff(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("outbox: sweep channels off", "err", err)
			}
		}
	}
}

// ChannelOff reports whether a row's error says it was skipped because its
// channel was not running.
func ChannelOff(errText string) bool { return strings.HasPrefix(errText, ChannelOffError) }
