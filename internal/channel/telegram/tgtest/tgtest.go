// Package tgtest is a fake Telegram Bot API server for tests and benchmarks.
//
// It speaks the Bot API the way github.com/go-telegram/bot uses it: POSTs to
// /bot<token>/<method> with multipart forms (sometimes chunked), JSON or
// url-encoded bodies, and GET /file/bot<token>/<path> for downloads. Tests push
// what users do (text, button presses, shared contacts and locations, photos,
// documents, stickers), read what the bot sent, and inject faults: a global
// rate limit answered with 429 and retry_after, a number of 5xx answers, 403
// for a blocked chat and 400 "chat not found" for an unknown one.
//
// The server is safe for concurrent use and keeps everything in memory; it
// never talks to the real Telegram API.
package tgtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// BotID is the fake bot's user id; its token starts with it.
const BotID = 777000111

// BotUsername is the fake bot's @username.
const BotUsername = "jejaring_test_bot"

// Button is one inline keyboard button as the bot sent it.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// SentMessage is one message the bot sent to a chat, in its current state
// (edits are applied to it).
type SentMessage struct {
	MessageID int
	ChatID    int64
	Method    string // sendMessage, sendPhoto, sendDocument
	Text      string // text, or caption for media
	// Buttons is the inline keyboard, nil once removed by an edit.
	Buttons [][]Button
	// ReplyKeyboard is a custom reply keyboard (request_contact /
	// request_location buttons), if the message carried one.
	ReplyKeyboard [][]models.KeyboardButton
	// RemoveKeyboard says the message removed the reply keyboard.
	RemoveKeyboard bool
	FileName       string
	File           []byte
	Edits          int
	Date           time.Time
}

// HasButton reports whether the message's inline keyboard has a button with
// that label.
func (m SentMessage) HasButton(label string) bool {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return true
			}
		}
	}
	return false
}

// Stats counts what the server saw.
type Stats struct {
	Requests    int64
	RateLimited int64 // 429 answers sent
	Failed5xx   int64 // 5xx answers sent
	Forbidden   int64 // 403 answers sent
	Methods     map[string]int64
}

type user struct {
	first, last, lang string
}

type file struct {
	path string
	data []byte
}

type pendingUpdate struct {
	id   int64
	raw  json.RawMessage
	chat int64 // the chat it belongs to (webhook delivery keeps each chat's order)
}

// Server is the fake Bot API. Create it with New.
type Server struct {
	srv   *httptest.Server
	token string

	requests    atomic.Int64
	rateLimited atomic.Int64
	failed      atomic.Int64
	forbidden   atomic.Int64

	mu            sync.Mutex
	changed       chan struct{}           // closed and replaced on every change
	chatChanged   map[int64]chan struct{} // per chat: closed when the bot sends or edits there
	updates       []pendingUpdate
	nextUpdate    int64
	nextMsg       map[int64]int
	users         map[int64]user
	sent          map[int64][]*SentMessage
	byID          map[int64]map[int]*SentMessage
	files         map[string]file
	nextFile      int
	nextCallback  int
	callbacks     map[string]bool   // issued callback ids
	answered      map[string]string // callback id -> answer text
	webhookURL    string
	webhookSecret string
	commands      map[string][]models.BotCommand
	blocked       map[int64]bool
	unknown       map[int64]bool
	fail5xx       int
	rlPerSec      float64
	rlRetry       int
	rlTokens      float64
	rlLast        time.Time
	methods       map[string]int64
}

// New starts a fake server on 127.0.0.1 and closes it when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := NewServer()
	tb.Cleanup(s.Close)
	return s
}

