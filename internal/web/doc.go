// Package web is the staff dashboard: the office's side of Jejaring in a
// browser, served by the same binary at /login, /logout and /dashboard/.
//
// Pages are rendered on the server with html/template and work without
// JavaScript: every action is an ordinary form, so a staff phone with a
// weak connection, a screen reader or a locked-down office browser gets
// the same dashboard. The stylesheet is embedded (embed.FS) and served
// from /dashboard/assets/; nothing comes from a CDN and there is no build
// chain. Charts are SVG drawn here: the dashboard needs bars and funnels,
// a few rectangles each, which a template draws in fewer lines than a
// chart library would take to configure, and they print, scale and show
// without script. Each chart has its numbers in a table beside it and a
// CSV download. No htmx either, for now: full page loads are fast enough
// (docs/benchmarks.md); part 2's live broadcast funnel will need a small
// script for server-sent events.
//
// Security: a sign-in is a random 128-bit id in an HttpOnly, SameSite=Lax
// cookie (Secure over HTTPS), kept in Redis under its SHA-256 with an idle
// and an absolute timeout; the user and role are read from the database on
// every request, so disabling a user or changing a role takes effect at
// once. Roles (viewer < staff < admin) are checked on the server for every
// route. Every state-changing request passes Go's
// http.CrossOriginProtection. Sign-in attempts are limited per account
// and per address (Redis, GCRA). The audit log records sign-in, sign-out,
// each opened business page, each full view of NIK and phone (with the
// reason asked for), each export and each change.
//
// Part 2's door, channels and flows pages (checkin.go, channels.go,
// flows.go) add small scripts where a browser must do the work: reading a
// QR with the camera and keeping scans on the phone through a dropped
// connection, streaming a WhatsApp pairing (server-sent events), drawing
// Mermaid diagrams, the try-it chat. Their libraries are vendored from npm
// (assets/vendor/). Typed codes and name search still work as plain forms.
//
// The package has no SQL of its own and does not hold a *store.DB: each
// page depends on a narrow interface declared here (stores.go), and
// internal/app passes the store's types in Options.
package web
