package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/idn"
	"jejaring/internal/outbox"
	"jejaring/internal/umkm"
	"jejaring/internal/umkm/reach"
)

// The first-contact campaign's storage (migration 00410). Its messages
// are outbox rows (kind campaign) with the dedupe key reach:first:<phone>,
// so no number is ever written to twice, by this campaign or a later one;
// reach_campaign_messages ties them to their campaign. All its state is in
// the database, so a restart resumes it where it was.

// Audit actions of the campaign.
const (
	AuditCampaignStart = "reach.campaign_start"
	AuditCampaignStop  = "reach.campaign_stop"
	AuditLetters       = "reach.letters"
)

// campaignKey is the outbox dedupe key of the first contact to phone.
const campaignKeyPrefix = "reach:first:"

type campaignRow struct {
	ID          int64      `db:"id"`
	Status      string     `db:"status"`
	RegionCodes string     `db:"region_codes"`
	DailyCap    int        `db:"daily_cap"`
	StartedBy   string     `db:"started_by"`
	StartedAt   time.Time  `db:"started_at"`
	NextAt      time.Time  `db:"next_at"`
	StoppedAt   *time.Time `db:"stopped_at"`
	StopReason  string     `db:"stop_reason"`
}

const campaignCols = `id, status, region_codes, daily_cap, started_by, started_at, next_at, stopped_at, stop_reason`

func (c campaignRow) campaign() reach.Campaign {
	out := reach.Campaign{ID: c.ID, Status: c.Status, DailyCap: c.DailyCap, StartedBy: c.StartedBy, StartedAt: c.StartedAt,
		NextAt: c.NextAt, StoppedAt: c.StoppedAt, StopReason: c.StopReason, Messages: map[string]int{}}
	if c.RegionCodes != "" {
		out.RegionCodes = strings.Split(c.RegionCodes, ",")
	}
	return out
}

