package flow

import (
	"regexp"
	"text/template"

	"github.com/expr-lang/expr/vm"
)

// Ask types a step may use (`ask:`).
const (
	AskText     = "text"
	AskNumber   = "number"
	AskMoney    = "money"
	AskChoice   = "choice"
	AskMulti    = "multi"
	AskYesNo    = "yesno"
	AskPhone    = "phone"
	AskEmail    = "email"
	AskNIK      = "nik"
	AskNIB      = "nib"
	AskKBLI     = "kbli"
	AskDate     = "date"
	AskLocation = "location"
	AskPhoto    = "photo"
)

// Units of a number step (`unit:`).
const (
	UnitYear   = "year"
	UnitPeople = "people"
	UnitCount  = "count"
)

var askTypes = map[string]bool{
	AskText: true, AskNumber: true, AskMoney: true, AskChoice: true, AskMulti: true,
	AskYesNo: true, AskPhone: true, AskEmail: true, AskNIK: true, AskNIB: true,
	AskKBLI: true, AskDate: true, AskLocation: true, AskPhoto: true,
}

// Options supplies named choice lists (`options_from: kecamatan`) in a
// language; the Set asks it when a step needs the list. It must be safe for
// concurrent use and should return the same list for the same arguments.
type Options func(name, lang string) []Choice

// Set is every flow loaded from one directory. It is read-only after Load
// (apart from SetOptions, which is meant to be called once at start-up) and
// safe for concurrent use.
type Set struct {
	flows   map[string]*Definition
	order   []*Definition
	options Options
}

// Definition is one flow, parsed and compiled.
type Definition struct {
	ID      string
	Version int
	File    string
	Line    int
	Title   Text
	// Menu lists the flow in the main menu; FirstContactFlow starts it on a
	// contact's very first message.
	Menu             bool
	FirstContactFlow bool
	Keywords         []string
	// KeywordsEN are trigger keywords in English ("register"): the flow
	// they start speaks English. They are in Keywords too.
	KeywordsEN []string
	Payloads   []string
	// Param is the answer name a deep-link payload's parameter is saved
	// under ("rsvp_abc123" with payload "rsvp_" saves "abc123"); default
	// "token".
	Param          string
	Start          string
	MaxRetries     int
	DisableGlobals []string
	Help           *Text
	Steps          []*Node

	byID     map[string]*Node
	disabled uint16 // bit set of global words turned off
	set      *Set
	problems []Problem // compile errors found at load, reported by Check
	keyLines map[string]int
}

// Node is one step of a flow.
type Node struct {
	ID       string
	Line     int
	Say      *Text
	Ask      string
	Save     string
	Label    *Text
	Optional bool
	Min, Max *float64
	Pattern  string
	Example  *Text
	Options  []Option
	// OptionsFrom names a list from the Set's Options provider.
	OptionsFrom string
	Validate    string
	Invalid     *Text
	Help        *Text
	// Why says why a required question is asked; it is shown when the
	// contact tries to skip it.
	Why *Text
	// Unit is what a number step counts: "year", "people" or "count"
	// (whole things). It picks the reader and the example of a re-ask.
	Unit string
	// Per is the period a money step asks about ("year": annual sales);
	// an amount given per day, week or month is converted and confirmed.
	Per string
	// ConfirmBelow asks back on a money answer above 0 and below it
	// ("Rp2.015 setahun?"), instead of silently taking a typing slip.
	ConfirmBelow   *float64
	MaxRetries     int
	Do             string
	Args           map[string]*Text
	Call           string
	Set            []Assign
	Next           string
	Branches       []Branch
	End            string
	Summary        bool
	Fields         []string
	Media          *Media
	DisableGlobals []string

	index    int
	re       *regexp.Regexp
	validate *vm.Program
	disabled uint16
	keyLines map[string]int
	argKeys  []string
	// choicesID and choicesEN are the inline options rendered once at
	// load (nil when a label is a template).
	choicesID []Choice
	choicesEN []Choice
	normID    [][]string // normalized labels and aliases
	normEN    [][]string
}

// Option is one inline choice of a choice or multi step. Aliases are other
// words a contact may type for it (`aliases: [painan]`), in any language.
type Option struct {
	Value   string
	Label   Text
	Aliases []string
}

// Assign is one `set:` entry: an answer computed by an expression.
type Assign struct {
	Name string
	Expr string
	Line int
	prog *vm.Program
}

// Branch is one entry of a `next:` list.
type Branch struct {
	If   string
	Goto string
	Line int
	prog *vm.Program
}

// Text is a user-facing text in Indonesian (ID, required) and English (EN).
// Either may be a Go template over answers, contact and lang.
type Text struct {
	ID, EN string
	Line   int
	tid    *template.Template
	ten    *template.Template
}

// Get returns the step with the given id, or nil.
func (d *Definition) Get(id string) *Node { return d.byID[id] }

// Set returns the set the definition belongs to (for sub-flows).
func (d *Definition) Set() *Set { return d.set }

// StartParams turns a deep-link parameter into Start's params.
func (d *Definition) StartParams(param string) map[string]any {
	if param == "" {
		return nil
	}
	return map[string]any{d.Param: param}
}
