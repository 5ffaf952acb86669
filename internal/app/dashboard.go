package app

import (
	"context"
	"fmt"

	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/matchactions"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// mountDashboard serves the staff dashboard (internal/web) at /login,
// /logout, /admin and /dashboard/.
func (a *App) mountDashboard(ctx context.Context) error {
	data, err := umkm.LoadData("")
	if err != nil {
		return fmt.Errorf("region data: %w", err)
	}
	if a.Events == nil {
		a.Events = store.NewEventRepo(a.DB)
	}
	desk, err := eventactions.NewDesk(eventactions.Desk{Events: a.Events, Region: data.Region, ChannelOn: a.channelOn, Limits: a.outboxLimits()})
	if err != nil {
		return fmt.Errorf("staff dashboard: %w", err)
	}
	read, err := store.OpenReadReplica(ctx, a.Config.DatabaseReadURL, a.DB)
	if err != nil {
		return err
	}
	if read != a.DB {
		a.closers = append(a.closers, func() { read.Close() })
	}
	// The directory, its export and the home page's counts read from
	// DATABASE_READ_URL when set (a PostgreSQL replica).
	reads := store.NewBusinessRepo(read)
	biz, events := store.NewBusinessRepo(a.DB), store.NewEventRepo(a.DB)
	reachDeps, err := a.reachDeps()
	if err != nil {
		return fmt.Errorf("staff dashboard: %w", err)
	}
	d, err := web.New(web.Options{
		Staff: a.DB, Audit: a.DB, Contacts: a.DB,
		Businesses: biz, Directory: reads, Stats: reads, Imports: biz,
		Events: events, Outcomes: events, Door: events,
		Data: data, Redis: a.Redis, KeyPrefix: a.Config.RedisPrefix + "web:",
		TrustedProxies: a.Config.TrustedProxies, Idle: a.Config.WebSessionIdle, Max: a.Config.WebSessionMax,
		Log: a.Log.With("component", "dashboard"), Reach: reachDeps,
		Match:     matchactions.NewService(a.DB, a.Events),
		Channels:  channelsView{a},
		Flows:     flowsView{a},
		EventDesk: eventactions.Backend{Desk: desk, EventRepo: a.Events},
	})
	if err != nil {
		return fmt.Errorf("staff dashboard: %w", err)
	}
	d.Mount(a.Mux)
	a.dashboard = d
	return nil
}