// StartCampaign starts a first-contact campaign to the imported phones of
// regionCodes (none: every kecamatan) at dailyCap; reach.ErrCampaignRunning
// when one is running. It is audited with who started it.
func (r *BusinessRepo) StartCampaign(ctx context.Context, regionCodes []string, dailyCap int, actor string, now time.Time) (reach.Campaign, error) {
	if dailyCap < 1 || dailyCap > reach.MaxDailyCap {
		return reach.Campaign{}, fmt.Errorf("start campaign: daily cap %d is not 1 to %d", dailyCap, reach.MaxDailyCap)
	}
	now = now.UTC()
	var c reach.Campaign
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM reach_campaigns WHERE status = 'running'`); err != nil {
			return fmt.Errorf("start campaign: %w", err)
		}
		if n > 0 {
			return reach.ErrCampaignRunning
		}
		codes := strings.Join(regionCodes, ",")
		id, err := InsertID(ctx, tx, r.db.Dialect, `INSERT INTO reach_campaigns (status, region_codes, daily_cap, started_by, started_at, next_at)
 VALUES ('running', ?, ?, ?, ?, ?)`, codes, dailyCap, actor, now, now)
		if err != nil {
			return fmt.Errorf("start campaign: %w", err)
		}
		c = campaignRow{ID: id, Status: reach.CampaignRunning, RegionCodes: codes, DailyCap: dailyCap, StartedBy: actor, StartedAt: now, NextAt: now}.campaign()
		return addAudit(ctx, tx, r.db.Dialect, now, actor, AuditCampaignStart, "reach_campaign", strconv.FormatInt(id, 10),
			map[string]any{"region_codes": regionCodes, "daily_cap": dailyCap})
	})
	return c, err
}

// StopCampaign stops the running campaign, withdrawing its messages not
// yet sent (a message being sent right now goes out); reach.ErrNoCampaign
// when none runs.
func (r *BusinessRepo) StopCampaign(ctx context.Context, actor, reason string, now time.Time) error {
	return r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		c, err := r.runningCampaign(ctx, tx)
		if err != nil {
			return err
		}
		return r.stopCampaign(ctx, tx, c.ID, actor, reason, now)
	})
}

func (r *BusinessRepo) stopCampaign(ctx context.Context, tx *sqlx.Tx, id int64, actor, reason string, now time.Time) error {
	now = now.UTC()
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE reach_campaigns SET status = 'stopped', stopped_at = ?, stop_reason = ? WHERE id = ?`),
		now, truncate(reason, 500), id); err != nil {
		return fmt.Errorf("stop campaign %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET status = 'cancelled', last_error = ?, updated_at = ?
 WHERE status = 'pending' AND id IN (SELECT outbox_id FROM reach_campaign_messages WHERE campaign_id = ?)`),
		"campaign stopped", now, id); err != nil {
		return fmt.Errorf("stop campaign %d: withdraw messages: %w", id, err)
	}
	return addAudit(ctx, tx, r.db.Dialect, now, actor, AuditCampaignStop, "reach_campaign", strconv.FormatInt(id, 10),
		map[string]any{"reason": reason})
}

// runningCampaign locks and returns the running campaign
// (reach.ErrNoCampaign when none).
func (r *BusinessRepo) runningCampaign(ctx context.Context, tx *sqlx.Tx) (campaignRow, error) {
	lock := ""
	if r.db.IsPostgres() {
		lock = " FOR UPDATE"
	}
	var c campaignRow
	err := tx.GetContext(ctx, &c, `SELECT `+campaignCols+` FROM reach_campaigns WHERE status = 'running'`+lock)
	if noRows(err) {
		return c, reach.ErrNoCampaign
	}
	if err != nil {
		return c, fmt.Errorf("running campaign: %w", err)
	}
	return c, nil
}

// LatestCampaign is the running campaign, else the last one, with the
// counts of its messages; reach.ErrNoCampaign when there was never one.
func (r *BusinessRepo) LatestCampaign(ctx context.Context) (reach.Campaign, error) {
	var c campaignRow
	err := r.db.GetContext(ctx, &c, `SELECT `+campaignCols+` FROM reach_campaigns ORDER BY CASE WHEN status = 'running' THEN 0 ELSE 1 END, id DESC LIMIT 1`)
	if noRows(err) {
		return reach.Campaign{}, reach.ErrNoCampaign
	}
	if err != nil {
		return reach.Campaign{}, fmt.Errorf("latest campaign: %w", err)
	}
	out := c.campaign()
	rows, err := r.db.QueryxContext(ctx, r.db.Rebind(`SELECT COALESCE(o.status, 'gone'), COUNT(*) FROM reach_campaign_messages m
 LEFT JOIN outbox o ON o.id = m.outbox_id WHERE m.campaign_id = ? GROUP BY COALESCE(o.status, 'gone')`), c.ID)
	if err != nil {
		return out, fmt.Errorf("campaign %d messages: %w", c.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return out, fmt.Errorf("campaign %d messages: %w", c.ID, err)
		}
		out.Messages[st] += n
		out.Queued += n
	}
	return out, rows.Err()
}

// CampaignLeft counts the records a campaign to regionCodes would still
// write to: imported phones whose owner never wrote to us, not written to
// before, not stopped.
func (r *BusinessRepo) CampaignLeft(ctx context.Context, regionCodes []string) (int, error) {
	where, args := campaignTargets(regionCodes)
	var n int
	if err := r.db.GetContext(ctx, &n, r.db.Rebind(`SELECT COUNT(*) FROM businesses b WHERE `+where), args...); err != nil {
		return 0, fmt.Errorf("campaign targets: %w", err)
	}
	return n, nil
}

// campaignTargets: live records with a phone, linked to no chat, whose
// phone was never written to by a campaign, and whose phone's chats (if
// any) did not stop or block us.
func campaignTargets(regionCodes []string) (string, []any) {
	where := `b.deleted_at IS NULL AND b.contact_id IS NULL AND COALESCE(b.owner_phone, '') <> ''
 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = '` + campaignKeyPrefix + `' || b.owner_phone)
 AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.phone = b.owner_phone AND (c.stopped OR c.blocked))`
	var args []any
	if len(regionCodes) > 0 {
		where += ` AND b.region_code IN (?` + strings.Repeat(", ?", len(regionCodes)-1) + `)`
		for _, c := range regionCodes {
			args = append(args, c)
		}
	}
	return where, args
}

// CampaignTick is one step of the running campaign at now: it reads the
// campaign's state (its messages' outcomes, today's count, the first day
// ever), asks pace (with the campaign's own daily cap) what to do, and
// does it in the same transaction — stop at a warning (paused is the
// WhatsApp channel's own pause, with its note), queue the next message
// through the outbox and draw the next random gap, or finish when nobody
// is left. It returns the step taken; reach.ErrNoCampaign when none runs.
func (r *BusinessRepo) CampaignTick(ctx context.Context, pace reach.Pace, office reach.Office, paused bool, pauseNote string, rng *rand.Rand, now time.Time) (reach.Step, error) {
	var step reach.Step
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		c, err := r.runningCampaign(ctx, tx)
		if err != nil {
			return err
		}
		st := reach.State{NextAt: c.NextAt, Paused: paused, PauseNote: pauseNote}
		if err := tx.SelectContext(ctx, &st.Outcomes, tx.Rebind(`SELECT o.status AS status, o.last_error AS lasterror FROM reach_campaign_messages m
 JOIN outbox o ON o.id = m.outbox_id WHERE m.campaign_id = ?`), c.ID); err != nil {
			return fmt.Errorf("campaign %d outcomes: %w", c.ID, err)
		}
		local := now.In(idn.WIB)
		dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, idn.WIB).UTC()
		if err := tx.GetContext(ctx, &st.SentToday, tx.Rebind(`SELECT COUNT(*) FROM reach_campaign_messages WHERE queued_at >= ?`), dayStart); err != nil {
			return fmt.Errorf("campaign today: %w", err)
		}
		var first []time.Time
		if err := tx.SelectContext(ctx, &first, `SELECT queued_at FROM reach_campaign_messages ORDER BY queued_at LIMIT 1`); err != nil {
			return fmt.Errorf("campaign first day: %w", err)
		}
		if len(first) > 0 {
			st.FirstDay = first[0]
		}
		pace.DailyCap = c.DailyCap
		step = pace.Next(st, now, rng)
		switch step.Kind {
		case reach.Stop:
			return r.stopCampaign(ctx, tx, c.ID, "system", step.Reason, now)
		case reach.Send:
			sent, err := r.queueFirstContact(ctx, tx, c, office, now)
			if err != nil {
				return err
			}
			if !sent {
				step = reach.Step{Kind: reach.Stop, Reason: "finished: nobody left to write to"}
				_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE reach_campaigns SET status = 'finished', stopped_at = ?, stop_reason = ? WHERE id = ?`),
					now.UTC(), "", c.ID)
				return err
			}
			_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE reach_campaigns SET next_at = ? WHERE id = ?`), now.Add(step.Gap).UTC(), c.ID)
			return err
		}
		return nil
	})
	return step, err
}

// queueFirstContact queues the campaign's message to its next target;
// false when there is none left.
func (r *BusinessRepo) queueFirstContact(ctx context.Context, tx *sqlx.Tx, c campaignRow, office reach.Office, now time.Time) (bool, error) {
	var codes []string
	if c.RegionCodes != "" {
		codes = strings.Split(c.RegionCodes, ",")
	}
	where, args := campaignTargets(codes)
	var t struct {
		ID    int64  `db:"id"`
		Phone string `db:"owner_phone"`
		Owner string `db:"owner_name"`
		Name  string `db:"name"`
		Token string `db:"claim_token"`
	}
	err := tx.GetContext(ctx, &t, tx.Rebind(`SELECT b.id, b.owner_phone, b.owner_name, b.name, COALESCE(b.claim_token, '') AS claim_token
 FROM businesses b WHERE `+where+` ORDER BY b.id LIMIT 1`), args...)
	if noRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("campaign next target: %w", err)
	}
	if _, ok := umkm.NormalizeClaimToken(t.Token); !ok {
		if t.Token, err = umkm.NewClaimToken(); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET claim_token = ? WHERE id = ?`), t.Token, t.ID); err != nil {
			return false, fmt.Errorf("campaign claim token: %w", err)
		}
	}
	msg := outbox.Message{
		Kind: outbox.KindCampaign, To: outbox.Address{Channel: outbox.WhatsApp, ExternalID: strings.TrimPrefix(t.Phone, "+")},
		DedupeKey: campaignKeyPrefix + t.Phone, Priority: outbox.PriorityCampaign, NotBefore: now,
		Payload: outbox.Payload{Text: reach.FirstContactText(office, t.Owner, t.Name, t.Token, now), Lang: "id", FirstContact: true},
	}
	if _, err := Enqueue(ctx, tx, []outbox.Message{msg}, now); err != nil {
		return false, err
	}
	var oid int64
	if err := tx.GetContext(ctx, &oid, tx.Rebind(`SELECT id FROM outbox WHERE dedupe_key = ?`), msg.DedupeKey); err != nil {
		return false, fmt.Errorf("campaign message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO reach_campaign_messages (campaign_id, business_id, outbox_id, queued_at) VALUES (?, ?, ?, ?)`),
		c.ID, t.ID, oid, now.UTC()); err != nil {
		return false, fmt.Errorf("campaign message: %w", err)
	}
	return true, nil
}

