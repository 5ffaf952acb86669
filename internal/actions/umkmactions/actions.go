// Package umkmactions holds the Go actions the registration, update,
// data-rights and record-linking flows run (`do: umkm.register`, ...).
// Ownership follows verified identity only (package contact): a record is
// the contact's when linked to them or carrying their verified phone. Register adds them to a
// bot.Actions registry. Every action reads the session's answers by the
// names the flows in flows/registration.yaml and flows/update.yaml save,
// writes through the two narrow storage interfaces of deps.go (internal/store
// implements them), and answers with values the flows branch
// on (reg_no, error_text, existing, ...). NIKs and phone numbers are masked
// in every log line.
package umkmactions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"jejaring/internal/bot"
	"jejaring/internal/channel"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// Deps is what the actions need.
type Deps struct {
	DB     *store.DB
	Data   *umkm.Data   // region and KBLI sections; nil loads the built-in default region
	Logger *slog.Logger // nil: slog.Default()
	Office string       // the data controller's name in the privacy notice
	// Forget removes, after an erasure has committed, what the database
	// does not hold: sessions and web chat queues in Redis, photo files.
	// nil: nothing outside the database is removed (tests without Redis).
	Forget Forgetter
}

// Forgetter removes an erased person's data kept outside the database: the
// Redis keys of each address (session, locks, dedupe markers, web chat
// queue) and the media files (photo references; ones that are not files
// under the data directory are left alone).
type Forgetter interface {
	Forget(ctx context.Context, addrs []channel.Address, media []string) error
}

type noForget struct{}

func (noForget) Forget(context.Context, []channel.Address, []string) error { return nil }

type actions struct {
	db     people
	repo   register
	data   *umkm.Data
	log    *slog.Logger
	office string
	forget Forgetter
}

// Action names.
const (
	ActNotice       = "umkm.notice"
	ActConsent      = "umkm.consent"
	ActFindExisting = "umkm.find_existing"
	ActSector       = "umkm.sector"
	ActClassify     = "umkm.classify"
	ActRegister     = "umkm.register"
	ActLoad         = "umkm.load"
	ActUpdate       = "umkm.update"
	ActMyData       = "umkm.mydata"
	ActDeleteData   = "umkm.delete_data"
	ActStop         = "umkm.stop"
	ActStart        = "umkm.start"
	ActSendCode     = "umkm.send_code"
	ActCheckCode    = "umkm.check_code"
)

// Names lists every action Register adds, for `flows check`.
func Names() []string {
	return []string{ActNotice, ActConsent, ActFindExisting, ActSector, ActClassify, ActRegister,
		ActLoad, ActUpdate, ActMyData, ActDeleteData, ActStop, ActStart, ActSendCode, ActCheckCode}
}

// Register adds the UMKM actions to a.
func Register(a bot.Actions, deps Deps) error {
	if deps.DB == nil {
		return errors.New("umkm actions: no database")
	}
	x := &actions{db: deps.DB, repo: store.NewBusinessRepo(deps.DB), data: deps.Data, log: deps.Logger, office: deps.Office, forget: deps.Forget}
	if x.forget == nil {
		x.forget = noForget{}
	}
	if x.log == nil {
		x.log = slog.Default()
	}
	if x.data == nil {
		d, err := umkm.LoadData("")
		if err != nil {
			return fmt.Errorf("umkm actions: %w", err)
		}
		x.data = d
	}
	for name, fn := range map[string]bot.Action{
		ActNotice: x.notice, ActConsent: x.consent, ActFindExisting: x.findExisting, ActSector: x.sector,
		ActClassify: x.classify, ActRegister: x.register, ActLoad: x.load, ActUpdate: x.update,
		ActMyData: x.myData, ActDeleteData: x.deleteData, ActStop: x.stop, ActStart: x.start,
		ActSendCode: x.sendCode, ActCheckCode: x.checkCode,
	} {
		if err := a.Register(name, fn); err != nil {
			return err
		}
	}
	return nil
}

func result(kv ...any) bot.ActionResult {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return bot.ActionResult{Answers: m}
}

// Reading answers: the engine keeps them as JSON values (numbers are
// float64 after a round trip through Redis).

func str(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return strings.TrimSpace(fmt.Sprint(v))
	}
}

func num(m map[string]any, k string) (int64, bool) {
	switch v := m[k].(type) {
	case float64:
		return int64(v), true
	case int:
		return int64(v), true
	case int64:
		return v, true
	case string:
		if v == "" {
			return 0, false
		}
		if n, err := idn.ParseMoney(v); err == nil {
			return n, true
		}
	}
	return 0, false
}

func numPtr(m map[string]any, k string) *int64 {
	if n, ok := num(m, k); ok {
		return &n
	}
	return nil
}

func intPtr(m map[string]any, k string) *int {
	if n, ok := num(m, k); ok {
		i := int(n)
		return &i
	}
	return nil
}

func boolean(m map[string]any, k string) bool {
	switch v := m[k].(type) {
	case bool:
		return v
	case string:
		return v == "true" || v == "ya" || v == "yes"
	}
	return false
}
