package faulttest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"jejaring/internal/faulttest"
	"jejaring/internal/session/sessiontest"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// webClient is one web chat page talking to the binary: a cookie jar for
// its identity, and the ack list the page keeps.
type webClient struct {
	t    *testing.T
	base string
	hc   *http.Client
	acks []string
}

type webAnswer struct {
	status int
	retry  string
	code   string
	texts  []string
}

func (c *webClient) post(path, body string) (webAnswer, error) {
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if len(c.acks) > 0 {
		req.Header.Set("Jejaring-Ack", strings.Join(c.acks, ","))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return webAnswer{}, err
	}
	defer resp.Body.Close()
	var out struct {
		Code     string `json:"code"`
		Messages []struct {
			Text string `json:"text"`
		} `json:"messages"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	a := webAnswer{status: resp.StatusCode, retry: resp.Header.Get("Retry-After"), code: out.Code}
	for _, m := range out.Messages {
		a.texts = append(a.texts, m.Text)
	}
	if resp.StatusCode == 200 {
		c.acks = nil // the request went through: its acks are confirmed
	}
	return a, nil
}

// send is the page's send: the same message id again after Retry-After
// while the answer is a 503 (or the connection fails), until a 200 or
// limit. It returns the answer and how many 503 "held" it got.
func (c *webClient) send(body string, limit time.Duration) (webAnswer, int) {
	c.t.Helper()
	start := time.Now()
	held := 0
	for {
		a, err := c.post("/webchat/api/send", body)
		if err == nil && a.status == 200 {
			return a, held
		}
		if err == nil && a.status == 503 && a.code == "held" {
			held++
			if a.retry == "" {
				c.t.Fatalf("503 held without Retry-After")
			}
		} else if err == nil && a.status != 503 && a.status != 500 {
			c.t.Fatalf("send %s: status %d code %q", body, a.status, a.code)
		}
		if time.Since(start) > limit {
			c.t.Fatalf("send %s: no answer within %s (last %+v, %v)", body, limit, a, err)
		}
		wait := time.Second
		if s, _ := strconv.Atoi(a.retry); s > 0 {
			wait = time.Duration(s) * time.Second
		}
		time.Sleep(min(wait, 500*time.Millisecond)) // faster than the page, same requests
	}
}

// TestWebChatOutage cuts Redis, then PostgreSQL, away from the process
// while a web chat owner is mid-registration. Each message sent meanwhile
// is answered 503 "held" with Retry-After; the page's retry with the same
// message id after the service is back gets the real answer, handled
// exactly once: a retry before the page acknowledged it returns the same
// replies (the conversation did not move on twice), and after the ack
// nothing more.
//
// On SQLite (a file: nothing to cut) only the Redis outage runs.
func TestWebChatOutage(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			rp := faulttest.NewProxy(t, "127.0.0.1:6379")
			ru, _ := url.Parse(sessiontest.URL())
			ru.Host = rp.Addr()
			if d == store.SQLite {
				webChatOutage(t, newRigDB(t, false, ru.String(), "sqlite:"+filepath.Join(t.TempDir(), "fault.db")), rp)
			} else {
				webChatOutage(t, newRigRedis(t, true, ru.String()), rp)
			}
		})
	}
}

func webChatOutage(t *testing.T, r *rig, rp *faulttest.Proxy) {
	var addr string
	for _, e := range r.env {
		if v, ok := strings.CutPrefix(e, "HTTP_ADDR="); ok {
			addr = v
		}
	}
	outage := short(10*time.Second, 3*time.Second)
	r.start()
	jar, _ := cookiejar.New(nil)
	c := &webClient{t: t, base: "http://" + addr, hc: &http.Client{Jar: jar, Timeout: 40 * time.Second}}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if a, err := c.post("/webchat/api/hello", ""); err == nil && a.status == 200 {
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("the web chat did not come up\n%s", r.logTail())
		}
	}
	first, _ := c.send(`{"kind":"start","payload":"demo","message_id":"wc-fault-0001"}`, time.Minute)
	if !strings.Contains(strings.Join(first.texts, "\n"), "Apa nama usaha Bapak/Ibu?") {
		t.Fatalf("start: %v", first.texts)
	}
	c.acks = []string{"wc-fault-0001"}

	// A second owner, new: the first message needs the database.
	jar2, _ := cookiejar.New(nil)
	c2 := &webClient{t: t, base: c.base, hc: &http.Client{Jar: jar2, Timeout: 40 * time.Second}}
	if a, err := c2.post("/webchat/api/hello", ""); err != nil || a.status != 200 {
		t.Fatalf("hello: %+v %v", a, err)
	}
	type outageCase struct {
		name   string
		proxy  *faulttest.Proxy
		client *webClient
		id     string
		body   string
		want   string
	}
	var report []string
	cases := []outageCase{
		{"Redis", rp, c, "wc-fault-0002", `{"text":"Warung Tahan Banting","message_id":"wc-fault-0002"}`, "bergerak di bidang apa?"},
		{"PostgreSQL", r.proxy, c2, "wc-fault-0101", `{"kind":"start","payload":"demo","message_id":"wc-fault-0101"}`, "Apa nama usaha Bapak/Ibu?"},
	}
	if r.proxy == nil { // SQLite: the new owner starts with Redis cut instead
		cases[1].name, cases[1].proxy = "Redis (new owner)", rp
	}
	for _, oc := range cases {
		oc.proxy.Cut()
		back := make(chan time.Time, 1)
		go func() {
			time.Sleep(outage)
			oc.proxy.Restore()
			back <- time.Now()
		}()
		a, held := oc.client.send(oc.body, outage+2*time.Minute)
		restored := <-back
		if held == 0 {
			t.Errorf("%s cut: the message was never held (503); answered %v", oc.name, a.texts)
		}
		if !strings.Contains(strings.Join(a.texts, "\n"), oc.want) {
			t.Fatalf("%s: answered %v after the outage; want %q\n%s", oc.name, a.texts, oc.want, r.logTail())
		}
		// The answer was lost on the way: the same id again, no ack.
		again, _ := oc.client.send(oc.body, time.Minute)
		if strings.Join(again.texts, "|") != strings.Join(a.texts, "|") {
			t.Fatalf("%s: retry before the ack got %v; want the same replies %v", oc.name, again.texts, a.texts)
		}
		oc.client.acks = []string{oc.id}
		report = append(report, fmt.Sprintf("%s cut %s: %d× 503 held, answered %s after it was back",
			oc.name, outage, held, max(0, time.Since(restored)).Round(10*time.Millisecond)))
	}
	// The conversations moved on once: the next answers are the next
	// questions, and a stale retry after the ack gets nothing.
	for _, step := range []struct {
		c          *webClient
		body, want string
	}{
		{c, `{"text":"Kuliner","message_id":"wc-fault-0003"}`, "kecamatan"},
		{c2, `{"text":"Toko Dua","message_id":"wc-fault-0102"}`, "bergerak di bidang apa?"},
		{c, `{"text":"Warung Tahan Banting","message_id":"wc-fault-0002"}`, ""},
	} {
		a, _ := step.c.send(step.body, time.Minute)
		got := strings.Join(a.texts, "\n")
		if (step.want == "" && got != "") || !strings.Contains(got, step.want) {
			t.Errorf("%s: answered %q; want %q", step.body, got, step.want)
		}
	}
	r.kill()
	t.Logf("web chat outage: %s; each message handled once, lost 0, doubled 0", strings.Join(report, "; "))
}
