package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"jejaring/internal/channel"
	"jejaring/internal/channel/webchat"
)

// webClient is one web chat client: an HTTP client keeping the identity
// cookie, as a browser does.
func webClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// hello makes cl a web chat client of the server at base and returns its
// contact address.
func hello(t testing.TB, cl *http.Client, base string) channel.Address {
	t.Helper()
	resp, err := cl.Post(base+"/webchat/api/hello", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	for _, ck := range cl.Jar.Cookies(u) {
		if ck.Name == webchat.CookieName {
			return channel.Address{Channel: channel.WebChat, ExternalID: webchat.ExternalID(ck.Value)}
		}
	}
	t.Fatalf("hello: status %d and no identity cookie", resp.StatusCode)
	return channel.Address{}
}

// say sends text as cl and returns the status and the replies' texts.
func say(t testing.TB, cl *http.Client, base, text string) (int, []string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text})
	resp, err := cl.Post(base+"/webchat/api/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Messages []struct {
			Text string `json:"text"`
		} `json:"messages"`
	}
	_ = json.Unmarshal(raw, &out)
	var texts []string
	for _, m := range out.Messages {
		texts = append(texts, m.Text)
	}
	return resp.StatusCode, texts
}
