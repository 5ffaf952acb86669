package webchat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoded, then stored as PNG
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"jejaring/internal/channel"
)

// MaxUpload is the largest photo POST /webchat/api/upload takes, in bytes.
// The page shrinks photos to at most 1600 px JPEG before sending, which
// is far below it.
const MaxUpload = 5 << 20

// MaxPixels is the largest image an upload may decode to (a 5 MiB PNG can
// claim 30,000 × 30,000 pixels and take gigabytes to decode).
const MaxPixels = 25_000_000

// serveUpload is POST /webchat/api/upload: a multipart/form-data body whose
// "photo" (or "file") part is the image, with an optional "message_id"
// field before it. It is taken only when the client's conversation waits
// for a photo; the photo is decoded and encoded again (no EXIF, nothing
// hidden), saved under DataDir/webchat/media/YYYY-MM/ and handed to the bot
// as a channel.KindPhoto Inbound whose Attachment.Ref is the file's path;
// the answer is the same {"messages": [...]} as a send.
func (c *Chat) serveUpload(w http.ResponseWriter, r *http.Request) {
	// A new visitor cannot be waiting for a photo: no cookie is issued here.
	who, ok := c.identify(w, r, false)
	if !ok {
		return
	}
	if !c.takeTokens(w, r, who.id, c.lim.IPUpload, c.lim.Upload, "upload") {
		return
	}
	if c.opt.DataDir == "" {
		writeError(w, errUploadOff, "")
		return
	}
	in, rf := c.inbound(who.id, sendRequest{Kind: "other"})
	if rf != nil {
		writeError(w, rf.e, rf.detail)
		return
	}
	ctx := r.Context()
	wants := false
	if c.opt.Photos != nil {
		var err error
		if wants, err = c.opt.Photos.WantsPhoto(ctx, in.From); err != nil {
			c.log.Error("webchat upload: ask the conversation", "client", short(who.id), "err", err)
			writeError(w, errInternal, "")
			return
		}
	}
	if !wants {
		writeError(w, errUploadNotAsked, "the conversation does not wait for a photo")
		return
	}
	if r.ContentLength > MaxUpload+MaxBody {
		writeError(w, errUploadTooBig, "")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+MaxBody) // room for the multipart framing
	data, msgID, e := readPhoto(r)
	if e != nil {
		writeError(w, *e, "")
		return
	}
	if msgID != "" {
		if !ValidClientID(msgID) {
			writeError(w, errBadRequest, "message_id must be 8 to 64 letters, digits, - or _")
			return
		}
		in.MessageID, in.GeneratedID = msgID, false
	}
	switch ok, err := c.takeUploadQuota(ctx, who.id); {
	case err != nil:
		c.log.Error("webchat upload quota", "client", short(who.id), "err", err)
		writeError(w, errInternal, "")
		return
	case !ok:
		writeLimited(w, errUploadQuota, time.Until(c.opt.Now().UTC().Truncate(24*time.Hour).Add(24*time.Hour)))
		return
	}
	clean, mime, ext, e := c.reencode(ctx, data)
	if e != nil {
		writeError(w, *e, "")
		return
	}
	if free, known := freeBytes(c.opt.DataDir); known && free < c.lim.MinFree+int64(len(clean)) {
		c.log.Error("webchat upload refused: DATA_DIR is nearly full", "free_bytes", free, "min_free", c.lim.MinFree)
		writeError(w, errUploadNoSpace, "")
		return
	}
	path, err := c.savePhoto(clean, ext)
	if err != nil {
		c.log.Error("webchat save upload", "client", short(who.id), "err", err)
		writeError(w, errUploadSave, "")
		return
	}
	in.Kind = channel.KindPhoto
	in.Attachment = &channel.Attachment{Ref: path, MIME: mime, Size: int64(len(clean))}
	c.answer(w, r, in)
}

// reencode decodes data as a JPEG, PNG or GIF and encodes the pixels again
// (JPEG as JPEG, the others as PNG): what a camera or anyone else put beside
// the pixels (EXIF with the location, comments, appended files) is gone.
func (c *Chat) reencode(ctx context.Context, data []byte) (out []byte, mime, ext string, e *apiError) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "gif") {
		return nil, "", "", &errUploadNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", "", &errUploadTooBig
	}
	select { // bound the memory decoding takes
	case c.decode <- struct{}{}:
		defer func() { <-c.decode }()
	case <-ctx.Done():
		return nil, "", "", &errBusy
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", "", &errUploadNotImage
	}
	var buf bytes.Buffer
	if format == "jpeg" {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88})
		mime, ext = "image/jpeg", ".jpg"
	} else {
		err = png.Encode(&buf, img)
		mime, ext = "image/png", ".png"
	}
	if err != nil {
		return nil, "", "", &errUploadSave
	}
	return buf.Bytes(), mime, ext, nil
}

// readPhoto reads the "photo" (or "file") part of a multipart body, and a
// "message_id" field before it; a non-nil error is the refusal to send.
func readPhoto(r *http.Request) (data []byte, msgID string, refusal *apiError) {
	tooBig := func(err error) bool {
		var mb *http.MaxBytesError
		return errors.As(err, &mb)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", &errUploadNoFile
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", &errUploadNoFile
		}
		if err != nil {
			if tooBig(err) {
				return nil, "", &errUploadTooBig
			}
			return nil, "", &errUploadNoFile
		}
		name := p.FormName()
		if name == "message_id" {
			v, err := readAtMost(p, 64)
			if err != nil {
				return nil, "", &errBadRequest
			}
			msgID = string(v)
			continue
		}
		if name != "photo" && name != "file" {
			continue // NextPart skips what is left of it
		}
		data, err := readAtMost(p, MaxUpload)
		if err != nil {
			if tooBig(err) || errors.Is(err, errTooLarge) {
				return nil, "", &errUploadTooBig
			}
			return nil, "", &errUploadNoFile
		}
		if len(data) == 0 {
			return nil, "", &errUploadNoFile
		}
		return data, msgID, nil
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
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("media dir: %w", err)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	path := filepath.Join(dir, hex.EncodeToString(b[:])+ext)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
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
		c.log.ErrorContext(ctx, "handle message", "client", short(in.From.ExternalID), "message_id", in.MessageID, "err", err)
		writeError(w, errInternal, "")
		return
	}
	resp := sendResponse{Messages: make([]Message, 0, len(outs))}
	for _, o := range outs {
		resp.Messages = append(resp.Messages, FromOutbound(o))
	}
	writeJSON(w, http.StatusOK, resp)
}
