package flow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jejaring/internal/idn"
	"jejaring/internal/namematch"
)

// InputError is a rejected answer: the reason, with an example, in
// Indonesian and English. Parsers from internal/idn return *idn.Error, which
// is turned into an InputError.
//
// An InputError may offer a value the contact probably meant (Offer, with
// HasOffer): a suggested option, an amount converted to the question's
// period. A yes-word next accepts it. Confirm marks an answer that was
// understood and is only read back for a yes ("Rp10.000.000 sebulan, jadi
// sekitar Rp120.000.000 setahun. Betul?"): it is not a miss.
type InputError struct {
	ID, EN   string
	Offer    any
	HasOffer bool
	Confirm  bool
}

func (e *InputError) Error() string { return e.ID }

func (e *InputError) in(lang string) string { return idn.Text{ID: e.ID, EN: e.EN}.In(lang) }

func inputErr(id, en string) *InputError { return &InputError{ID: id, EN: en} }

func fromIDN(err error) *InputError {
	var ie *idn.Error
	if errors.As(err, &ie) {
		return &InputError{ID: ie.ID, EN: ie.EN}
	}
	return inputErr("Jawaban belum bisa kami baca, mohon coba lagi.", "We could not read that answer, please try again.")
}

// inputText returns the text of an input for text-like questions.
func inputText(in Input) string {
	switch in.Kind {
	case InChoice:
		return in.Choice
	case InContact:
		return in.Phone
	}
	return in.Text
}

// parse reads the contact's answer for an ask step. The answer is a plain
// JSON value: string, float64, int64 (money), bool, []any or map[string]any.
func (n *Node) parse(in Input, choices []Choice, now time.Time) (any, *InputError) {
	return n.parseWith(in, choices, nil, "id", now)
}

// parseWith is parse with the choices' normalized labels and aliases (nil:
// computed) in the conversation's language lang.
func (n *Node) parseWith(in Input, choices []Choice, labels [][]string, lang string, now time.Time) (any, *InputError) {
	if labels == nil && (n.Ask == AskChoice || n.Ask == AskMulti) {
		labels = normNames(choices)
	}
	switch n.Ask {
	case AskLocation:
		return parseLocation(in)
	case AskPhoto:
		if (in.Kind == InPhoto || in.Kind == InDocument) && in.FileRef != "" {
			return in.FileRef, nil
		}
		return nil, inputErr("Mohon kirim fotonya (tekan 📎 lalu pilih foto).", "Please send the photo (tap 📎 and choose a photo).")
	case AskPhone:
		s := inputText(in)
		p, err := idn.NormalizePhone(s)
		if err != nil {
			return nil, fromIDN(err)
		}
		return p, nil
	}
	if in.Kind != InText && in.Kind != InChoice {
		return nil, inputErr("Maaf, kami belum bisa membaca kiriman itu. Mohon jawab dengan teks.", "Sorry, we cannot read that. Please answer with text.")
	}
	s := strings.TrimSpace(inputText(in))
	switch n.Ask {
	case AskText:
		return n.parseText(s)
	case AskNumber:
		return n.parseNumber(s, now)
	case AskMoney:
		return n.parseMoney(s, lang)
	case AskYesNo:
		v, ok := ParseYesNo(s)
		if !ok {
			return nil, inputErr("Mohon jawab *ya* atau *tidak*.", "Please answer *yes* or *no*.")
		}
		return v, nil
	case AskChoice:
		if in.Kind == InChoice {
			for _, c := range choices {
				if c.Value == in.Choice {
					return c.Value, nil
				}
			}
		}
		i, err := matchChoice(choices, labels, s)
		if err != nil {
			if err.HasOffer {
				// The suggested option's value, for a yes-word next.
				err.Offer = choices[err.Offer.(int)].Value
			}
			return nil, err
		}
		return choices[i].Value, nil
	case AskMulti:
		idx, err := matchChoices(choices, labels, s)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(idx))
		for k, i := range idx {
			out[k] = choices[i].Value
		}
		return out, nil
	case AskEmail:
		e, ok := ParseEmail(s)
		if !ok {
			return nil, inputErr("Alamat email belum benar. Contoh: tokositi@gmail.com", "That email address does not look right. Example: tokositi@gmail.com")
		}
		return e, nil
	case AskNIK:
		v, err := idn.ParseNIKAt(s, now)
		if err != nil {
			return nil, fromIDN(err)
		}
		return v.Digits, nil
	case AskNIB:
		v, err := idn.ParseNIB(s)
		if err != nil {
			return nil, fromIDN(err)
		}
		return v, nil
	case AskKBLI:
		v, err := idn.ParseKBLI(s)
		if err != nil {
			return nil, fromIDN(err)
		}
		return v.Code, nil
	case AskDate:
		v, err := idn.ParseDate(s)
		if err != nil {
			return nil, fromIDN(err)
		}
		return v.Format(time.DateOnly), nil
	}
	return nil, inputErr("Jawaban belum bisa kami baca.", "We could not read that answer.")
}

