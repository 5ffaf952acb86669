package channel

import (
	"context"
	"errors"
)

// ErrUnavailable is what a DurableHandler returns when it cannot handle a
// message now because what it stands on (the database, Redis) is
// unreachable: nothing was committed, and the adapter should keep the
// message and hand it in again later, in order, instead of apologizing. A
// web chat answers it with a retryable status, so the page sends the same
// message id again.
var ErrUnavailable = errors.New("temporarily unavailable; deliver the message again later")

// Replies are a turn's answers to one inbound message, as a DurableHandler
// returns them: Out are the ones not yet confirmed delivered, and From is the
// index of Out[0] among all the turn's replies (0 on a first delivery; more
// when a replay resumes after the ones confirmed before).
type Replies struct {
	Out  []Outbound
	From int
}

// DurableHandler is a Handler whose replies are stored with the turn that
// made them, so an adapter that confirms each delivered reply gets back,
// when the same message is delivered again (a replay after a crash, a retry),
// exactly the replies not confirmed yet instead of nothing. The Telegram
// adapter uses it; *bot.Bot implements it.
type DurableHandler interface {
	Handler
	// HandleDurable is Handle with the replies kept until Delivered says
	// they are out.
	HandleDurable(ctx context.Context, in Inbound) (Replies, error)
	// Delivered records that the turn's replies up to index upto
	// (exclusive, counting from the first reply of the turn) are
	// delivered or handed to something durable (the outbox).
	Delivered(ctx context.Context, in Inbound, upto int) error
}
