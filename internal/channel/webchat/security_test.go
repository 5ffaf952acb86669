package webchat

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"jejaring/internal/channel"
)

// TestClientIDInBodyIsIgnored: the old API let the body say who is
// talking; now the cookie alone does.
func TestClientIDInBodyIsIgnored(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	rec := &recorder{}
	_, srv := newServer(t, rdb, prefix, rec)
	if code, out := post(t, srv, `{"client_id":"victim-client-1","text":"datasaya"}`); code != 200 {
		t.Fatalf("status %d %v", code, out)
	}
	in := rec.last()
	tok := token(t, srv.Client(), srv)
	if in.From.ExternalID == "victim-client-1" || in.From.ExternalID != ExternalID(tok) {
		t.Errorf("message from %q, want the cookie's client %q, never the body's", in.From.ExternalID, ExternalID(tok))
	}
}

// TestIdentityCookie: hello issues a 128-bit cookie the page's scripts
// cannot read and other sites cannot make the browser send; Secure when
// the request came over HTTPS (here: said by the proxy); a second hello
// keeps it.
func TestIdentityCookie(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	_, srv := newServer(t, rdb, prefix, &recorder{})
	for _, https := range []bool{false, true} {
		req, _ := http.NewRequest("POST", srv.URL+"/webchat/api/hello", nil)
		if https {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cks := resp.Cookies()
		if resp.StatusCode != 200 || len(cks) != 1 {
			t.Fatalf("https=%v: status %d cookies %v", https, resp.StatusCode, cks)
		}
		ck := cks[0]
		if ck.Name != CookieName || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.Secure != https || ck.MaxAge <= 0 {
			t.Errorf("https=%v: cookie %+v", https, ck)
		}
		if !validToken(ck.Value) || len(ck.Value) != 22 {
			t.Errorf("token %q is not 128 bits in base64url", ck.Value)
		}
	}
	cl := srv.Client()
	first := hello(t, cl, srv)
	again := hello(t, cl, srv)
	if first != again {
		t.Errorf("a second hello changed the identity: %v then %v", first, again)
	}
}

// TestWeakOrForgedCookieRefused: a cookie the server did not issue (a
// weak id the old page accepted, an old localStorage UUID) is not an
// identity: the request gets a fresh one. And knowing a contact's external
// id (say from a database dump) is not knowing its cookie.
func TestWeakOrForgedCookieRefused(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	rec := &recorder{}
	_, srv := newServer(t, rdb, prefix, rec)
	victim := hello(t, browser(t, srv), srv)
	for _, forged := range []string{"aaaaaaaa", "0f6b8a1e-8d3c-4c1b-9f7e-2f4a1c9d5e3b", strings.Repeat("a", 23), victim.ExternalID} {
		req, _ := http.NewRequest("POST", srv.URL+"/webchat/api/send", strings.NewReader(`{"text":"datasaya"}`))
		req.AddCookie(&http.Cookie{Name: CookieName, Value: forged})
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		in := rec.last()
		cks := resp.Cookies()
		if resp.StatusCode != 200 || len(cks) != 1 || cks[0].Value == forged || in.From.ExternalID != ExternalID(cks[0].Value) {
			t.Errorf("cookie %q: status %d, cookies %v, message from %q: want a fresh identity", forged, resp.StatusCode, cks, in.From.ExternalID)
		}
		if in.From == victim || in.From.ExternalID == ExternalID(forged) && forged != victim.ExternalID {
			t.Errorf("cookie %q reached %v", forged, in.From)
		}
	}
}

// TestOtherClientsEventsUnreadable: another client's queued invitation can
// be neither read nor drained, whatever the URL says or the cookie holds.
func TestOtherClientsEventsUnreadable(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	chat, srv := newServer(t, rdb, prefix, &recorder{})
	ctx := context.Background()
	owner := browser(t, srv)
	to := hello(t, owner, srv)
	if _, err := chat.Send(ctx, to, channel.Outbound{Text: "Undangan Temu Bisnis untuk Bu Siti"}); err != nil {
		t.Fatal(err)
	}
	attacker := browser(t, srv)
	hello(t, attacker, srv)
	s := openEventsAt(t, attacker, srv.URL+"/webchat/api/events?client_id="+to.ExternalID)
	select {
	case m := <-s.msgs:
		t.Fatalf("the attacker's stream got %+v", m)
	case <-time.After(300 * time.Millisecond):
	}
	// A cookie holding the owner's external id is a different client.
	forged := &http.Client{Transport: srv.Client().Transport, Jar: newJar(t)}
	req, _ := http.NewRequest("GET", srv.URL+"/webchat/api/events", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: to.ExternalID})
	resp, err := forged.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("stream with the external id as cookie: status %d, want 401", resp.StatusCode)
	}
	if n, _ := rdb.LLen(ctx, prefix+"webchat:pending:"+to.ExternalID).Result(); n != 1 {
		t.Fatalf("owner's queue has %d messages, want the 1 still waiting", n)
	}
	if m := openEvents(t, owner, srv).next(t); m.Text != "Undangan Temu Bisnis untuk Bu Siti" {
		t.Errorf("owner got %+v", m)
	}
}

