package umkmactions

import (
	"context"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// The actions take the storage through the two narrow interfaces below,
// declared here where they are consumed; *store.BusinessRepo and *store.DB
// implement them (Register wires both from Deps.DB).

// register is the business register as the actions use it. Each write
// audits inside its own transaction.
type register interface {
	// RegisterBusiness inserts b (validated) with the next registration
	// number and its business.create audit entry by actor, atomically; a
	// *umkm.DuplicateError when the contact, phone or NIB already has a
	// live business.
	RegisterBusiness(ctx context.Context, b *umkm.Business, prefix, actor string, now time.Time) error
	GetBusiness(ctx context.Context, id int64) (*umkm.Business, error)
	// FindDuplicate returns the live business with the contact, phone or
	// NIB given (empty ones ignored) and which matched, or umkm.ErrNotFound.
	FindDuplicate(ctx context.Context, contactID int64, phone, nib string) (*umkm.Business, string, error)
	// BusinessesOf lists the live businesses linked to the contact or
	// carrying phone, the contact's verified phone.
	BusinessesOf(ctx context.Context, contactID int64, phone string) ([]umkm.Business, error)
	UpdateBusiness(ctx context.Context, b *umkm.Business, actor string, now time.Time) ([]umkm.Change, error)
	ClaimBusiness(ctx context.Context, token string, contactID int64, actor string, now time.Time) (*umkm.Business, error)
	EraseContact(ctx context.Context, contactID int64, actor string, now time.Time) (store.Erasure, error)
}

// people is the contacts' side: consents, the contact's own row, one-time
// codes and the audit of views.
type people interface {
	RecordConsent(ctx context.Context, c *contact.Consent) error
	HasConsent(ctx context.Context, contactID int64, purpose string) (bool, error)
	ConsentsOf(ctx context.Context, contactID int64) ([]contact.Consent, error)
	ContactByID(ctx context.Context, id int64) (contact.Contact, error)
	SetContactStopped(ctx context.Context, id int64, stopped bool) error
	ReachableByPhone(ctx context.Context, phone string) ([]contact.Contact, error)
	CreatePhoneCode(ctx context.Context, pc store.PhoneCode, now time.Time) error
	CheckPhoneCode(ctx context.Context, contactID int64, typed string, now time.Time) (phone string, left int, err error)
	AddAudit(ctx context.Context, at time.Time, actor, action, entity, entityID string, details any) error
	QuestionCounts(ctx context.Context, contactID int64) (all, open int, err error)
	// OutcomesOf lists the contact's answers about what came of events.
	OutcomesOf(ctx context.Context, contactID int64) ([]store.MyOutcome, error)
}
