package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// What the retention job keeps, and for how long (the privacy notice,
// internal/umkm/notice.go, states the default periods):
//
//   - conversations (sessions) expire in Redis after SESSION_TTL on their
//     own; nothing to do here;
//   - web chat visitors who gave no consent and registered nothing:
//     WEBCHAT_RETENTION after their last message (addWebChatRetention);
//   - received photos and documents under DATA_DIR/whatsapp/media and
//     DATA_DIR/webchat/media that no business (not deleted) uses:
//     MEDIA_RETENTION after they arrived (PruneMedia);
//   - finished outbox rows keep their text for OUTBOX_RETENTION, then only
//     the row, so the counts stay (ScrubOutbox).

// addRetention runs PruneMedia and ScrubOutbox at start, then every hour.
// Replicas may run it together: each file and row is handled once.
func (a *App) addRetention() {
	a.AddLoop("retention", func(ctx context.Context) error {
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			now := time.Now()
			if n, err := a.PruneMedia(ctx, now); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				a.Log.Warn("media retention", "err", err)
			} else if n > 0 {
				a.Log.Info("media retention: removed unused files", "files", n, "retention", a.Config.MediaRetention)
			}
			if n, err := a.ScrubOutbox(ctx, now); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				a.Log.Warn("outbox retention", "err", err)
			} else if n > 0 {
				a.Log.Info("outbox retention: emptied old messages", "rows", n, "retention", a.Config.OutboxRetention)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
}

// ScrubOutbox empties, in batches, the text of outbox rows finished more
// than OUTBOX_RETENTION before now, and returns how many.
func (a *App) ScrubOutbox(ctx context.Context, now time.Time) (int64, error) {
	before := now.Add(-a.Config.OutboxRetention)
	var total int64
	for {
		n, err := a.DB.ScrubOutboxPayloads(ctx, before, retentionBatch)
		total += n
		if err != nil || n < retentionBatch {
			return total, err
		}
	}
}

// PruneMedia deletes the received files under DATA_DIR's media folders
// older than MEDIA_RETENTION that no business (not deleted) names as its
// photo, then the month folders left empty, and returns how many files
// went. A file is matched to a photo_ref by its path from the media
// folder on (whatsapp/media/2026-11/ABC.jpg), so a DATA_DIR given as a
// relative or an absolute path finds the same files.
func (a *App) PruneMedia(ctx context.Context, now time.Time) (int, error) {
	refs, err := a.DB.PhotoRefsInUse(ctx)
	if err != nil {
		return 0, err
	}
	inUse := make(map[string]bool, len(refs))
	for _, r := range refs {
		inUse[mediaKey(r)] = true
	}
	cutoff := now.Add(-a.Config.MediaRetention)
	removed := 0
	for _, d := range mediaDirs {
		root := filepath.Join(a.Config.DataDir, d)
		var dirs []string
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if e.IsDir() {
				if p != root {
					dirs = append(dirs, p)
				}
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return nil // gone meanwhile
			}
			if !info.ModTime().Before(cutoff) || inUse[mediaKey(p)] {
				return nil
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", p, err)
			}
			removed++
			return nil
		})
		if err != nil {
			return removed, fmt.Errorf("media retention in %s: %w", root, err)
		}
		for i := len(dirs) - 1; i >= 0; i-- {
			_ = os.Remove(dirs[i]) // only succeeds when empty
		}
	}
	return removed, nil
}

// mediaKey is a media path from its "whatsapp/media/" or "webchat/media/"
// on, with forward slashes; a path outside them is itself, cleaned.
func mediaKey(p string) string {
	s := filepath.ToSlash(filepath.Clean(p))
	for _, d := range mediaDirs {
		m := filepath.ToSlash(d) + "/"
		if strings.HasPrefix(s, m) {
			return s
		}
		if i := strings.LastIndex(s, "/"+m); i >= 0 {
			return s[i+1:]
		}
	}
	return s
}
