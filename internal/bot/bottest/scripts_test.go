package bottest_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"jejaring/flows"
	"jejaring/internal/actions/eventactions"
	"jejaring/internal/actions/umkmactions"
	"jejaring/internal/bot/bottest"
	"jejaring/internal/flow"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
	"jejaring/internal/umkm"
)

// scriptStubs says, for each UMKM and event conversation script, which of
// its stubbed actions stand in for the real ones when it runs through the
// whole bot; every other action is the real one (umkmactions, eventactions)
// on the test's fresh database. "*" keeps every stub of the script. A
// script missing here fails the test, so a new script gets a decision.
//
// Why a stub stays:
//   - umkm.notice: the scripts abbreviate the privacy notice to its first
//     line; the real action says the whole notice.
//   - umkm.register: the scripts' registration numbers (PSS-2026-000123...)
//     are not what a fresh database's sequence gives (PSS-2026-000001).
//   - umkm.sector (daftar_happy_en): the stub guesses wrong on purpose
//     (trade for "nasi padang and catering") to walk the "no, I pick the
//     sector" path; the real guesser rightly says food service, lodging.
//   - umkm.classify (daftar_summary_edit): the real action also gives the
//     nagari its registered spelling ("Salido" where the owner typed
//     "salido") and sizes the business from the answers (Usaha Mikro); the
//     script expects its stub's values (salido, Usaha Kecil).
//   - "*": the script starts from data a fresh database does not have (a
//     registered business, an invitation, an event, staff work); its real
//     database variant is in internal/actions/umkmactions or
//     internal/actions/eventactions, which seed that data. Through the bot
//     these scripts still check routing, deep links, staff flags, the
//     session between turns, and the flows' texts.
var scriptStubs = map[string][]string{
	"umkm/berhenti_mulai.yaml":          nil,
	"umkm/daftar_kecamatan_words.yaml":  nil,
	"umkm/daftar_typos.yaml":            nil,
	"umkm/hapusdata_no.yaml":            nil,
	"umkm/ubah_not_found.yaml":          nil,
	"umkm/hubungkan_no_code.yaml":       nil,
	"umkm/daftar_phone_elsewhere.yaml":  {"*"},
	"umkm/daftar_happy_id.yaml":         {"umkm.notice", "umkm.register"},
	"umkm/daftar_cancel_restart.yaml":   {"umkm.notice", "umkm.register"},
	"umkm/daftar_refused.yaml":          {"umkm.notice", "umkm.register"},
	"umkm/daftar_whatsapp_nik.yaml":     {"umkm.notice", "umkm.register"},
	"umkm/daftar_happy_en.yaml":         {"umkm.notice", "umkm.register", "umkm.sector"},
	"umkm/daftar_summary_edit.yaml":     {"umkm.notice", "umkm.register", "umkm.classify"},
	"umkm/daftar_natural_id.yaml":       {"umkm.notice"},
	"umkm/daftar_natural_en.yaml":       {"umkm.notice", "umkm.sector"},
	"umkm/daftar_misses.yaml":           {"umkm.notice", "umkm.sector"},
	"umkm/daftar_existing.yaml":         {"*"},
	"umkm/datasaya.yaml":                {"*"},
	"umkm/hapusdata.yaml":               {"*"},
	"umkm/ubah_two_fields.yaml":         {"*"},
	"event/staff_denied.yaml":           nil,
	"event/agenda_none.yaml":            nil,
	"event/agenda_upcoming.yaml":        {"events.upcoming"},
	"event/acara_change.yaml":           {"*"},
	"event/rsvp_after_deadline.yaml":    {"*"},
	"event/rsvp_pressed_hadir.yaml":     {"*"},
	"event/rsvp_party_words.yaml":       {"*"},
	"event/staff_broadcast.yaml":        {"*"},
	"event/staff_checkin.yaml":          {"*"},
	"event/staff_broadcast_stored.yaml": {"*"},
	"event/acara_join.yaml":             {"*"},
}

// Engineer B's UMKM scripts and F's event scripts, written for the pure
// engine, played through the whole bot (real Redis, both SQL dialects, the
// session stored between turns) with the real actions and the real region
// and KBLI choice lists, except the stubs scriptStubs keeps.
func TestUMKMAndEventScriptsThroughTheBot(t *testing.T) {
	t.Parallel()
	data, err := umkm.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, dir := range []string{"umkm", "event"} {
		f, err := filepath.Glob("../../../flows/testdata/" + dir + "/*.yaml")
		if err != nil || len(f) == 0 {
			t.Fatalf("no scripts in flows/testdata/%s: %v", dir, err)
		}
		files = append(files, f...)
	}
	sort.Strings(files)
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file)) + "/" + filepath.Base(file)
		stubs, ok := scriptStubs[name]
		if !ok {
			t.Errorf("%s: not in scriptStubs: decide which stubs it keeps through the bot", name)
			continue
		}
		for _, d := range storetest.Dialects {
			t.Run(d+"/"+strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
				t.Parallel()
				set, err := flow.Load(flows.FS)
				if err != nil {
					t.Fatal(err)
				}
				set.SetOptions(umkmactions.Options(data))
				h := bottest.New(t, set, nil, d)
				if len(stubs) != 1 || stubs[0] != "*" {
					if err := umkmactions.Register(h.Actions, umkmactions.Deps{DB: h.DB, Data: data}); err != nil {
						t.Fatal(err)
					}
					if err := eventactions.Register(h.Actions, eventactions.Deps{Events: store.NewEventRepo(h.DB)}); err != nil {
						t.Fatal(err)
					}
					for _, n := range stubs {
						if _, ok := h.Actions[n]; !ok {
							t.Fatalf("stub %s names no real action", n)
						}
						delete(h.Actions, n) // the script's stub stands in
					}
				}
				h.RunScript(t, file)
			})
		}
	}
}
