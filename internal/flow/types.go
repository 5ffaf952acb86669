// Package flow holds Jejaring's conversation engine: flow definitions loaded
// from YAML, the checker that refuses a broken flow, the input parsers for what
// Indonesian users really type, and Step — a pure function from (definition,
// session, input, time) to (next session, messages, effects). Step does no I/O,
// reads no clock and draws no random numbers, so every conversation can be
// replayed as a golden test.
//
// This file is the contract shared with internal/bot: keep its exported shapes
// stable and extend them rather than rename.
package flow

import "time"

// InputKind says what the contact sent.
type InputKind string

// Input kinds. They mirror channel.Kind, plus the kinds only the bot produces.
const (
	InText     InputKind = "text"
	InChoice   InputKind = "choice"   // a pressed button; Choice holds the option value
	InContact  InputKind = "contact"  // a shared phone number in Phone
	InLocation InputKind = "location" // Location holds it
	InPhoto    InputKind = "photo"    // FileRef holds the received file's reference
	InDocument InputKind = "document" // FileRef holds it
	InOther    InputKind = "other"    // sticker, voice note, anything unreadable
	// InResult carries the outcome of the effects the previous Step asked
	// for (see Result.Wait): Result is merged into the answers and the flow
	// goes on from the step that ran the action.
	InResult InputKind = "result"
	// InStart is a deep link or start command; Text holds the payload (may
	// be empty). The bot and the test driver use it to pick a flow with
	// Set.MatchPayload; inside a conversation Step just asks the current
	// question again.
	InStart InputKind = "start"
)

// Location is a shared point.
type Location struct {
	Latitude  float64 `json:"lat"`
	Longitude float64 `json:"lon"`
	Name      string  `json:"name,omitempty"`
}

// Input is one thing the contact (or the bot, for InResult) gives the engine.
type Input struct {
	Kind      InputKind      `json:"kind"`
	Text      string         `json:"text,omitempty"`
	Choice    string         `json:"choice,omitempty"`
	Phone     string         `json:"phone,omitempty"`
	OwnPhone  bool           `json:"own_phone,omitempty"` // Telegram: the shared contact is the sender's own
	Location  *Location      `json:"location,omitempty"`
	FileRef   string         `json:"file_ref,omitempty"`
	MessageID string         `json:"message_id,omitempty"`
	Result    map[string]any `json:"result,omitempty"`
}

// Contact is what a flow may know about who it talks to (templates see it as
// .contact).
type Contact struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Phone   string `json:"phone,omitempty"` // E.164 when known
	Channel string `json:"channel"`
	Lang    string `json:"lang"`
	IsStaff bool   `json:"is_staff,omitempty"`
}

// Frame is a caller waiting for a sub-flow to return.
type Frame struct {
	FlowID string `json:"flow"`
	Step   string `json:"step"`
}

// Session is one contact's place in a conversation. It is stored as JSON in
// Redis between messages, so keep it small and plain.
type Session struct {
	FlowID      string         `json:"flow"`
	FlowVersion int            `json:"v"`
	Step        string         `json:"step"`
	Answers     map[string]any `json:"answers,omitempty"`
	Retries     int            `json:"retries,omitempty"`
	Lang        string         `json:"lang"`
	Stack       []Frame        `json:"stack,omitempty"`
	History     []string       `json:"hist,omitempty"` // steps asked, for kembali
	Returning   string         `json:"ret,omitempty"`  // editing from the summary: go back to this step
	Pending     string         `json:"pending,omitempty"`
	// Confirm is a question the engine asked about the conversation itself
	// ("batal": really cancel?) and waits for a yes or no to.
	Confirm string `json:"confirm,omitempty"`
	// Offer is the answer the engine read back or suggested (Confirm is
	// "offer"): a yes-word next saves it.
	Offer any `json:"offer,omitempty"`
	// Params are the answers the flow was started with (a deep-link token),
	// kept so `ulang` can restart without losing them.
	Params     map[string]any `json:"params,omitempty"`
	Started    time.Time      `json:"started"`
	LastActive time.Time      `json:"last"`
	Contact    Contact        `json:"contact"`
}

// Choice is an option offered with a message. Aliases are other words a
// contact may type for it ("painan" for the kecamatan IV Jurai, whose
// capital it is); they only feed the matcher and are not shown (messages
// from Step carry none).
type Choice struct {
	Label   string   `json:"label"`
	Value   string   `json:"value"`
	Aliases []string `json:"-"`
}

// Media is an image or document a flow sends, named by reference; the bot
// resolves the reference (an action may have produced the bytes).
type Media struct {
	Kind string `json:"kind"` // image, document
	Ref  string `json:"ref"`
	Name string `json:"name,omitempty"`
}

// Message is one channel-neutral message for the contact.
type Message struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices,omitempty"`
	Multi   bool     `json:"multi,omitempty"`
	// Expect names the answer type the step waits for (phone, location,
	// photo, yesno, ...), so an adapter can offer a native control.
	Expect string `json:"expect,omitempty"`
	Media  *Media `json:"media,omitempty"`
}

// Effect asks the bot to run a registered Go action (a step's `do:`).
type Effect struct {
	Action string         `json:"action"`
	Args   map[string]any `json:"args,omitempty"`
}

// Result is what Step returns.
type Result struct {
	// Session is the next session; nil when the conversation ended.
	Session  *Session
	Messages []Message
	Effects  []Effect
	// Wait is true when the flow needs the effects' results before it can go
	// on: the bot runs Effects, then calls Step again with an InResult input.
	Wait bool
	// Ended says why the flow ended when Session is nil: "done", "cancelled".
	Ended string
	// Final holds the answers as they were when the flow ended (Session is
	// nil then), for logs and tests.
	Final map[string]any
}
