// Package whatsapptest helps tests that start Jejaring with WhatsApp
// enabled: it stores a made-up linked-device session, so the channel tries
// to connect (to wherever the test points it — a closed local port) instead
// of waiting to be linked. The session's keys are random; it can never log
// in to WhatsApp.
package whatsapptest

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/store"
)

// ClosedProxy is a proxy address nothing listens on: give it as the
// channel's ProxyURL and every connection attempt fails at once with
// "connection refused", without leaving the machine.
const ClosedProxy = "http://127.0.0.1:1"

// Link stores a fake linked device for phone (digits, e.g. "6281299998888")
// in db, creating whatsmeow's tables when needed.
func Link(t testing.TB, db *store.DB, phone string) {
	t.Helper()
	ctx := context.Background()
	pool, dialect, err := db.SidePool()
	if err != nil {
		t.Fatalf("whatsapptest: %v", err)
	}
	if _, err := whatsapp.OpenSession(ctx, whatsapp.SessionConfig{DB: pool, Dialect: dialect}); err != nil {
		t.Fatalf("whatsapptest: %v", err)
	}
	c := sqlstore.NewWithDB(pool, dialect, nil)
	dev := c.NewDevice()
	jid := types.NewADJID(phone, 0, 7)
	dev.ID = &jid
	dev.PushName = "Jejaring test"
	dev.Account = &waAdv.ADVSignedDeviceIdentity{
		Details: []byte{1}, AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64),
	}
	if err := c.PutDevice(ctx, dev); err != nil {
		t.Fatalf("whatsapptest: store device: %v", err)
	}
}
