package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// holdNotice is the one message an owner gets while their message waits
// for the database or Redis to come back.
var holdNotice = [2]string{
	"Mohon tunggu sebentar ya, Bapak/Ibu. Pesan Anda sudah kami terima dan segera kami jawab.",
	"Please wait a moment. We have your message and will answer shortly.",
}

// Waits of the delivery path (fields of the Adapter so tests shorten them).
const (
	defaultHoldNoticeAfter = 5 * time.Second
	defaultReplyRetryFor   = 10 * time.Minute
)

// process answers one message: mark it read, show typing while the bot
// works, then send the replies to the chat it came from, in order.
//
// With a channel.DurableHandler (the bot) nothing is lost: while the
// database or Redis is away (channel.ErrUnavailable) the message waits —
// in the spool, its chat's later messages behind it — and is handed in
// again until it is taken, the owner told once to wait a moment; each
// reply is confirmed (Delivered) as it gets out, and one WhatsApp does not
// take is tried again for ReplyRetryFor. The message leaves the spool only
// when its replies are out, so a crash or a shutdown before that hands it
// in again at the next start, and the bot returns just the replies not
// confirmed.
func (a *Adapter) process(ctx context.Context, evt *events.Message) {
	if !a.awaitSender(ctx) {
		a.spool.forget(evt) // shutting down: kept for the next start
		return
	}
	in, ok := a.inbound(ctx, evt)
	if !ok {
		a.spool.done(evt)
		return
	}
	chat := evt.Info.Chat.ToNonAD()
	if snd := a.sender(); snd != nil {
		if err := snd.MarkRead(ctx, []types.MessageID{evt.Info.ID}, a.cfg.Now(), chat, evt.Info.Sender); err != nil {
			a.log.Debug("whatsapp mark read", "err", err)
		}
		if err := snd.SendChatPresence(ctx, chat, types.ChatPresenceComposing, types.ChatPresenceMediaText); err != nil {
			a.log.Debug("whatsapp typing indicator", "err", err)
		}
	}
	start := time.Now()
	durable, _ := a.cfg.Handler.(channel.DurableHandler)
	r, err := a.handleHeld(ctx, in, chat, durable)
	if snd := a.sender(); snd != nil {
		if perr := snd.SendChatPresence(ctx, chat, types.ChatPresencePaused, types.ChatPresenceMediaText); perr != nil {
			a.log.Debug("whatsapp typing indicator", "err", perr)
		}
	}
	if errors.Is(err, channel.ErrUnavailable) {
		// Still unavailable when Run stopped: kept for the next start.
		a.spool.forget(evt)
		return
	}
	if err != nil {
		// The bot apologizes for its own failures (one apology, in bot); an
		// error here means nothing can be said now, so only what the bot
		// did answer is sent.
		a.log.Error("whatsapp message not handled", "from", idn.MaskPhone(in.From.ExternalID), "id", in.MessageID, "err", err)
	}
	total := r.From + len(r.Out)
	for i, out := range r.Out {
		err := a.sendReply(ctx, in.From.ExternalID, chat, out)
		if err == nil {
			a.confirm(ctx, durable, in, r.From+i+1)
			continue
		}
		if channel.Permanent(err) {
			a.log.Warn("whatsapp reply refused; the rest of the turn's replies are dropped", "to", idn.MaskPhone(in.From.ExternalID), "err", err)
			a.confirm(ctx, durable, in, total)
			break
		}
		// Not out after ReplyRetryFor, or shutting down: the message
		// stays in the spool and the next start sends what is left.
		a.log.Error("whatsapp reply not sent; kept for the next start", "to", idn.MaskPhone(in.From.ExternalID), "err", err)
		a.spool.forget(evt)
		return
	}
	a.spool.done(evt)
	a.log.Debug("whatsapp message answered", "from", idn.MaskPhone(in.From.ExternalID), "kind", in.Kind, "replies", len(r.Out), "took", time.Since(start))
}

// awaitSender waits until there is a connection to answer on (a message
// replayed from the spool at start comes before the connection does);
// false when ctx ends first.
func (a *Adapter) awaitSender(ctx context.Context) bool {
	for a.sender() == nil {
		t := time.NewTimer(200 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
	return true
}

// handleHeld hands in to the handler; a DurableHandler's
// channel.ErrUnavailable is retried (1 s, doubling to 5 s) until it is taken
// or ctx ends, with one hold notice once the wait passes holdNoticeAfter.
func (a *Adapter) handleHeld(ctx context.Context, in channel.Inbound, chat types.JID, durable channel.DurableHandler) (channel.Replies, error) {
	if durable == nil {
		out, err := a.cfg.Handler.Handle(ctx, in)
		return channel.Replies{Out: out}, err
	}
	start := time.Now()
	wait := time.Second
	told := false
	for {
		r, err := durable.HandleDurable(ctx, in)
		if !errors.Is(err, channel.ErrUnavailable) {
			return r, err
		}
		if !told && time.Since(start) >= a.holdNoticeAfter {
			told = true
			text := holdNotice[0]
			if idn.English(in.Language) {
				text = holdNotice[1]
			}
			if _, serr := a.sendTo(ctx, in.From.ExternalID, chat, channel.Outbound{Text: text}); serr != nil {
				a.log.Warn("whatsapp hold notice not sent", "to", idn.MaskPhone(in.From.ExternalID), "err", serr)
			}
		}
		a.log.Warn("whatsapp message kept for later: a service is unreachable", "from", idn.MaskPhone(in.From.ExternalID), "id", in.MessageID)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return channel.Replies{}, err
		case <-t.C:
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// sendReply sends one reply, trying again with backoff while WhatsApp is
// away or refuses for a while, for up to replyRetryFor.
func (a *Adapter) sendReply(ctx context.Context, key string, chat types.JID, out channel.Outbound) error {
	deadline := time.Now().Add(a.replyRetryFor)
	wait := 500 * time.Millisecond
	for {
		_, err := a.sendTo(ctx, key, chat, out)
		if err == nil || channel.Permanent(err) {
			return err
		}
		var rl *channel.RateLimitError
		pause := wait
		if errors.As(err, &rl) && rl.RetryAfter > pause {
			pause = rl.RetryAfter
		}
		if time.Now().Add(pause).After(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// confirm tells a DurableHandler the first upto replies are out; a failed
// confirmation only means a replay would send them again.
func (a *Adapter) confirm(ctx context.Context, d channel.DurableHandler, in channel.Inbound, upto int) {
	if d == nil {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.Delivered(cctx, in, upto); err != nil {
		a.log.Warn("whatsapp reply delivered but not confirmed", "to", idn.MaskPhone(in.From.ExternalID), "err", err)
	}
}
