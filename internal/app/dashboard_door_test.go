package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel/telegram/tgtest"
	"jejaring/internal/contact"
)

// TestDashboardChannelsAndFlows drives the channels and flows pages of a
// running App: the Telegram bot's name and readiness as the adapter has
// them, every flow with its diagram and a clean `flows check`, and the
// "try it" chat through the real bot on a throwaway contact that is erased
// at the end.
func TestDashboardChannelsAndFlows(t *testing.T) {
	t.Parallel()
	fake := tgtest.New(t)
	a, base, _ := started(t, nil, "TELEGRAM_BOT_TOKEN", fake.Token(), "TELEGRAM_API_URL", fake.URL(), "ADMIN_PASSWORD", "sandi-admin-123")
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	do := func(method, path, ctype string, body io.Reader) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Origin", base)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		res, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := do("POST", "/login", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"username": {"admin"}, "password": {"sandi-admin-123"}}.Encode())); code != http.StatusOK {
		t.Fatalf("sign in: %d", code)
	}
	// Telegram connects in the background (ready after its first poll
	// came back); the page says so once it has.
	fake.SendText(4343, "demo")
	var page string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, page = do("GET", "/dashboard/channels", "", nil)
		if strings.Contains(page, "@"+tgtest.BotUsername) && strings.Contains(page, "Semua bagian siap") && !strings.Contains(page, `id="tg-last">—`) {
			break
		}
	}
	if strings.Contains(page, `id="tg-last">—`) {
		t.Error("no last Telegram message on the channels page")
	}
	for _, want := range []string{"@" + tgtest.BotUsername, "polling", "Semua bagian siap", "Basis data", "WhatsApp tidak aktif", `data-channel="webchat"`, `data-channel="telegram"`} {
		if !strings.Contains(page, want) {
			t.Errorf("channels page lacks %q: %s", want, regexp.MustCompile(`(?s)<ul id="ready-list">.*?</ul>`).FindString(page))
		}
	}

	code, page := do("GET", "/dashboard/flows", "", nil)
	if code != http.StatusOK || !strings.Contains(page, "alur lolos pemeriksaan") {
		t.Fatalf("flows page: %d %s", code, page)
	}
	for _, def := range a.flowSet.Flows() {
		if !strings.Contains(page, `id="src-`+def.ID+`"`) {
			t.Errorf("flows page lacks the diagram of %s", def.ID)
		}
	}
	if !strings.Contains(page, "flowchart TD") {
		t.Error("no Mermaid source on the flows page")
	}
	m := regexp.MustCompile(`data-try-id="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no try id on the flows page")
	}
	tryID := m[1]
	try := func(text string) []string {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"try_id": tryID, "text": text})
		code, body := do("POST", "/dashboard/flows/try", "application/json", bytes.NewReader(b))
		if code != http.StatusOK {
			t.Fatalf("try %q: %d %s", text, code, body)
		}
		var out struct{ Messages []struct{ Text string } }
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, x := range out.Messages {
			texts = append(texts, x.Text)
		}
		return texts
	}
	if got := strings.Join(try("demo"), "\n"); !strings.Contains(got, "contoh") {
		t.Fatalf("try demo: %q", got)
	}
	ctx := context.Background()
	c, err := a.DB.ContactByAddress(ctx, "webchat", "dashtry-"+tryID)
	if err != nil {
		t.Fatalf("the throwaway contact: %v", err)
	}
	// Another user's try id is refused.
	b, _ := json.Marshal(map[string]any{"try_id": "rina.0123456789abcdef", "text": "demo"})
	if code, _ := do("POST", "/dashboard/flows/try", "application/json", bytes.NewReader(b)); code != http.StatusBadRequest {
		t.Errorf("someone else's try id: %d", code)
	}
	b, _ = json.Marshal(map[string]any{"try_id": tryID})
	if code, body := do("POST", "/dashboard/flows/try/end", "application/json", bytes.NewReader(b)); code != http.StatusOK || !strings.Contains(body, `"ended":true`) {
		t.Fatalf("end the try: %d %s", code, body)
	}
	if _, err := a.DB.ContactByAddress(ctx, "webchat", "dashtry-"+tryID); !errors.Is(err, contact.ErrNotFound) {
		t.Errorf("the throwaway contact after the end: %v", err)
	}
	var erased int
	if err := a.DB.GetContext(ctx, &erased, a.DB.Rebind(`SELECT COUNT(*) FROM contacts WHERE id = ? AND erased_at IS NOT NULL`), c.ID); err != nil || erased != 1 {
		t.Errorf("contact %d erased: %d %v", c.ID, erased, err)
	}
}
