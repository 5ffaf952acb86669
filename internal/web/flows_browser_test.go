package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jejaring/flows"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// fakeFlows is the built-in flow set with a bot that answers the try
// panel with a menu and records what it got (the real bot behind the
// panel is driven in internal/app's TestDashboardChannelsAndFlows).
type fakeFlows struct {
	set   *flow.Set
	mu    sync.Mutex
	got   []channel.Inbound
	ended []string
}

func (f *fakeFlows) Flows() *flow.Set  { return f.set }
func (f *fakeFlows) Actions() []string { return nil }
func (f *fakeFlows) Try(ctx context.Context, id string, in channel.Inbound) ([]channel.Outbound, error) {
	f.mu.Lock()
	f.got = append(f.got, in)
	f.mu.Unlock()
	if in.Kind == channel.KindChoice {
		return []channel.Outbound{{Text: "Baik, kita mulai pendaftaran. Siapa nama usaha Bapak/Ibu?"}}, nil
	}
	return []channel.Outbound{{Text: "Selamat datang di Jejaring. Mau apa hari ini?", Choices: []channel.Choice{{Label: "Daftar usaha", Value: "daftar"}, {Label: "Acara", Value: "acara"}}}}, nil
}
func (f *fakeFlows) EndTry(ctx context.Context, id, actor string) error {
	f.mu.Lock()
	f.ended = append(f.ended, id)
	f.mu.Unlock()
	return nil
}

// TestBrowserFlows: every flow's Mermaid diagram is drawn as SVG by the
// vendored mermaid under the page's CSP, the check result is shown, and
// the try panel talks to the bot and shows its choices.
func TestBrowserFlows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		set, err := flow.Load(flows.FS)
		if err != nil {
			t.Fatal(err)
		}
		data, err := umkm.LoadData("")
		if err != nil {
			t.Fatal(err)
		}
		set.SetOptions(umkmactions.Options(data))
		ff := &fakeFlows{set: set}
		h := harnessWith(t, db, func(o *web.Options) { o.Flows = ff })
		ctx := browser(t)
		base := h.srv.URL
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "rina"),
			chromedp.SendKeys(chromedp.CSS("#password"), "sandi-rina-123\n"),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/dashboard/flows"]`)),
			chromedp.Click(chromedp.CSS(`a[href="/dashboard/flows"]`)),
			chromedp.WaitVisible(chromedp.CSS("#flows-check")),
		); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the diagrams", `document.body.dataset.diagrams === 'done'`)
		n := len(set.Flows())
		drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.flow-diagram[data-rendered="1"] svg').length`))
		if err != nil || drawn != n {
			errs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.flow-diagram[data-rendered=error]')].map(e => e.dataset.flow + ': ' + e.textContent).join('\n')`))
			t.Fatalf("%d of %d diagrams drawn (%v): %s", drawn, n, err, errs)
		}
		// A diagram has a box per step: the registration flow's first
		// question is in its SVG.
		id := set.Flows()[0].ID
		labels, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.flow-diagram[data-flow="`+id+`"] svg').textContent`))
		if want := set.Flows()[0].Start; !strings.Contains(labels, want) {
			t.Errorf("diagram of %s lacks its first step %q: %q", id, want, labels)
		}
		check, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#flows-check")))
		if probs := set.Check(nil); len(probs) == 0 && !strings.Contains(check, "lolos pemeriksaan") {
			t.Errorf("check result: %q", check)
		}

		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#try-text"), "menu\n")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the bot's answer", `!!document.querySelector('#try-choices button')`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#try-choices button"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the answer to the choice", `document.getElementById('try').dataset.turns === '2'`)
		log, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#try-log")))
		for _, w := range []string{"menu", "Selamat datang", "Daftar usaha", "nama usaha"} {
			if !strings.Contains(log, w) {
				t.Errorf("try log lacks %q: %q", w, log)
			}
		}
		ff.mu.Lock()
		got := append([]channel.Inbound(nil), ff.got...)
		ff.mu.Unlock()
		if len(got) != 2 || got[0].Text != "menu" || got[1].Kind != channel.KindChoice || got[1].Choice != "daftar" || !strings.Contains(got[0].DisplayName, "rina") {
			t.Errorf("the bot got %+v", got)
		}
		if *screenshots && db.Dialect == store.SQLite {
			shootDoor(t, ctx, "flows-desktop")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
				t.Fatal(err)
			}
			shootDoor(t, ctx, "flows-phone")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
				t.Fatal(err)
			}
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#try-end"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the try to end", `document.getElementById('try').dataset.ended === '1'`)
		ended := func() []string {
			ff.mu.Lock()
			defer ff.mu.Unlock()
			return append([]string(nil), ff.ended...)
		}
		if e := ended(); len(e) != 1 || !strings.HasPrefix(e[0], "rina.") {
			t.Errorf("ended tries %v", e)
		}
		// A new try, then the page is left: it ends too (a beacon).
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#try-text"), "menu\n")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the new try", `document.getElementById('try').dataset.turns === '1'`)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/"), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
			t.Fatal(err)
		}
		for i := 0; len(ended()) < 2 && i < 100; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if e := ended(); len(e) != 2 || e[1] == e[0] || !strings.HasPrefix(e[1], "rina.") {
			t.Errorf("ended tries after leaving the page %v", e)
		}
	})
}
