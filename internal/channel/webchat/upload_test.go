package webchat

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"jejaring/internal/channel"
)

// gate is a PhotoGate: the clients in wants wait for a photo (all: every
// client does).
type gate struct {
	mu    sync.Mutex
	all   bool
	wants map[string]bool
	asked int
}

func (g *gate) WantsPhoto(ctx context.Context, addr channel.Address) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked++
	return g.all || g.wants[addr.ExternalID], nil
}

// newUploadServer serves uploads into a temporary DATA_DIR for clients
// whose conversation waits for a photo (all of them), with no rate limits
// or quota (limits_test.go tests those); srv.Client() has said hello.
func newUploadServer(t *testing.T, h channel.Handler) (string, *httptest.Server) {
	t.Helper()
	rdb, prefix := testRedis(t)
	dir := t.TempDir()
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: h, DataDir: dir, Photos: &gate{all: true}, Limits: &Limits{}})
	hello(t, srv.Client(), srv)
	return dir, srv
}

func testImage(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(t *testing.T, srv *httptest.Server, msgID, field string, data []byte, hdr ...string) (int, map[string]any) {
	t.Helper()
	return uploadAs(t, srv.Client(), srv, msgID, field, data, hdr...)
}

// uploadAs posts data as part field, with message_id msgID unless "".
func uploadAs(t *testing.T, cl *http.Client, srv *httptest.Server, msgID, field string, data []byte, hdr ...string) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("note", "ignored")
	if msgID != "" {
		_ = mw.WriteField("message_id", msgID)
	}
	fw, err := mw.CreateFormFile(field, "foto.jpg")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/webchat/api/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if resp.StatusCode != http.StatusForbidden { // CrossOriginProtection answers in plain text
			t.Fatalf("status %d, content type %q, want JSON", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

func TestUploadPhoto(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	dir, srv := newUploadServer(t, rec)
	for _, format := range []string{"jpeg", "png"} {
		data := testImage(t, format)
		code, out := upload(t, srv, "up-"+format+"-0001", "photo", data)
		if code != 200 {
			t.Fatalf("%s: status %d %v", format, code, out)
		}
		if msgs, _ := out["messages"].([]any); len(msgs) != 2 {
			t.Errorf("%s: replies %v, want the handler's two messages", format, out)
		}
		in := rec.last()
		me := channel.Address{Channel: channel.WebChat, ExternalID: ExternalID(token(t, srv.Client(), srv))}
		if in.Kind != channel.KindPhoto || in.Attachment == nil || in.From != me || in.MessageID != "up-"+format+"-0001" || in.GeneratedID {
			t.Fatalf("%s: inbound %+v", format, in)
		}
		a := in.Attachment
		wantExt := map[string]string{"jpeg": ".jpg", "png": ".png"}[format]
		if a.MIME != "image/"+format || filepath.Ext(a.Ref) != wantExt ||
			filepath.Dir(a.Ref) != filepath.Join(dir, "webchat", "media", "2026-11") {
			t.Errorf("%s: attachment %+v", format, a)
		}
		// The file is the photo encoded again: same size in pixels, the
		// attachment's size.
		saved, err := os.ReadFile(a.Ref)
		if err != nil || int64(len(saved)) != a.Size {
			t.Errorf("%s: saved file %s: %v (%d bytes, attachment says %d)", format, a.Ref, err, len(saved), a.Size)
		}
		if cfg, f, err := image.DecodeConfig(bytes.NewReader(saved)); err != nil || f != format || cfg.Width != 40 || cfg.Height != 30 {
			t.Errorf("%s: saved file decodes as %s %dx%d (%v), want %s 40x30", format, f, cfg.Width, cfg.Height, err, format)
		}
	}
	// The part may also be called "file"; message_id is optional.
	if code, out := upload(t, srv, "", "file", testImage(t, "jpeg")); code != 200 {
		t.Errorf("file part: status %d %v", code, out)
	}
	if in := rec.last(); in.Kind != channel.KindPhoto || in.MessageID == "" || !in.GeneratedID {
		t.Errorf("file part: inbound %+v", in)
	}
}

func TestUploadRefused(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	dir, srv := newUploadServer(t, rec)
	jpg := testImage(t, "jpeg")
	big := append(append([]byte{}, jpg...), bytes.Repeat([]byte{0}, MaxUpload)...)
	tests := []struct {
		name, msgID, field string
		data               []byte
		status             int
		code               string
	}{
		{"too large", "", "photo", big, 413, "too_large"},
		{"not an image", "", "photo", []byte("%PDF-1.7 not a photo at all"), 400, "not_an_image"},
		{"html", "", "photo", []byte("<html><script>alert(1)</script></html>"), 400, "not_an_image"},
		{"jpeg magic, no jpeg", "", "photo", append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte("x"), 200)...), 400, "not_an_image"},
		{"empty file", "", "photo", nil, 400, "no_file"},
		{"no photo part", "", "other", jpg, 400, "no_file"},
		{"bad message id", "x", "photo", jpg, 400, "bad_request"},
	}
	for _, tt := range tests {
		code, out := upload(t, srv, tt.msgID, tt.field, tt.data)
		msg, _ := out["error"].(string)
		if code != tt.status || out["code"] != tt.code || !strings.Contains(msg, "\n") {
			t.Errorf("%s: status %d %v, want %d with code %q and a two-language error", tt.name, code, out, tt.status, tt.code)
		}
	}
	if code, out := upload(t, srv, "", "photo", []byte("hello")); !strings.Contains(out["error"].(string), "bukan foto") || code != 400 {
		t.Errorf("not-an-image error is not for the owner: %d %v", code, out)
	}
	// No identity cookie: refused, and no cookie is handed out by an upload.
	stranger := browser(t, srv)
	if code, out := uploadAs(t, stranger, srv, "", "photo", jpg); code != 401 || out["code"] != "no_identity" || token(t, stranger, srv) != "" {
		t.Errorf("upload without a cookie: %d %v", code, out)
	}

	// Not multipart at all.
	resp, err := srv.Client().Post(srv.URL+"/webchat/api/upload", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("JSON body: status %d, want 400", resp.StatusCode)
	}
	// A cross-origin browser request is refused.
	if code, _ := upload(t, srv, "", "photo", jpg, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("cross-origin upload: status %d, want 403", code)
	}

	if len(rec.got) != 0 {
		t.Errorf("handler ran for refused uploads: %+v", rec.got)
	}
	var files []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("refused uploads left files: %v", files)
	}
}

func TestUploadOffWithoutDataDir(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	rec := &recorder{}
	_, srv := newServerWith(t, Options{Redis: rdb, Prefix: prefix, Handler: rec, Photos: &gate{all: true}})
	hello(t, srv.Client(), srv)
	code, out := upload(t, srv, "", "photo", testImage(t, "png"))
	if code != http.StatusServiceUnavailable || out["code"] != "uploads_off" || len(rec.got) != 0 {
		t.Errorf("status %d %v, want 503 uploads_off", code, out)
	}
}
