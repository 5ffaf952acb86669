package whatsapp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mau.fi/whatsmeow"
	waStore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
)

// connEvent is what the connection loop learns from whatsmeow's events.
type connEvent struct {
	kind   connKind
	reason string
	expire time.Duration // temporary ban length, when WhatsApp says
}

type connKind int

const (
	evConnected connKind = iota
	evDisconnected
	evLoggedOut
	evReplaced
	evBanned
	evFailed
)

// outcome is why runDevice returned.
type outcome int

const (
	outCancelled outcome = iota
	outLoggedOut
	outReplaced
)

// Run keeps the WhatsApp connection until ctx ends, then returns nil. It
// never gives up in a way that concerns the rest of Jejaring:
//   - not linked: it checks the database every LinkPoll for a link made by
//     `jejaring whatsapp link`;
//   - unreachable: it retries with exponential backoff and jitter, and Health
//     says "not connected: <reason>";
//   - logged out by the phone: it alerts in the log and on Health with how to
//     re-link, and waits for a new link;
//   - replaced by another process: it alerts and stops connecting until
//     restarted;
//   - temporarily banned: it pauses bulk sending (Paused), alerts, and
//     reconnects when the ban ends.
//
// Run must not be called twice at the same time.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.queue.wait()
	defer a.setState(State{Status: StatusStopped, Reason: "shut down"})
	a.replaySpool(ctx)
	replaced := false
	for ctx.Err() == nil {
		if replaced {
			if !a.sleep(ctx, a.cfg.LinkPoll, true) {
				break
			}
			continue
		}
		dev, err := linkedDevice(ctx, a.container)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			a.setState(State{Status: StatusFailed, Reason: err.Error(), NextRetry: a.cfg.Now().Add(a.cfg.LinkPoll)})
		case dev == nil:
			if st := a.Status(); st.Status != StatusLoggedOut {
				a.setState(State{Status: StatusNotLinked})
			}
		default:
			switch a.runDevice(ctx, dev) {
			case outCancelled:
				return nil
			case outReplaced:
				replaced = true
			case outLoggedOut:
				// whatsmeow deleted the session; wait for a new link.
			}
			continue
		}
		if !a.sleep(ctx, a.cfg.LinkPoll, true) {
			break
		}
	}
	return nil
}

// runDevice connects one linked device and keeps it connected.
func (a *Adapter) runDevice(ctx context.Context, dev *waStore.Device) outcome {
	cli, err := a.newClient(dev)
	if err != nil {
		a.setState(State{Status: StatusFailed, Reason: err.Error()})
		<-ctx.Done()
		return outCancelled
	}
	events := make(chan connEvent, 32)
	handlerID := cli.AddEventHandler(func(evt any) { a.onEvent(ctx, evt, events) })
	own := ""
	if dev.ID != nil {
		own = dev.ID.User
	}
	a.mu.Lock()
	a.snd, a.lids, a.own = nil, dev.LIDs, own
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.snd, a.lids = nil, nil
		a.mu.Unlock()
		cli.RemoveEventHandler(handlerID)
		cli.Disconnect()
	}()

	attempt := 0
	// retry waits before the next attempt. What the old connection still
	// reports meanwhile is stale, except a logout or a takeover, which end
	// this device's run.
	retry := func(reason string, wait time.Duration) (outcome, bool) {
		attempt++
		if wait <= 0 {
			wait = a.backoff(attempt)
		}
		a.mu.Lock()
		a.snd = nil
		a.mu.Unlock()
		cli.Disconnect()
		a.setState(State{Status: StatusDisconnected, Reason: reason, Attempt: attempt, NextRetry: a.cfg.Now().Add(wait)})
		t := time.NewTimer(wait)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return outCancelled, false
			case <-t.C:
				return 0, true
			case ev := <-events:
				switch ev.kind {
				case evLoggedOut:
					a.setState(State{Status: StatusLoggedOut, Reason: ev.reason})
					return outLoggedOut, false
				case evReplaced:
					a.setState(State{Status: StatusReplaced, Reason: ev.reason})
					return outReplaced, false
				}
			}
		}
	}

	for ctx.Err() == nil {
		if attempt == 0 {
			a.setState(State{Status: StatusConnecting, Reason: "connecting to WhatsApp"})
		} // else the state stays "not connected: <last reason>" until it works
		if err := cli.ConnectContext(ctx); err != nil {
			if ctx.Err() != nil {
				return outCancelled
			}
			if out, again := retry(err.Error(), 0); !again {
				return out
			}
			continue
		}
		out, again, wait, reason := a.awaitConnection(ctx, cli, events, &attempt)
		if !again {
			return out
		}
		if out, again := retry(reason, wait); !again {
			return out
		}
	}
	return outCancelled
}

