package app

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// toPhotoStep answers the demo flow up to its photo question as cl.
func toPhotoStep(t *testing.T, cl *http.Client, base string) {
	t.Helper()
	for _, text := range []string{"demo", "Kerupuk Sanjai Bu Siti", "1", "tarusan", "modal dan pasar", "3", "1,5 juta",
		"17 Agustus 2019", "tidak", "lewati", "1301015708900001", "0812-3456-7890", "lewati"} {
		if code, _ := say(t, cl, base, text); code != 200 {
			t.Fatalf("say %q: status %d", text, code)
		}
	}
	code, texts := say(t, cl, base, "Jl. Raya Painan No. 1, Pesisir Selatan")
	if code != 200 || len(texts) == 0 || !strings.Contains(texts[len(texts)-1], "foto") {
		t.Fatalf("at the location step: %d %q, want the photo question next", code, texts)
	}
}

func uploadPNG(t *testing.T, cl *http.Client, base string, img []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photo", "produk.png")
	_, _ = fw.Write(img)
	_ = mw.Close()
	resp, err := cl.Post(base+"/webchat/api/upload", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []json.RawMessage `json:"messages"`
		Code     string            `json:"code"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode == 200 && len(out.Messages) == 0 {
		t.Fatal("upload answered 200 with no messages")
	}
	return resp.StatusCode, out.Code
}

// TestWebChatUploadSavesUnderDataDir: the app gives the web chat its data
// directory and asks the conversation before taking a photo: refused
// while the flow asks something else, saved under DATA_DIR/webchat/media/
// (encoded again) at the photo question.
func TestWebChatUploadSavesUnderDataDir(t *testing.T) {
	t.Parallel()
	a, base, _ := started(t, nil)
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	cl := webClient(t)
	hello(t, cl, base)
	if code, c := uploadPNG(t, cl, base, img.Bytes()); code != http.StatusConflict || c != "not_expected" {
		t.Fatalf("upload with no conversation: %d %s, want 409 not_expected", code, c)
	}
	toPhotoStep(t, cl, base)
	if code, c := uploadPNG(t, cl, base, img.Bytes()); code != 200 {
		t.Fatalf("upload at the photo question: status %d %s", code, c)
	}
	files, _ := filepath.Glob(filepath.Join(a.Config.DataDir, "webchat", "media", "*", "*.png"))
	if len(files) != 1 {
		t.Fatalf("saved files %v, want one .png under DATA_DIR/webchat/media/", files)
	}
	// An owner's photo is personal data: readable by Jejaring's user only.
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("saved photo mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(filepath.Dir(files[0])); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("media folder mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	// The question was answered: a second photo is not asked for.
	if code, c := uploadPNG(t, cl, base, img.Bytes()); code != http.StatusConflict || c != "not_expected" {
		t.Errorf("second upload: %d %s, want 409 not_expected", code, c)
	}
}
