package umkmactions

import (
	"strings"

	"jejaring/internal/flow"
	"jejaring/internal/umkm"
)

// Option list names served by Options.
const (
	OptionsKecamatan = "kecamatan"    // the region's kecamatan: value = code
	OptionsSections  = "kbli_section" // KBLI sections: value = letter
	OptionsNagari    = "nagari"       // "nagari:13.01.07" (or "nagari_13.01.07"): value = name
)

// Options returns the provider of choice lists for flow.Set.SetOptions:
// "kecamatan", "kbli_section", and "nagari:<kecamatan code>". Unknown names
// give nil.
//
// A kecamatan choice carries aliases for the flow's matcher: the data
// file's aliases ("painan" for IV Jurai, "tarusan") and the names of its
// nagari, so an owner who answers with their village ("salido") gets their
// kecamatan. A nagari name that two kecamatan share is left out: the
// matcher would have to ask "which one?" about a word that is not an
// option at all.
func Options(d *umkm.Data) flow.Options {
	aliases := d.Region.KecamatanAliases()
	return func(name, lang string) []flow.Choice {
		switch {
		case name == OptionsKecamatan:
			out := make([]flow.Choice, len(d.Region.Kecamatan))
			for i, k := range d.Region.Kecamatan {
				out[i] = flow.Choice{Label: k.Name, Value: k.Code, Aliases: aliases[i]}
			}
			return out
		case name == OptionsSections:
			out := make([]flow.Choice, len(d.Sectors.Sections))
			for i, s := range d.Sectors.Sections {
				out[i] = flow.Choice{Label: s.Short(lang), Value: s.Letter}
			}
			return out
		case strings.HasPrefix(name, OptionsNagari+":"), strings.HasPrefix(name, OptionsNagari+"_"):
			k, ok := d.Region.KecamatanByCode(name[len(OptionsNagari)+1:])
			if !ok {
				return nil
			}
			out := make([]flow.Choice, len(k.Nagari))
			for i, n := range k.Nagari {
				out[i] = flow.Choice{Label: n.Name, Value: n.Name}
			}
			return out
		}
		return nil
	}
}
