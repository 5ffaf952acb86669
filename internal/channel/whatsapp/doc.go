// Package whatsapp is Jejaring's WhatsApp channel: it links to the office's
// WhatsApp number as a linked device through go.mau.fi/whatsmeow, turns what
// owners send into channel.Inbound for the bot, and renders channel.Outbound
// with what a linked device can do — numbered choices as plain text ("Balas
// dengan angka 1–3"), polls as an optional extra, images and documents.
//
// The device session lives in Jejaring's own database through whatsmeow's SQL
// store (PostgreSQL or SQLite, the whatsmeow_* tables), so a restart keeps the
// link. The adapter takes what whatsmeow takes, a *sql.DB and the dialect
// name (Config.DB, Config.Dialect), and runs no query of Jejaring's own
// tables: what it must know of Jejaring's records it asks through two
// lookups internal/app wires (Config.LastSent, Config.LastSeen). Nothing here may stop the rest of Jejaring: when WhatsApp is
// unreachable the adapter retries with backoff and reports the reason through
// Health; when the phone logs the device out it stops and says how to re-link;
// when another process takes the session over it steps aside instead of
// fighting; a temporary ban pauses bulk sending (Paused).
//
// Decisions worth knowing:
//   - A contact's ExternalID is the phone number in digits without "+"
//     ("6281234567890") whenever the phone is known — from the sender JID, the
//     alternate JID WhatsApp sends with a hidden (LID) sender, or whatsmeow's
//     LID mapping — and the full LID JID ("123456789@lid") otherwise. Send
//     accepts either form, and "+62…" too.
//   - Incoming messages are handled one at a time per chat, in order; different
//     chats run in parallel up to Config.Workers.
//   - WhatsApp has no buttons, so the adapter remembers the numbered list
//     last shown to each contact and turns "2" (or an option's exact words)
//     into that option's value, as a pressed button — this is what makes
//     "1. Hadir" under an outbox invitation work, since no conversation holds
//     it. A message without choices ends the list; multi-choice lists are
//     left to the engine. After a restart the memory is empty and a bare
//     number is matched against the last outbox message sent to the
//     contact (Config.LastSent), if they have not written since it went
//     out (Config.LastSeen).
//   - Poll votes are matched to the poll we sent through an in-memory table
//     (the last 2,000 polls). After a restart a vote on an older poll is
//     ignored; the numbered reply that goes out with every poll still works.
//   - The bulk sending policy (Policy) is data: the outbox dispatcher applies
//     its rate; nothing here throttles, so direct replies are never delayed.
//     Send is the outbox's way out (replies to a message take the reply path
//     inside the adapter), so Send also keeps the rest of the policy: with
//     OnlyKnownContacts it refuses contacts who never wrote to the number
//     (Config.LastSeen finds no WhatsApp contact), and during a temporary ban it answers with a
//     *channel.RateLimitError until the ban ends, which pauses the outbox.
package whatsapp
