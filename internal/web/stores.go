package web

import (
	"context"
	"time"

	"jejaring/internal/contact"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// The dashboard's dependencies, one narrow interface per page or concern.
// internal/app wires the store's types into Options (store.DB,
// store.BusinessRepo, store.EventRepo satisfy them); tests may pass
// fakes. No handler reaches the database any other way.

// StaffStore is sign-in, the users page and the phone links (store.DB).
type StaffStore interface {
	CheckStaffPassword(ctx context.Context, username, password string) (store.StaffUser, error)
	StaffByUsername(ctx context.Context, username string) (store.StaffUser, error)
	ListStaff(ctx context.Context) ([]store.StaffUser, error)
	AddStaffRole(ctx context.Context, username, password, role, actor string, now time.Time) (store.StaffUser, error)
	SetStaffRole(ctx context.Context, username, role, actor string, now time.Time) error
	SetStaffDisabled(ctx context.Context, username string, disabled bool, actor string, now time.Time) error
	SetStaffPassword(ctx context.Context, username, password, actor string, now time.Time) error
	NewLinkCode(ctx context.Context, username, actor string, now time.Time) (code string, expires time.Time, err error)
	ListStaffContacts(ctx context.Context) ([]store.StaffContact, error)
}

// AuditLog writes the audit log and reads one record's history
// (store.DB).
type AuditLog interface {
	AddAudit(ctx context.Context, at time.Time, actor, action, entity, entityID string, details any) error
	AuditFor(ctx context.Context, entity, entityID string) ([]store.AuditEntry, error)
}

// BusinessStore is the business page, its edit form and the form for a
// new business (store.BusinessRepo).
type BusinessStore interface {
	GetBusiness(ctx context.Context, id int64) (*umkm.Business, error)
	RegisterBusiness(ctx context.Context, b *umkm.Business, prefix, actor string, now time.Time) error
	UpdateBusiness(ctx context.Context, b *umkm.Business, actor string, now time.Time) ([]umkm.Change, error)
}

// DirectoryStore is the directory's search and its export
// (store.BusinessRepo).
type DirectoryStore interface {
	SearchBusinesses(ctx context.Context, s umkm.Search) (umkm.SearchPage, error)
}

// StatsStore is the home page's figures (store.BusinessRepo).
type StatsStore interface {
	BusinessStats(ctx context.Context) (umkm.Stats, error)
	BusinessesPerWeek(ctx context.Context, since, now time.Time) ([]umkm.Week, error)
}

// ContactStore is a business's chat contact and its consents on the
// business page (store.DB).
type ContactStore interface {
	ContactByID(ctx context.Context, id int64) (contact.Contact, error)
	ConsentsOf(ctx context.Context, contactID int64) ([]contact.Consent, error)
}

// EventStore is the events: a contact's invitations, past ones included,
// on the business page, and the events held on the home page
// (store.EventRepo).
type EventStore interface {
	InvitationsOf(ctx context.Context, contactID int64) ([]store.MyInvitation, error)
	EventFigures(ctx context.Context, now time.Time) (store.EventFigures, error)
}