// awaitConnection follows one connected socket until it is lost. again says
// whether to reconnect (after wait, or the usual backoff when zero).
func (a *Adapter) awaitConnection(ctx context.Context, cli liveClient, events <-chan connEvent, attempt *int) (out outcome, again bool, wait time.Duration, reason string) {
	login := time.NewTimer(a.cfg.LoginTimeout)
	defer login.Stop()
	beat := time.NewTicker(time.Minute)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return outCancelled, false, 0, ""
		case <-login.C:
			if !cli.IsLoggedIn() {
				return 0, true, 0, fmt.Sprintf("WhatsApp did not accept the session within %s", a.cfg.LoginTimeout)
			}
		case <-beat.C:
			if !cli.IsConnected() {
				return 0, true, 0, "connection lost"
			}
			a.heartbeat()
		case ev := <-events:
			switch ev.kind {
			case evConnected:
				*attempt = 0
				a.mu.Lock()
				a.snd = cli
				a.mu.Unlock()
				a.setState(State{Status: StatusConnected})
			case evDisconnected:
				return 0, true, 0, ev.reason
			case evFailed:
				return 0, true, 0, ev.reason
			case evBanned:
				wait := ev.expire
				if wait <= 0 {
					wait = a.cfg.BanPause
				}
				until := a.cfg.Now().Add(wait)
				a.mu.Lock()
				a.snd = nil
				a.mu.Unlock()
				cli.Disconnect()
				a.setState(State{Status: StatusBanned, Reason: ev.reason, PausedUntil: until, NextRetry: until})
				if !a.sleep(ctx, wait, false) {
					return outCancelled, false, 0, ""
				}
				return 0, true, a.cfg.MinBackoff, "reconnecting after a temporary ban"
			case evLoggedOut:
				a.setState(State{Status: StatusLoggedOut, Reason: ev.reason})
				return outLoggedOut, false, 0, ""
			case evReplaced:
				a.setState(State{Status: StatusReplaced, Reason: ev.reason})
				return outReplaced, false, 0, ""
			}
		}
	}
}

// liveClient is what awaitConnection needs of a connected client.
type liveClient interface {
	sender
	IsLoggedIn() bool
	IsConnected() bool
	Disconnect()
}

// onEvent runs in whatsmeow's event loop: it queues messages and reports
// connection changes, and must return quickly.
func (a *Adapter) onEvent(ctx context.Context, evt any, conn chan<- connEvent) {
	report := func(ev connEvent) {
		select {
		case conn <- ev:
		default:
			a.log.Warn("whatsapp connection event dropped", "kind", ev.kind)
		}
	}
	switch e := evt.(type) {
	case *events.Message:
		a.accept(ctx, e) // spool.go
	case *events.Connected:
		report(connEvent{kind: evConnected})
	case *events.Disconnected:
		report(connEvent{kind: evDisconnected, reason: "connection to WhatsApp lost"})
	case *events.KeepAliveTimeout:
		// With whatsmeow's own reconnect off, a connection that stopped
		// answering keepalives is ours to drop and redial.
		a.log.Debug("whatsapp keepalive timeout", "errors", e.ErrorCount)
		if time.Since(e.LastSuccess) > whatsmeow.KeepAliveMaxFailTime {
			report(connEvent{kind: evDisconnected, reason: "WhatsApp stopped answering keepalives since " + e.LastSuccess.UTC().Format(time.RFC3339)})
		}
	case *events.LoggedOut:
		report(connEvent{kind: evLoggedOut, reason: "the office phone removed this linked device (" + e.Reason.String() + ")"})
	case *events.StreamReplaced:
		report(connEvent{kind: evReplaced, reason: "another Jejaring process took over this WhatsApp session; restart this one only if the other is gone"})
	case *events.TemporaryBan:
		report(connEvent{kind: evBanned, reason: e.Code.String(), expire: e.Expire})
	case *events.ClientOutdated:
		report(connEvent{kind: evFailed, reason: "WhatsApp says this client is outdated: update Jejaring (whatsmeow)"})
	case *events.ConnectFailure:
		report(connEvent{kind: evFailed, reason: "WhatsApp refused the connection: " + e.Reason.String()})
	case *events.StreamError:
		report(connEvent{kind: evFailed, reason: "WhatsApp stream error " + e.Code})
	}
}

// backoff is the wait before attempt n: MinBackoff doubled per failure up to
// MaxBackoff, with jitter between half and all of it.
func (a *Adapter) backoff(n int) time.Duration {
	d := a.cfg.MinBackoff
	for i := 1; i < n && d < a.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, a.cfg.MaxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// sleep waits d or until ctx ends; with beat it rewrites the status file
// once a minute while waiting. It reports whether ctx is still alive.
func (a *Adapter) sleep(ctx context.Context, d time.Duration, beat bool) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-tick.C:
			if beat {
				a.heartbeat()
			}
		}
	}
}
