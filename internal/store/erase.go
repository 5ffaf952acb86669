package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"jejaring/internal/contact"
	"jejaring/internal/outbox"
	"jejaring/internal/umkm"
)

// Erasure is what EraseContact did, and what the caller must still remove
// outside the database once it has committed: the erased contacts' keys in
// Redis (sessions, web chat queues) and the photo files.
type Erasure struct {
	Businesses []int64          // anonymised businesses
	Contacts   []int64          // erased contacts (the asking one first)
	Addresses  []outbox.Address // those contacts' addresses before the erasure, for their Redis keys
	Media      []string         // photo references the businesses had (paths under DATA_DIR, or platform file ids)
	Seats      int              // "going" invitations released
	Cancelled  int              // pending outbox rows cancelled
}

// erasedPayload replaces every outbox payload of an erased contact.
const erasedPayload = `{}`

// EraseContact carries out a deletion request (hapusdata) in one
// transaction:
//
//   - the contacts erased are the asking one, every contact with the same
//     platform-verified phone (the same person on another channel), and the
//     contacts the erased businesses were linked to;
//   - the businesses (BusinessesOf with that phone) lose the owner's name,
//     phone, NIK, NIB, address, village, business name, products, KBLI code,
//     tags and photo, and are marked deleted; they keep their registration
//     number, size class (PP 7/2021, instead of capital and sales), kecamatan,
//     sector, workforce band and decade started, for the statistics;
//   - each contact loses phone, display name and platform id (replaced by
//     "erased-<id>": a WhatsApp id is the phone number), is stopped, loses
//     staff rights and gets erased_at;
//   - every invitation of theirs is declined, its seat released (the
//     waitlist is promoted as for any cancellation) and its check-in code
//     replaced;
//   - their questions to the office (and the answers) are deleted;
//   - their pending outbox rows of every kind are cancelled, and every
//     outbox row of theirs loses its payload (names, codes) and address;
//   - the audit details about those businesses and contacts are scrubbed;
//     one data.delete entry records the counts, with no personal data.
//
// The phone used to find the person's other contacts and records is the
// asking contact's stored phone, which the bot only ever sets from the
// platform (bot.go: WhatsApp's sender, a Telegram contact shared by its own
// user).
func (r *BusinessRepo) EraseContact(ctx context.Context, contactID int64, actor string, now time.Time) (Erasure, error) {
	var out Erasure
	now = now.UTC()
	err := r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		out = Erasure{}
		// Only a phone the platform vouched for (phone_source) finds the
		// person's other contacts and records; the store refuses any other
		// kind on a contact, and this keeps that true for old rows too.
		var phone, source string
		if err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT COALESCE(phone, ''), phone_source FROM contacts WHERE id = ?`), contactID).Scan(&phone, &source); err != nil {
			return fmt.Errorf("erase contact %d: %w", contactID, notFound(err, contact.ErrNotFound))
		}
		if !contact.PhoneSource(source).Verified() {
			phone = ""
		}
		bs, err := businessesOf(ctx, tx, contactID, phone)
		if err != nil {
			return fmt.Errorf("erase contact %d: %w", contactID, err)
		}
		ids := []int64{contactID}
		if phone != "" {
			var same []int64
			if err := tx.SelectContext(ctx, &same, tx.Rebind(`SELECT id FROM contacts WHERE phone = ? AND phone_source IN (?, ?, ?) ORDER BY id`), phone,
				contact.SourceWhatsAppSender, contact.SourceTelegramContact, contact.SourceOTP); err != nil {
				return fmt.Errorf("erase: contacts with the same phone: %w", err)
			}
			ids = append(ids, same...)
			// One-time codes others asked for this number hold it too.
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM phone_codes WHERE phone = ?`), phone); err != nil {
				return fmt.Errorf("erase: one-time codes of the phone: %w", err)
			}
		}
		for _, b := range bs {
			out.Businesses = append(out.Businesses, b.ID)
			if b.PhotoRef != "" {
				out.Media = append(out.Media, b.PhotoRef)
			}
			if b.ContactID != nil {
				ids = append(ids, *b.ContactID)
			}
		}
		for _, id := range ids {
			if !slices.Contains(out.Contacts, id) {
				out.Contacts = append(out.Contacts, id)
			}
		}
		for _, b := range bs {
			if err := anonymizeBusiness(ctx, tx, &b, now); err != nil {
				return err
			}
			// A partner's questions about a meeting name the business.
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outcomes SET counterpart = '' WHERE business_id = ? AND side = 'partner'`), b.ID); err != nil {
				return fmt.Errorf("erase: partners' questions naming business %d: %w", b.ID, err)
			}
		}
		n, err := eraseCampaignMessages(ctx, tx, out.Businesses, now) // reach_campaign.go
		if err != nil {
			return err
		}
		out.Cancelled += n
		events := map[int64]bool{} // events where a seat was freed
		for _, id := range out.Contacts {
			addr, err := eraseContactRow(ctx, tx, id, now)
			if err != nil {
				return err
			}
			out.Addresses = append(out.Addresses, addr)
			seats, err := declineInvitations(ctx, tx, id, now, events)
			if err != nil {
				return err
			}
			out.Seats += seats
			if err := eraseOutcomes(ctx, tx, id); err != nil {
				return err
			}
			n, err := eraseOutbox(ctx, tx, id, now)
			if err != nil {
				return err
			}
			out.Cancelled += n
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE audit_log SET details = ? WHERE entity = 'contact' AND entity_id = ?`),
				`{"scrubbed":"data deleted on request"}`, strconv.FormatInt(id, 10)); err != nil {
				return fmt.Errorf("scrub audit of contact %d: %w", id, err)
			}
		}
		er := &EventRepo{db: r.db}
		evIDs := make([]int64, 0, len(events))
		for id := range events {
			evIDs = append(evIDs, id)
		}
		slices.Sort(evIDs)
		for _, id := range evIDs {
			ev, err := er.eventQ(ctx, tx, id, true)
			if err != nil {
				return fmt.Errorf("erase: event %d: %w", id, err)
			}
			if _, err := er.promote(ctx, tx, ev, now); err != nil {
				return fmt.Errorf("erase: event %d: %w", id, err)
			}
		}
		return addAudit(ctx, tx, r.db.Dialect, now, actor, AuditDataDelete, "contact", strconv.FormatInt(contactID, 10),
			map[string]any{"businesses": out.Businesses, "contacts": out.Contacts, "seats_released": out.Seats, "outbox_cancelled": out.Cancelled})
	})
	if err != nil {
		return Erasure{}, err
	}
	return out, nil
}

