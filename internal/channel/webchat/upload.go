package webchat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"

	"jejaring/internal/channel"
)

// MaxUpload is the largest photo POST /webchat/api/upload takes, in bytes.
// The page shrinks photos to at most 1600 px JPEG before sending, which
// is far below it.
const MaxUpload = 5 << 20

// uploadTypes are the image types an upload may be (as
// http.DetectContentType sees the bytes, whatever the browser claims), with
// the extension the file is saved under.
var uploadTypes = map[string]string{
	"image/jpeg": ".jpg",
	"image/png":  ".png",
	"image/gif":  ".gif",
	"image/webp": ".webp",
}

// Upload errors, worded for the owner: the page shows them as they are.
const (
	errUploadTooBig   = "Fotonya terlalu besar (lebih dari 5 MB). Mohon kirim foto yang lebih kecil."
	errUploadNotImage = "Berkas itu bukan foto. Mohon kirim foto (JPEG, PNG, GIF atau WebP)."
	errUploadNoFile   = "Fotonya tidak ikut terkirim. Mohon pilih foto lalu kirim lagi."
	errUploadOff      = "Maaf, kirim foto belum tersedia di sini. Ketik *lewati* untuk melanjutkan."
	errUploadSave     = "Maaf, fotonya belum bisa disimpan. Silakan coba lagi sebentar lagi."
)

func uploadError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorResponse{Error: msg, Code: code})
}

// serveUpload is POST /webchat/api/upload?client_id=...[&message_id=...]:
// a multipart/form-data body whose "photo" part is the image. The photo is
// saved under DataDir/webchat/media/YYYY-MM/ and handed to the bot as a
// channel.KindPhoto Inbound whose Attachment.Ref is the file's path; the
// answer is the same {"messages": [...]} as a send.
func (c *Chat) serveUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	msgID := q.Get("message_id")
	// client_id and message_id follow the send API's rules.
	in, err := c.inbound(sendRequest{ClientID: q.Get("client_id"), MessageID: msgID, Kind: "other"})
	if err != nil {
		uploadError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	if c.opt.DataDir == "" {
		uploadError(w, http.StatusServiceUnavailable, "uploads_off", errUploadOff)
		return
	}
	if r.ContentLength > MaxUpload+MaxBody {
		uploadError(w, http.StatusRequestEntityTooLarge, "too_large", errUploadTooBig)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+MaxBody) // room for the multipart framing
	data, status, code, msg := readPhoto(r)
	if status != 0 {
		uploadError(w, status, code, msg)
		return
	}
	mime := http.DetectContentType(data)
	ext, ok := uploadTypes[mime]
	if !ok {
		uploadError(w, http.StatusBadRequest, "not_an_image", errUploadNotImage)
		return
	}
	path, err := c.savePhoto(data, ext)
	if err != nil {
		c.log.Error("webchat save upload", "client", in.From.ExternalID, "err", err)
		uploadError(w, http.StatusInternalServerError, "save_failed", errUploadSave)
		return
	}
	in.Kind = channel.KindPhoto
	in.Attachment = &channel.Attachment{Ref: path, MIME: mime, Size: int64(len(data))}
	c.answer(w, r, in)
}

// readPhoto reads the "photo" (or "file") part of a multipart body; a
// non-zero status is the refusal to send.
func readPhoto(r *http.Request) (data []byte, status int, code, msg string) {
	tooBig := func(err error) bool {
		var mb *http.MaxBytesError
		return errors.As(err, &mb)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, http.StatusBadRequest, "bad_request", errUploadNoFile
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, http.StatusBadRequest, "no_file", errUploadNoFile
		}
		if err != nil {
			if tooBig(err) {
				return nil, http.StatusRequestEntityTooLarge, "too_large", errUploadTooBig
			}
			return nil, http.StatusBadRequest, "bad_request", errUploadNoFile
		}
		if name := p.FormName(); name != "photo" && name != "file" {
			continue // NextPart skips what is left of it
		}
		data, err := readAtMost(p, MaxUpload)
		if err != nil {
			if tooBig(err) || errors.Is(err, errTooLarge) {
				return nil, http.StatusRequestEntityTooLarge, "too_large", errUploadTooBig
			}
			return nil, http.StatusBadRequest, "bad_request", errUploadNoFile
		}
		if len(data) == 0 {
			return nil, http.StatusBadRequest, "no_file", errUploadNoFile
		}
		return data, 0, "", ""
	}
}

var errTooLarge = errors.New("over the limit")

func readAtMost(p *multipart.Part, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(p, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// savePhoto writes data to DataDir/webchat/media/YYYY-MM/<random><ext> and
// returns the path.
func (c *Chat) savePhoto(data []byte, ext string) (string, error) {
	dir := filepath.Join(c.opt.DataDir, "webchat", "media", c.opt.Now().UTC().Format("2006-01"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("media dir: %w", err)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	path := filepath.Join(dir, hex.EncodeToString(b[:])+ext)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("write: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("close: %w", err)
	}
	return path, nil
}

// answer hands in to the bot and writes its replies (or a polite 500).
// Handling goes on if the browser goes away or the server begins to shut
// down: a message being handled finishes, nothing half-written.
func (c *Chat) answer(w http.ResponseWriter, r *http.Request, in channel.Inbound) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), handleLimit)
	defer cancel()
	outs, err := c.opt.Handler.Handle(ctx, in)
	if err != nil {
		c.log.ErrorContext(ctx, "handle message", "client", in.From.ExternalID, "message_id", in.MessageID, "err", err)
		writeJSON(w, http.StatusInternalServerError, errorResponse{Error: "Maaf, ada gangguan. Silakan coba lagi sebentar lagi."})
		return
	}
	resp := sendResponse{Messages: make([]Message, 0, len(outs))}
	for _, o := range outs {
		resp.Messages = append(resp.Messages, FromOutbound(o))
	}
	writeJSON(w, http.StatusOK, resp)
}