// MaxLetters is the most letters one document holds.
const MaxLetters = 2000

// LetterBusinesses returns the live businesses of s (at most MaxLetters),
// each with a claim token (one is issued where missing), for letters; it
// audits the issue (reach.letters: who, how many, which records; the
// tokens are not written).
func (r *BusinessRepo) LetterBusinesses(ctx context.Context, s umkm.Search, actor string, now time.Time) ([]umkm.Business, error) {
	s.Export = true
	page, err := r.SearchBusinesses(ctx, s)
	if err != nil {
		return nil, err
	}
	bs := page.Businesses
	if len(bs) > MaxLetters {
		bs = bs[:MaxLetters]
	}
	regs := make([]string, len(bs))
	err = r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range bs {
			regs[i] = bs[i].RegNo
			if _, ok := umkm.NormalizeClaimToken(bs[i].ClaimToken); ok {
				continue
			}
			tok, err := umkm.NewClaimToken()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET claim_token = ? WHERE id = ?`), tok, bs[i].ID); err != nil {
				return fmt.Errorf("letters: claim token of %s: %w", bs[i].RegNo, err)
			}
			bs[i].ClaimToken = tok
		}
		return addAudit(ctx, tx, r.db.Dialect, now.UTC(), actor, AuditLetters, "business", "",
			map[string]any{"count": len(bs), "reg_nos": regs, "reach": s.Reach, "region_codes": s.RegionCodes})
	})
	if err != nil {
		return nil, err
	}
	return bs, nil
}

// eraseCampaignMessages blanks the first-contact messages sent to the
// businesses erased on request (EraseContact): those outbox rows have no
// contact, so the contact's own erasure does not reach them. A pending
// one is cancelled; every one loses its text, address and the phone in
// its dedupe key.
func eraseCampaignMessages(ctx context.Context, tx *sqlx.Tx, businessIDs []int64, now time.Time) (int, error) {
	cancelled := 0
	for _, id := range businessIDs {
		sub := `id IN (SELECT outbox_id FROM reach_campaign_messages WHERE business_id = ?)`
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET status = 'cancelled', last_error = ?, updated_at = ? WHERE status = 'pending' AND `+sub),
			"data erased on request", now, id)
		if err != nil {
			return 0, fmt.Errorf("erase campaign messages of business %d: %w", id, err)
		}
		n, _ := res.RowsAffected()
		cancelled += int(n)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET payload = ?, external_id = '', dedupe_key = ? || CAST(id AS TEXT),
			last_error = CASE WHEN status = 'cancelled' THEN last_error ELSE '' END WHERE `+sub), erasedPayload, campaignKeyPrefix+"erased-", id); err != nil {
			return 0, fmt.Errorf("erase campaign messages of business %d: %w", id, err)
		}
	}
	return cancelled, nil
}