func (n *Node) minV() float64 {
	if n.Min == nil {
		return 0
	}
	return *n.Min
}

func (n *Node) maxV() float64 {
	if n.Max == nil {
		return 0
	}
	return *n.Max
}

func (n *Node) bounds(v float64, minS, maxS string) *InputError {
	if n.Min != nil && v < *n.Min {
		return inputErr("Angkanya terlalu kecil, paling sedikit "+minS+".", "That is too small; the least is "+minS+".")
	}
	if n.Max != nil && v > *n.Max {
		return inputErr("Angkanya terlalu besar, paling banyak "+maxS+".", "That is too large; the most is "+maxS+".")
	}
	return nil
}

func (n *Node) parseText(s string) (any, *InputError) {
	l := utf8.RuneCountInString(s)
	minL := 1
	if n.Min != nil {
		minL = int(*n.Min)
	}
	if l < minL {
		if s == "" {
			return nil, inputErr("Jawabannya masih kosong, mohon diisi.", "The answer is empty, please fill it in.")
		}
		return nil, inputErr(fmt.Sprintf("Jawabannya terlalu pendek, paling sedikit %d huruf.", minL), fmt.Sprintf("That is too short; at least %d characters.", minL))
	}
	if n.Max != nil && l > int(*n.Max) {
		return nil, inputErr(fmt.Sprintf("Jawabannya terlalu panjang, paling banyak %d huruf.", int(*n.Max)), fmt.Sprintf("That is too long; at most %d characters.", int(*n.Max)))
	}
	if n.re != nil && !n.re.MatchString(s) {
		return nil, inputErr("Formatnya belum sesuai.", "That is not in the expected format.")
	}
	return s, nil
}

func parseLocation(in Input) (any, *InputError) {
	if in.Kind == InLocation && in.Location != nil {
		m := map[string]any{"lat": in.Location.Latitude, "lon": in.Location.Longitude}
		if in.Location.Name != "" {
			m["name"] = in.Location.Name
		}
		return m, nil
	}
	if in.Kind == InText {
		s := strings.TrimSpace(in.Text)
		if utf8.RuneCountInString(s) >= 5 {
			return s, nil
		}
	}
	return nil, inputErr("Mohon kirim lokasi (tekan 📎 lalu Lokasi) atau tulis alamat lengkapnya.", "Please share a location (tap 📎 then Location) or type the full address.")
}

// ParseEmail checks and lower-cases an email address.
func ParseEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || len(s) > 254 {
		return "", false
	}
	local, domain := s[:at], s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot >= len(domain)-2 || strings.Contains(domain, "..") || strings.HasPrefix(domain, ".") || strings.HasPrefix(domain, "-") {
		return "", false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' || strings.ContainsRune(`(),:;<>[\]"`, r) {
			return "", false
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") {
		return "", false
	}
	return s, true
}

var (
	yesWords = map[string]bool{"ya": true, "iya": true, "iyaa": true, "iyah": true, "y": true, "yes": true, "yup": true, "ok": true, "oke": true, "okay": true, "okey": true, "boleh": true, "betul": true, "benar": true, "setuju": true, "sudah": true, "sip": true, "siap": true, "mau": true, "bersedia": true, "yoi": true,
		// Minang and chat spellings.
		"iyo": true, "yo": true, "iye": true, "iyaa2": true, "bener": true, "batua": true, "bana": true, "lai": true, "yess": true, "yap": true, "yups": true, "okee": true, "okeh": true, "sep": true, "siip": true, "baiklah": true, "baik": true, "tentu": true, "sure": true, "right": true, "correct": true}
	noWords = map[string]bool{"tidak": true, "tdk": true, "gak": true, "ga": true, "gk": true, "nggak": true, "ngga": true, "enggak": true, "engga": true, "ndak": true, "no": true, "n": true, "nope": true, "jangan": true, "belum": true, "bukan": true, "tak": true,
		"indak": true, "nda": true, "ndk": true, "alun": true, "tdak": true, "tida": true, "gak mau": true, "ogah": true, "salah": true, "wrong": true, "not": true}
)

// ParseYesNo reads yes or no as Indonesians type it ("ya", "iya", "ok",
// "boleh", "tidak", "gak", "nggak", "no"...).
func ParseYesNo(s string) (bool, bool) {
	t := namematch.Fold(s)
	if yesWords[t] {
		return true, true
	}
	if noWords[t] {
		return false, true
	}
	first, _, _ := strings.Cut(t, " ")
	if yesWords[first] {
		return true, true
	}
	if noWords[first] {
		return false, true
	}
	return false, false
}

