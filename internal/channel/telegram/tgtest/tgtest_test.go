package tgtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"jejaring/internal/channel/telegram/tgtest"
)

type apiResp struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func call(t *testing.T, s *tgtest.Server, method, contentType string, body io.Reader) apiResp {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/bot"+s.Token()+"/"+method, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r apiResp
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// The three body encodings the Bot API accepts, the multipart one chunked
// (no Content-Length) as go-telegram/bot sends it.
func TestBodyEncodings(t *testing.T) {
	t.Parallel()
	s := tgtest.New(t)
	if r := call(t, s, "sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"json"}`)); !r.OK {
		t.Errorf("json: %+v", r)
	}
	form := url.Values{"chat_id": {"1"}, "text": {"form"}}
	if r := call(t, s, "sendMessage", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); !r.OK {
		t.Errorf("form: %+v", r)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("chat_id", "1")
		_ = mw.WriteField("text", "multipart")
		_ = mw.WriteField("reply_markup", `{"inline_keyboard":[[{"text":"Ya","callback_data":"v|ya"}]]}`)
		_ = mw.Close()
		_ = pw.Close()
	}()
	if r := call(t, s, "sendMessage", mw.FormDataContentType(), pr); !r.OK {
		t.Errorf("multipart: %+v", r)
	}
	sent := s.Sent(1)
	if len(sent) != 3 || sent[0].Text != "json" || sent[1].Text != "form" || sent[2].Text != "multipart" || !sent[2].HasButton("Ya") {
		t.Errorf("sent = %+v", sent)
	}
	if r := call(t, s, "sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"`+strings.Repeat("d", 65)+`"}]]}}`)); r.OK || r.ErrorCode != 400 {
		t.Errorf("65-byte callback data accepted: %+v", r)
	}
	if r := call(t, s, "sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"`+strings.Repeat("x", 4097)+`"}`)); r.OK || r.ErrorCode != 400 {
		t.Errorf("4097-character text accepted: %+v", r)
	}
}

func TestGetUpdatesLongPollAndOffsets(t *testing.T) {
	t.Parallel()
	s := tgtest.New(t)
	get := func(offset, timeout int) []models.Update {
		body, _ := json.Marshal(map[string]int{"offset": offset, "timeout": timeout})
		r := call(t, s, "getUpdates", "application/json", bytes.NewReader(body))
		var u []models.Update
		if err := json.Unmarshal(r.Result, &u); err != nil || !r.OK {
			t.Fatalf("getUpdates: %+v %v", r, err)
		}
		return u
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.SendText(7, "halo")
	}()
	t0 := time.Now()
	u := get(0, 5) // waits for the message
	if len(u) != 1 || u[0].Message == nil || u[0].Message.Text != "halo" || time.Since(t0) > 4*time.Second {
		t.Fatalf("long poll = %+v", u)
	}
	s.SendText(7, "lagi")
	if u := get(0, 0); len(u) != 2 {
		t.Errorf("unconfirmed update dropped: %d", len(u))
	}
	if u := get(int(u[0].ID)+1, 0); len(u) != 1 || u[0].Message.Text != "lagi" {
		t.Errorf("after offset: %+v", u)
	}
	if s.Pending() != 1 {
		t.Errorf("pending = %d", s.Pending())
	}
	s.SetWebhook("https://example.invalid/hook")
	if r := call(t, s, "getUpdates", "application/json", strings.NewReader(`{}`)); r.ErrorCode != 409 {
		t.Errorf("getUpdates with a webhook set: %+v", r)
	}
}

// The library the adapter uses, against the fake: sends, edits, callbacks,
// files, and every injected fault with the error the library makes of it.
func TestWithTheLibrary(t *testing.T) {
	t.Parallel()
	s := tgtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := tgbot.New(s.Token(), tgbot.WithServerURL(s.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(ctx)
	if err != nil || me.Username != tgtest.BotUsername {
		t.Fatalf("getMe = %+v, %v", me, err)
	}
	m, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 5, Text: "Pilih:", ReplyMarkup: &models.InlineKeyboardMarkup{
		InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: "v|a"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	cb := s.Press(5, m.ID, "v|a")
	if _, err := b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: cb, Text: "ok"}); err != nil {
		t.Fatal(err)
	}
	if txt, ok := s.Answered(cb); !ok || txt != "ok" {
		t.Errorf("answered = %v %q", ok, txt)
	}
	if _, err := b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: 5, MessageID: m.ID, Text: "Pilih: A"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Sent(5)[0]; got.Text != "Pilih: A" || got.Buttons != nil || got.Edits != 1 {
		t.Errorf("after edit: %+v", got)
	}
	if _, err := b.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: 5, Caption: "foto",
		Photo: &models.InputFileUpload{Filename: "a.png", Data: bytes.NewReader([]byte("PNG"))}}); err != nil {
		t.Fatal(err)
	}
	if got := s.Sent(5)[1]; got.Method != "sendPhoto" || string(got.File) != "PNG" || got.FileName != "a.png" {
		t.Errorf("photo: %+v", got)
	}
	fid := s.SendPhoto(5, []byte("user photo"), "")
	f, err := b.GetFile(ctx, &tgbot.GetFileParams{FileID: fid})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "user photo" {
		t.Errorf("download = %q", data)
	}

	send := func(chat int64) error {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: "x"})
		return err
	}
	s.Fail5xx(1)
	if err := send(6); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("5xx: %v", err)
	}
	s.Block(7)
	if err := send(7); !errors.Is(err, tgbot.ErrorForbidden) {
		t.Errorf("blocked: %v", err)
	}
	s.Unknown(8)
	if err := send(8); !errors.Is(err, tgbot.ErrorBadRequest) || !strings.Contains(err.Error(), "chat not found") {
		t.Errorf("unknown: %v", err)
	}
	s.RateLimit(1, 2)
	var tooMany *tgbot.TooManyRequestsError
	for range 3 {
		if err := send(9); errors.As(err, &tooMany) {
			break
		}
	}
	if tooMany == nil || tooMany.RetryAfter != 2 {
		t.Errorf("429: %+v", tooMany)
	}
	st := s.Stats()
	if st.RateLimited == 0 || st.Failed5xx != 1 || st.Forbidden != 1 || st.Methods["sendMessage"] == 0 {
		t.Errorf("stats = %+v", st)
	}
}
