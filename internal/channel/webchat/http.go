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

// Routes registers the page, the API and the stream on mux. The POST
// endpoints refuse cross-origin browser requests (http.CrossOriginProtection).
func (c *Chat) Routes(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	mux.HandleFunc("GET /chat", c.servePage)
	mux.Handle("POST /webchat/api/hello", cop.Handler(http.HandlerFunc(c.serveHello)))
	mux.Handle("POST /webchat/api/send", cop.Handler(http.HandlerFunc(c.serveSend)))
	mux.Handle("POST /webchat/api/upload", cop.Handler(http.HandlerFunc(c.serveUpload)))
	mux.HandleFunc("GET /webchat/api/events", c.serveEvents)
}

// pageCSP allows the page's own inline style and script, its own API and
// data: images, and no framing by any other site (clickjacking).
const pageCSP = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (c *Chat) servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(page)
}

// identify returns who r comes from. A request without a valid cookie
// gets a new identity (and the cookie) when issue is set and the IP
// address's bucket for new identities allows it; otherwise ok is false and
// the refusal has been written.
func (c *Chat) identify(w http.ResponseWriter, r *http.Request, issue bool) (who identity, ok bool) {
	if tok := tokenOf(r); tok != "" {
		return identity{id: ExternalID(tok)}, true
	}
	if !issue {
		writeError(w, errNoIdentity, "no valid "+CookieName+" cookie: POST /webchat/api/hello first and keep the cookie")
		return identity{}, false
	}
	ip := ipKey(clientIP(r, c.opt.TrustedProxies))
	if l := c.allow(r.Context(), bucket{"new:ip:" + ip, c.lim.NewClients}); l != nil {
		writeLimited(w, errTooFast, l.retry)
		return identity{}, false
	}
	tok := newToken()
	setCookie(w, r, tok)
	return identity{id: ExternalID(tok), new: true}, true
}

// serveHello makes sure the browser has its identity cookie (setting it
// again keeps it for another year) and says whether it is new: the page
// then drops a history that belonged to an identity it no longer has.
func (c *Chat) serveHello(w http.ResponseWriter, r *http.Request) {
	tok := tokenOf(r)
	who, ok := c.identify(w, r, true)
	if !ok {
		return
	}
	if tok != "" {
		setCookie(w, r, tok)
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		c.confirmAcks(ctx, r, who.id)
		cancel()
	}
	writeJSON(w, http.StatusOK, map[string]bool{"new": who.new})
}

