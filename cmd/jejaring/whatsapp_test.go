package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func closedPortDial(ctx context.Context, _, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", "127.0.0.1:1")
}

func runWA(t *testing.T, cfg WhatsAppCmdConfig, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runWhatsApp(context.Background(), cfg, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestWhatsAppStatusNotLinked(t *testing.T) {
	t.Parallel()
	cfg := WhatsAppCmdConfig{DB: storetest.New(t, store.SQLite), DataDir: t.TempDir(), Dial: closedPortDial}
	code, out, errs := runWA(t, cfg, "status")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	for _, want := range []string{"WhatsApp: not linked.", "jejaring whatsapp link", "no running Jejaring has reported"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestWhatsAppStatusReadsTheServersReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	if err := os.MkdirAll(filepath.Join(dir, "whatsapp"), 0o750); err != nil {
		t.Fatal(err)
	}
	report := `{"status":"disconnected","phone":"6281299998888","reason":"dial tcp 127.0.0.1:1: connect: connection refused","since":"2026-11-30T09:50:00Z","attempt":4,"updated":"2026-11-30T09:30:00Z"}`
	if err := os.WriteFile(filepath.Join(dir, "whatsapp", "status.json"), []byte(report), 0o640); err != nil {
		t.Fatal(err)
	}
	cfg := WhatsAppCmdConfig{DB: storetest.New(t, store.SQLite), DataDir: dir, Dial: closedPortDial, Now: func() time.Time { return now }}
	code, out, errs := runWA(t, cfg, "status")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	for _, want := range []string{"not connected: dial tcp 127.0.0.1:1: connect: connection refused", "reported 2026-11-30 09:30 UTC", "the server may not be running"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestWhatsAppLinkUnreachable(t *testing.T) {
	t.Parallel()
	cfg := WhatsAppCmdConfig{DB: storetest.New(t, store.SQLite), DataDir: t.TempDir(), Dial: closedPortDial, LinkTimeout: 5 * time.Second}
	for _, args := range [][]string{{"link"}, {"link", "--phone", "+6281234567890"}} {
		code, _, errs := runWA(t, cfg, args...)
		if code != 1 || !strings.Contains(errs, "connection refused") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and the reason", args, code, errs)
		}
	}
}

func TestWhatsAppUsage(t *testing.T) {
	t.Parallel()
	cfg := WhatsAppCmdConfig{DB: storetest.New(t, store.SQLite), DataDir: t.TempDir(), Dial: closedPortDial}
	for _, args := range [][]string{{}, {"unlink"}, {"status", "--phone", "+62812"}, {"link", "extra"}} {
		if code, _, _ := runWA(t, cfg, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
