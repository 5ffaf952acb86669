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
	"testing"
)

// TestWebChatUploadSavesUnderDataDir: the app gives the web chat its data
// directory, so an uploaded photo lands in DATA_DIR/webchat/media/.
func TestWebChatUploadSavesUnderDataDir(t *testing.T) {
	t.Parallel()
	a, base, _ := started(t, nil)
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photo", "produk.png")
	_, _ = fw.Write(img.Bytes())
	_ = mw.Close()
	resp, err := http.Post(base+"/webchat/api/upload?client_id=app-upload-client", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Messages []json.RawMessage `json:"messages"`
		Error    string            `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(out.Messages) == 0 {
		t.Fatalf("upload: status %d, %+v", resp.StatusCode, out)
	}
	files, _ := filepath.Glob(filepath.Join(a.Config.DataDir, "webchat", "media", "*", "*.png"))
	if len(files) != 1 {
		t.Fatalf("saved files %v, want one .png under DATA_DIR/webchat/media/", files)
	}
	if data, err := os.ReadFile(files[0]); err != nil || !bytes.Equal(data, img.Bytes()) {
		t.Errorf("saved file differs from the upload: %v", err)
	}
}