// NewServer starts a fake server that the caller must Close.
func NewServer() *Server {
	s := &Server{
		token:       fmt.Sprintf("%d:TEST-token_fake", BotID),
		changed:     make(chan struct{}),
		chatChanged: map[int64]chan struct{}{},
		nextMsg:     map[int64]int{},
		users:       map[int64]user{},
		sent:        map[int64][]*SentMessage{},
		byID:        map[int64]map[int]*SentMessage{},
		files:       map[string]file{},
		callbacks:   map[string]bool{},
		answered:    map[string]string{},
		commands:    map[string][]models.BotCommand{},
		blocked:     map[int64]bool{},
		unknown:     map[int64]bool{},
		methods:     map[string]int64{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL is the server's base URL, for bot.WithServerURL / TELEGRAM_API_URL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// notifyChatLocked wakes the waiters on one chat (and every waiter).
func (s *Server) notifyChatLocked(chatID int64) {
	if ch, ok := s.chatChanged[chatID]; ok {
		close(ch)
		delete(s.chatChanged, chatID)
	}
	s.notifyLocked()
}

// chatWaitLocked is the channel closed at the chat's next change.
func (s *Server) chatWaitLocked(chatID int64) chan struct{} {
	ch, ok := s.chatChanged[chatID]
	if !ok {
		ch = make(chan struct{})
		s.chatChanged[chatID] = ch
	}
	return ch
}

// ---- users' side ----

// SetUser sets the profile of the user behind a private chat (the chat id is
// the user id). Unset users are "Pengguna <id>" speaking "id".
func (s *Server) SetUser(chatID int64, first, last, lang string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[chatID] = user{first: first, last: last, lang: lang}
}

func (s *Server) userLocked(chatID int64) *models.User {
	u, ok := s.users[chatID]
	if !ok {
		u = user{first: "Pengguna", last: strconv.FormatInt(chatID, 10), lang: "id"}
	}
	return &models.User{ID: chatID, FirstName: u.first, LastName: u.last, LanguageCode: u.lang}
}

func (s *Server) chatLocked(chatID int64) models.Chat {
	u := s.userLocked(chatID)
	return models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName}
}

func (s *Server) pushLocked(build func(id int64) any) int64 {
	s.nextUpdate++
	id := s.nextUpdate
	raw, err := json.Marshal(build(id))
	if err != nil {
		panic(fmt.Sprintf("tgtest: marshal update: %v", err))
	}
	s.updates = append(s.updates, pendingUpdate{id: id, raw: raw, chat: updateChat(raw)})
	s.notifyLocked()
	return id
}

// updateChat is the chat of an encoded update (0 when it names none).
func updateChat(raw []byte) int64 {
	var u struct {
		Message *struct {
			Chat struct{ ID int64 } `json:"chat"`
		} `json:"message"`
		CallbackQuery *struct {
			From    struct{ ID int64 } `json:"from"`
			Message *struct {
				Chat struct{ ID int64 } `json:"chat"`
			} `json:"message"`
		} `json:"callback_query"`
		MyChatMember *struct {
			Chat struct{ ID int64 } `json:"chat"`
		} `json:"my_chat_member"`
	}
	_ = json.Unmarshal(raw, &u)
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// pushMessage adds a user message to the chat and returns its message id.
func (s *Server) pushMessage(chatID int64, fill func(m *models.Message)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg[chatID]++
	m := &models.Message{
		ID:   s.nextMsg[chatID],
		From: s.userLocked(chatID),
		Date: int(time.Now().Unix()),
		Chat: s.chatLocked(chatID),
	}
	fill(m)
	s.pushLocked(func(id int64) any { return models.Update{ID: id, Message: m} })
	return m.ID
}

// SendText makes the user send text; a leading "/command" gets its
// bot_command entity as Telegram does. It returns the message id.
func (s *Server) SendText(chatID int64, text string) int {
	return s.pushMessage(chatID, func(m *models.Message) {
		m.Text = text
		if strings.HasPrefix(text, "/") {
			cmd, _, _ := strings.Cut(text, " ")
			m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(utf16.Encode([]rune(cmd)))}}
		}
	})
}

// ShareContact makes the user share a contact. With own, the contact is the
// user's own (user_id equals the sender's id), as the request_contact button
// sends it; otherwise it is somebody else's card.
func (s *Server) ShareContact(chatID int64, phone string, own bool) int {
	return s.pushMessage(chatID, func(m *models.Message) {
		uid := chatID
		if !own {
			uid = chatID + 1_000_000
		}
		m.Contact = &models.Contact{PhoneNumber: phone, FirstName: m.From.FirstName, LastName: m.From.LastName, UserID: uid}
	})
}

// ShareLocation makes the user share a location.
func (s *Server) ShareLocation(chatID int64, lat, lon float64) int {
	return s.pushMessage(chatID, func(m *models.Message) {
		m.Location = &models.Location{Latitude: lat, Longitude: lon}
	})
}

func (s *Server) addFileLocked(kind string, data []byte, ext string) (id, unique string) {
	s.nextFile++
	id = fmt.Sprintf("%s-file-%d", kind, s.nextFile)
	s.files[id] = file{path: fmt.Sprintf("%ss/file_%d%s", kind, s.nextFile, ext), data: append([]byte(nil), data...)}
	return id, fmt.Sprintf("u%d", s.nextFile)
}

// SendPhoto makes the user send a photo with an optional caption. Like
// Telegram it offers two sizes: a small thumbnail and the full photo (data).
// It returns the full size's file_id.
func (s *Server) SendPhoto(chatID int64, data []byte, caption string) string {
	var full string
	s.pushMessage(chatID, func(m *models.Message) {
		thumb := data
		if len(thumb) > 16 {
			thumb = thumb[:16]
		}
		tid, tu := s.addFileLocked("photo", thumb, ".jpg")
		fid, fu := s.addFileLocked("photo", data, ".jpg")
		full = fid
		m.Photo = []models.PhotoSize{
			{FileID: tid, FileUniqueID: tu, Width: 90, Height: 90, FileSize: len(thumb)},
			{FileID: fid, FileUniqueID: fu, Width: 1280, Height: 960, FileSize: len(data)},
		}
		m.Caption = caption
	})
	return full
}

// SendDocument makes the user send a document and returns its file_id.
func (s *Server) SendDocument(chatID int64, name, mimeType string, data []byte) string {
	var id string
	s.pushMessage(chatID, func(m *models.Message) {
		fid, fu := s.addFileLocked("document", data, "")
		id = fid
		m.Document = &models.Document{FileID: fid, FileUniqueID: fu, FileName: name, MimeType: mimeType, FileSize: int64(len(data))}
	})
	return id
}

// SendSticker makes the user send a sticker.
func (s *Server) SendSticker(chatID int64) int {
	return s.pushMessage(chatID, func(m *models.Message) {
		m.Sticker = &models.Sticker{FileID: "sticker-1", FileUniqueID: "s1", Type: "regular", Width: 512, Height: 512, Emoji: "👍"}
	})
}

// Press makes the user press the inline button carrying data on the bot's
// message msgID. It returns the callback query id. The callback carries the
// message as it is now (text, keyboard and a non-zero date).
func (s *Server) Press(chatID int64, msgID int, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCallback++
	cbID := fmt.Sprintf("cb-%d", s.nextCallback)
	s.callbacks[cbID] = true
	msg := &models.Message{ID: msgID, Date: int(time.Now().Unix()), Chat: s.chatLocked(chatID),
		From: &models.User{ID: BotID, IsBot: true, FirstName: "Jejaring", Username: BotUsername}}
	if sm := s.byID[chatID][msgID]; sm != nil {
		msg.Date = int(sm.Date.Unix())
		msg.Text = sm.Text
		if sm.Method != "sendMessage" {
			msg.Text, msg.Caption = "", sm.Text
		}
		if sm.Buttons != nil {
			msg.ReplyMarkup = inlineMarkup(sm.Buttons)
		}
	}
	from := s.userLocked(chatID)
	s.pushLocked(func(id int64) any {
		return models.Update{ID: id, CallbackQuery: &models.CallbackQuery{
			ID: cbID, From: *from, ChatInstance: "ci-" + strconv.FormatInt(chatID, 10), Data: data,
			Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: msg},
		}}
	})
	return cbID
}

