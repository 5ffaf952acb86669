package bottest_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"jejaring/internal/bot/bottest"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/store/storetest"
)

// The demo flow's conversation scripts, written for the pure engine, play
// the same through the whole bot: real Redis, real database, the session
// stored between turns, the script's action stubs standing in.
func TestDemoScriptsThroughTheBot(t *testing.T) {
	t.Parallel()
	set, err := flow.Load(os.DirFS("../../../flows"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../../flows/testdata/demo_*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no demo scripts: %v", err)
	}
	for _, d := range storetest.Dialects {
		for _, file := range files {
			t.Run(d+"/"+filepath.Base(file), func(t *testing.T) {
				t.Parallel()
				h := bottest.New(t, set, nil, d)
				h.RunScript(t, file)
			})
		}
	}
}

func TestHarness(t *testing.T) {
	t.Parallel()
	set, err := flow.Load(os.DirFS("../testdata/flows"))
	if err != nil {
		t.Fatal(err)
	}
	h := bottest.New(t, set, nil, "sqlite")
	a := bottest.Addr("x")
	d := h.Driver(a)
	msgs, _, err := d.Send(t.Context(), flow.Input{Kind: flow.InText, Text: "daftar"})
	if err != nil || len(msgs) != 1 || msgs[0].Text != "Apa nama usaha Bapak/Ibu?" {
		t.Fatalf("driver: %v %+v", err, msgs)
	}
	_, answers, err := d.Send(t.Context(), flow.Input{Kind: flow.InText, Text: "Kedai Kopi"})
	if err != nil || answers["business_name"] != "Kedai Kopi" {
		t.Fatalf("driver answers: %v %v", err, answers)
	}
	before := h.Now()
	h.Advance(time.Hour)
	if !h.Now().Equal(before.Add(time.Hour)) || !before.Equal(bottest.Start) {
		t.Errorf("clock: %v then %v", before, h.Now())
	}
	if s := h.Session(a); s == nil || s.Step != "sector" {
		t.Errorf("session: %+v", s)
	}
	if c := h.Contact(a); c.Channel != string(channel.WebChat) || c.ExternalID != "x" {
		t.Errorf("contact: %+v", c)
	}
	// No test.register action in this harness: the contact gets the
	// apology and stays on the question.
	out := h.Choose(a, "jasa")
	if got := bottest.Texts(out); got != "Maaf Bapak/Ibu, sedang ada gangguan. Silakan coba lagi sebentar lagi." {
		t.Errorf("without the action: %q", got)
	}
	if s := h.Session(a); s == nil || s.Step != "sector" {
		t.Errorf("session after the failure: %+v", s)
	}
}
