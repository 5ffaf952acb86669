package app

import (
	"context"
	"time"
)

// outcomesEvery is how often the outcome questions are planned: an event's
// "how was it?" is due half an hour after a matchmaking session at the
// earliest, so five minutes late is still on time.
const outcomesEvery = 5 * time.Minute

// addOutcomes plans, at start and then every outcomesEvery, the questions
// about what came of every event that has ended (store.ScheduleOutcomes):
// they go out through the outbox at their time, so a restart loses none.
// Replicas may run it together: each question is planned once.
func (a *App) addOutcomes() {
	a.AddLoop("outcomes", func(ctx context.Context) error {
		t := time.NewTicker(outcomesEvery)
		defer t.Stop()
		for {
			if n, err := a.Events.ScheduleOutcomes(ctx, time.Now()); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				a.Log.Warn("outcome questions", "err", err)
			} else if n > 0 {
				a.Log.Info("outcome questions planned", "questions", n)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
}
