package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestQuestionsCommands: `jejaring questions list [--open]` shows contact
// id, channel, time and text (no address, no phone, no terminal escapes);
// `questions answer` queues the answer to the asking contact's chat, in
// their language, once, and says so in Indonesian or English.
func TestQuestionsCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		wa, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "whatsapp", ExternalID: "6281234567890", Phone: "+6281234567890",
			PhoneSource: "whatsapp_sender", Language: "id", At: now})
		if err != nil {
			t.Fatal(err)
		}
		tg, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "5550001", Language: "en", At: now})
		if err != nil {
			t.Fatal(err)
		}
		q1, err := db.AddQuestion(ctx, wa.ID, "mau tanya soal\nizin PIRT \x1b[31mmerah", now)
		if err != nil {
			t.Fatal(err)
		}
		q2, err := db.AddQuestion(ctx, tg.ID, "how do I get a halal certificate?", now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		cmd := func(t tr, args ...string) (int, string, string) {
			var out, errb bytes.Buffer
			code := runQuestions(ctx, db, args, testIOIn(t, &out, &errb))
			return code, out.String(), errb.String()
		}

		code, out, _ := cmd(tr{}, "list")
		row := regexp.MustCompile(fmt.Sprintf(`(?m)^%d\s+%d\s+whatsapp\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+belum dijawab\s+mau tanya soal izin PIRT \[31mmerah$`, q1.ID, wa.ID))
		if code != 0 || !strings.Contains(out, "KONTAK") || !row.MatchString(out) || !strings.Contains(out, "halal certificate") {
			t.Errorf("list: %d\n%s", code, out)
		}
		if strings.Contains(out, "81234567890") || strings.Contains(out, "5550001") || strings.Contains(out, "\x1b") {
			t.Errorf("list shows an address, a phone or an escape:\n%q", out)
		}
		if code, out, _ := cmd(tr{}, "list", "--limit", "1"); code != 0 || strings.Contains(out, "PIRT") || !strings.Contains(out, fmt.Sprintf("--before %d", q2.ID)) {
			t.Errorf("list --limit 1: %d\n%s", code, out)
		}

		code, out, errOut := cmd(tr{}, "answer", fmt.Sprint(q1.ID), "Silakan ke Dinas Kesehatan, lantai 2.", "--by", "rina")
		if code != 0 || !strings.Contains(out, fmt.Sprintf("Jawaban atas pertanyaan %d masuk antrean kiriman ke kontak %d (whatsapp)", q1.ID, wa.ID)) {
			t.Fatalf("answer: %d %q %q", code, out, errOut)
		}
		code, out, _ = cmd(english, "answer", fmt.Sprint(q2.ID), "Ask at the office.")
		if code != 0 || !strings.Contains(out, fmt.Sprintf("The answer to question %d is queued for contact %d (telegram)", q2.ID, tg.ID)) {
			t.Fatalf("answer in English: %d %q", code, out)
		}
		var rows []struct {
			Channel   string `db:"channel"`
			Ext       string `db:"external_id"`
			ContactID int64  `db:"contact_id"`
			Payload   string `db:"payload"`
		}
		if err := db.SelectContext(ctx, &rows, db.Rebind(`SELECT channel, external_id, contact_id, payload FROM outbox WHERE kind = ? ORDER BY id`), outbox.KindAnswer); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("answer rows: %+v", rows)
		}
		for i, want := range []struct {
			ch, ext, text string
			contact       int64
		}{
			{"whatsapp", "6281234567890", "Jawaban dari kantor atas pertanyaan Bapak/Ibu: Silakan ke Dinas Kesehatan, lantai 2.", wa.ID},
			{"telegram", "5550001", "The office's answer to your question: Ask at the office.", tg.ID},
		} {
			p, _ := outbox.DecodePayload(rows[i].Payload)
			if r := rows[i]; r.Channel != want.ch || r.Ext != want.ext || r.ContactID != want.contact || p.Text != want.text {
				t.Errorf("row %d: %+v %q, want %+v", i, r, p.Text, want)
			}
		}
		if q, _ := db.QuestionByID(ctx, q2.ID); q.AnsweredBy != "cli" {
			t.Errorf("no --by: answered by %q", q.AnsweredBy)
		}

		code, out, _ = cmd(tr{}, "list", "--open")
		if code != 0 || strings.TrimSpace(out) != "Tidak ada pertanyaan yang belum dijawab." {
			t.Errorf("list --open after both answered: %d %q", code, out)
		}
		code, out, _ = cmd(tr{}, "list")
		if code != 0 || !strings.Contains(out, "oleh rina") {
			t.Errorf("list after answer: %d\n%s", code, out)
		}
		for _, c := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"answer", fmt.Sprint(q1.ID), "lagi"}, 1, "sudah dijawab"},
			{[]string{"answer", "999999", "x"}, 1, "tidak ada pertanyaan 999999"},
			{[]string{"answer", "abc", "x"}, 2, `"abc" bukan nomor pertanyaan`},
			{[]string{"answer", fmt.Sprint(q1.ID), "  "}, 1, "jawabannya kosong"},
			{[]string{"answer", fmt.Sprint(q1.ID)}, 2, "Usage:"},
			{[]string{"delete"}, 2, "Usage:"},
		} {
			code, _, errOut := cmd(tr{}, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("%v: exit %d, stderr %q, want %d %q", c.args, code, errOut, c.code, c.want)
			}
		}
		if n, _ := db.OpenQuestions(ctx, wa.ID); n != 0 {
			t.Errorf("open questions %d", n)
		}
	})
}

// TestQuestionsCommandEmpty: an empty inbox says so, and the command is in
// `jejaring help` with its Indonesian summary.
func TestQuestionsCommandEmpty(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	var out, errb bytes.Buffer
	if code := runQuestions(context.Background(), db, []string{"list"}, testIO(&out, &errb)); code != 0 || strings.TrimSpace(out.String()) != "Belum ada pertanyaan." {
		t.Errorf("empty list: %d %q %q", code, out.String(), errb.String())
	}
	var help strings.Builder
	usage(&help, commands(), tr{})
	if !strings.Contains(help.String(), "  questions    "+commandSummaryID["questions"]) {
		t.Errorf("help lacks questions:\n%s", help.String())
	}
}
