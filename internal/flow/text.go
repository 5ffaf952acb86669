package flow

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/template"
	"time"

	"jejaring/internal/idn"
)

// env is what templates and expressions see. It is built lazily, once per
// Step call, and reused for every text of that call.
type env struct {
	sess    *Session
	m       map[string]any
	contact map[string]any
	x       exprEnv
}

func (e *env) contactMap() map[string]any {
	if e.contact == nil {
		c := e.sess.Contact
		e.contact = map[string]any{
			"id": c.ID, "name": c.Name, "phone": c.Phone, "channel": c.Channel,
			"lang": c.Lang, "is_staff": c.IsStaff,
		}
	}
	return e.contact
}

// get returns the template data.
func (e *env) get() map[string]any {
	if e.m == nil {
		e.m = map[string]any{"contact": e.contactMap()}
	}
	e.m["answers"] = e.sess.Answers
	e.m["lang"] = e.sess.Lang
	return e.m
}

// expr returns the expression environment, with answer set.
func (e *env) expr(answer any) *exprEnv {
	e.x = exprEnv{Answers: e.sess.Answers, Contact: e.contactMap(), Lang: e.sess.Lang, Answer: answer}
	return &e.x
}

// String returns the text in lang without rendering templates (for tools).
func (t *Text) String(lang string) string {
	if t == nil {
		return ""
	}
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ID
}

func (t *Text) render(lang string, e *env) string {
	if t == nil {
		return ""
	}
	src, tpl := t.ID, t.tid
	if lang == "en" && t.EN != "" {
		src, tpl = t.EN, t.ten
	}
	if tpl == nil {
		return src
	}
	var b strings.Builder
	if err := tpl.Execute(&b, e.get()); err != nil {
		return src
	}
	out := b.String()
	if strings.Contains(out, "<no value>") {
		out = strings.ReplaceAll(out, "<no value>", "")
	}
	return out
}

var templateFuncs = template.FuncMap{
	"rupiah":    Rupiah,
	"masknik":   func(v any) string { return idn.MaskNIK(fmt.Sprint(v)) },
	"maskphone": func(v any) string { return idn.MaskPhone(fmt.Sprint(v)) },
	"date":      func(v any) string { return FormatDate(v, "id") },
	"date_en":   func(v any) string { return FormatDate(v, "en") },
	"join":      join,
	"upper":     strings.ToUpper,
	"lower":     strings.ToLower,
	"default": func(def, v any) any {
		if v == nil || v == "" {
			return def
		}
		return v
	},
}

// Rupiah formats a whole amount as "Rp1.500.000". It accepts any number
// type (answers read back from JSON are float64) or a numeric string.
func Rupiah(v any) string {
	n, ok := toInt64(v)
	if !ok {
		return fmt.Sprint(v)
	}
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 3)
	if neg {
		b.WriteByte('-')
	}
	b.WriteString("Rp")
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case uint64:
		return int64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 9e18 {
			return 0, false
		}
		return int64(math.Round(x)), true
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

var monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// FormatDate writes a date answer ("2024-08-17" or a time.Time) as
// "17 Agustus 2024" (lang "id") or "17 August 2024" (lang "en").
func FormatDate(v any, lang string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case string:
		p, err := time.Parse(time.DateOnly, x)
		if err != nil {
			return x
		}
		t = p
	default:
		return fmt.Sprint(v)
	}
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsID[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

func join(v any, sep string) string {
	switch x := v.(type) {
	case []string:
		return strings.Join(x, sep)
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, sep)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// sys holds the engine's own texts, Indonesian first.
var sys = map[string][2]string{
	"cancel_confirm":  {"Yakin ingin membatalkan? Jawaban yang sudah Bapak/Ibu isi akan hilang.", "Are you sure you want to cancel? The answers you gave will be lost."},
	"cancelled":       {"Baik, sudah dibatalkan. Ketik *menu* kapan saja untuk mulai lagi.", "All right, it is cancelled. Type *menu* any time to start again."},
	"not_cancelled":   {"Baik, kita lanjutkan.", "All right, let us continue."},
	"yes":             {"Ya", "Yes"},
	"no":              {"Tidak", "No"},
	"no_back":         {"Ini pertanyaan pertama, belum bisa kembali lagi.", "This is the first question; there is nothing to go back to."},
	"no_skip":         {"Maaf, pertanyaan ini wajib dijawab.", "Sorry, this question needs an answer."},
	"skipped":         {"Baik, dilewati.", "All right, skipped."},
	"offer_no":        {"Baik. Mohon tulis lagi jawabannya.", "All right. Please type the answer again."},
	"help":            {"Bapak/Ibu bisa menjawab pertanyaan di atas, atau mengetik: *kembali* (pertanyaan sebelumnya), *lewati* (jika boleh dikosongkan), *ulang* (mulai dari awal), *bahasa* (ganti bahasa), *menu*, atau *batal*.", "You can answer the question above, or type: *back* (previous question), *skip* (when it may be left empty), *restart*, *language*, *menu*, or *cancel*."},
	"lang_switched":   {"Baik, kita lanjut dalam Bahasa Indonesia.", "All right, we will continue in English."},
	"restarted":       {"Baik, kita mulai dari awal.", "All right, let us start again from the beginning."},
	"struggling":      {"Sepertinya jawabannya belum pas. Bapak/Ibu bisa minta *bantuan*, coba lagi, atau *batal*.", "That answer still does not fit. You can ask for *help*, try again, or *cancel*."},
	"struggling_opt":  {"Sepertinya jawabannya belum pas. Bapak/Ibu bisa minta *bantuan*, *lewati* pertanyaan ini, coba lagi, atau *batal*.", "That answer still does not fit. You can ask for *help*, *skip* this question, try again, or *cancel*."},
	"opt_help":        {"Bantuan", "Help"},
	"opt_skip":        {"Lewati", "Skip"},
	"opt_cancel":      {"Batal", "Cancel"},
	"changed":         {"Mohon maaf, percakapan ini baru saja diperbarui oleh kantor. Kita mulai lagi ya; jawaban Bapak/Ibu yang masih berlaku tetap tersimpan.", "Sorry, this conversation was just updated by the office. Let us start again; the answers that still apply are kept."},
	"gone":            {"Mohon maaf, percakapan ini sudah tidak tersedia. Ketik *menu* untuk melihat pilihan.", "Sorry, this conversation is no longer available. Type *menu* to see the options."},
	"loop":            {"Mohon maaf, ada kesalahan di sisi kami. Percakapan ini kami hentikan; silakan ketik *menu* untuk mulai lagi.", "Sorry, something went wrong on our side. We stopped this conversation; please type *menu* to start again."},
	"summary_how":     {"Balas *ya* jika sudah benar, atau *ubah* dan nomornya (misalnya *ubah 2*) untuk memperbaiki.", "Reply *yes* if everything is right, or *change* and the number (for example *change 2*) to fix one."},
	"summary_which":   {"Nomor berapa yang ingin diubah? Contoh: *ubah 2*.", "Which number would you like to change? Example: *change 2*."},
	"summary_unclear": {"Maaf, jawabannya belum kami pahami.", "Sorry, we did not understand that."},
	"summary_ok":      {"Ya, sudah benar", "Yes, that is right"},
	"summary_edit":    {"Ubah", "Change"},
	"menu_title":      {"Apa yang bisa kami bantu? Silakan pilih:", "How can we help? Please choose:"},
	"empty":           {"(kosong)", "(empty)"},
}

func sysText(key, lang string) string {
	t := sys[key]
	if lang == "en" {
		return t[1]
	}
	return t[0]
}