// sendRequest is the body of POST /webchat/api/send. Text or Choice is
// needed for ordinary messages; Kind picks the others ("start" with an
// optional Payload, "location" with Location, "contact" with Phone, and
// "sticker", "voice", "video" or "other" for things a flow cannot read).
// A client_id in the body (the old API) is ignored: the cookie says who.
type sendRequest struct {
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// refusal is a request the API turns down: what to answer, and for
// developers what was wrong.
type refusal struct {
	e      apiError
	detail string
}

func (r *refusal) Error() string { return r.detail }

func refuse(e apiError, format string, args ...any) *refusal {
	return &refusal{e: e, detail: fmt.Sprintf(format, args...)}
}

// inbound checks a request from client id and turns it into an Inbound.
func (c *Chat) inbound(id string, req sendRequest) (channel.Inbound, *refusal) {
	if req.MessageID != "" && (len(req.MessageID) > 64 || !ValidClientID(req.MessageID)) {
		return channel.Inbound{}, refuse(errBadRequest, "message_id must be 8 to 64 letters, digits, - or _")
	}
	if len(req.Name) > 128 || len(req.Language) > 8 || len(req.Payload) > 256 || len(req.Phone) > 32 {
		return channel.Inbound{}, refuse(errBadRequest, "name, language, payload or phone is too long")
	}
	in := channel.Inbound{
		From:        channel.Address{Channel: channel.WebChat, ExternalID: id},
		MessageID:   req.MessageID,
		DisplayName: strings.TrimSpace(req.Name),
		Language:    req.Language,
		Time:        c.opt.Now(),
	}
	if in.MessageID == "" {
		in.MessageID, in.GeneratedID = newID("web-"), true
	}
	kind := req.Kind
	if kind == "" {
		switch {
		case req.Choice != nil:
			kind = "choice"
		case req.Text != nil:
			kind = "text"
		default:
			return channel.Inbound{}, refuse(errEmpty, "text or choice is required")
		}
	}
	switch kind {
	case "text":
		if req.Text == nil || strings.TrimSpace(*req.Text) == "" {
			return channel.Inbound{}, refuse(errEmpty, "text is required and must not be empty")
		}
		if !utf8.ValidString(*req.Text) {
			return channel.Inbound{}, refuse(errBadRequest, "text must be valid UTF-8")
		}
		if utf8.RuneCountInString(*req.Text) > MaxText {
			return channel.Inbound{}, refuse(errTextTooLong, "text must be at most %d characters", MaxText)
		}
		in.Kind, in.Text = channel.KindText, *req.Text
	case "choice":
		if req.Choice == nil || *req.Choice == "" || len(*req.Choice) > 256 {
			return channel.Inbound{}, refuse(errEmpty, "choice is required (the value of a button, at most 256 bytes)")
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
			return channel.Inbound{}, refuse(errBadLocation, `location is required: {"latitude": -1.35, "longitude": 100.57}`)
		}
		in.Kind, in.Location = channel.KindLocation, l
	case "contact":
		if strings.TrimSpace(req.Phone) == "" {
			return channel.Inbound{}, refuse(errEmpty, "phone is required for kind contact")
		}
		in.Kind, in.Phone, in.OwnPhone = channel.KindContact, strings.TrimSpace(req.Phone), false // the web chat can never vouch for a phone (package contact)
	case "sticker", "voice", "video", "audio", "other":
		in.Kind = channel.KindOther
	default:
		return channel.Inbound{}, refuse(errBadRequest, "unknown kind %q (text, choice, start, location, contact, sticker, voice, video, other)", kind)
	}
	return in, nil
}

// takeTokens takes a token from the IP address's and the client's buckets
// of one endpoint; false: the 429 has been written.
func (c *Chat) takeTokens(w http.ResponseWriter, r *http.Request, id string, ipRate, clientRate Rate, name string) bool {
	ip := ipKey(clientIP(r, c.opt.TrustedProxies))
	if l := c.allow(r.Context(), bucket{name + ":ip:" + ip, ipRate}, bucket{name + ":c:" + id, clientRate}); l != nil {
		writeLimited(w, errTooFast, l.retry)
		return false
	}
	return true
}

func (c *Chat) serveSend(w http.ResponseWriter, r *http.Request) {
	who, ok := c.identify(w, r, true)
	if !ok {
		return
	}
	if !c.takeTokens(w, r, who.id, c.lim.IPSend, c.lim.Send, "send") {
		return
	}
	body := http.MaxBytesReader(w, r.Body, MaxBody)
	dec := json.NewDecoder(body)
	var req sendRequest
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, errBodyTooBig, fmt.Sprintf("request body is over %d KiB", MaxBody>>10))
			return
		}
		if errors.Is(err, io.EOF) {
			writeError(w, errEmpty, "the body is empty")
			return
		}
		writeError(w, errBadJSON, "body must be one JSON object: "+jsonProblem(err))
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, errBodyTooBig, fmt.Sprintf("request body is over %d KiB", MaxBody>>10))
			return
		}
		writeError(w, errBadJSON, "body must be one JSON object, with nothing after it")
		return
	}
	in, rf := c.inbound(who.id, req)
	if rf != nil {
		writeError(w, rf.e, rf.detail)
		return
	}
	c.answer(w, r, in)
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
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
	who, ok := c.identify(w, r, false)
	if !ok {
		return
	}
	id := who.id
	select {
	case <-c.done:
		writeError(w, errRestarting, "shutting down")
		return
	default:
	}
	if !c.takeTokens(w, r, id, c.lim.IPEvents, c.lim.Events, "events") {
		return
	}
	lease, full, err := c.acquireStream(r.Context(), id)
	switch {
	case err != nil:
		c.log.Warn("webchat stream place", "client", short(id), "err", err)
		writeError(w, errBusy, "events are unavailable, try again")
		return
	case full == 1:
		writeLimited(w, errTooManyStreams, 30*time.Second)
		return
	case full == 2:
		w.Header().Set("Retry-After", "60")
		writeError(w, errBusy, "too many open streams on this service")
		return
	}
	defer func() {
		rel, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Second)
		lease.release(rel)
		cancel()
	}()
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
		c.log.Warn("webchat subscribe", "client", short(id), "err", err)
		writeError(w, errBusy, "events are unavailable, try again")
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
				c.log.Debug("webchat stream ended", "client", short(id), "err", err)
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
			lease.renew(ctx)
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
			c.log.Error("webchat drop unreadable queued message", "client", short(id), "err", err)
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