// PressButton presses the button labelled label on the newest bot message in
// the chat that shows it. It returns the callback query id.
func (s *Server) PressButton(chatID int64, label string) (string, error) {
	s.mu.Lock()
	list := s.sent[chatID]
	var msgID int
	var data string
	for i := len(list) - 1; i >= 0 && msgID == 0; i-- {
		for _, row := range list[i].Buttons {
			for _, b := range row {
				if b.Text == label && msgID == 0 {
					msgID, data = list[i].MessageID, b.Data
				}
			}
		}
	}
	s.mu.Unlock()
	if msgID == 0 {
		return "", fmt.Errorf("tgtest: chat %d: no message shows a button %q", chatID, label)
	}
	return s.Press(chatID, msgID, data), nil
}

// BlockBot makes the user block the bot: later sends to the chat get 403 and a
// my_chat_member update (status "kicked") is delivered, as Telegram does.
func (s *Server) BlockBot(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
	from := s.userLocked(chatID)
	chat := s.chatLocked(chatID)
	s.pushLocked(func(id int64) any {
		return map[string]any{"update_id": id, "my_chat_member": map[string]any{
			"chat": chat, "from": from, "date": time.Now().Unix(),
			"old_chat_member": map[string]any{"status": "member", "user": map[string]any{"id": BotID, "is_bot": true, "first_name": "Jejaring"}},
			"new_chat_member": map[string]any{"status": "kicked", "until_date": 0, "user": map[string]any{"id": BotID, "is_bot": true, "first_name": "Jejaring"}},
		}}
	})
}

