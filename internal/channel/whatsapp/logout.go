package whatsapp

import (
	"context"
	"errors"
	"fmt"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

// ErrNotConnected is Logout's answer while no connection is up: WhatsApp
// must be told, so the device is removed from the phone's Linked devices
// too.
var ErrNotConnected = errors.New("whatsapp is not connected; remove the device from the phone's Linked devices instead")

// Logout removes this linked device from the office's WhatsApp, as "Log
// out" under the phone's Linked devices does, and deletes the session. The
// channel then waits for a new link (StatusLoggedOut), which the dashboard
// or `jejaring whatsapp link` makes.
func (a *Adapter) Logout(ctx context.Context) error {
	a.mu.Lock()
	cli, ok := a.snd.(*whatsmeow.Client)
	a.mu.Unlock()
	if !ok || cli == nil {
		return ErrNotConnected
	}
	if err := cli.Logout(ctx); err != nil {
		return fmt.Errorf("whatsapp logout: %w", err)
	}
	// whatsmeow sends no event for a logout it made itself; tell the
	// connection loop as the phone's own logout would.
	cli.DangerousInternals().DispatchEvent(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut})
	return nil
}
