package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"jejaring/internal/actions/officeactions"
	"jejaring/internal/idn"
	"jejaring/internal/store"
)

// runQuestions is `jejaring questions list|answer`: the office's inbox of
// questions owners sent with TANYA (flows/tanya.yaml). The list shows the
// contact id, channel, time and text, never an address or phone; an answer
// goes to the chat the question came from through the outbox, audited
// (officeactions.Answer, the same call the dashboard makes).
func runQuestions(ctx context.Context, db *store.DB, args []string, s stdio) int {
	fs := flag.NewFlagSet("questions", flag.ContinueOnError)
	fs.SetOutput(s.err)
	open := fs.Bool("open", false, "list: only questions not answered yet")
	limit := fs.Int("limit", 50, "list: how many, newest first (at most 500)")
	before := fs.Int64("before", 0, "list: only questions older than this id (the next page)")
	by := fs.String("by", "", "answer: the name of the staff member answering (kept with the answer and in the audit log)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage:")
		fmt.Fprintln(w, "  jejaring questions list [--open] [--limit N] [--before ID]   daftar pertanyaan / list the questions, newest first")
		fmt.Fprintln(w, "  jejaring questions answer ID \"TEKS\" [--by NAMA]             jawab / answer: sent to the owner's chat")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	want := map[string]int{"list": 1, "answer": 3}
	if len(pos) == 0 || want[pos[0]] != len(pos) {
		fs.Usage()
		return 2
	}
	if pos[0] == "list" {
		return listQuestions(ctx, db, store.QuestionFilter{Open: *open, Limit: *limit, BeforeID: *before}, s)
	}
	id, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || id <= 0 {
		s.failf("%s", s.t.f("questions.badID", pos[1]))
		return 2
	}
	q, err := officeactions.Answer(ctx, db, id, pos[2], *by, time.Now())
	switch {
	case errors.Is(err, store.ErrQuestionNotFound):
		return s.failf("%s", s.t.f("questions.notFound", id))
	case errors.Is(err, store.ErrQuestionAnswered):
		q, _ = db.QuestionByID(ctx, id)
		at := ""
		if q.AnsweredAt != nil {
			at = q.AnsweredAt.In(idn.WIB).Format("2006-01-02 15:04")
		}
		return s.failf("%s", s.t.f("questions.already", id, at, q.AnsweredBy))
	case errors.Is(err, store.ErrEmptyText):
		return s.failf("%s", s.t.f("questions.empty"))
	case errors.Is(err, store.ErrAnswerTooLong):
		return s.failf("%s", s.t.f("questions.tooLong", store.MaxAnswerLen))
	case err != nil:
		return s.failf("questions answer: %v", err)
	}
	fmt.Fprintln(s.out, s.t.f("questions.sent", q.ID, q.ContactID, q.Channel))
	if q.Stopped {
		fmt.Fprintln(s.out, s.t.f("questions.stopped", q.ContactID))
	}
	return 0
}

func listQuestions(ctx context.Context, db *store.DB, f store.QuestionFilter, s stdio) int {
	qs, err := db.ListQuestions(ctx, f)
	if err != nil {
		return s.failf("questions list: %v", err)
	}
	if len(qs) == 0 {
		if f.Open {
			fmt.Fprintln(s.out, s.t.f("questions.noneOpen"))
		} else {
			fmt.Fprintln(s.out, s.t.f("questions.none"))
		}
		return 0
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, s.t.f("questions.head"))
	for _, q := range qs {
		state := s.t.f("questions.open")
		if !q.Open() {
			state = s.t.f("questions.answered", q.AnsweredAt.In(idn.WIB).Format("2006-01-02 15:04"), oneLineText(q.AnsweredBy))
		}
		fmt.Fprintln(tw, s.t.f("questions.row", q.ID, q.ContactID, q.Channel, q.CreatedAt.In(idn.WIB).Format("2006-01-02 15:04"), state, oneLineText(q.Text)))
	}
	if err := tw.Flush(); err != nil {
		return s.failf("questions list: %v", err)
	}
	if page := f.Limit; len(qs) == min(page, 500) || (page <= 0 && len(qs) == 50) {
		fmt.Fprintln(s.out, s.t.f("questions.more", qs[len(qs)-1].ID))
	}
	return 0
}

// oneLineText puts text an owner typed on one line of the staff's terminal:
// line breaks and tabs become spaces, and control characters (a terminal
// escape sequence) are dropped.
func oneLineText(text string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, text)
	return strings.Join(strings.Fields(clean), " ")
}
