package webchat

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
)

//go:embed page.html
var page []byte

// Routes registers the page, the API and the stream on mux. The send and
// upload endpoints refuse cross-origin browser requests (http.CrossOriginProtection).
func (c *Chat) Routes(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	mux.HandleFunc("GET /chat", c.servePage)
	mux.Handle("POST /webchat/api/send", cop.Handler(http.HandlerFunc(c.serveSend)))
	mux.Handle("POST /webchat/api/upload", cop.Handler(http.HandlerFunc(c.serveUpload)))
	mux.HandleFunc("GET /webchat/api/events", c.serveEvents)
}

func (c *Chat) servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:")
	_, _ = w.Write(page)
}

// sendRequest is the body of POST /webchat/api/send. Text or Choice is
// needed for ordinary messages; Kind picks the others ("start" with an
// optional Payload, "location" with Location, "contact" with Phone, and
// "sticker", "voice", "video" or "other" for things a flow cannot read).
type sendRequest struct {
	ClientID  string            `json:"client_id"`
	Text      *string           `json:"text"`
	Choice    *string           `json:"choice"`
	Kind      string            `json:"kind"`
	Payload   string            `json:"payload"`
	Phone     string            `json:"phone"`
	Location  *channel.Location `json:"location"`
	MessageID string            `json:"message_id"` // optional: a retried request with the same id is not handled twice
	Name      string            `json:"name"`
	Language  string            `json:"language"`
}

type sendResponse struct {
	Messages []Message `json:"messages"`
}

type errorResponse struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"` // set by the upload endpoint: too_large, not_an_image, no_file, ...
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	writeJSON(w, http.StatusBadRequest, errorResponse{Error: fmt.Sprintf(format, args...)})
}

// inbound checks a request and turns it into an Inbound; the error is the
// message for a 400.
func (c *Chat) inbound(req sendRequest) (channel.Inbound, error) {
	if req.ClientID == "" {
		return channel.Inbound{}, errors.New("client_id is required")
	}
	if !ValidClientID(req.ClientID) {
		return channel.Inbound{}, errors.New("client_id must be 8 to 64 letters, digits, - or _")
	}
	if req.MessageID != "" && (len(req.MessageID) > 64 || !ValidClientID(req.MessageID)) {
		return channel.Inbound{}, errors.New("message_id must be 8 to 64 letters, digits, - or _")
	}
	if len(req.Name) > 128 || len(req.Language) > 8 || len(req.Payload) > 256 || len(req.Phone) > 32 {
		return channel.Inbound{}, errors.New("name, language, payload or phone is too long")
	}
	in := channel.Inbound{
		From:        channel.Address{Channel: channel.WebChat, ExternalID: req.ClientID},
		MessageID:   req.MessageID,
		DisplayName: strings.TrimSpace(req.Name),
		Language:    req.Language,
		Time:        c.opt.Now(),
	}
	if in.MessageID == "" {
		in.MessageID = newID("web-")
	}
	kind := req.Kind
	if kind == "" {
		switch {
		case req.Choice != nil:
			kind = "choice"
		case req.Text != nil:
			kind = "text"
		default:
			return channel.Inbound{}, errors.New("text or choice is required")
		}
	}
	switch kind {
	case "text":
		if req.Text == nil || strings.TrimSpace(*req.Text) == "" {
			return channel.Inbound{}, errors.New("text is required and must not be empty")
		}
		if !utf8.ValidString(*req.Text) || utf8.RuneCountInString(*req.Text) > MaxText {
			return channel.Inbound{}, fmt.Errorf("text must be valid UTF-8 of at most %d characters", MaxText)
		}
		in.Kind, in.Text = channel.KindText, *req.Text
	case "choice":
		if req.Choice == nil || *req.Choice == "" || len(*req.Choice) > 256 {
			return channel.Inbound{}, errors.New("choice is required (the value of a button, at most 256 bytes)")
		}
		in.Kind, in.Choice = channel.KindChoice, *req.Choice
		if req.Text != nil {
			in.Text = *req.Text
		}
	case "start":
		in.Kind, in.Payload = channel.KindStart, req.Payload
	case "location":
		l := req.Location
		if l == nil || l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 || (l.Latitude == 0 && l.Longitude == 0) {
			return channel.Inbound{}, errors.New(`location is required: {"latitude": -1.35, "longitude": 100.57}`)
		}
		in.Kind, in.Location = channel.KindLocation, l
	case "contact":
		if strings.TrimSpace(req.Phone) == "" {
			return channel.Inbound{}, errors.New("phone is required for kind contact")
		}
		in.Kind, in.Phone, in.OwnPhone = channel.KindContact, strings.TrimSpace(req.Phone), false // the web chat can never vouch for a phone (package contact)
	case "sticker", "voice", "video", "audio", "other":
		in.Kind = channel.KindOther
	default:
		return channel.Inbound{}, fmt.Errorf("unknown kind %q (text, choice, start, location, contact, sticker, voice, video, other)", kind)
	}
	return in, nil
}

