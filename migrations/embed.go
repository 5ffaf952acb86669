// Package migrations carries the SQL migrations of both dialects inside the
// binary. Each dialect has its own folder with the same version numbers, so a
// database of either kind goes through the same history; where PostgreSQL and
// SQLite must differ, the files differ and the Go code does not.
//
// Version ranges keep parallel work from colliding: 1–99 the foundation
// (contacts, businesses, consents, staff, audit), 100–199 UMKM registration,
// 200–299 events and the outbox, 300–399 channels.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
