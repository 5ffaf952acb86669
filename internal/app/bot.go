package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"jejaring/flows"
	"jejaring/internal/actions/demo"
	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/matchactions"
	"jejaring/internal/actions/officeactions"
	"jejaring/internal/actions/outcomeactions"
	"jejaring/internal/actions/staffactions"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/config"
	"jejaring/internal/flow"
	"jejaring/internal/outbox"
	"jejaring/internal/session"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// Actions builds the registry of every Go action the flows may run. data is
// the region and KBLI data (nil: the built-in default region).
func Actions(db *store.DB, data *umkm.Data, log *slog.Logger) (bot.Actions, error) {
	return actions(db, data, "", log, eventactions.Deps{Events: store.NewEventRepo(db)}, nil)
}

// actions is Actions with the event actions' dependencies given (the app's
// event repository, which knows the Telegram bot's username for deep links,
// and which channels run).
func actions(db *store.DB, data *umkm.Data, office string, log *slog.Logger, events eventactions.Deps, forget umkmactions.Forgetter) (bot.Actions, error) {
	a := bot.Actions{}
	if err := umkmactions.Register(a, umkmactions.Deps{DB: db, Data: data, Office: office, Logger: log, Forget: forget}); err != nil {
		return nil, err
	}
	if events.Reach == nil {
		events.Reach = store.NewBusinessRepo(db).SegmentReach
	}
	if err := eventactions.Register(a, events); err != nil {
		return nil, err
	}
	if err := staffactions.Register(a, db, log); err != nil {
		return nil, err
	}
	if err := officeactions.Register(a, db, log); err != nil {
		return nil, err
	}
	if err := demo.Register(a); err != nil {
		return nil, err
	}
	if err := outcomeactions.Register(a, events.Events); err != nil {
		return nil, err
	}
	if err := matchactions.Register(a, matchactions.Deps{Service: matchactions.NewService(db, events.Events)}); err != nil {
		return nil, err
	}
	return a, nil
}

// ActionNames lists the names Actions registers, without a database (for
// `jejaring flows check`).
func ActionNames() []string {
	names := append(umkmactions.Names(), eventactions.Names...)
	names = append(names, staffactions.Names()...)
	names = append(names, officeactions.Names()...)
	names = append(names, outcomeactions.Names()...)
	names = append(names, matchactions.Names...)
	return append(names, demo.Save)
}

// FlowsFS is FLOWS_DIR on disk when set, else the flows built into the
// binary.
func FlowsFS(dir string) fs.FS {
	if dir == "" {
		return flows.FS
	}
	return os.DirFS(dir)
}

// LoadFlows loads the flows, plugs in the named choice lists (opts may be
// nil) and checks them against the registered actions. A broken flow stops
// the start, naming the first problem.
func LoadFlows(dir string, actions []string, opts flow.Options) (*flow.Set, error) {
	where := "built-in flows"
	if dir != "" {
		where = "FLOWS_DIR " + dir
	}
	set, err := flow.Load(FlowsFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %s (run `jejaring flows check` for details)", where, oneLine(err))
	}
	if opts != nil {
		set.SetOptions(opts)
	}
	if probs := set.Check(actions); len(probs) > 0 {
		return nil, fmt.Errorf("%s: %d problem(s), first: %s (run `jejaring flows check` for all)", where, len(probs), oneLine(fmt.Errorf("%s", probs[0].String())))
	}
	return set, nil
}

// handler builds the bot every channel hands its messages to.
func (a *App) handler(ctx context.Context) (channel.Handler, error) {
	data := a.data
	a.Events = store.NewEventRepo(a.DB)
	a.Events.TelegramBotName = a.telegramUsername
	sealer, err := a.sessionCipher()
	if err != nil {
		return nil, err
	}
	a.Sessions = session.New(a.Redis, a.Config.RedisPrefix, a.Config.SessionTTL,
		session.Encrypt(sealer), session.WithLogger(a.Log.With("component", "session")))
	forget := Forgetter{Sessions: a.Sessions, Redis: a.Redis, Prefix: a.Config.RedisPrefix, DataDir: a.Config.DataDir, DB: a.DB}
	acts, err := actions(a.DB, data, a.office(), a.Log.With("component", "actions"), eventactions.Deps{Events: a.Events, ChannelOn: a.channelOn, Region: data.Region}, forget)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	set, err := LoadFlows(a.Config.FlowsDir, acts.Names(), umkmactions.Options(data))
	if err != nil {
		return nil, err
	}
	a.flowSet, a.actionNames = set, acts.Names()
	resume := a.Config.ResumeAfter
	if resume == 0 {
		resume = -1 // RESUME_AFTER=0: never (bot.Config's zero means its default)
	}
	b, err := bot.New(bot.Config{
		Contacts: a.DB, Sessions: a.Sessions, Flows: set, Actions: acts,
		Logger: a.Log.With("component", "bot"), SessionTTL: a.Config.SessionTTL, Metrics: a.Metrics,
		ResumeAfter: resume,
	})
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	a.Bot = b
	return b, nil
}

// sessionCipher is the key sealing the sessions in Redis: SESSION_KEY, or
// the key file in DATA_DIR, generated on the first start.
func (a *App) sessionCipher() (*session.Cipher, error) {
	if len(a.Config.SessionKey) > 0 {
		c, err := session.NewCipher(a.Config.SessionKey)
		if err != nil {
			return nil, fmt.Errorf("SESSION_KEY: %w", err)
		}
		return c, nil
	}
	key, created, err := session.KeyFile(a.Config.DataDir)
	if err != nil {
		return nil, fmt.Errorf("SESSION_KEY is not set and %w", err)
	}
	if created {
		a.Log.Info("generated the key that seals conversations in Redis; replicas sharing one Redis need the same key: set SESSION_KEY",
			"file", filepath.Join(a.Config.DataDir, session.KeyFileName))
	}
	return session.NewCipher(key)
}

// channelOn reports whether channel ch runs here or, through the outbox's
// marks in Redis, in another running Jejaring (WhatsApp runs in one only).
// When Redis cannot tell, it says on rather than warn for nothing.
func (a *App) channelOn(ctx context.Context, ch string) bool {
	if _, ok := a.Channels[channel.Name(ch)]; ok {
		return true
	}
	alive, err := outbox.ChannelAlive(ctx, a.Redis, a.outboxPrefix(), channel.Name(ch))
	return alive || err != nil
}

// outboxPrefix is the dispatcher's Redis key prefix.
func (a *App) outboxPrefix() string { return a.Config.RedisPrefix + "outbox:" }

// telegramUsername is the Telegram bot's username once the channel has
// reached Telegram (getMe), "" before that or without Telegram. Invitations
// written on the other channels carry a t.me/<bot>?start=rsvp_<token> link
// when it is known.
func (a *App) telegramUsername() string {
	if a.telegram == nil {
		return ""
	}
	return a.telegram.Username()
}

// LoadRegion loads the region data REGION names, with the KBLI sections. An
// unknown region is one line naming the variable and the regions built in:
// REGION: unknown region "x" (known regions: pesisir_selatan).
func LoadRegion(cfg *config.Config) (*umkm.Data, error) {
	data, err := umkm.LoadData(cfg.Region)
	if err != nil {
		return nil, fmt.Errorf("REGION: %s", oneLine(err))
	}
	return data, nil
}

// office is the data controller the privacy notice names: OFFICE_NAME, else
// the office in the region data file.
func (a *App) office() string {
	if a.Config.OfficeName != "" {
		return a.Config.OfficeName
	}
	return a.data.Region.Office
}