func eventsStatus(t *testing.T, cl *http.Client, srv *httptest.Server) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := cl.Get(srv.URL + "/webchat/api/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode == 200 {
		return resp, nil
	}
	return resp, decodeJSON(t, resp)
}

// TestRateLimits: past its bucket a client gets a kind 429 with
// Retry-After; other clients are not slowed by it, but one IP address
// cannot make up for it with new identities.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	rec := &recorder{}
	lim := Limits{
		Send:       Rate{N: 1, Per: time.Hour, Burst: 3},
		IPSend:     Rate{N: 1, Per: time.Hour, Burst: 6},
		NewClients: Rate{N: 1, Per: time.Hour, Burst: 3},
	}
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: rec, Limits: &lim})
	one := srv.Client()
	for i := range 3 {
		if code, out := postAs(t, one, srv, `{"text":"halo"}`); code != 200 {
			t.Fatalf("message %d: %d %v", i+1, code, out)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/webchat/api/send", strings.NewReader(`{"text":"halo"}`))
	resp, err := one.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := decodeJSON(t, resp)
	resp.Body.Close()
	msg, _ := out["error"].(string)
	if resp.StatusCode != 429 || out["code"] != "too_many" || resp.Header.Get("Retry-After") == "" ||
		!strings.HasPrefix(msg, "Maaf") || !strings.Contains(msg, "\nSorry") {
		t.Fatalf("4th message: %d %v Retry-After %q, want a kind 429", resp.StatusCode, out, resp.Header.Get("Retry-After"))
	}
	// Another client from the same address still gets through, until the
	// address's own bucket (6) is empty: 3 + 1 refused + 3 = 7 tries.
	two := browser(t, srv)
	for i := range 3 {
		code, out := postAs(t, two, srv, `{"text":"halo"}`)
		if want := map[bool]int{true: 200, false: 429}[i < 2]; code != want {
			t.Errorf("second client, message %d: %d %v, want %d", i+1, code, out, want)
		}
	}
	// A third new client gets its identity (the third of three) but the
	// address's send bucket is empty.
	if code, _ := postAs(t, browser(t, srv), srv, `{"text":"halo"}`); code != 429 {
		t.Errorf("third new client after the address's send bucket ran dry: %d, want 429", code)
	}
	if len(rec.got) != 5 {
		t.Errorf("the bot got %d messages, want 5", len(rec.got))
	}
	// Buckets are per address: one behind a trusted proxy is its own.
	lim2 := Limits{NewClients: Rate{N: 1, Per: time.Hour, Burst: 1}}
	_, srv2 := newServerWith(t, Options{Redis: rdb, Prefix: prefix + "p:", Handler: rec, Limits: &lim2, TrustedProxies: mustPrefixes("127.0.0.0/8")})
	for i, xff := range []string{"203.0.113.7", "203.0.113.8", "203.0.113.7"} {
		req, _ := http.NewRequest("POST", srv2.URL+"/webchat/api/hello", nil)
		req.Header.Set("X-Forwarded-For", "198.51.100.1, "+xff)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 200, false: 429}[i < 2]; resp.StatusCode != want {
			t.Errorf("hello %d from %s: %d, want %d", i+1, xff, resp.StatusCode, want)
		}
	}
}

// TestThirdStreamRefused: two tabs may listen, a third is turned away,
// and a closed stream frees its place; all clients together stop at
// MaxStreams.
func TestThirdStreamRefused(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	lim := Limits{StreamsPerClient: 2, MaxStreams: 3}
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}, Limits: &lim})
	cl := srv.Client()
	hello(t, cl, srv)
	first, _ := eventsStatus(t, cl, srv)
	second, _ := eventsStatus(t, cl, srv)
	if first.StatusCode != 200 || second.StatusCode != 200 {
		t.Fatalf("two streams: %d %d", first.StatusCode, second.StatusCode)
	}
	third, out := eventsStatus(t, cl, srv)
	if third.StatusCode != 429 || out["code"] != "too_many_streams" {
		t.Fatalf("third stream: %d %v, want 429 too_many_streams", third.StatusCode, out)
	}
	other := browser(t, srv)
	hello(t, other, srv)
	if r, _ := eventsStatus(t, other, srv); r.StatusCode != 200 {
		t.Fatalf("another client's first stream: %d", r.StatusCode)
	}
	if r, out := eventsStatus(t, other, srv); r.StatusCode != 503 || out["code"] != "busy" {
		t.Errorf("fourth stream in all: %d %v, want 503 busy", r.StatusCode, out)
	}
	first.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, _ := eventsStatus(t, cl, srv)
		if r.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream's place was not freed: %d", r.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUploadOnlyWhenAsked: a photo is stored only while the client's
