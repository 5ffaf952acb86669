package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func answerMsg(lang, answer string) string { return lang + ": " + answer }

// TestQuestionsInbox: questions are stored, capped at MaxOpenQuestions open
// per contact and MaxQuestionLen characters, listed newest first a page at
// a time, and answered once: the answer goes as one outbox row to the
// asking contact's own chat, audited without the texts.
func TestQuestionsInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
		siti, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "5550001", Language: "id", At: now})
		if err != nil {
			t.Fatal(err)
		}
		budi, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "webchat", ExternalID: "budi-web", Language: "en", At: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			text string
			want error
		}{
			{"   ", store.ErrEmptyText},
			{strings.Repeat("é", store.MaxQuestionLen+1), store.ErrQuestionTooLong},
		} {
			if _, err := db.AddQuestion(ctx, siti.ID, c.text, now); !errors.Is(err, c.want) {
				t.Errorf("AddQuestion(%d chars): %v, want %v", len(c.text), err, c.want)
			}
		}
		if _, err := db.AddQuestion(ctx, siti.ID, strings.Repeat("é", store.MaxQuestionLen), now); err != nil {
			t.Fatalf("a question of exactly %d characters: %v", store.MaxQuestionLen, err)
		}
		var ids []int64
		for i := 1; i < store.MaxOpenQuestions; i++ {
			q, err := db.AddQuestion(ctx, siti.ID, "  mau tanya soal izin PIRT\n", now.Add(time.Duration(i)*time.Minute))
			if err != nil {
				t.Fatalf("question %d: %v", i+1, err)
			}
			if q.Text != "mau tanya soal izin PIRT" || q.Channel != "telegram" || q.ContactID != siti.ID || !q.Open() {
				t.Errorf("stored %+v", q)
			}
			ids = append(ids, q.ID)
		}
		if _, err := db.AddQuestion(ctx, siti.ID, "satu lagi", now); !errors.Is(err, store.ErrTooManyQuestions) {
			t.Fatalf("question %d: %v, want ErrTooManyQuestions", store.MaxOpenQuestions+1, err)
		}
		bq, err := db.AddQuestion(ctx, budi.ID, "how do I get a halal certificate?", now.Add(time.Hour))
		if err != nil {
			t.Fatalf("another contact is not capped by the first: %v", err)
		}
		if n, err := db.OpenQuestions(ctx, siti.ID); err != nil || n != store.MaxOpenQuestions {
			t.Errorf("OpenQuestions = %d, %v", n, err)
		}
		if all, open, err := db.QuestionCounts(ctx, budi.ID); err != nil || all != 1 || open != 1 {
			t.Errorf("QuestionCounts(budi) = %d, %d, %v", all, open, err)
		}

		// Paging: newest first, two at a time, until the end.
		var seen []int64
		for before := int64(0); ; {
			page, err := db.ListQuestions(ctx, store.QuestionFilter{Limit: 2, BeforeID: before})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, q := range page {
				seen = append(seen, q.ID)
			}
			before = page[len(page)-1].ID
		}
		if len(seen) != store.MaxOpenQuestions+1 || seen[0] != bq.ID {
			t.Fatalf("pages gave %v", seen)
		}
		for i := 1; i < len(seen); i++ {
			if seen[i] >= seen[i-1] {
				t.Fatalf("not newest first: %v", seen)
			}
		}
		if mine, _ := db.ListQuestions(ctx, store.QuestionFilter{ContactID: budi.ID}); len(mine) != 1 || mine[0].Lang != "en" || mine[0].Channel != "webchat" {
			t.Errorf("budi's questions %+v", mine)
		}

		// The answer reaches the asking contact's chat, once.
		later := now.Add(24 * time.Hour)
		q, err := db.AnswerQuestion(ctx, store.QuestionAnswer{ID: ids[0], Answer: "  Datang ke kantor Dinas Kesehatan.  ", By: "rina", Message: answerMsg}, later)
		if err != nil {
			t.Fatal(err)
		}
		if q.Open() || q.Answer != "Datang ke kantor Dinas Kesehatan." || q.AnsweredBy != "rina" || !q.AnsweredAt.Equal(later) {
			t.Errorf("answered %+v", q)
		}
		var rows []struct {
			Kind      string `db:"kind"`
			Channel   string `db:"channel"`
			Ext       string `db:"external_id"`
			ContactID int64  `db:"contact_id"`
			Payload   string `db:"payload"`
			Status    string `db:"status"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT kind, channel, external_id, contact_id, payload, status FROM outbox`); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("outbox rows %+v, want one", rows)
		}
		p, err := outbox.DecodePayload(rows[0].Payload)
		if err != nil {
			t.Fatal(err)
		}
		if r := rows[0]; r.Kind != outbox.KindAnswer || r.Channel != "telegram" || r.Ext != "5550001" || r.ContactID != siti.ID ||
			r.Status != outbox.StatusPending || p.Text != "id: Datang ke kantor Dinas Kesehatan." || p.Lang != "id" {
			t.Errorf("outbox row %+v, payload %+v", r, p)
		}
		for _, c := range []struct {
			a    store.QuestionAnswer
			want error
		}{
			{store.QuestionAnswer{ID: ids[0], Answer: "lagi", Message: answerMsg}, store.ErrQuestionAnswered},
			{store.QuestionAnswer{ID: ids[1], Answer: " ", Message: answerMsg}, store.ErrEmptyText},
			{store.QuestionAnswer{ID: ids[1], Answer: strings.Repeat("a", store.MaxAnswerLen+1), Message: answerMsg}, store.ErrAnswerTooLong},
		} {
			if _, err := db.AnswerQuestion(ctx, c.a, later); !errors.Is(err, c.want) {
				t.Errorf("answer %d %.10q: %v, want %v", c.a.ID, c.a.Answer, err, c.want)
			}
		}
		if _, err := db.AnswerQuestion(ctx, store.QuestionAnswer{ID: 999999, Answer: "x", Message: answerMsg}, later); !errors.Is(err, store.ErrQuestionNotFound) {
			t.Errorf("unknown question: %v", err)
		}
		var n int
		if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM outbox`); err != nil || n != 1 {
			t.Errorf("refused answers queued rows: %d %v", n, err)
		}
		audit, err := db.AuditFor(ctx, "question", strconv.FormatInt(ids[0], 10))
		if err != nil || len(audit) != 1 || audit[0].Action != store.AuditQuestionAnswer || audit[0].Actor != "staff:rina" ||
			strings.Contains(audit[0].Details, "Dinas") || strings.Contains(audit[0].Details, "PIRT") {
			t.Errorf("audit %+v %v", audit, err)
		}
		if open, _ := db.ListQuestions(ctx, store.QuestionFilter{Open: true, ContactID: siti.ID}); len(open) != store.MaxOpenQuestions-1 {
			t.Errorf("open after one answer: %d", len(open))
		}
		if all, open, err := db.QuestionCounts(ctx, siti.ID); err != nil || all != store.MaxOpenQuestions || open != store.MaxOpenQuestions-1 {
			t.Errorf("QuestionCounts(siti) after an answer = %d, %d, %v", all, open, err)
		}
		// One answered: there is room for one more question.
		if _, err := db.AddQuestion(ctx, siti.ID, "satu lagi", later); err != nil {
			t.Errorf("after an answer: %v", err)
		}
	})
}

// TestEraseContactDeletesQuestions: hapusdata removes the contact's
// questions and answers; erased contacts cannot ask again.
func TestEraseContactDeletesQuestions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
		siti, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "5550001", At: now})
		budi, _, _ := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "5550002", At: now})
		q, err := db.AddQuestion(ctx, siti.ID, "Saya Siti Aminah, mau tanya izin PIRT", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddQuestion(ctx, siti.ID, "dan sertifikat halal", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AnswerQuestion(ctx, store.QuestionAnswer{ID: q.ID, Answer: "Bu Siti Aminah, silakan datang", Message: answerMsg}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddQuestion(ctx, budi.ID, "pertanyaan Budi", now); err != nil {
			t.Fatal(err)
		}
		if _, err := store.NewBusinessRepo(db).EraseContact(ctx, siti.ID, store.ActorContact(siti.ID), now); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.GetContext(ctx, &left, db.Rebind(`SELECT COUNT(*) FROM questions WHERE contact_id = ?`), siti.ID); err != nil || left != 0 {
			t.Errorf("questions left: %d %v", left, err)
		}
		if others, _ := db.ListQuestions(ctx, store.QuestionFilter{}); len(others) != 1 || others[0].ContactID != budi.ID {
			t.Errorf("other contact's questions: %+v", others)
		}
		if _, err := db.AddQuestion(ctx, siti.ID, "lagi", now); !errors.Is(err, store.ErrContactErased) {
			t.Errorf("erased contact asks: %v", err)
		}
	})
}

// TestQuestionCapConcurrent: questions sent at once (two replicas, a quick
// double tap) cannot pass the cap together: exactly MaxOpenQuestions are
// kept.
func TestQuestionCapConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
		c, _, err := db.UpsertContact(ctx, contact.Seen{Channel: "telegram", ExternalID: "5550009", At: now})
		if err != nil {
			t.Fatal(err)
		}
		const tries = 12
		errs := make(chan error, tries)
		for i := range tries {
			go func() {
				_, err := db.AddQuestion(ctx, c.ID, "pertanyaan serentak "+strconv.Itoa(i), now)
				errs <- err
			}()
		}
		ok, capped := 0, 0
		for range tries {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrTooManyQuestions):
				capped++
			default:
				t.Errorf("AddQuestion: %v", err)
			}
		}
		if n, _ := db.OpenQuestions(ctx, c.ID); ok != store.MaxOpenQuestions || capped != tries-ok || n != store.MaxOpenQuestions {
			t.Errorf("%d stored, %d capped, %d open; want %d stored", ok, capped, n, store.MaxOpenQuestions)
		}
	})
}
