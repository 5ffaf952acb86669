package whatsapptest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/channel/whatsapp/whatsapptest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestLinkedThroughClosedProxy shows the recipe for app tests: a fake link
// and the closed proxy make the channel retry and report why.
func TestLinkedThroughClosedProxy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		whatsapptest.Link(t, db, "6281299998888")
		pool, dialect, err := db.SidePool()
		if err != nil {
			t.Fatal(err)
		}
		sess, err := whatsapp.OpenSession(context.Background(), whatsapp.SessionConfig{DB: pool, Dialect: dialect})
		if err != nil {
			t.Fatal(err)
		}
		if phone, err := sess.LinkedPhone(context.Background()); err != nil || phone != "6281299998888" {
			t.Fatalf("LinkedPhone = %q, %v", phone, err)
		}
		a, err := whatsapp.New(context.Background(), whatsapp.Config{
			DB: pool, Dialect: dialect, DataDir: t.TempDir(), ProxyURL: whatsapptest.ClosedProxy,
			Handler:    channel.HandlerFunc(func(context.Context, channel.Inbound) ([]channel.Outbound, error) { return nil, nil }),
			MinBackoff: 5 * time.Millisecond, MaxBackoff: 10 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		deadline := time.Now().Add(10 * time.Second)
		for a.Status().Attempt < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("no retries; status %+v", a.Status())
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := a.Health(); err == nil || !strings.Contains(err.Error(), "not connected") || !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("Health = %v", err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
