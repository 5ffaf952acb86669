package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/outbox"
)

// Limits on questions to the office (flows/tanya.yaml): they keep one
// contact from filling the staff's inbox.
const (
	// MaxOpenQuestions is how many unanswered questions a contact may have;
	// the next one waits until one is answered.
	MaxOpenQuestions = 5
	// MaxQuestionLen is the longest question, in characters.
	MaxQuestionLen = 1000
	// MaxAnswerLen is the longest answer, in characters (one chat message
	// on every channel, the greeting included).
	MaxAnswerLen = 3000
)

// AuditQuestionAnswer: a staff member answered a contact's question.
const AuditQuestionAnswer = "question.answer"

// Errors of the question inbox.
var (
	ErrTooManyQuestions = errors.New("too many open questions")
	ErrQuestionTooLong  = errors.New("question too long")
	ErrAnswerTooLong    = errors.New("answer too long")
	ErrEmptyText        = errors.New("empty text")
	ErrQuestionAnswered = errors.New("question already answered")
	// ErrQuestionNotFound: no such question (an erased one is gone too).
	ErrQuestionNotFound = errors.New("question not found")
)

// Question is a question a contact put to the office, with its answer once
// staff gave one. It carries the contact's channel and language, never
// their address or phone.
type Question struct {
	ID         int64      `db:"id" json:"id"`
	ContactID  int64      `db:"contact_id" json:"contact_id"`
	Channel    string     `db:"channel" json:"channel"`
	Lang       string     `db:"language" json:"lang"`
	Stopped    bool       `db:"stopped" json:"stopped"` // the contact said berhenti: an answer will not be delivered
	Text       string     `db:"text" json:"text"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	AnsweredAt *time.Time `db:"answered_at" json:"answered_at,omitempty"`
	AnsweredBy string     `db:"answered_by" json:"answered_by,omitempty"`
	Answer     string     `db:"answer" json:"answer,omitempty"`
}

// Open reports whether the question still waits for an answer.
func (q Question) Open() bool { return q.AnsweredAt == nil }

const questionCols = `q.id, q.contact_id, c.channel, c.language, c.stopped, q.text, q.created_at, q.answered_at, q.answered_by, q.answer`

const questionFrom = ` FROM questions q JOIN contacts c ON c.id = q.contact_id`

// AddQuestion stores a question of contactID (trimmed). It returns
// ErrEmptyText, ErrQuestionTooLong (over MaxQuestionLen characters),
// ErrTooManyQuestions when the contact already has MaxOpenQuestions open,
// or ErrContactErased, storing nothing.
func (db *DB) AddQuestion(ctx context.Context, contactID int64, text string, now time.Time) (Question, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return Question{}, fmt.Errorf("add question of contact %d: %w", contactID, ErrEmptyText)
	case utf8.RuneCountInString(text) > MaxQuestionLen:
		return Question{}, fmt.Errorf("add question of contact %d: %w", contactID, ErrQuestionTooLong)
	}
	now = now.UTC()
	var q Question
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		// The contact row is locked on PostgreSQL so that two questions
		// sent at once cannot both pass the cap (SQLite has one writer).
		lock := ""
		if db.Dialect == Postgres {
			lock = " FOR UPDATE"
		}
		var erased sql.NullTime
		if err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT erased_at FROM contacts WHERE id = ?`+lock), contactID).Scan(&erased); err != nil {
			return fmt.Errorf("add question of contact %d: %w", contactID, err)
		}
		if erased.Valid {
			return fmt.Errorf("add question of contact %d: %w", contactID, ErrContactErased)
		}
		var open int
		if err := tx.GetContext(ctx, &open, tx.Rebind(`SELECT COUNT(*) FROM questions WHERE contact_id = ? AND answered_at IS NULL`), contactID); err != nil {
			return fmt.Errorf("count open questions of contact %d: %w", contactID, err)
		}
		if open >= MaxOpenQuestions {
			return fmt.Errorf("add question of contact %d: %d open: %w", contactID, open, ErrTooManyQuestions)
		}
		id, err := InsertID(ctx, tx, db.Dialect, `INSERT INTO questions (contact_id, text, created_at) VALUES (?, ?, ?)`, contactID, text, now)
		if err != nil {
			return fmt.Errorf("add question of contact %d: %w", contactID, err)
		}
		q, err = questionByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return Question{}, err
	}
	return q, nil
}

// OpenQuestions counts the contact's unanswered questions.
func (db *DB) OpenQuestions(ctx context.Context, contactID int64) (int, error) {
	var n int
	if err := db.GetContext(ctx, &n, db.Rebind(`SELECT COUNT(*) FROM questions WHERE contact_id = ? AND answered_at IS NULL`), contactID); err != nil {
		return 0, fmt.Errorf("count open questions of contact %d: %w", contactID, err)
	}
	return n, nil
}

// QuestionCounts counts the contact's questions to the office, all and
// those still unanswered (for DATASAYA).
func (db *DB) QuestionCounts(ctx context.Context, contactID int64) (all, open int, err error) {
	var c struct {
		All  int `db:"all_n"`
		Open int `db:"open_n"`
	}
	if err := db.GetContext(ctx, &c, db.Rebind(`SELECT COUNT(*) AS all_n, COUNT(*) - COUNT(answered_at) AS open_n FROM questions WHERE contact_id = ?`), contactID); err != nil {
		return 0, 0, fmt.Errorf("count questions of contact %d: %w", contactID, err)
	}
	return c.All, c.Open, nil
}

