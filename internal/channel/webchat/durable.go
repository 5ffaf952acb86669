package webchat

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/channel"
)

// AckHeader is the request header in which the page confirms the answers
// it has received: the message ids (comma-separated, at most maxAcks) of
// its earlier messages whose answer it got and showed. The page sends it on
// its next request (a send, an upload or hello), so an answer whose HTTP
// response never reached the phone — a train tunnel, a dropped mobile
// connection — is not confirmed, and a retry of that message with the same
// id gets exactly those replies again.
const AckHeader = "Jejaring-Ack"

const (
	maxAcks = 16
	// heldRetryAfter is the Retry-After of a message held because a
	// service is unreachable; the page backs off from there.
	heldRetryAfter = 2 * time.Second
)

// errHeld answers a message the bot could not take now (the database or
// Redis unreachable, channel.ErrUnavailable): nothing was handled, and the
// page sends the same message id again after Retry-After.
var errHeld = apiError{503, "held",
	"Mohon tunggu sebentar ya, pesan Bapak/Ibu akan segera kami proses.",
	"Please wait a moment, we will handle your message shortly."}

// handleIn hands in to the bot. A channel.DurableHandler (the bot) keeps
// the replies with the turn until the page acknowledges them (AckHeader),
// so a retry of the same message id returns the replies not confirmed yet
// instead of handling the message twice or answering nothing.
func (c *Chat) handleIn(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
	d, ok := c.opt.Handler.(channel.DurableHandler)
	if !ok {
		return c.opt.Handler.Handle(ctx, in)
	}
	r, err := d.HandleDurable(ctx, in)
	return r.Out, err
}

// confirmAcks confirms, to a DurableHandler, every reply of the messages of
// client id that the request's AckHeader names. A confirmation that fails
// is only logged: the replies then stay kept until the dedupe marker
// expires, and a retry of that message would show them once more.
func (c *Chat) confirmAcks(ctx context.Context, r *http.Request, id string) {
	d, ok := c.opt.Handler.(channel.DurableHandler)
	if !ok {
		return
	}
	for _, msgID := range acksOf(r) {
		in := channel.Inbound{From: channel.Address{Channel: channel.WebChat, ExternalID: id}, MessageID: msgID}
		if err := d.Delivered(ctx, in, math.MaxInt32); err != nil {
			c.log.WarnContext(ctx, "webchat: answer acknowledged but not confirmed", "client", short(id), "message_id", msgID, "err", err)
		}
	}
}

// acksOf reads AckHeader: valid message ids only, at most maxAcks.
func acksOf(r *http.Request) []string {
	var out []string
	for _, v := range r.Header.Values(AckHeader) {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" || len(s) > 64 || !ValidClientID(s) {
				continue
			}
			if len(out) == maxAcks {
				return out
			}
			out = append(out, s)
		}
	}
	return out
}

// writeHeld is the 503 for a held message, with Retry-After.
func writeHeld(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(heldRetryAfter/time.Second)))
	writeError(w, errHeld, "a service the bot needs is unreachable; send the same message_id again")
}

func isUnavailable(err error) bool { return errors.Is(err, channel.ErrUnavailable) }