// PushRaw queues an arbitrary update; its update_id is set by the server.
func (s *Server) PushRaw(fields map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(func(id int64) any {
		m := map[string]any{"update_id": id}
		for k, v := range fields {
			m[k] = v
		}
		return m
	})
}

// Pending is the number of updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// ---- fault injection ----

// RateLimit lets through at most perSecond send/edit calls per second (a
// token bucket of one second's burst) and answers the rest with 429 and
// retry_after seconds. perSecond <= 0 turns the limit off.
func (s *Server) RateLimit(perSecond float64, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rlPerSec, s.rlRetry, s.rlTokens, s.rlLast = perSecond, retryAfter, perSecond, time.Now()
}

// Fail5xx makes the next n send/edit/answer calls fail with 502.
func (s *Server) Fail5xx(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail5xx = n
}

// Block makes sends to the chat fail with 403 "bot was blocked by the user",
// without delivering an update (see BlockBot for that).
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unknown makes sends to the chat fail with 400 "chat not found".
func (s *Server) Unknown(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unknown[chatID] = true
}

// ---- bot's side, for assertions ----

// Sent returns copies of the messages the bot sent to the chat, oldest first.
func (s *Server) Sent(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked(chatID)
}

func (s *Server) sentLocked(chatID int64) []SentMessage {
	out := make([]SentMessage, len(s.sent[chatID]))
	for i, m := range s.sent[chatID] {
		out[i] = *m
	}
	return out
}

// WaitSent waits until the bot has sent at least n messages to the chat and
// returns them all.
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]SentMessage, error) {
	for {
		s.mu.Lock()
		if len(s.sent[chatID]) >= n {
			out := s.sentLocked(chatID)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.chatWaitLocked(chatID)
		got := len(s.sent[chatID])
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Sent(chatID), fmt.Errorf("tgtest: chat %d: %d of %d messages sent: %w", chatID, got, n, ctx.Err())
		}
	}
}

