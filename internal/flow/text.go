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
	return idn.Text{ID: t.ID, EN: t.EN}.In(lang)
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
	"rupiah":    rupiah,
	"masknik":   func(v any) string { return idn.MaskNIK(fmt.Sprint(v)) },
	"maskphone": func(v any) string { return idn.MaskPhone(fmt.Sprint(v)) },
	"date":      func(v any) string { return formatDate(v, "id") },
	"date_en":   func(v any) string { return formatDate(v, "en") },
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

// rupiah writes an amount answer with idn.Rupiah ("Rp1.500.000"). It
// accepts any number type (answers read back from JSON are float64) or a
// numeric string; anything else is written as it is.
func rupiah(v any) string {
	n, ok := toInt64(v)
	if !ok {
		return fmt.Sprint(v)
	}
	return idn.Rupiah(n)
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

// formatDate writes a date answer ("2024-08-17" or a time.Time) with
// idn.Date: "17 Agustus 2024" (lang "id") or "17 August 2024" (lang "en").
func formatDate(v any, lang string) string {
	switch x := v.(type) {
	case time.Time:
		return idn.Date(x, lang)
	case string:
		p, err := time.Parse(time.DateOnly, x)
		if err != nil {
			return x
		}
		return idn.Date(p, lang)
	}
	return fmt.Sprint(v)
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
var sys = map[string]idn.Text{
	"cancel_confirm":  {ID: "Yakin ingin membatalkan? Jawaban yang sudah Bapak/Ibu isi akan hilang.", EN: "Are you sure you want to cancel? The answers you gave will be lost."},
	"cancelled":       {ID: "Baik, sudah dibatalkan. Ketik *menu* kapan saja untuk mulai lagi.", EN: "All right, it is cancelled. Type *menu* any time to start again."},
	"not_cancelled":   {ID: "Baik, kita lanjutkan.", EN: "All right, let us continue."},
	"yes":             {ID: "Ya", EN: "Yes"},
	"no":              {ID: "Tidak", EN: "No"},
	"no_back":         {ID: "Ini pertanyaan pertama, belum bisa kembali lagi.", EN: "This is the first question; there is nothing to go back to."},
	"no_skip":         {ID: "Maaf, pertanyaan ini wajib dijawab.", EN: "Sorry, this question needs an answer."},
	"skipped":         {ID: "Baik, dilewati.", EN: "All right, skipped."},
	"offer_no":        {ID: "Baik. Mohon tulis lagi jawabannya.", EN: "All right. Please type the answer again."},
	"help":            {ID: "Bapak/Ibu bisa menjawab pertanyaan di atas, atau mengetik: *kembali* (pertanyaan sebelumnya), *lewati* (jika boleh dikosongkan), *ulang* (mulai dari awal), *bahasa* (ganti bahasa), *menu*, atau *batal*.", EN: "You can answer the question above, or type: *back* (previous question), *skip* (when it may be left empty), *restart*, *language*, *menu*, or *cancel*."},
	"lang_switched":   {ID: "Baik, kita lanjut dalam Bahasa Indonesia.", EN: "All right, we will continue in English."},
	"restarted":       {ID: "Baik, kita mulai dari awal.", EN: "All right, let us start again from the beginning."},
	"struggling":      {ID: "Sepertinya jawabannya belum pas. Bapak/Ibu bisa minta *bantuan*, coba lagi, atau *batal*.", EN: "That answer still does not fit. You can ask for *help*, try again, or *cancel*."},
	"struggling_opt":  {ID: "Sepertinya jawabannya belum pas. Bapak/Ibu bisa minta *bantuan*, *lewati* pertanyaan ini, coba lagi, atau *batal*.", EN: "That answer still does not fit. You can ask for *help*, *skip* this question, try again, or *cancel*."},
	"opt_help":        {ID: "Bantuan", EN: "Help"},
	"opt_skip":        {ID: "Lewati", EN: "Skip"},
	"opt_cancel":      {ID: "Batal", EN: "Cancel"},
	"changed":         {ID: "Mohon maaf, percakapan ini baru saja diperbarui oleh kantor. Kita mulai lagi ya; jawaban Bapak/Ibu yang masih berlaku tetap tersimpan.", EN: "Sorry, this conversation was just updated by the office. Let us start again; the answers that still apply are kept."},
	"gone":            {ID: "Mohon maaf, percakapan ini sudah tidak tersedia. Ketik *menu* untuk melihat pilihan.", EN: "Sorry, this conversation is no longer available. Type *menu* to see the options."},
	"loop":            {ID: "Mohon maaf, ada kesalahan di sisi kami. Percakapan ini kami hentikan; silakan ketik *menu* untuk mulai lagi.", EN: "Sorry, something went wrong on our side. We stopped this conversation; please type *menu* to start again."},
	"summary_how":     {ID: "Balas *ya* jika sudah benar, atau *ubah* dan nomornya (misalnya *ubah 2*) untuk memperbaiki.", EN: "Reply *yes* if everything is right, or *change* and the number (for example *change 2*) to fix one."},
	"summary_which":   {ID: "Nomor berapa yang ingin diubah? Contoh: *ubah 2*.", EN: "Which number would you like to change? Example: *change 2*."},
	"summary_unclear": {ID: "Maaf, jawabannya belum kami pahami.", EN: "Sorry, we did not understand that."},
	"summary_ok":      {ID: "Ya, sudah benar", EN: "Yes, that is right"},
	"summary_edit":    {ID: "Ubah", EN: "Change"},
	"menu_title":      {ID: "Apa yang bisa kami bantu? Silakan pilih:", EN: "How can we help? Please choose:"},
	"empty":           {ID: "(kosong)", EN: "(empty)"},
}

func sysText(key, lang string) string {
	return sys[key].In(lang)
}
