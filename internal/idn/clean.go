package idn

import (
	"strings"
	"unicode/utf8"
)

// CleanText drops from s what no owner means to type and what breaks or
// disguises text further on: NUL and the other C0 and C1 control characters
// except newline and tab (PostgreSQL refuses a NUL in text outright), DEL,
// the bidirectional controls that can make a name read backwards (U+061C,
// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the zero-width characters
// (U+200B–U+200D, U+2060–U+2064, U+FEFF), the deprecated format controls
// U+206A–U+206F, U+180E and the interlinear annotation marks U+FFF9–U+FFFB,
// and bytes that are not UTF-8. A carriage return becomes a newline ("\r\n"
// one newline). The result may be empty. Text that needs no change is
// returned as it is, without copying.
func CleanText(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if dropRune(r, n) || r == '\r' {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // the newline follows
			}
			b.WriteByte('\n')
		case dropRune(r, n):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dropRune reports whether CleanText drops the rune r of n bytes.
func dropRune(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n <= 1: // not UTF-8
		return true
	case r == '\n', r == '\t', r == '\r':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x180e,
		r >= 0x200b && r <= 0x200f, // zero-width space, ZWNJ, ZWJ, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2060 && r <= 0x206f, // word joiner, invisible operators, LRI…PDI, deprecated controls
		r == 0xfeff,                // zero-width no-break space (BOM)
		r >= 0xfff9 && r <= 0xfffb: // interlinear annotations
		return true
	}
	return false
}
