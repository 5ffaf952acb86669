// Package reach is how far the office gets to each business in its
// register: the reach status of a record (a chat contact on WhatsApp,
// Telegram or the web chat; stopped; a phone known but never written to
// us; no phone), the funnel imported → reachable → confirmed, the deep
// links and the printable letters and posters that carry a record's claim
// token to its owner, and the pacing rules of the cautious first-contact
// campaign on WhatsApp.
//
// Neither platform lets the bot write first to someone who never wrote to
// it (Telegram cannot; WhatsApp bans numbers that try in bulk), so a record
// that came from a spreadsheet is reached by making the owner's own first
// message easy: a QR code on a letter or poster opens WhatsApp with
// "KONFIRMASI <token>" typed in, or Telegram with ?start=konfirmasi_<token>,
// and that first message links the chat to the record (flows/update.yaml).
// The campaign is the staff's explicit choice, slow on purpose, and stops at
// the first warning from the platform.
//
// The package is pure: no storage, no transport. internal/store computes
// the statuses and counts; internal/actions/reachactions runs the campaign.
package reach