// parseNumber reads a number step's answer by its unit: a year ("sejak
// 2015", "5 tahun lalu"), a head count ("3 orang", "saya sendiri"), a count
// of things, or any number ("sekitar 12", "dua puluh").
func (n *Node) parseNumber(s string, now time.Time) (any, *InputError) {
	var v float64
	var offer *InputError
	switch n.Unit {
	case UnitYear:
		y, err := idn.ParseYear(s, now)
		if err != nil {
			return nil, fromIDN(err)
		}
		v = float64(y.Year)
		if y.Relative {
			ys := strconv.Itoa(y.Year)
			offer = &InputError{
				ID: "Jadi mulai sekitar tahun " + ys + ". Betul?", EN: "So it started around " + ys + ". Is that right?",
				Offer: v, HasOffer: true, Confirm: true,
			}
		}
	case UnitPeople, UnitCount:
		unit := idn.CountThings
		if n.Unit == UnitPeople {
			unit = idn.CountPeople
		}
		c, err := idn.ParseCount(s, unit)
		if err != nil {
			return nil, fromIDN(err)
		}
		v = float64(c)
	default:
		f, err := idn.ParseNumberWords(s)
		if err != nil {
			return nil, fromIDN(err)
		}
		v = f
	}
	if e := n.bounds(v, strconv.FormatFloat(n.minV(), 'f', -1, 64), strconv.FormatFloat(n.maxV(), 'f', -1, 64)); e != nil {
		return nil, e
	}
	if offer != nil {
		return nil, offer
	}
	return v, nil
}

// parseMoney reads a money step's answer: an amount for the period the
// question asks (`per:`), converted and read back when it was given for
// another period, and read back when it is implausibly small
// (`confirm_below:`).
func (n *Node) parseMoney(s, lang string) (any, *InputError) {
	a, err := idn.ParseAmount(s, lang)
	if err != nil {
		return nil, fromIDN(err)
	}
	v := a.Rupiah
	want := idn.Period(n.Per)
	var ask *InputError
	switch {
	case a.Per != "" && want == "":
		return nil, inputErr(
			"Mohon tulis jumlah seluruhnya, bukan "+idn.PeriodWord(a.Per, "id")+". Contoh: 25 juta",
			"Please type the whole amount, not "+idn.PeriodWord(a.Per, "en")+". For example: 25 juta")
	case a.Per != "" && a.Per != want:
		f, t := a.Per.PerYearFactor(), want.PerYearFactor()
		if v > 1e15/f {
			return nil, fromIDN(&idn.Error{ID: "Jumlahnya terlalu besar. Mohon periksa lagi, contoh: 1.500.000 atau 1,5 juta", EN: "That amount is too large. Please check it, for example: 1,500,000 or 1.5 juta"})
		}
		conv := v * f / t
		daily := [2]string{"", ""}
		if a.Per == idn.PerDay {
			daily = [2]string{" (kalau buka setiap hari)", " (if open every day)"}
		}
		ask = &InputError{
			ID:    fmt.Sprintf("%s %s, jadi sekitar %s %s%s. Betul?", rupiah(v), idn.PeriodWord(a.Per, "id"), rupiah(conv), idn.PeriodWord(want, "id"), daily[0]),
			EN:    fmt.Sprintf("%s %s, so about %s %s%s. Is that right?", rupiah(v), idn.PeriodWord(a.Per, "en"), rupiah(conv), idn.PeriodWord(want, "en"), daily[1]),
			Offer: conv, HasOffer: true, Confirm: true,
		}
		v = conv
	}
	if e := n.bounds(float64(v), rupiah(n.minV()), rupiah(n.maxV())); e != nil {
		return nil, e
	}
	if ask == nil && n.ConfirmBelow != nil && v > 0 && float64(v) < *n.ConfirmBelow {
		per := ""
		perEN := ""
		if want != "" {
			per, perEN = " "+idn.PeriodWord(want, "id"), " "+idn.PeriodWord(want, "en")
		}
		why, whyEN := "Angkanya kecil sekali.", "That is a very small amount."
		if a.Plain && v >= 1900 && v <= 2100 {
			why, whyEN = "Angka itu mirip tahun.", "That number looks like a year."
		}
		ask = &InputError{
			ID:    fmt.Sprintf("%s%s? %s Kalau memang benar, balas *ya*. Kalau bukan, mohon tulis jumlahnya, contoh: 1.500.000 atau 1,5 juta", rupiah(v), per, why),
			EN:    fmt.Sprintf("%s%s? %s If that is right, reply *yes*. If not, please type the amount, for example: 1,500,000 or 1.5 juta", rupiah(v), perEN, whyEN),
			Offer: v, HasOffer: true, Confirm: true,
		}
	}
	if ask != nil {
		return nil, ask
	}
	return v, nil
}
