package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"jejaring/internal/channel"
)

var _ channel.DurableHandler = (*Bot)(nil)

// HandleDurable implements channel.DurableHandler: Handle with the turn's
// replies stored beside the message's done-mark, in the same commit. A
// redelivery of the same message id returns the replies Delivered has not
// confirmed yet (none once all are), so a crash between the commit and the
// sending, or a reply that could not get through, is made good by replaying
// the message. Apologies are not kept: the message they answer is not marked
// handled, so a redelivery handles it afresh. When Redis or the database is
// unreachable there is no apology at all but an error wrapping
// channel.ErrUnavailable: the caller keeps the message and tries again.
func (b *Bot) HandleDurable(ctx context.Context, in channel.Inbound) (channel.Replies, error) {
	if in.From.Channel == "" || in.From.ExternalID == "" {
		return channel.Replies{}, errors.New("bot: inbound message without an address")
	}
	start := time.Now()
	ch := string(in.From.Channel)
	b.metrics.In(ch)
	r, err := b.handle(ctx, in, nil, true)
	b.metrics.Observe(ch, time.Since(start))
	b.metrics.Out(ch, len(r.Out))
	return r, err
}

// unavailable is the durable path's answer to Redis or the database being
// out of reach: no apology, an error wrapping channel.ErrUnavailable so the
// adapter keeps the message and hands it in again when they are back.
func (b *Bot) unavailable(in channel.Inbound, err error) error {
	stage := "handle"
	var se *stageError
	if errors.As(err, &se) {
		stage = se.stage
	}
	b.metrics.Error(stage)
	b.log.Warn("message kept for later: a service is unreachable",
		"stage", stage, "contact", maskAddr(in.From), "message_id", in.MessageID, "err", err)
	return fmt.Errorf("%w: %w", channel.ErrUnavailable, err)
}

// Delivered implements channel.DurableHandler.
func (b *Bot) Delivered(ctx context.Context, in channel.Inbound, upto int) error {
	return b.cfg.Sessions.ConfirmReplies(ctx, in.From, in.MessageID, upto)
}

// keptReply is how a reply is stored with the turn: the Outbound with its
// media bytes (which channel.Media leaves out of JSON).
type keptReply struct {
	channel.Outbound
	MediaData []byte `json:"media_data,omitempty"`
}

func encodeReplies(out []channel.Outbound) (string, error) {
	kept := make([]keptReply, len(out))
	for i, o := range out {
		kept[i].Outbound = o
		if o.Media != nil {
			kept[i].MediaData = o.Media.Data
		}
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return "", fmt.Errorf("encode replies: %w", err)
	}
	return string(b), nil
}

func decodeReplies(s string) ([]channel.Outbound, error) {
	var kept []keptReply
	if err := json.Unmarshal([]byte(s), &kept); err != nil {
		return nil, fmt.Errorf("decode replies: %w", err)
	}
	out := make([]channel.Outbound, len(kept))
	for i, k := range kept {
		out[i] = k.Outbound
		if out[i].Media != nil {
			m := *out[i].Media
			m.Data = k.MediaData
			out[i].Media = &m
		}
	}
	return out, nil
}
