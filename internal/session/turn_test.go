package session_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jejaring/internal/flow"
	"jejaring/internal/session"
)

func TestTurnCommit(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		tr, err := s.Begin(ctx, addr, "m1", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Session != nil || tr.Done {
			t.Fatalf("fresh turn: %+v", tr)
		}
		// While the turn runs, the contact is locked.
		if _, err := s.Begin(ctx, addr, "m2", time.Minute, 20*time.Millisecond); !errors.Is(err, session.ErrLocked) {
			t.Errorf("second Begin while locked: %v", err)
		}
		if err := tr.CommitNote(ctx, &flow.Session{FlowID: "daftar", Step: "nama", Lang: "id"}, "", 2*time.Hour, 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		if ttl, _ := b.rdb.PTTL(ctx, b.prefix+"sess:{telegram:12345}").Result(); ttl <= time.Hour || ttl > 2*time.Hour {
			t.Errorf("session TTL after commit = %v", ttl)
		}
		if ttl, _ := b.rdb.PTTL(ctx, b.prefix+"done:{telegram:12345}:m1").Result(); ttl <= 47*time.Hour {
			t.Errorf("done marker TTL = %v", ttl)
		}
		if n, _ := b.rdb.Exists(ctx, b.prefix+"lock:{telegram:12345}").Result(); n != 0 {
			t.Error("lock left after commit")
		}

		// The same message again: Done, with the session read.
		tr, err = s.Begin(ctx, addr, "m1", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !tr.Done || tr.Session == nil || tr.Session.Step != "nama" {
			t.Errorf("redelivered message: done=%v session=%+v", tr.Done, tr.Session)
		}
		if err := tr.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tr.Release(ctx); err != nil {
			t.Errorf("second Release: %v", err)
		}

		// A turn that ends the conversation deletes the session.
		tr, _ = s.Begin(ctx, addr, "m2", time.Minute, time.Second)
		if err := tr.CommitNote(ctx, nil, "", 0, 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.Get(ctx, addr); g != nil {
			t.Errorf("session after an ending commit: %+v", g)
		}
		if err := tr.CommitNote(ctx, nil, "", 0, 0); err == nil {
			t.Error("second Commit: want an error")
		}
		// A message without an id is never marked.
		tr, _ = s.Begin(ctx, addr, "", time.Minute, time.Second)
		if tr.Done {
			t.Error("message without id counted as handled")
		}
		if err := tr.CommitNote(ctx, nil, "", 0, 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, _ := b.rdb.Exists(ctx, b.prefix+"done:{telegram:12345}:").Result(); n != 0 {
			t.Error("empty message id marked as handled")
		}
	})
}

func TestTurnFailedReleaseWritesNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		if err := commitSession(ctx, s, addr, &flow.Session{FlowID: "daftar", Step: "a"}); err != nil {
			t.Fatal(err)
		}
		tr, err := s.Begin(ctx, addr, "m1", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if done, _ := isHandled(ctx, s, addr, "m1"); done {
			t.Error("a released (failed) turn marked its message handled")
		}
		if g, _ := s.Get(ctx, addr); g == nil || g.Step != "a" {
			t.Errorf("session after a failed turn: %+v", g)
		}
	})
}

func TestTurnStaleCommitRefused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		stale, err := s.Begin(ctx, addr, "m1", 50*time.Millisecond, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		b.pass(150 * time.Millisecond)
		taker, err := s.Begin(ctx, addr, "m2", time.Minute, time.Second)
		if err != nil {
			t.Fatalf("takeover: %v", err)
		}
		if err := taker.CommitNote(ctx, &flow.Session{FlowID: "f", Step: "new"}, "", time.Hour, time.Hour); err != nil {
			t.Fatal(err)
		}
		// The stalled handler wakes up: its commit must not overwrite the
		// newer session nor mark its message handled.
		err = stale.CommitNote(ctx, &flow.Session{FlowID: "f", Step: "old"}, "", time.Hour, time.Hour)
		if !errors.Is(err, session.ErrLocked) {
			t.Errorf("stale commit = %v, want ErrLocked", err)
		}
		if g, _ := s.Get(ctx, addr); g == nil || g.Step != "new" {
			t.Errorf("session = %+v, want the taker's", g)
		}
		if done, _ := isHandled(ctx, s, addr, "m1"); done {
			t.Error("stale turn's message marked handled")
		}
	})
}

func TestTurnCorruptSession(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		b.rdb.Set(ctx, b.prefix+"sess:{telegram:12345}", "{oops", time.Hour)
		if _, err := s.Begin(ctx, addr, "m1", time.Minute, time.Second); err == nil {
			t.Fatal("corrupt session: want an error")
		}
		// The lock was given back.
		if n, _ := b.rdb.Exists(ctx, b.prefix+"lock:{telegram:12345}").Result(); n != 0 {
			t.Error("lock kept after a failed Begin")
		}
	})
}

func TestTurnsSerialize(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		// Two handlers increment a counter in the session, read-modify-write
		// under turns; no update may be lost.
		var wg sync.WaitGroup
		var fails atomic.Int32
		for range 2 {
			wg.Go(func() {
				for range 15 {
					tr, err := s.Begin(ctx, addr, "", 5*time.Second, 5*time.Second)
					if err != nil {
						fails.Add(1)
						return
					}
					n := 0.0
					if tr.Session != nil {
						n, _ = tr.Session.Answers["n"].(float64)
					}
					if err := tr.CommitNote(ctx, &flow.Session{FlowID: "f", Answers: map[string]any{"n": n + 1}}, "", time.Hour, 0); err != nil {
						fails.Add(1)
					}
				}
			})
		}
		wg.Wait()
		g, _ := s.Get(ctx, addr)
		if fails.Load() != 0 || g == nil || g.Answers["n"] != float64(30) {
			t.Errorf("fails=%d session=%+v, want n=30", fails.Load(), g)
		}
	})
}

// A note committed beside the session comes back with the next turn only,
// and does not disturb readers of the plain session.
func TestTurnNote(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := session.New(b.rdb, b.prefix, time.Hour)
		tr, err := s.Begin(ctx, addr, "n1", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.CommitNote(ctx, &flow.Session{FlowID: "daftar", Step: "nama", Lang: "en"}, "resume", time.Hour, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, addr); err != nil || got == nil || got.Step != "nama" || got.Lang != "en" {
			t.Fatalf("Get after a noted commit: %+v, %v", got, err)
		}
		tr, err = s.Begin(ctx, addr, "n2", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Note != "resume" || tr.Session == nil || tr.Session.Step != "nama" {
			t.Fatalf("next turn: note %q, session %+v", tr.Note, tr.Session)
		}
		// A plain Commit drops the note.
		if err := tr.CommitNote(ctx, tr.Session, "", time.Hour, time.Hour); err != nil {
			t.Fatal(err)
		}
		tr, err = s.Begin(ctx, addr, "n3", time.Minute, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Note != "" || tr.Session == nil {
			t.Errorf("after a plain commit: note %q, session %+v", tr.Note, tr.Session)
		}
		// A session saved by Save (no note) reads back without one.
		if err := tr.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if raw, _ := b.rdb.Get(ctx, b.prefix+"sess:{telegram:12345}").Result(); strings.Contains(raw, "bot_note") {
			t.Errorf("stored session still has a note: %s", raw)
		}
	})
}
