package app

import (
	"jejaring/internal/actions/reachactions"
	"jejaring/internal/channel"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/store"
	"jejaring/internal/umkm/reach"
	"jejaring/internal/web"
)

// ReachOffice is what letters, posters and the campaign say of the office:
// its name, the region, the WhatsApp number (OFFICE_WHATSAPP) and the
// Telegram bot's username (TELEGRAM_BOT_USERNAME, else the running bot's).
func (a *App) ReachOffice() reach.Office {
	bot := a.Config.TelegramBotUsername
	if bot == "" {
		bot = a.telegramUsername()
	}
	return reach.Office{Name: a.office(), Region: a.data.Region.Name, WhatsApp: a.Config.OfficeWhatsApp, TelegramBot: bot}
}

// reachCampaign is the first-contact campaign runner. Its loop runs only
// where a WhatsApp adapter runs: the adapter's own pause (a temporary ban,
// a device logged out or failed) is one of its warnings.
func (a *App) reachCampaign() *reachactions.Campaign {
	pace := reach.DefaultPace()
	pace.DailyCap = a.Config.ReachDailyCap
	c := &reachactions.Campaign{Store: store.NewBusinessRepo(a.DB), Pace: pace, Office: a.ReachOffice(),
		Log: a.Log.With("component", "reach")}
	if wa, ok := a.Channels[channel.WhatsApp].(*whatsapp.Adapter); ok {
		c.Paused = func() (bool, string) {
			st := wa.Status()
			switch {
			case wa.Paused():
				return true, "bulk sending paused: " + st.Describe()
			case st.Status == whatsapp.StatusLoggedOut, st.Status == whatsapp.StatusBanned:
				return true, st.Describe()
			}
			return false, ""
		}
	}
	return c
}

// addReachCampaign runs the campaign's loop when WhatsApp runs here.
func (a *App) addReachCampaign() {
	if _, ok := a.Channels[channel.WhatsApp]; !ok {
		return
	}
	c := a.reachCampaign()
	a.AddLoop("reach campaign", c.Run)
}

// reachDeps are the dashboard's reach pages' dependencies.
func (a *App) reachDeps() (*web.ReachDeps, error) {
	repo := store.NewBusinessRepo(a.DB)
	office := a.ReachOffice()
	docs, err := reachactions.NewDocuments(repo, a.data.Region, office)
	if err != nil {
		return nil, err
	}
	docs.OfficeOf = a.ReachOffice
	_, wa := a.Channels[channel.WhatsApp]
	return &web.ReachDeps{Store: repo, Docs: docs, Campaign: a.reachCampaign(), Office: office, WhatsApp: wa, DailyCap: a.Config.ReachDailyCap}, nil
}