// WaitText waits for a bot message to the chat, at index from or later, whose
// text contains substr, and returns its index and the message. It wakes only
// on changes to that chat, so thousands of simulated users can wait at once.
func (s *Server) WaitText(ctx context.Context, chatID int64, from int, substr string) (int, SentMessage, error) {
	for {
		s.mu.Lock()
		list := s.sent[chatID]
		for i := max(from, 0); i < len(list); i++ {
			if strings.Contains(list[i].Text, substr) {
				m := *list[i]
				s.mu.Unlock()
				return i, m, nil
			}
		}
		ch := s.chatWaitLocked(chatID)
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, SentMessage{}, fmt.Errorf("tgtest: chat %d: no message with %q: %w", chatID, substr, ctx.Err())
		}
	}
}

// WaitFor waits until cond (called with the server's lock released, on every
// change) returns true.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Answered reports whether the callback query was answered, and the text.
func (s *Server) Answered(callbackID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.answered[callbackID]
	return t, ok
}

// Commands returns the command menu set for a language ("" is the default).
func (s *Server) Commands(lang string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands[lang]...)
}

// Webhook returns the webhook URL and secret token set by the bot.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// SetWebhook sets a webhook as if a previous deployment had (getUpdates then
// answers 409 until it is deleted).
func (s *Server) SetWebhook(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = url
}

// Stats returns the request counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	m := make(map[string]int64, len(s.methods))
	for k, v := range s.methods {
		m[k] = v
	}
	s.mu.Unlock()
	return Stats{Requests: s.requests.Load(), RateLimited: s.rateLimited.Load(), Failed5xx: s.failed.Load(), Forbidden: s.forbidden.Load(), Methods: m}
}

// Calls is how many times the bot called method.
func (s *Server) Calls(method string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.methods[method]
}

// WebhookStats counts webhook deliveries: calls made, calls answered 200,
// and calls that failed (no answer, or another status) and were retried.
type WebhookStats struct {
	Calls, Delivered, Retried atomic.Int64
}

// DeliverWebhook pushes updates to the webhook the bot set (setWebhook),
// as Telegram does, until ctx ends: updates of different chats
// concurrently, up to conns calls at once, one chat's updates strictly one
// after another (the next only once the previous was answered 200); a call
// that fails or is not answered 200 within timeout is made again after a
// pause, with the same update, so a handler may see an update twice. While
// no webhook is set, updates wait.
func (s *Server) DeliverWebhook(ctx context.Context, conns int, timeout time.Duration) *WebhookStats {
	st := &WebhookStats{}
	calls, ok, retried := &st.Calls, &st.Delivered, &st.Retried
	client := &http.Client{Timeout: timeout}
	busy := map[int64]bool{} // chats with a call in flight (under s.mu)
	slots := make(chan struct{}, conns)
	var wg sync.WaitGroup
	deliver := func(u pendingUpdate, url, secret string) {
		defer wg.Done()
		defer func() { <-slots }()
		for ctx.Err() == nil {
			calls.Add(1)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(u.raw))
			req.Header.Set("Content-Type", "application/json")
			if secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			}
			resp, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok.Add(1)
					break
				}
			}
			retried.Add(1)
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
		s.mu.Lock()
		delete(busy, u.chat)
		for i, p := range s.updates {
			if p.id == u.id {
				s.updates = append(s.updates[:i:i], s.updates[i+1:]...)
				break
			}
		}
		s.notifyLocked()
		s.mu.Unlock()
	}
	go func() {
		defer wg.Wait()
		for ctx.Err() == nil {
			s.mu.Lock()
			url, secret := s.webhookURL, s.webhookSecret
			var next *pendingUpdate
			if url != "" {
				seen := map[int64]bool{}
				for i := range s.updates {
					u := s.updates[i]
					if !busy[u.chat] && !seen[u.chat] {
						next = &u
						break
					}
					seen[u.chat] = true // an earlier update of this chat waits
				}
			}
			if next == nil {
				ch := s.changed
				s.mu.Unlock()
				select {
				case <-ch:
				case <-ctx.Done():
				case <-time.After(100 * time.Millisecond):
				}
				continue
			}
			busy[next.chat] = true
			s.mu.Unlock()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go deliver(*next, url, secret)
		}
	}()
	return st
}

// ---- HTTP ----

