package flow

import (
	"strings"

	"jejaring/internal/namematch"
)

// Global words, valid on every step unless a flow or step turns them off
// (`disable_globals: [lewati]`).
const (
	WordCancel  = "batal"
	WordBack    = "kembali"
	WordSkip    = "lewati"
	WordHelp    = "bantuan"
	WordLang    = "bahasa"
	WordRestart = "ulang"
	WordMenu    = "menu"
)

var globalOrder = []string{WordCancel, WordBack, WordSkip, WordHelp, WordLang, WordRestart, WordMenu}

var globalAliases = map[string]string{
	"batal": WordCancel, "cancel": WordCancel, "batalkan": WordCancel,
	"kembali": WordBack, "back": WordBack, "mundur": WordBack,
	"lewati": WordSkip, "skip": WordSkip, "lewat": WordSkip,
	"bantuan": WordHelp, "help": WordHelp, "tolong bantu": WordHelp,
	"bahasa": WordLang, "language": WordLang, "lang": WordLang,
	"ulang": WordRestart, "restart": WordRestart, "mulai ulang": WordRestart, "ulangi": WordRestart,
	"menu": WordMenu, "menu utama": WordMenu, "main menu": WordMenu,
}

func globalBit(w string) uint16 {
	for i, g := range globalOrder {
		if g == w {
			return 1 << i
		}
	}
	return 0
}

func globalBits(words []string) uint16 {
	var b uint16
	for _, w := range words {
		b |= globalBit(globalAliases[strings.ToLower(strings.TrimSpace(w))])
	}
	return b
}

// GlobalWord says whether a message is one of the global words (in
// Indonesian or its English alias, any case) and returns the word in its
// Indonesian form with what followed it ("bahasa inggris" -> "bahasa",
// "inggris"). Only `bahasa` takes an argument.
func GlobalWord(text string) (word, arg string) {
	if len(text) > 40 {
		return "", ""
	}
	t := namematch.Fold(text)
	if w, ok := globalAliases[t]; ok {
		return w, ""
	}
	first, rest, ok := strings.Cut(t, " ")
	if ok && globalAliases[first] == WordLang {
		return WordLang, rest
	}
	return "", ""
}

// langArg reads the argument of `bahasa`: "" toggles.
func langArg(arg, cur string) string {
	switch arg {
	case "en", "english", "inggris", "bahasa inggris":
		return "en"
	case "id", "indonesia", "indonesian", "bahasa indonesia":
		return "id"
	}
	if cur == "en" {
		return "id"
	}
	return "en"
}

// nothingWords are answers that say there is nothing to give ("belum
// ada", "gak usah", "tidak punya", "-"), Minang forms included. On a
// question that may be left empty they skip it.
var nothingWords = map[string]bool{
	"belum ada": true, "blm ada": true, "belom ada": true, "belum punya": true, "blm punya": true, "belum": true, "blm": true,
	"gak usah": true, "ga usah": true, "gk usah": true, "nggak usah": true, "ngga usah": true, "tidak usah": true,
	"tdk usah": true, "tak usah": true, "enggak usah": true, "ndak usah": true, "indak usah": true,
	"tidak punya": true, "tdk punya": true, "gak punya": true, "ga punya": true, "gk punya": true, "nggak punya": true,
	"ngga punya": true, "enggak punya": true, "ndak punya": true, "tak punya": true, "indak punyo": true, "ndak punyo": true,
	"tidak ada": true, "tdk ada": true, "ga ada": true, "gak ada": true, "gk ada": true, "nggak ada": true,
	"ngga ada": true, "enggak ada": true, "engga ada": true, "ndak ada": true, "tak ada": true, "gada": true, "gaada": true,
	"indak ado": true, "ndak ado": true, "alun ado": true, "alun": true, "alun punyo": true, "indak": true,
	"tidak": true, "tdk": true, "gak": true, "ga": true, "nggak": true, "ngga": true, "ndak": true, "kosong": true,
	"none": true, "nothing": true, "no": true, "not yet": true, "dont have": true, "do not have": true, "n a": true,
	"na": true, "nil": true, "nihil": true, "tidak tahu": false,
}

// IsNothing reports whether an answer says "nothing": a nothing word
// alone or before a short rest ("belum ada nib", "tidak punya pak"), or a
// lone dash.
func IsNothing(s string) bool {
	raw := strings.TrimSpace(s)
	if raw == "-" || raw == "--" || raw == "—" || raw == "–" || raw == "..." {
		return true
	}
	if len(raw) > 40 {
		return false
	}
	t := namematch.Fold(raw)
	if nothingWords[t] {
		return true
	}
	w := strings.Fields(t)
	for k := min(3, len(w)-1); k >= 1; k-- {
		if nothingWords[strings.Join(w[:k], " ")] && len(w)-k <= 2 {
			return true
		}
	}
	return false
}
