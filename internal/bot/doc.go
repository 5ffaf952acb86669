// Package bot is the inbound pipeline every channel shares: dedupe the
// platform message id, lock the contact, load the contact (SQL) and session
// (Redis), handle global commands, triggers and deep links, run flow.Step, run
// the effects it asks for through the action registry, save or end the session,
// and return the replies for the adapter to send.
package bot
