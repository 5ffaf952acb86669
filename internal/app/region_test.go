package app

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/channel"
)

// TestRegionAndOfficeReachThePrivacyNotice: the privacy notice names the
// data controller: the office of the REGION's data file by default,
// OFFICE_NAME when it is set. (Before REGION and OFFICE_NAME the served
// notice named no regency.)
func TestRegionAndOfficeReachThePrivacyNotice(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kv   []string
		want string
	}{
		{nil, "Pengendali data: Dinas Koperasi, UMKM, Perdagangan dan Perindustrian Kabupaten Pesisir Selatan."},
		{[]string{"REGION", "pesisir_selatan"}, "Pengendali data: Dinas Koperasi, UMKM, Perdagangan dan Perindustrian Kabupaten Pesisir Selatan."},
		{[]string{"OFFICE_NAME", "Dinas Koperasi dan UMKM Kabupaten Pesisir Selatan (uji)"}, "Pengendali data: Dinas Koperasi dan UMKM Kabupaten Pesisir Selatan (uji)."},
	} {
		a, err := New(context.Background(), localConfig(t, tt.kv...), nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err := a.Bot.Handle(context.Background(), channel.Inbound{From: channel.Address{Channel: "webchat", ExternalID: "notice-1"},
			Kind: channel.KindText, Text: "daftar"})
		a.Close()
		if err != nil {
			t.Fatal(err)
		}
		if all := joinTexts(out); !strings.Contains(all, tt.want) {
			t.Errorf("%v: the notice lacks %q:\n%s", tt.kv, tt.want, all)
		}
	}
}

// TestUnknownRegionStopsTheStart: a REGION with no data file stops New
// before it opens anything, with one line naming the variable and the
// regions built in.
func TestUnknownRegionStopsTheStart(t *testing.T) {
	t.Parallel()
	cfg := localConfig(t, "REGION", "pesisir_utara")
	a, err := New(context.Background(), cfg, nil)
	if err == nil {
		a.Close()
		t.Fatal("REGION=pesisir_utara started")
	}
	if want := `REGION: unknown region "pesisir_utara" (known regions: pesisir_selatan)`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// Nothing was opened: DATA_DIR holds no lock file or database.
	release, lerr := LockDataDir(cfg.DataDir)
	if lerr != nil {
		t.Fatalf("DATA_DIR still locked after the refused start: %v", lerr)
	}
	release()
}
