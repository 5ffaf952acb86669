// Package reachactions runs the use cases of reach (issue 12) that the
// dashboard and the CLI share: the first-contact campaign on WhatsApp
// (start, stop, and the loop that paces it), and the letters and posters
// of a filtered set of businesses.
package reachactions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"jejaring/internal/umkm/reach"
)

// CampaignStore is what the campaign needs of storage (store.BusinessRepo).
type CampaignStore interface {
	StartCampaign(ctx context.Context, regionCodes []string, dailyCap int, actor string, now time.Time) (reach.Campaign, error)
	StopCampaign(ctx context.Context, actor, reason string, now time.Time) error
	LatestCampaign(ctx context.Context) (reach.Campaign, error)
	CampaignLeft(ctx context.Context, regionCodes []string) (int, error)
	CampaignTick(ctx context.Context, pace reach.Pace, office reach.Office, paused bool, pauseNote string, rng *rand.Rand, now time.Time) (reach.Step, error)
}

// Campaign runs the first-contact campaign. Every replica may run its
// loop: each tick is one transaction that locks the running campaign and
// queues at most one message (one in flight at a time), so they never
// send faster together than one would alone.
type Campaign struct {
	Store CampaignStore
	// Pace is the campaign's pacing (reach.DefaultPace; the daily cap
	// comes from the campaign itself).
	Pace reach.Pace
	// Office says what the message says of the office (its name).
	Office reach.Office
	// Paused reports the WhatsApp channel's own warning state — a
	// temporary ban's pause, a logged-out or failed device — with its
	// reason; nil: never paused (no WhatsApp adapter in this process:
	// then the outbox's failures are the warning).
	Paused func() (bool, string)
	Now    func() time.Time // nil: time.Now
	Rand   *rand.Rand       // nil: the global source
	Every  time.Duration    // how often the loop looks (default 30 s)
	Log    *slog.Logger
}

func (c *Campaign) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// Start starts a campaign to the kecamatan regionCodes (none: all) at
// dailyCap a day once warmed up; reach.ErrCampaignRunning when one runs.
func (c *Campaign) Start(ctx context.Context, regionCodes []string, dailyCap int, actor string) (reach.Campaign, error) {
	p := c.Pace
	p.DailyCap = dailyCap
	if err := p.Validate(); err != nil {
		return reach.Campaign{}, fmt.Errorf("campaign: %w", err)
	}
	return c.Store.StartCampaign(ctx, regionCodes, dailyCap, actor, c.now())
}

// Stop stops the running campaign (its messages not yet sent are
// withdrawn); reach.ErrNoCampaign when none runs.
func (c *Campaign) Stop(ctx context.Context, actor string) error {
	return c.Store.StopCampaign(ctx, actor, "stopped by "+actor, c.now())
}

// Tick takes one step of the running campaign now; reach.ErrNoCampaign
// when none runs.
func (c *Campaign) Tick(ctx context.Context) (reach.Step, error) {
	paused, note := false, ""
	if c.Paused != nil {
		paused, note = c.Paused()
	}
	return c.Store.CampaignTick(ctx, c.Pace, c.Office, paused, note, c.Rand, c.now())
}

// Run ticks until ctx ends. A stop at a warning is logged as an error, so
// the office sees it next to the WhatsApp alerts.
func (c *Campaign) Run(ctx context.Context) error {
	every := c.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		step, err := c.Tick(ctx)
		switch {
		case errors.Is(err, reach.ErrNoCampaign):
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			log.Error("reach campaign", "err", err)
		case step.Kind == reach.Stop:
			log.Error("reach campaign stopped", "reason", step.Reason)
		case step.Kind == reach.Send:
			log.Info("reach campaign: one first-contact message queued", "next_in", step.Gap.Round(time.Second))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
