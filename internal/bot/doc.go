// Package bot is the inbound pipeline every channel shares: dedupe the
// platform message id, lock the contact, load the contact (Config.Contacts, a
// contact.Directory: SQL in production) and session (Redis), handle global
// commands, triggers and deep links, run flow.Step, run the effects it asks
// for through the action registry, save or end the session, and return the
// replies for the adapter to send. bot.go holds the pipeline (the lock, the
// dedupe, the apology), turn.go one message's turn, route.go which flow a
// message goes to, render.go the words and the replies. It imports no
// storage: the contacts come through contact.Directory.
//
// # One message, step by step
//
//  1. Order: one contact's messages are handled one at a time. Inside a
//     process, waiters for the same contact queue first in, first out; across
//     replicas the contact lock in Redis (session.Store.Begin, TTL
//     Config.LockTTL, released only by its owner) keeps them apart. Messages
//     from different contacts run in parallel.
//  2. Dedupe: in the same Redis round trip that takes the lock, the bot reads
//     whether this contact's message id was already handled, and the session.
//     A handled message is ignored (no reply) — except on the durable path
//     (HandleDurable, used by Telegram): there the turn's replies are kept
//     beside the done-mark by the same commit, each is confirmed with
//     Delivered as it gets out, and a redelivery returns the ones not yet
//     confirmed. A message is marked handled
//     only when its whole turn succeeded, in the one Lua script that also
//     saves the session and releases the lock (session.Turn.CommitNote); so when
//     the process dies halfway, or an action fails, the platform's redelivery
//     of the same message is handled again instead of being dropped. The
//     price: an action that succeeded before a later failure in the same turn
//     runs again on the retry, so actions should be idempotent where it
//     matters (an RSVP upserts, a registration looks for the existing business
//     first). Message ids are kept per contact: Telegram's repeat across chats.
//  3. The contact row is upserted (first/last seen, display name, a phone the
//     platform vouches for — WhatsApp's sender, a Telegram contact shared by
//     its own user, never the web chat: vouchedPhone, package contact); a contact writing again within a minute is only
//     read (contact.LastSeenResolution). Inside a conversation, not even
//     read: until the upsert would write last_seen again, the copy the
//     session saved stands in, unless an action ran since the row was read
//     (actions write contacts), the platform gives a different name or
//     phone, or the contact is staff (contact.go). A quick conversation
//     costs no SQL per message. A new contact speaks Indonesian: the
//     platform's language hint is ignored, since many phones here run in
//     English while their owners read Indonesian best; `bahasa` switches,
//     and the choice is kept on the contact.
//  4. Routing, described below.
//  5. flow.Start / flow.Step, pure.
//  6. Effects run in order through the Actions registry; while the engine
//     says Wait, their merged answers go back to Step as an InResult input
//     (at most MaxActionRounds times per message). Messages an action returns
//     are sent after the flow's own messages of the turn; a flow message whose
//     media reference names one of them (by Media.Name) carries its bytes
//     instead.
//  7. The new session is saved with the session TTL, or deleted when the flow
//     ended, together with the handled mark and the lock release. A language
//     chosen with `bahasa` is then stored on the contact too.
//
// # Routing
//
// A deep link (KindStart with a payload Set.MatchPayload knows) starts its
// flow, replacing any conversation: the contact tapped it on purpose. So does
// a pressed button whose value is a prefix payload with its parameter
// ("rsvp_<token>_yes" on an invitation the outbox sent); a button whose value
// is a bare payload or keyword starts its flow only outside a conversation,
// since inside one it may be an option of the current question.
//
// Inside a conversation everything goes to the engine, which handles the
// global words (batal, kembali, lewati, bantuan, bahasa, ulang, menu).
// flows/README.md leaves triggers to the bot, so two exceptions are decided
// here. A text that is exactly the trigger keyword of ANOTHER flow (say
// "datasaya" in the middle of registration), and not a global word, switches
// to that flow, as RapidPro's keyword triggers interrupt a running flow;
// pressed buttons (KindChoice) never switch, so an option's value is never
// mistaken for a trigger. And a contact coming back — typing the keyword of
// the flow they are already in, a message that only says hello ("halo",
// "assalamualaikum", "selamat pagi"), or a start command without a known
// payload (Telegram's bare /start) — is told they are in the middle of that
// flow and asked the pending question again, answers kept, and told that
// `ulang` starts over. A greeting is never taken as an answer.
//
// The resume window (resume.go): a contact who writes after being silent
// longer than Config.ResumeAfter (30 minutes by default; the session itself
// lives for the session TTL, 24 hours) may not remember what we asked. Their
// message is first tried on the pure engine as the answer to the pending
// question: a valid answer, or a global word, is simply taken. Anything the
// question would refuse — and a greeting, the flow's own keyword or a bare
// start command — gets "Selamat datang kembali, Bapak/Ibu <name>!" with the
// pending question quoted and two choices, Lanjutkan (the question is asked
// again, answers kept) and Mulai ulang (the flow starts again, deep-link
// params kept); in English when the conversation is. The bot keeps a note
// beside the session (session.Turn.Note) that it asked, so the next message
// may also type "lanjut", "mulai ulang", "1" or "2"; any other message then
// goes to the engine as usual. Inside the window the answer is the
// plain one above. The decision lives here, not in flow.Step: it needs no
// new engine export, only Step's own refusal (same step, one more retry).
//
// Outside a conversation, a trigger keyword (typed, or a pressed menu button,
// whose value is the keyword) starts its flow; a contact's very first message
// starts the first-contact flow when there is one; anything else gets a short
// greeting and the main menu (Set.Menu). `bahasa` there flips the language of
// the menu and of the contact.
//
// # Failures
//
// On the durable path a store error reading the contact or the session, a
// failed commit, or a lock that stayed taken returns an error wrapping
// channel.ErrUnavailable instead, with nothing committed and no apology: the
// adapter keeps the message and hands it in again, in order.
//
// Otherwise a store error (SQL or Redis), an action error, an engine error, or a lock
// that stayed taken for Config.LockWait gets the contact one kind apology in
// their language ("Maaf Bapak/Ibu, sedang ada gangguan. Silakan coba lagi
// sebentar lagi."), is logged with the stage and a masked contact id, and
// counted in Metrics.Error(stage). The session stays exactly as it was
// before the message: nothing the contact typed earlier is lost, and sending
// the same answer again goes on from there.
//
// # Tests
//
// internal/bot/bottest builds a Bot on a fresh database and a real Redis for
// end-to-end conversation tests of flows with their real actions, and adapts
// it to script.Driver so conversation scripts run through the whole bot.
package bot
