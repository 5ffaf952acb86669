package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/contact"
	"jejaring/internal/flow"
	"jejaring/internal/store"
)

// flowsView is the dashboard's web.FlowSource: the flow set the bot runs,
// the action names `flows check` checks against, and the bot itself for
// the "try it" panel.
type flowsView struct{ a *App }

// tryAddress is the throwaway contact of a dashboard try: a web chat
// address no browser cookie can hash to (those are hex).
func tryAddress(id string) channel.Address {
	return channel.Address{Channel: channel.WebChat, ExternalID: "dashtry-" + id}
}

func (v flowsView) Flows() *flow.Set  { return v.a.flowSet }
func (v flowsView) Actions() []string { return v.a.actionNames }

// Try implements web.FlowSource: the message goes through the bot exactly
// as a web chat message would.
func (v flowsView) Try(ctx context.Context, id string, in channel.Inbound) ([]channel.Outbound, error) {
	if v.a.Bot == nil {
		return nil, errors.New("try a flow: the bot is not built")
	}
	in.From = tryAddress(id)
	return v.a.Bot.Handle(ctx, in)
}

// EndTry implements web.FlowSource: the throwaway contact goes as a
// hapusdata request would take it (store.EraseContact, then its session
// and queued web chat messages).
func (v flowsView) EndTry(ctx context.Context, id, actor string) error {
	addr := tryAddress(id)
	c, err := v.a.DB.ContactByAddress(ctx, string(addr.Channel), addr.ExternalID)
	if errors.Is(err, contact.ErrNotFound) {
		return nil // never wrote
	}
	if err != nil {
		return fmt.Errorf("end a try: %w", err)
	}
	er, err := store.NewBusinessRepo(v.a.DB).EraseContact(ctx, c.ID, actor, time.Now())
	if err != nil {
		return fmt.Errorf("end a try: %w", err)
	}
	f := Forgetter{Sessions: v.a.Sessions, Redis: v.a.Redis, Prefix: v.a.Config.RedisPrefix, DataDir: v.a.Config.DataDir, DB: v.a.DB}
	if err := f.Forget(ctx, append(er.Addresses, addr), er.Media); err != nil {
		return fmt.Errorf("end a try: %w", err)
	}
	return nil
}
