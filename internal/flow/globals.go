package flow

import "strings"

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
	t := normalize(text)
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