type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/file/bot"+s.token+"/"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		writeErr(w, apiError{code: 404, desc: "Not Found"})
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || token != s.token {
		writeErr(w, apiError{code: 401, desc: "Unauthorized"})
		return
	}
	p, err := parseParams(r)
	if err != nil {
		writeErr(w, apiError{code: 400, desc: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.methods[method]++
	s.mu.Unlock()

	var result any
	var aerr *apiError
	switch method {
	case "getMe":
		result = models.User{ID: BotID, IsBot: true, FirstName: "Jejaring", Username: BotUsername}
	case "getUpdates":
		result, aerr = s.getUpdates(r.Context(), p)
	case "sendMessage", "sendPhoto", "sendDocument":
		result, aerr = s.send(method, p)
	case "editMessageText", "editMessageReplyMarkup":
		result, aerr = s.edit(method, p)
	case "answerCallbackQuery":
		result, aerr = s.answer(p)
	case "getFile":
		result, aerr = s.getFile(p)
	case "setWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookSecret = p.str("url"), p.str("secret_token")
		s.notifyLocked()
		s.mu.Unlock()
		result = true
	case "deleteWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookSecret = "", ""
		if p.str("drop_pending_updates") == "true" {
			s.updates = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
		result = true
	case "getWebhookInfo":
		s.mu.Lock()
		result = models.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.updates)}
		s.mu.Unlock()
	case "setMyCommands":
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
			aerr = &apiError{code: 400, desc: "Bad Request: can't parse commands JSON object"}
			break
		}
		s.mu.Lock()
		s.commands[p.str("language_code")] = cmds
		s.notifyLocked()
		s.mu.Unlock()
		result = true
	case "sendChatAction", "deleteMyCommands":
		result = true
	default:
		aerr = &apiError{code: 404, desc: "Not Found: method not found"}
	}
	if aerr != nil {
		writeErr(w, *aerr)
		return
	}
	writeOK(w, result)
}

func (s *Server) serveFile(w http.ResponseWriter, path string) {
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.path == path {
			data, found = f.data, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeErr(w http.ResponseWriter, e apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.desc}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": e.retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	_ = json.NewEncoder(w).Encode(body)
}

type upload struct {
	name string
	data []byte
}

type params struct {
	v     map[string]string
	files map[string]upload
}

func (p params) str(k string) string { return p.v[k] }

func parseParams(r *http.Request) (params, error) {
	p := params{v: map[string]string{}, files: map[string]upload{}}
	for k, vs := range r.URL.Query() {
		p.v[k] = vs[0]
	}
	if r.Method != http.MethodPost {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			// The library sends an empty body (no parts at all) for
			// methods without parameters, as Telegram accepts.
			if errors.Is(err, io.EOF) || strings.HasSuffix(err.Error(), "EOF") {
				return p, nil
			}
			return p, fmt.Errorf("parse multipart: %w", err)
		}
		for k, vs := range r.MultipartForm.Value {
			p.v[k] = vs[0]
		}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return p, fmt.Errorf("open upload %s: %w", k, err)
			}
			data, err := io.ReadAll(f)
			_ = f.Close()
			if err != nil {
				return p, fmt.Errorf("read upload %s: %w", k, err)
			}
			p.files[k] = upload{name: fhs[0].Filename, data: data}
		}
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil && err != io.EOF {
			return p, fmt.Errorf("parse json: %w", err)
		}
		for k, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				p.v[k] = s
			} else {
				p.v[k] = string(raw)
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return p, fmt.Errorf("parse form: %w", err)
		}
		for k, vs := range r.PostForm {
			p.v[k] = vs[0]
		}
	}
	return p, nil
}