// conversation waits for one.
func TestUploadOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	rec := &recorder{}
	g := &gate{wants: map[string]bool{}}
	dir := t.TempDir()
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: rec, DataDir: dir, Photos: g, Limits: &Limits{}})
	me := hello(t, srv.Client(), srv)
	big := bytes.Repeat([]byte{0xff}, MaxUpload-1024)
	for _, data := range [][]byte{testImage(t, "jpeg"), big} {
		if code, out := upload(t, srv, "", "photo", data); code != 409 || out["code"] != "not_expected" {
			t.Errorf("upload not asked for: %d %v, want 409 not_expected", code, out)
		}
	}
	if n := countFiles(t, dir); n != 0 || len(rec.got) != 0 {
		t.Fatalf("refused uploads left %d files, bot got %d messages", n, len(rec.got))
	}
	g.mu.Lock()
	g.wants[me.ExternalID] = true
	g.mu.Unlock()
	if code, out := upload(t, srv, "", "photo", testImage(t, "jpeg")); code != 200 {
		t.Errorf("upload asked for: %d %v", code, out)
	}
	if n := countFiles(t, dir); n != 1 {
		t.Errorf("%d files, want 1", n)
	}
}

// TestUploadQuotaAndFreeSpace: a client's photos per day are counted,
// and nothing is stored when DATA_DIR would run short.
func TestUploadQuotaAndFreeSpace(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	dir := t.TempDir()
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: &recorder{}, DataDir: dir, Photos: &gate{all: true}, Limits: &Limits{UploadsPerDay: 2}})
	hello(t, srv.Client(), srv)
	for i := range 3 {
		code, out := upload(t, srv, "", "photo", testImage(t, "png"))
		if i < 2 && code != 200 || i == 2 && (code != 429 || out["code"] != "quota") {
			t.Errorf("upload %d: %d %v", i+1, code, out)
		}
	}
	if n := countFiles(t, dir); n != 2 {
		t.Errorf("%d files, want 2", n)
	}

	full := t.TempDir()
	_, srv2 := newServerWith(t, Options{Redis: rdb, Prefix: prefix + "full:", Handler: &recorder{}, DataDir: full, Photos: &gate{all: true}, Limits: &Limits{MinFree: 1 << 62}})
	hello(t, srv2.Client(), srv2)
	if code, out := upload(t, srv2, "", "photo", testImage(t, "png")); code != 507 || out["code"] != "no_space" {
		t.Errorf("upload with the disk nearly full: %d %v, want 507 no_space", code, out)
	}
	if n := countFiles(t, full); n != 0 {
		t.Errorf("%d files stored on a full disk", n)
	}
}

// TestUploadDropsHiddenData: EXIF (a home's GPS position), PNG text
// chunks and whatever is appended after the image do not reach DATA_DIR.
func TestUploadDropsHiddenData(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	_, srv := newUploadServer(t, rec)
	const secret = "GPS-1.3512345,100.5712345-RUMAH-BU-SITI"

	jpg := testImage(t, "jpeg")
	app1 := append([]byte("Exif\x00\x00"), secret...)
	seg := append([]byte{0xff, 0xe1, 0, 0}, app1...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	withExif := append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
	withExif = append(withExif, []byte("PK\x03\x04"+secret)...)

	pngData := testImage(t, "png")
	iend := bytes.LastIndex(pngData, []byte("IEND")) - 4
	text := append([]byte("Comment\x00"), secret...)
	chunk := make([]byte, 8, 12+len(text))
	binary.BigEndian.PutUint32(chunk, uint32(len(text)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, text...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	withText := append(append(append([]byte{}, pngData[:iend]...), chunk...), pngData[iend:]...)

	for name, data := range map[string][]byte{"jpeg with EXIF": withExif, "png with tEXt": withText} {
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil || !bytes.Contains(data, []byte(secret)) {
			t.Fatalf("%s: test file is broken: %v", name, err)
		}
		if code, out := upload(t, srv, "", "photo", data); code != 200 {
			t.Fatalf("%s: %d %v", name, code, out)
		}
		saved, err := os.ReadFile(rec.last().Attachment.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(saved, []byte(secret)) || bytes.Contains(saved, []byte("Exif")) || bytes.Contains(saved, []byte("tEXt")) {
			t.Errorf("%s: the stored file still carries the hidden data", name)
		}
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(saved)); err != nil || cfg.Width != 40 {
			t.Errorf("%s: stored file: %v %+v", name, err, cfg)
		}
	}
}

// TestLogsShowNoIdentity: a log line names a client by 8 hex digits of
// its hash, never the cookie or the whole external id.
func TestLogsShowNoIdentity(t *testing.T) {
	t.Parallel()
	rdb, prefix, _ := miniRedis(t)
	var logs bytes.Buffer
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: &recorder{err: context.DeadlineExceeded},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	me := hello(t, srv.Client(), srv)
	if code, _ := post(t, srv, `{"text":"halo"}`); code != 500 {
		t.Fatalf("status %d", code)
	}
	l := logs.String()
	if !strings.Contains(l, "client="+me.ExternalID[:8]) {
		t.Errorf("log does not name the client by its short hash:\n%s", l)
	}
	if strings.Contains(l, me.ExternalID) || strings.Contains(l, token(t, srv.Client(), srv)) {
		t.Errorf("log shows the identity:\n%s", l)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = walkFiles(dir, func(string) { n++ })
	return n
}
