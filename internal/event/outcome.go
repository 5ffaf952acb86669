package event

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jejaring/internal/idn"
)

// What came of an event (issue 16). Right after an event (a seminar's next
// morning, a matchmaking session's end or a meeting's slot) each person who
// came is asked one question with one-tap answers; about one, three and six
// months later (the event's follow-up months) they are asked whether the
// connection lasted and what came of it. Each question is one Outcome; the
// store schedules it as an outbox row, the hasil flow records the answer.

// Round is which question an outcome is: the one right after, or a
// follow-up N months later ("m1", "m3", "m6").
type Round string

// RoundAfter is the question right after the event or meeting.
const RoundAfter Round = "after"

// FollowupRound is the round asked months after the event.
func FollowupRound(months int) Round { return Round("m" + strconv.Itoa(months)) }

// Months is a follow-up round's months (0 for RoundAfter or a bad round).
func (r Round) Months() int {
	if !strings.HasPrefix(string(r), "m") {
		return 0
	}
	n, err := strconv.Atoi(string(r[1:]))
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// Rating is the answer to the question right after.
type Rating string

// Ratings of a meeting (matchmaking), as b2match asks them, and of a
// seminar or training.
const (
	RatingNotHeld     Rating = "tidak_terjadi" // the meeting did not take place
	RatingPoorFit     Rating = "kurang_cocok"
	RatingUseful      Rating = "bermanfaat" // useful, no plan to work together yet
	RatingOpportunity Rating = "peluang"    // a chance to work together
	RatingHelpful     Rating = "berguna"    // seminar: useful
	RatingUnhelpful   Rating = "kurang"     // seminar: not really
)

// Useful reports whether a rating counts as a useful connection.
func (r Rating) Useful() bool {
	return r == RatingUseful || r == RatingOpportunity || r == RatingHelpful
}

// Label is the rating as the buttons say it.
func (r Rating) Label(lang string) string {
	switch r {
	case RatingNotHeld:
		return pick(lang, "Tidak terjadi", "Did not take place")
	case RatingPoorFit:
		return pick(lang, "Kurang cocok", "Not a good fit")
	case RatingUseful:
		return pick(lang, "Bermanfaat, belum ada rencana kerja sama", "Useful, no plan to work together yet")
	case RatingOpportunity:
		return pick(lang, "Ada peluang kerja sama", "A chance to work together")
	case RatingHelpful:
		return pick(lang, "Bermanfaat", "Useful")
	case RatingUnhelpful:
		return pick(lang, "Kurang bermanfaat", "Not very useful")
	}
	return string(r)
}

// MeetingRatings and SeminarRatings are the answers offered, in order.
var (
	MeetingRatings = []Rating{RatingNotHeld, RatingPoorFit, RatingUseful, RatingOpportunity}
	SeminarRatings = []Rating{RatingHelpful, RatingUnhelpful}
)

// DealKind is what came of a connection.
type DealKind string

// The kinds of result the follow-up asks about.
const (
	DealOrder       DealKind = "pesanan"   // an order or purchase
	DealLoan        DealKind = "pinjaman"  // a loan (KUR)
	DealInvestment  DealKind = "investasi" // an investment
	DealPartnership DealKind = "kemitraan" // partnership, supplier
	DealTraining    DealKind = "pelatihan" // training, mentoring
	DealOther       DealKind = "lainnya"
)

// DealKinds lists the kinds in the order they are offered.
var DealKinds = []DealKind{DealOrder, DealLoan, DealInvestment, DealPartnership, DealTraining, DealOther}

// Label names a deal kind.
func (k DealKind) Label(lang string) string {
	switch k {
	case DealOrder:
		return pick(lang, "Pesanan/pembelian", "Order/purchase")
	case DealLoan:
		return pick(lang, "Pinjaman (KUR)", "Loan (KUR)")
	case DealInvestment:
		return pick(lang, "Investasi", "Investment")
	case DealPartnership:
		return pick(lang, "Kemitraan/pemasok", "Partnership/supplier")
	case DealTraining:
		return pick(lang, "Pelatihan/pendampingan", "Training/mentoring")
	case DealOther:
		return pick(lang, "Lainnya", "Other")
	}
	return string(k)
}

// DealStatus is how far a result has come.
type DealStatus string

// The statuses, in order.
const (
	DealTalking DealStatus = "dibicarakan" // still being discussed
	DealAgreed  DealStatus = "sepakat"     // agreed
	DealRunning DealStatus = "berjalan"    // under way
)

// DealStatuses lists the statuses in order.
var DealStatuses = []DealStatus{DealTalking, DealAgreed, DealRunning}

// Label names a deal status.
func (s DealStatus) Label(lang string) string {
	switch s {
	case DealTalking:
		return pick(lang, "Sedang dibicarakan", "Being discussed")
	case DealAgreed:
		return pick(lang, "Sudah sepakat", "Agreed")
	case DealRunning:
		return pick(lang, "Sudah berjalan", "Under way")
	}
	return string(s)
}

// Side is whose answer an outcome holds.
const (
	SideOwner   = "owner"
	SidePartner = "partner"
)

// Outcome is one question asked of one person, and its answer.
type Outcome struct {
	ID           int64
	EventID      int64
	InvitationID int64 // 0: none (a partner)
	ContactID    int64 // 0: erased
	BusinessID   int64
	Side         string
	MeetingKey   string // "" about the event as a whole
	Counterpart  string // the other side's name, "" unknown
	Round        Round
	Token        string
	DueAt        time.Time
	Rating       Rating
	WantsNext    string
	InContact    string // "ya", "tidak", "" not answered
	DealKind     DealKind
	DealStatus   DealStatus
	DealValue    int64      // rupiah as said
	DealPer      idn.Period // "" once; month, year…
	Note         string
	AnsweredAt   time.Time // zero: not answered
}

// Answered reports whether the question has an answer.
func (o *Outcome) Answered() bool { return !o.AnsweredAt.IsZero() }

// DealYearValue is the deal's value over a year: a monthly order counts
// twelve times, a weekly one 52; a one-off value counts once.
func (o *Outcome) DealYearValue() int64 { return o.DealValue * o.DealPer.PerYearFactor() }

// DefaultFollowups are the follow-up months an event of kind k gets until
// staff set them: 1, 3 and 6 months after a matchmaking session (as
// b2match asks again after six months); none after seminars, trainings and
// expos, whose follow-up is optional.
func DefaultFollowups(k Kind) []int {
	if k == TemuBisnis {
		return []int{1, 3, 6}
	}
	return nil
}

// ErrBadFollowups is a follow-up list that is not months from 1 to 24.
var ErrBadFollowups = errors.New("follow-up months are whole months from 1 to 24, for example 1,3,6")

// ParseFollowups reads "1,3,6" (also "1 3 6", "" or "-" for none) into
// sorted distinct months.
func ParseFollowups(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" || strings.EqualFold(s, "tidak") || strings.EqualFold(s, "none") {
		return []int{}, nil
	}
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 24 {
			return nil, fmt.Errorf("%q: %w", f, ErrBadFollowups)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// FormatFollowups writes months as "1,3,6".
func FormatFollowups(months []int) string {
	parts := make([]string, len(months))
	for i, m := range months {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ",")
}

// AfterAt is when the question right after an event is asked: the morning
// after a seminar, training or expo (09:00 WIB, people have gone home), half
// an hour after a matchmaking session ends (the meetings are fresh).
func AfterAt(ev *Event) time.Time {
	if ev.Kind == TemuBisnis {
		return ev.EndsAt.Add(30 * time.Minute)
	}
	d := ev.EndsAt.In(idn.WIB)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 9, 0, 0, 0, idn.WIB)
}

// FollowupAt is when the follow-up months after the event is asked: that
// many months after its last day, at 10:00 WIB (the same day of the month,
// or the month's last day when it is shorter).
func FollowupAt(ev *Event, months int) time.Time {
	d := ev.EndsAt.In(idn.WIB)
	first := time.Date(d.Year(), d.Month()+time.Month(months), 1, 10, 0, 0, 0, idn.WIB)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}

// OutcomeValue is the payload of an outcome's one-tap answer:
// "hasil_<token>_<answer>", routed like a deep link to the hasil flow.
func OutcomeValue(token, answer string) string { return "hasil_" + token + "_" + answer }

// SplitOutcomeParam splits the hasil flow's parameter "<token>_<answer>"
// (the answer may hold underscores: "tidak_terjadi"); a bare token has no
// answer.
func SplitOutcomeParam(p string) (token, answer string) {
	token, answer, _ = strings.Cut(strings.TrimSpace(p), "_")
	return token, answer
}

// OutcomeNotice is the question of outcome o about event ev.
func OutcomeNotice(ev *Event, o *Outcome, to Addressee) Notice {
	lang := to.Lang
	greet := pick(lang, "Bapak/Ibu", "Hello")
	if to.Name != "" {
		greet = pick(lang, "Bapak/Ibu "+to.Name, "Hello "+to.Name)
	}
	stop := pick(lang, "\n\n(Ketik BERHENTI bila tidak ingin menerima pesan dari kami lagi.)",
		"\n\n(Type BERHENTI if you do not want messages from us any more.)")
	var text string
	var choices []Choice
	if o.Round == RoundAfter {
		ratings := SeminarRatings
		switch {
		case o.Counterpart != "":
			ratings = MeetingRatings
			text = fmt.Sprintf(pick(lang, "%s, terima kasih sudah datang di %s. Bagaimana pertemuan dengan %s?",
				"%s, thank you for coming to %s. How was the meeting with %s?"), greet, ev.Title, o.Counterpart)
		case ev.Kind == TemuBisnis:
			ratings = MeetingRatings
			text = fmt.Sprintf(pick(lang, "%s, terima kasih sudah datang di %s. Bagaimana pertemuan Bapak/Ibu dengan para mitra di sana?",
				"%s, thank you for coming to %s. How were your meetings with the partners there?"), greet, ev.Title)
		default:
			text = fmt.Sprintf(pick(lang, "%s, terima kasih sudah hadir di %s. Apakah acaranya bermanfaat untuk usaha Bapak/Ibu?",
				"%s, thank you for attending %s. Was it useful for your business?"), greet, ev.Title)
		}
		for _, r := range ratings {
			choices = append(choices, Choice{Label: r.Label(lang), Value: OutcomeValue(o.Token, string(r))})
		}
		return Notice{Text: text + stop, Lang: lang, Choices: choices}
	}
	months := o.Round.Months()
	since := fmt.Sprintf(pick(lang, "Sudah sekitar %d bulan sejak %s.", "It is about %d months since %s."), months, ev.Title)
	if months == 1 {
		since = fmt.Sprintf(pick(lang, "Sudah sekitar sebulan sejak %s.", "It is about a month since %s."), ev.Title)
	}
	yes, no := pick(lang, "Ya, masih", "Yes"), pick(lang, "Tidak", "No")
	switch {
	case o.Counterpart != "":
		text = fmt.Sprintf(pick(lang, "%s, %s Apakah Bapak/Ibu masih berhubungan dengan %s?", "%s. %s Are you still in touch with %s?"), greet, since, o.Counterpart)
	case ev.Kind == TemuBisnis:
		text = fmt.Sprintf(pick(lang, "%s, %s Apakah Bapak/Ibu masih berhubungan dengan mitra yang Bapak/Ibu temui di sana?",
			"%s. %s Are you still in touch with a partner you met there?"), greet, since)
	default:
		text = fmt.Sprintf(pick(lang, "%s, %s Apakah ada hasilnya untuk usaha Bapak/Ibu (misalnya pesanan, pinjaman, atau cara kerja yang baru)?",
			"%s. %s Did it bring anything to your business (an order, a loan, a new way of working)?"), greet, since)
		yes, no = pick(lang, "Ya, ada", "Yes"), pick(lang, "Belum", "Not yet")
	}
	choices = []Choice{{Label: yes, Value: OutcomeValue(o.Token, "ya")}, {Label: no, Value: OutcomeValue(o.Token, "tidak")}}
	return Notice{Text: text + stop, Lang: lang, Choices: choices}
}

// Deal is what ParseDeal found in a typed answer; empty fields were not
// said.
type Deal struct {
	InContact string // "ya", "tidak", ""
	Kind      DealKind
	Status    DealStatus
	Value     int64
	Per       idn.Period
}

var dealKindWords = map[string]DealKind{
	"pesanan": DealOrder, "pesan": DealOrder, "order": DealOrder, "orderan": DealOrder, "pembelian": DealOrder, "beli": DealOrder,
	"membeli": DealOrder, "dibeli": DealOrder, "kontrak": DealOrder, "purchase": DealOrder, "jual": DealOrder, "penjualan": DealOrder,
	"pinjaman": DealLoan, "kredit": DealLoan, "kur": DealLoan, "loan": DealLoan, "modal": DealLoan, "pembiayaan": DealLoan,
	"investasi": DealInvestment, "investor": DealInvestment, "investment": DealInvestment, "saham": DealInvestment,
	"kemitraan": DealPartnership, "mitra": DealPartnership, "pemasok": DealPartnership, "supplier": DealPartnership,
	"partnership": DealPartnership, "reseller": DealPartnership, "distributor": DealPartnership, "agen": DealPartnership,
	"pelatihan": DealTraining, "pendampingan": DealTraining, "training": DealTraining, "mentoring": DealTraining, "bimbingan": DealTraining,
}

// dealStatusPhrases are read longest first.
var dealStatusPhrases = []struct {
	words  string
	status DealStatus
}{
	{"sudah berjalan", DealRunning}, {"sdh berjalan", DealRunning}, {"sedang berjalan", DealRunning}, {"sudah jalan", DealRunning},
	{"berjalan", DealRunning}, {"running", DealRunning}, {"under way", DealRunning}, {"jalan", DealRunning},
	{"sudah sepakat", DealAgreed}, {"sdh sepakat", DealAgreed}, {"sepakat", DealAgreed}, {"deal", DealAgreed},
	{"agreed", DealAgreed}, {"setuju", DealAgreed}, {"jadi", DealAgreed},
	{"sedang dibicarakan", DealTalking}, {"masih dibicarakan", DealTalking}, {"dibicarakan", DealTalking},
	{"nego", DealTalking}, {"negosiasi", DealTalking}, {"penjajakan", DealTalking}, {"talking", DealTalking}, {"discussing", DealTalking},
}

// markClauses spaces out the marks that end a clause: ; ! ? ( ) always,
// a comma or full stop unless it sits between two digits.
func markClauses(s string) string {
	rs := []rune(s)
	var b strings.Builder
	digit := func(i int) bool { return i >= 0 && i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	for i, r := range rs {
		switch {
		case strings.ContainsRune(";!?()", r), (r == ',' || r == '.') && !(digit(i-1) && digit(i+1)):
			b.WriteString(" , ")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var yesWords = map[string]bool{"ya": true, "iya": true, "masih": true, "yes": true, "iyo": true, "lai": true, "ada": true}
var noWords = map[string]bool{"tidak": true, "tdk": true, "gak": true, "nggak": true, "enggak": true, "no": true, "indak": true, "belum": true}

// ParseDeal reads what a follow-up answer says in words: "sudah sepakat,
// pesanan 15 jt per bulan" is an order, agreed, Rp15.000.000 a month;
// "pinjaman KUR 50 juta, masih dibicarakan" a loan being discussed. The
// money is read by the registration's reader (idn.ParseAmount), so "Rp 2,5
// M" and "750rb" mean what they mean there. What it does not find is left
// empty for the flow to ask.
func ParseDeal(text, lang string) Deal {
	var d Deal
	low := " " + strings.ToLower(idn.CleanText(text)) + " "
	// Commas and full stops end a clause, except between digits ("2,5 M",
	// "15.000.000").
	low = markClauses(low)
	low = " " + strings.Join(strings.Fields(low), " ") + " "
	rest := low
	for _, p := range dealStatusPhrases {
		if i := strings.Index(rest, " "+p.words+" "); i >= 0 {
			if d.Status == "" {
				d.Status = p.status
			}
			rest = rest[:i] + " , " + rest[i+len(p.words)+1:]
		}
	}
	var clauses [][]string
	var cur []string
	for _, w := range strings.Fields(rest) {
		if w == "," || w == "dan" || w == "and" {
			if len(cur) > 0 {
				clauses = append(clauses, cur)
			}
			cur = nil
			continue
		}
		if k, ok := dealKindWords[w]; ok {
			if d.Kind == "" {
				d.Kind = k
			}
			continue
		}
		if yesWords[w] && len(clauses) == 0 && len(cur) == 0 && d.InContact == "" {
			d.InContact = "ya"
			continue
		}
		if noWords[w] && len(clauses) == 0 && len(cur) == 0 && d.InContact == "" {
			d.InContact = "tidak"
			continue
		}
		cur = append(cur, w)
	}
	if len(cur) > 0 {
		clauses = append(clauses, cur)
	}
	for _, c := range clauses {
		a, err := idn.ParseAmount(strings.Join(c, " "), lang)
		if err != nil || a.Rupiah <= 0 || a.Plain && a.Rupiah < 1000 {
			continue
		}
		d.Value, d.Per = a.Rupiah, a.Per
		break
	}
	if d.InContact == "" && (d.Kind != "" || d.Status != "" || d.Value > 0) {
		d.InContact = "ya"
	}
	return d
}

// OutcomeSummary writes an answer as the owner will read it back.
func OutcomeSummary(o *Outcome, lang string) string {
	var parts []string
	if o.Rating != "" {
		parts = append(parts, o.Rating.Label(lang))
	}
	if o.InContact == "tidak" {
		parts = append(parts, pick(lang, "tidak berhubungan lagi", "no longer in touch"))
	}
	if o.DealKind != "" {
		parts = append(parts, o.DealKind.Label(lang))
	}
	if o.DealStatus != "" {
		parts = append(parts, strings.ToLower(o.DealStatus.Label(lang)))
	}
	if o.DealValue > 0 {
		v := idn.Rupiah(o.DealValue)
		if o.DealPer != "" {
			v += " " + idn.PeriodWord(o.DealPer, lang)
		}
		parts = append(parts, v)
	}
	if o.WantsNext != "" {
		parts = append(parts, pick(lang, "ingin berikutnya: ", "would like next: ")+o.WantsNext)
	}
	return strings.Join(parts, "; ")
}