func (s *Server) getUpdates(ctx context.Context, p params) (any, *apiError) {
	offset, _ := strconv.ParseInt(p.str("offset"), 10, 64)
	limit, _ := strconv.Atoi(p.str("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.str("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.webhookURL != "" {
			s.mu.Unlock()
			return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if offset > 0 {
			i := 0
			for i < len(s.updates) && s.updates[i].id < offset {
				i++
			}
			if i > 0 {
				s.updates = append([]pendingUpdate(nil), s.updates[i:]...)
			}
		}
		if len(s.updates) > 0 || timeout <= 0 {
			n := min(limit, len(s.updates))
			out := make([]json.RawMessage, n)
			for i := range n {
				out[i] = s.updates[i].raw
			}
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return []json.RawMessage{}, nil
		case <-ctx.Done():
			return []json.RawMessage{}, nil
		}
	}
}

// fault applies injected faults to a send/edit/answer call on chatID (0: no
// chat). s.mu must be held.
func (s *Server) faultLocked(chatID int64, limited bool) *apiError {
	if s.fail5xx > 0 {
		s.fail5xx--
		s.failed.Add(1)
		return &apiError{code: 502, desc: "Bad Gateway"}
	}
	if chatID != 0 && s.blocked[chatID] {
		s.forbidden.Add(1)
		return &apiError{code: 403, desc: "Forbidden: bot was blocked by the user"}
	}
	if chatID != 0 && s.unknown[chatID] {
		return &apiError{code: 400, desc: "Bad Request: chat not found"}
	}
	if limited && s.rlPerSec > 0 {
		now := time.Now()
		s.rlTokens = min(s.rlPerSec, s.rlTokens+now.Sub(s.rlLast).Seconds()*s.rlPerSec)
		s.rlLast = now
		if s.rlTokens < 1 {
			s.rateLimited.Add(1)
			return &apiError{code: 429, desc: fmt.Sprintf("Too Many Requests: retry after %d", s.rlRetry), retryAfter: s.rlRetry}
		}
		s.rlTokens--
	}
	return nil
}

func chatIDParam(p params) (int64, *apiError) {
	id, err := strconv.ParseInt(p.str("chat_id"), 10, 64)
	if err != nil || id == 0 {
		return 0, &apiError{code: 400, desc: "Bad Request: chat not found"}
	}
	return id, nil
}

type markup struct {
	InlineKeyboard [][]Button                `json:"inline_keyboard"`
	Keyboard       [][]models.KeyboardButton `json:"keyboard"`
	RemoveKeyboard bool                      `json:"remove_keyboard"`
}

func parseMarkup(raw string) (markup, *apiError) {
	var m markup
	if raw == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return m, &apiError{code: 400, desc: "Bad Request: can't parse reply keyboard markup JSON object"}
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if len(b.Data) == 0 || len(b.Data) > 64 {
				return m, &apiError{code: 400, desc: "Bad Request: BUTTON_DATA_INVALID"}
			}
			if b.Text == "" {
				return m, &apiError{code: 400, desc: "Bad Request: text buttons are unallowed in the inline keyboard"}
			}
		}
	}
	return m, nil
}

func inlineMarkup(buttons [][]Button) *models.InlineKeyboardMarkup {
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: make([][]models.InlineKeyboardButton, len(buttons))}
	for i, row := range buttons {
		for _, b := range row {
			kb.InlineKeyboard[i] = append(kb.InlineKeyboard[i], models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data})
		}
	}
	return kb
}

func textLen(s string) int { return len(utf16.Encode([]rune(s))) }

func (s *Server) messageJSON(sm *SentMessage) *models.Message {
	m := &models.Message{
		ID:   sm.MessageID,
		From: &models.User{ID: BotID, IsBot: true, FirstName: "Jejaring", Username: BotUsername},
		Date: int(sm.Date.Unix()),
		Chat: s.chatLocked(sm.ChatID),
	}
	switch sm.Method {
	case "sendMessage":
		m.Text = sm.Text
	case "sendPhoto":
		m.Caption = sm.Text
		m.Photo = []models.PhotoSize{{FileID: "sent-photo-" + strconv.Itoa(sm.MessageID), FileUniqueID: "sp" + strconv.Itoa(sm.MessageID), FileSize: len(sm.File)}}
	case "sendDocument":
		m.Caption = sm.Text
		m.Document = &models.Document{FileID: "sent-doc-" + strconv.Itoa(sm.MessageID), FileUniqueID: "sd" + strconv.Itoa(sm.MessageID), FileName: sm.FileName}
	}
	if sm.Buttons != nil {
		m.ReplyMarkup = inlineMarkup(sm.Buttons)
	}
	return m
}