func (c *Chat) serveSend(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, MaxBody)
	dec := json.NewDecoder(body)
	var req sendRequest
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			badRequest(w, "request body is over %d KiB", MaxBody>>10)
			return
		}
		badRequest(w, "body must be one JSON object: %s", jsonProblem(err))
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			badRequest(w, "request body is over %d KiB", MaxBody>>10)
			return
		}
		badRequest(w, "body must be one JSON object, with nothing after it")
		return
	}
	in, err := c.inbound(req)
	if err != nil {
		badRequest(w, "%s", err)
		return
	}
	c.answer(w, r, in)
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.As(err, &syn):
		return fmt.Sprintf("bad JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s must be a %s", typ.Field, typ.Type)
	default:
		return "bad JSON"
	}
}

// serveEvents streams the client's queued and later messages as
// server-sent events ("event: message", data = one Message as JSON), with a
// comment line every KeepAlive so proxies keep the connection open.
func (c *Chat) serveEvents(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("client_id")
	if !ValidClientID(id) {
		badRequest(w, "client_id must be 8 to 64 letters, digits, - or _")
		return
	}
	select {
	case <-c.done:
		writeJSON(w, http.StatusServiceUnavailable, errorResponse{Error: "shutting down"})
		return
	default:
	}
	c.streams.Add(1)
	defer c.streams.Done()

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()

	sub := c.opt.Redis.Subscribe(ctx, c.notifyKey(id))
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // wait for the subscription before draining
		c.log.Warn("webchat subscribe", "client", id, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorResponse{Error: "events are unavailable, try again"})
		return
	}
	notices := sub.Channel()

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any server write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, "retry: 3000\n: connected\n\n"); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}

	tick := time.NewTicker(c.opt.KeepAlive)
	defer tick.Stop()
	for {
		if err := c.drain(ctx, w, rc, id); err != nil {
			if ctx.Err() == nil {
				c.log.Debug("webchat stream ended", "client", id, "err", err)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case _, ok := <-notices:
			if !ok {
				return
			}
		case <-tick.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
		}
	}
}

// drain writes every queued message for the client. A message taken from
// the queue but not written is put back at its head.
func (c *Chat) drain(ctx context.Context, w io.Writer, rc *http.ResponseController, id string) error {
	key := c.pendingKey(id)
	for {
		data, err := c.opt.Redis.LPop(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("take queued message: %w", err)
		}
		var m Message
		if err := json.Unmarshal(data, &m); err != nil {
			c.log.Error("webchat drop unreadable queued message", "client", id, "err", err)
			continue
		}
		_, werr := fmt.Fprintf(w, "id: %s\nevent: message\ndata: %s\n\n", m.ID, data)
		if werr == nil {
			werr = rc.Flush()
		}
		if werr != nil {
			back, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			c.opt.Redis.LPush(back, key, data)
			c.opt.Redis.Expire(back, key, c.opt.PendingTTL)
			cancel()
			return fmt.Errorf("write event: %w", werr)
		}
	}
}
