package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// The business page's history is the audit log of the record, read back
// as a clerk would say it: who (a staff member, the owner on the chat, an
// import), when (WIB), what, and for a change each field by its
// Indonesian name with the old and the new value. Personal values (phone,
// NIK) are masked here whatever the log holds, like everywhere else on
// the page; the full NIK and phone are only ever shown by the reveal
// form.

// historyRow is one entry of the history.
type historyRow struct {
	When, Who, Action string
	Changes           []changeRow // a business.update: field by field
	Notes             []string    // anything else the entry says, in words
}

// changeRow is one field of a change: its name, the old and the new value.
type changeRow struct{ Field, Old, New string }

// personalFields are masked in the history whatever the log holds.
var personalFields = map[string]func(string) string{
	"owner_phone": idn.MaskPhone, "phone": idn.MaskPhone, "nik": idn.MaskNIK,
}

// history turns the audit entries (oldest first) into rows, newest first.
func (s *Server) history(entries []store.AuditEntry, lang string) []historyRow {
	out := make([]historyRow, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		h := historyRow{When: e.At.In(s.location).Format("02-01-2006 15:04") + " WIB", Who: actorLabel(e.Actor, lang), Action: t(lang, "act."+e.Action)}
		if h.Action == "" {
			h.Action = e.Action
		}
		var d map[string]json.RawMessage
		if e.Details != "" && json.Unmarshal([]byte(e.Details), &d) != nil {
			d = nil
			h.Notes = append(h.Notes, t(lang, "hist.unreadable"))
		}
		if raw, ok := d["changes"]; ok {
			var chs []umkm.Change
			if err := json.Unmarshal(raw, &chs); err == nil {
				for _, c := range chs {
					h.Changes = append(h.Changes, changeRow{s.fieldName(c.Field, lang), s.fieldValue(c.Field, c.Old, lang), s.fieldValue(c.Field, c.New, lang)})
				}
			}
		}
		h.Notes = append(h.Notes, s.notes(e.Action, d, lang)...)
		out = append(out, h)
	}
	return out
}

// notes are an entry's details other than its changes, in words.
func (s *Server) notes(action string, d map[string]json.RawMessage, lang string) []string {
	str := func(k string) string {
		var v any
		if raw, ok := d[k]; ok && json.Unmarshal(raw, &v) == nil && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	var out []string
	switch action {
	case store.AuditDataView:
		if str("view") == "edit" {
			out = append(out, t(lang, "hist.edit"))
		}
		if str("view") == "full" {
			out = append(out, t(lang, "hist.full"))
			if r := str("reason"); r != "" {
				out = append(out, t(lang, "hist.reason")+": "+r)
			}
		}
		return out
	case store.AuditBusinessCreate:
		if src := str("source"); src != "" {
			out = append(out, t(lang, "f.source")+": "+sourceLabel(src, lang))
		}
		return out
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		if k != "changes" && k != "reg_no" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := str(k)
		if v == "" {
			continue
		}
		if m, ok := personalFields[k]; ok {
			v = m(v)
		}
		out = append(out, s.fieldName(k, lang)+": "+v)
	}
	return out
}

// fieldName is a business field's name in lang ("f.<field>"), or the
// field itself when the dashboard has no name for it.
func (s *Server) fieldName(f, lang string) string {
	if n := t(lang, "f."+f); n != "" {
		return n
	}
	return f
}

// fieldValue is one old or new value of a change as the page shows it:
// names for codes, rupiah for money, yes/no, masked when personal.
func (s *Server) fieldValue(f string, v any, lang string) string {
	if v == nil {
		return "–"
	}
	str := fmt.Sprint(v)
	if n, ok := v.(float64); ok { // JSON numbers
		str = strconv.FormatFloat(n, 'f', -1, 64)
	}
	if str == "" {
		return "–"
	}
	if m, ok := personalFields[f]; ok {
		return m(str)
	}
	switch f {
	case "region_code":
		return s.kecamatanName(str, lang)
	case "kbli_section":
		return s.sectorName(str, lang)
	case "size_class":
		return sizeLabel(lang, str)
	case "capital", "annual_sales":
		if n, err := strconv.ParseInt(str, 10, 64); err == nil {
			return idn.Rupiah(n)
		}
	case "source":
		return sourceLabel(str, lang)
	}
	if b, ok := v.(bool); ok {
		if b {
			return t(lang, "dir.yes")
		}
		return t(lang, "dir.no")
	}
	return str
}

// actorLabel names an audit actor: "rina (petugas)", "pemilik, lewat
// chat", "impor", "sistem".
func actorLabel(actor, lang string) string {
	switch kind, who, _ := strings.Cut(actor, ":"); kind {
	case "staff":
		return who + " (" + t(lang, "who.staff") + ")"
	case "contact":
		return t(lang, "who.contact")
	case "import":
		return t(lang, "who.import")
	case "system":
		return t(lang, "who.system")
	}
	return actor
}

// sourceLabel names where a record came from.
func sourceLabel(src, lang string) string {
	if l := t(lang, "src."+src); l != "" {
		return l
	}
	return src
}