func (s *Server) send(method string, p params) (any, *apiError) {
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := parseMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	sm := &SentMessage{ChatID: chatID, Method: method, Buttons: mk.InlineKeyboard, ReplyKeyboard: mk.Keyboard, RemoveKeyboard: mk.RemoveKeyboard, Date: time.Now()}
	switch method {
	case "sendMessage":
		sm.Text = p.str("text")
		if strings.TrimSpace(sm.Text) == "" {
			return nil, &apiError{code: 400, desc: "Bad Request: message text is empty"}
		}
		if textLen(sm.Text) > 4096 {
			return nil, &apiError{code: 400, desc: "Bad Request: message is too long"}
		}
	case "sendPhoto", "sendDocument":
		field := "photo"
		if method == "sendDocument" {
			field = "document"
		}
		sm.Text = p.str("caption")
		if textLen(sm.Text) > 1024 {
			return nil, &apiError{code: 400, desc: "Bad Request: message caption is too long"}
		}
		up, ok := p.files[field]
		if !ok {
			return nil, &apiError{code: 400, desc: "Bad Request: there is no " + field + " in the request"}
		}
		sm.FileName, sm.File = up.name, up.data
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.faultLocked(chatID, true); aerr != nil {
		return nil, aerr
	}
	s.nextMsg[chatID]++
	sm.MessageID = s.nextMsg[chatID]
	s.sent[chatID] = append(s.sent[chatID], sm)
	if s.byID[chatID] == nil {
		s.byID[chatID] = map[int]*SentMessage{}
	}
	s.byID[chatID][sm.MessageID] = sm
	s.notifyChatLocked(chatID)
	return s.messageJSON(sm), nil
}

func (s *Server) edit(method string, p params) (any, *apiError) {
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	msgID, _ := strconv.Atoi(p.str("message_id"))
	mk, aerr := parseMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if len(mk.Keyboard) > 0 || mk.RemoveKeyboard {
		return nil, &apiError{code: 400, desc: "Bad Request: inline keyboard expected"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.faultLocked(chatID, true); aerr != nil {
		return nil, aerr
	}
	sm := s.byID[chatID][msgID]
	if sm == nil {
		return nil, &apiError{code: 400, desc: "Bad Request: message to edit not found"}
	}
	text := sm.Text
	if method == "editMessageText" {
		text = p.str("text")
		if strings.TrimSpace(text) == "" {
			return nil, &apiError{code: 400, desc: "Bad Request: message text is empty"}
		}
	}
	if text == sm.Text && len(mk.InlineKeyboard) == 0 && len(sm.Buttons) == 0 {
		return nil, &apiError{code: 400, desc: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}
	}
	sm.Text = text
	sm.Buttons = mk.InlineKeyboard
	sm.Edits++
	s.notifyChatLocked(chatID)
	return s.messageJSON(sm), nil
}

func (s *Server) answer(p params) (any, *apiError) {
	id := p.str("callback_query_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.faultLocked(0, false); aerr != nil {
		return nil, aerr
	}
	if !s.callbacks[id] {
		return nil, &apiError{code: 400, desc: "Bad Request: query is too old and response timeout expired or query ID is invalid"}
	}
	s.answered[id] = p.str("text")
	s.notifyLocked()
	return true, nil
}

func (s *Server) getFile(p params) (any, *apiError) {
	id := p.str("file_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return nil, &apiError{code: 400, desc: "Bad Request: invalid file_id"}
	}
	return models.File{FileID: id, FileUniqueID: "u-" + id, FileSize: int64(len(f.data)), FilePath: f.path}, nil
}
