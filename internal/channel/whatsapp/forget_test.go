package whatsapp

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestForgetChat: after hapusdata, whatsmeow's tables no longer hold the
// partner's push name or the LID mapping of their phone; other partners'
// rows stay; a database where WhatsApp was never linked is fine.
func TestForgetChat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pool, dialect := side(t, db)
		if err := ForgetChat(ctx, pool, dialect, "6281234567890"); err != nil {
			t.Fatalf("without whatsmeow tables: %v", err)
		}
		c, err := openContainer(ctx, pool, dialect, nil)
		if err != nil {
			t.Fatal(err)
		}
		dev := c.NewDevice()
		jid := types.NewADJID("6281299998888", 0, 7)
		dev.ID = &jid
		dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
		if err := c.PutDevice(ctx, dev); err != nil {
			t.Fatal(err)
		}
		siti := types.NewJID("6281234567890", types.DefaultUserServer)
		sitiLID := types.NewJID("99887766554433", types.HiddenUserServer)
		budi := types.NewJID("6281311112222", types.DefaultUserServer)
		for who, name := range map[types.JID]string{siti: "Siti Aminah", sitiLID: "Siti Aminah", budi: "Budi"} {
			if _, _, err := dev.Contacts.PutPushName(ctx, who, name); err != nil {
				t.Fatal(err)
			}
		}
		if err := dev.LIDs.PutLIDMapping(ctx, sitiLID, siti); err != nil {
			t.Fatal(err)
		}
		if err := ForgetChat(ctx, pool, dialect, "6281234567890"); err != nil {
			t.Fatal(err)
		}
		var names, budis, maps int
		_ = db.GetContext(ctx, &names, `SELECT COUNT(*) FROM whatsmeow_contacts WHERE push_name LIKE '%Aminah%'`)
		_ = db.GetContext(ctx, &budis, `SELECT COUNT(*) FROM whatsmeow_contacts WHERE push_name = 'Budi'`)
		_ = db.GetContext(ctx, &maps, `SELECT COUNT(*) FROM whatsmeow_lid_map WHERE pn = '6281234567890'`)
		if names != 0 || maps != 0 || budis != 1 {
			t.Errorf("after ForgetChat: %d of her names, %d mappings, %d of his names (want 0, 0, 1)", names, maps, budis)
		}
	})
}
