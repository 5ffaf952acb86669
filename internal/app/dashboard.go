package app

import (
	"fmt"

	"jejaring/internal/store"
	"jejaring/internal/umkm"
	"jejaring/internal/web"
)

// mountDashboard serves the staff dashboard (internal/web) at /login,
// /logout, /admin and /dashboard/.
func (a *App) mountDashboard() error {
	data, err := umkm.LoadData("")
	if err != nil {
		return fmt.Errorf("region data: %w", err)
	}
	biz, events := store.NewBusinessRepo(a.DB), store.NewEventRepo(a.DB)
	d, err := web.New(web.Options{
		Staff: a.DB, Audit: a.DB, Contacts: a.DB,
		Businesses: biz, Directory: biz, Stats: biz,
		Events: events, Door: events,
		Data: data, Redis: a.Redis, KeyPrefix: a.Config.RedisPrefix + "web:",
		TrustedProxies: a.Config.TrustedProxies, Idle: a.Config.WebSessionIdle, Max: a.Config.WebSessionMax,
		Log:      a.Log.With("component", "dashboard"),
		Channels: channelsView{a},
		Flows:    flowsView{a},
	})
	if err != nil {
		return fmt.Errorf("staff dashboard: %w", err)
	}
	d.Mount(a.Mux)
	return nil
}
