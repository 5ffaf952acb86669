package whatsapp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"jejaring/internal/idn"
)

// ConnStatus names where the connection stands.
type ConnStatus string

// Connection states.
const (
	StatusStopped      ConnStatus = "stopped"      // Run is not running
	StatusNotLinked    ConnStatus = "not_linked"   // no device session: run `jejaring whatsapp link`
	StatusConnecting   ConnStatus = "connecting"   // dialing or waiting for WhatsApp to accept the session
	StatusConnected    ConnStatus = "connected"    // logged in, sending and receiving
	StatusDisconnected ConnStatus = "disconnected" // unreachable; retrying with backoff
	StatusLoggedOut    ConnStatus = "logged_out"   // the phone removed the device: re-link
	StatusReplaced     ConnStatus = "replaced"     // another process took the session; this one stopped
	StatusBanned       ConnStatus = "banned"       // temporarily banned; bulk sending paused
	StatusFailed       ConnStatus = "failed"       // refused for another reason (client outdated, ...)
)

// State is the connection state, as Status returns it and as the running
// server writes it to DATA_DIR/whatsapp/status.json.
type State struct {
	Status ConnStatus `json:"status"`
	// Phone is the linked number, digits without "+", when known.
	Phone string `json:"phone,omitempty"`
	// Reason says why the channel is not connected, in plain words.
	Reason string `json:"reason,omitempty"`
	// Since is when the state began.
	Since time.Time `json:"since"`
	// Attempt counts failed connection attempts in a row.
	Attempt int `json:"attempt,omitempty"`
	// NextRetry is when the next connection attempt is due.
	NextRetry time.Time `json:"next_retry,omitzero"`
	// PausedUntil is when a temporary ban's pause on bulk sending ends.
	PausedUntil time.Time `json:"paused_until,omitzero"`
	// Updated is when the state was last written (a heartbeat).
	Updated time.Time `json:"updated"`
}

// Describe says the state in one line for logs, /readyz and the CLI.
func (s State) Describe() string {
	switch s.Status {
	case StatusConnected:
		return "connected as " + idn.MaskPhone(s.Phone)
	case StatusNotLinked:
		return "not linked: run `jejaring whatsapp link` to link the office number"
	case StatusLoggedOut:
		return "logged out: " + s.Reason + "; re-link with `jejaring whatsapp link`"
	case StatusReplaced:
		return "stopped: " + s.Reason
	case StatusBanned:
		until := ""
		if !s.PausedUntil.IsZero() {
			until = " until " + s.PausedUntil.UTC().Format(time.RFC3339)
		}
		return "temporarily banned (" + s.Reason + "); bulk sending paused" + until
	case StatusDisconnected, StatusConnecting, StatusFailed:
		msg := string(s.Status)
		if s.Status == StatusDisconnected {
			msg = "not connected"
		}
		if s.Reason != "" {
			msg += ": " + s.Reason
		}
		if !s.NextRetry.IsZero() {
			msg += fmt.Sprintf(" (attempt %d, next retry %s)", s.Attempt, s.NextRetry.UTC().Format(time.RFC3339))
		}
		return msg
	default:
		if s.Reason != "" {
			return string(s.Status) + ": " + s.Reason
		}
		return string(s.Status)
	}
}

// setState records a new state, logs the change and writes the status file.
func (a *Adapter) setState(st State) {
	now := a.cfg.Now()
	a.mu.Lock()
	prev := a.state
	if st.Phone == "" {
		st.Phone = a.own
	}
	if st.Status == prev.Status && st.Reason == prev.Reason {
		st.Since = prev.Since
	} else if st.Since.IsZero() {
		st.Since = now
	}
	if st.PausedUntil.IsZero() && st.Status != StatusLoggedOut {
		st.PausedUntil = prev.PausedUntil // a ban's pause outlives reconnects
	}
	st.Updated = now
	a.state = st
	a.mu.Unlock()

	if st.Status != prev.Status || st.Reason != prev.Reason {
		switch st.Status {
		case StatusLoggedOut, StatusReplaced, StatusBanned, StatusFailed:
			a.log.Error("ALERT: WhatsApp channel "+st.Describe(), "status", st.Status)
		case StatusDisconnected, StatusNotLinked:
			a.log.Warn("WhatsApp channel "+st.Describe(), "status", st.Status)
		default:
			a.log.Info("WhatsApp channel "+st.Describe(), "status", st.Status)
		}
	}
	a.writeStatusFile(st)
}

// heartbeat rewrites the status file so `whatsapp status` can tell a live
// server from a stale file.
func (a *Adapter) heartbeat() {
	a.mu.Lock()
	a.state.Updated = a.cfg.Now()
	st := a.state
	a.mu.Unlock()
	a.writeStatusFile(st)
}

func statusPath(dataDir string) string {
	return filepath.Join(dataDir, "whatsapp", "status.json")
}

func (a *Adapter) writeStatusFile(st State) {
	if a.cfg.DataDir == "" {
		return
	}
	path := statusPath(a.cfg.DataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		a.log.Warn("whatsapp status file", "err", err)
		return
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		a.log.Warn("whatsapp status file", "err", err)
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		a.log.Warn("whatsapp status file", "err", err)
	}
}

// ReadStatusFile reads the state a running server last wrote under dataDir.
// It returns os.ErrNotExist (wrapped) when no server has written one.
func ReadStatusFile(dataDir string) (State, error) {
	var st State
	b, err := os.ReadFile(statusPath(dataDir))
	if err != nil {
		return st, fmt.Errorf("read whatsapp status: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("read whatsapp status %s: %w", statusPath(dataDir), err)
	}
	return st, nil
}
