package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/channel"
	"jejaring/internal/channel/webchat"
	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/session"
	"jejaring/internal/store"
)

// mediaDirs are the folders under DATA_DIR where channels save received
// photos; an erased business's photo is deleted only when it lies in one.
var mediaDirs = []string{filepath.Join("webchat", "media"), filepath.Join("whatsapp", "media")}

// Forgetter removes an erased person's data kept outside the database
// (umkmactions.Forgetter): each address's session and dedupe markers, a web
// chat client's queued messages, a WhatsApp partner's names in whatsmeow's
// tables, and photo files saved under DataDir.
type Forgetter struct {
	Sessions *session.Store
	Redis    redis.UniversalClient
	Prefix   string // REDIS_PREFIX, as given to the web chat
	DataDir  string
	// DB holds whatsmeow's tables too: a WhatsApp partner's push name and
	// LID mapping are deleted there (whatsapp.ForgetChat). nil: skipped.
	DB *store.DB
}

// Forget implements umkmactions.Forgetter. It goes on after a failure and
// returns every error joined.
func (f Forgetter) Forget(ctx context.Context, addrs []channel.Address, media []string) error {
	var errs []error
	for _, a := range addrs {
		if err := f.Sessions.Forget(ctx, a); err != nil {
			errs = append(errs, err)
		}
		if a.Channel == channel.WhatsApp && f.DB != nil {
			// The store's own pool: ForgetChat holds no transaction
			// while it queries, so one SQLite connection is enough.
			if err := whatsapp.ForgetChat(ctx, f.DB.DB.DB, f.DB.Dialect, a.ExternalID); err != nil {
				errs = append(errs, err)
			}
		}
		if a.Channel == channel.WebChat {
			if err := webchat.ForgetClient(ctx, f.Redis, f.Prefix, a.ExternalID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, ref := range media {
		path, ok := f.mediaFile(ref)
		if !ok {
			continue // a platform file id (Telegram), not a file of ours
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove photo: %w", err))
		}
	}
	return errors.Join(errs...)
}

// mediaFile resolves a photo reference to a file under one of the media
// folders of DataDir; anything else (a Telegram file id, a path outside)
// is not ours to delete.
func (f Forgetter) mediaFile(ref string) (string, bool) {
	if f.DataDir == "" || ref == "" {
		return "", false
	}
	root, err := filepath.Abs(f.DataDir)
	if err != nil {
		return "", false
	}
	// The channels save under filepath.Join(DataDir, ...): a relative
	// DataDir gives a reference relative to the working directory.
	p, err := filepath.Abs(ref)
	if err != nil {
		return "", false
	}
	for _, d := range mediaDirs {
		if strings.HasPrefix(p, filepath.Join(root, d)+string(filepath.Separator)) {
			return p, true
		}
	}
	return "", false
}