// anonymizeBusiness blanks what names or points at the owner and keeps the
// statistics in bands (umkm.WorkersBand, umkm.Decade, the size class).
func anonymizeBusiness(ctx context.Context, tx *sqlx.Tx, b *umkm.Business, now time.Time) error {
	band := ""
	if b.Workers != nil {
		band = umkm.WorkersBand(*b.Workers)
	}
	var decade any
	if b.YearStarted != nil && *b.YearStarted > 0 {
		decade = umkm.Decade(*b.YearStarted)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE businesses SET contact_id = NULL, owner_name = '',
		owner_phone = NULL, nik = NULL, nib = NULL, name = '', address = '', village = '', photo_ref = '',
		products = '', tags = '', kbli_code = '', claim_token = NULL, capital = NULL, annual_sales = NULL, workers = NULL, year_started = NULL,
		workers_band = ?, started_decade = ?, show_to_partners = ?, updated_at = ?, deleted_at = ? WHERE id = ?`),
		band, decade, false, now, now, b.ID); err != nil {
		return fmt.Errorf("anonymize business %d: %w", b.ID, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE audit_log SET details = ? WHERE entity = 'business' AND entity_id = ?`),
		`{"scrubbed":"data deleted on request"}`, strconv.FormatInt(b.ID, 10)); err != nil {
		return fmt.Errorf("scrub audit of business %d: %w", b.ID, err)
	}
	return nil
}

// eraseContactRow blanks one contact and returns its address as it was.
func eraseContactRow(ctx context.Context, tx *sqlx.Tx, id int64, now time.Time) (outbox.Address, error) {
	var ch, ext string
	if err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT channel, external_id FROM contacts WHERE id = ?`), id).Scan(&ch, &ext); err != nil {
		return outbox.Address{}, fmt.Errorf("erase contact %d: %w", id, notFound(err, contact.ErrNotFound))
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM phone_codes WHERE contact_id = ?`), id); err != nil {
		return outbox.Address{}, fmt.Errorf("erase one-time codes of contact %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM questions WHERE contact_id = ?`), id); err != nil {
		return outbox.Address{}, fmt.Errorf("erase questions of contact %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE contacts SET phone = NULL, phone_source = '', phone_verified_at = NULL, display_name = '', external_id = ?,
		stopped = ?, is_staff = ?, staff_user_id = NULL, erased_at = ? WHERE id = ?`),
		"erased-"+strconv.FormatInt(id, 10), true, false, now, id); err != nil {
		return outbox.Address{}, fmt.Errorf("anonymize contact %d: %w", id, err)
	}
	return outbox.Address{Channel: outbox.ChannelName(ch), ExternalID: ext}, nil
}

// declineInvitations declines every open invitation of the contact,
// releasing its seats and replacing its check-in code; it adds the events of
// released seats to freed and returns how many "going" invitations it
// released.
func declineInvitations(ctx context.Context, tx *sqlx.Tx, contactID int64, now time.Time, freed map[int64]bool) (int, error) {
	var invs []struct {
		ID      int64  `db:"id"`
		EventID int64  `db:"event_id"`
		Status  string `db:"status"`
	}
	if err := tx.SelectContext(ctx, &invs, tx.Rebind(`SELECT id, event_id, status FROM invitations WHERE contact_id = ? ORDER BY id`), contactID); err != nil {
		return 0, fmt.Errorf("erase: invitations of contact %d: %w", contactID, err)
	}
	seats := 0
	for _, inv := range invs {
		var b [16]byte
		_, _ = rand.Read(b[:])
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE invitations SET status = 'declined', party_size = 0, needs = '',
			checkin_code = ?, answered_at = ?, waitlisted_at = NULL WHERE id = ?`), "erased-"+hex.EncodeToString(b[:]), now, inv.ID); err != nil {
			return 0, fmt.Errorf("erase: decline invitation %d: %w", inv.ID, err)
		}
		if inv.Status == "going" {
			seats++
			freed[inv.EventID] = true
		}
	}
	return seats, nil
}

// eraseOutbox cancels the contact's pending rows of every kind and blanks
// the payload and address of all its rows; it returns how many it cancelled.
func eraseOutbox(ctx context.Context, tx *sqlx.Tx, contactID int64, now time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET status = 'cancelled', last_error = ?, updated_at = ?
		WHERE contact_id = ? AND status = 'pending'`), "data erased on request", now, contactID)
	if err != nil {
		return 0, fmt.Errorf("erase: cancel outbox of contact %d: %w", contactID, err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET payload = ?, external_id = '',
		last_error = CASE WHEN status = 'cancelled' THEN last_error ELSE '' END WHERE contact_id = ?`), erasedPayload, contactID); err != nil {
		return 0, fmt.Errorf("erase: blank outbox of contact %d: %w", contactID, err)
	}
	return int(n), nil
}