// QuestionFilter selects a page of questions, newest first.
type QuestionFilter struct {
	Open      bool  // only unanswered ones
	ContactID int64 // 0: every contact
	// BeforeID pages on: only questions with a smaller id (the last id of
	// the previous page); 0 starts from the newest.
	BeforeID int64
	Limit    int // 0: 50; at most 500
}

// ListQuestions lists questions newest first, one page at a time.
func (db *DB) ListQuestions(ctx context.Context, f QuestionFilter) ([]Question, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	query := `SELECT ` + questionCols + questionFrom + ` WHERE 1 = 1`
	var args []any
	if f.Open {
		query += ` AND q.answered_at IS NULL`
	}
	if f.ContactID != 0 {
		query += ` AND q.contact_id = ?`
		args = append(args, f.ContactID)
	}
	if f.BeforeID > 0 {
		query += ` AND q.id < ?`
		args = append(args, f.BeforeID)
	}
	query += ` ORDER BY q.id DESC LIMIT ?`
	args = append(args, limit)
	var out []Question
	if err := db.SelectContext(ctx, &out, db.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list questions: %w", err)
	}
	return out, nil
}

// QuestionByID reads one question; a missing one is ErrQuestionNotFound.
func (db *DB) QuestionByID(ctx context.Context, id int64) (Question, error) {
	return questionByID(ctx, db.DB, id)
}

func questionByID(ctx context.Context, q sqlx.ExtContext, id int64) (Question, error) {
	var out Question
	if err := sqlx.GetContext(ctx, q, &out, q.Rebind(`SELECT `+questionCols+questionFrom+` WHERE q.id = ?`), id); err != nil {
		return Question{}, fmt.Errorf("question %d: %w", id, notFound(err, ErrQuestionNotFound))
	}
	return out, nil
}

// QuestionAnswer is a staff member's answer to a question.
type QuestionAnswer struct {
	ID     int64  // the question
	Answer string // the answer itself (trimmed; at most MaxAnswerLen characters)
	By     string // who answered ("" is "cli")
	// Message writes the chat message carrying the answer in the contact's
	// language ("id" or "en").
	Message func(lang, answer string) string
}

// AnswerQuestion records the answer, enqueues it as one outbox row
// (outbox.KindAnswer) to the chat the question came from, and writes the
// audit entry, all in one transaction. It returns ErrQuestionNotFound for an
// unknown question (erased ones are gone), ErrQuestionAnswered when it was
// answered already, ErrEmptyText or ErrAnswerTooLong.
func (db *DB) AnswerQuestion(ctx context.Context, a QuestionAnswer, now time.Time) (Question, error) {
	answer := strings.TrimSpace(a.Answer)
	switch {
	case answer == "":
		return Question{}, fmt.Errorf("answer question %d: %w", a.ID, ErrEmptyText)
	case utf8.RuneCountInString(answer) > MaxAnswerLen:
		return Question{}, fmt.Errorf("answer question %d: %w", a.ID, ErrAnswerTooLong)
	case a.Message == nil:
		return Question{}, fmt.Errorf("answer question %d: no message writer", a.ID)
	}
	by := strings.TrimSpace(a.By)
	if by == "" {
		by = "cli"
	}
	now = now.UTC()
	var q Question
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE questions SET answered_at = ?, answered_by = ?, answer = ?
			WHERE id = ? AND answered_at IS NULL`), now, by, answer, a.ID)
		if err != nil {
			return fmt.Errorf("answer question %d: %w", a.ID, err)
		}
		q, err = questionByID(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("answer question %d: %w", a.ID, ErrQuestionAnswered)
		}
		var ext string
		if err := tx.GetContext(ctx, &ext, tx.Rebind(`SELECT external_id FROM contacts WHERE id = ?`), q.ContactID); err != nil {
			return fmt.Errorf("answer question %d: contact %d: %w", a.ID, q.ContactID, err)
		}
		queued, err := Enqueue(ctx, tx, []outbox.Message{{
			Kind: outbox.KindAnswer, To: outbox.Address{Channel: outbox.ChannelName(q.Channel), ExternalID: ext},
			ContactID: q.ContactID, DedupeKey: "answer:" + strconv.FormatInt(q.ID, 10), Priority: outbox.PriorityPersonal,
			Payload: outbox.Payload{Text: a.Message(q.Lang, answer), Lang: q.Lang},
		}}, now)
		if err != nil {
			return fmt.Errorf("answer question %d: %w", a.ID, err)
		}
		// No text in the audit: the question and answer are the
		// contact's data, erased with them.
		return addAudit(ctx, tx, db.Dialect, now, ActorStaff(by), AuditQuestionAnswer, "question", strconv.FormatInt(q.ID, 10),
			map[string]any{"contact_id": q.ContactID, "channel": q.Channel, "queued": queued})
	})
	if err != nil {
		return Question{}, err
	}
	return q, nil
}
