package umkm

import (
	"slices"
	"strings"

	"jejaring/internal/flow"
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
func Options(d *Data) flow.Options {
	aliases := kecamatanAliases(d.Region)
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

// kecamatanAliases lists, per kecamatan, the aliases for the choice
// matcher: the data file's aliases and the nagari names no other kecamatan
// also has.
func kecamatanAliases(r *Region) [][]string {
	count := map[string]int{}
	for _, k := range r.Kecamatan {
		seen := map[string]bool{}
		for _, n := range k.Nagari {
			key := Normalize(n.Name)
			if !seen[key] {
				seen[key] = true
				count[key]++
			}
		}
	}
	out := make([][]string, len(r.Kecamatan))
	for i, k := range r.Kecamatan {
		list := slices.Clone(k.Aliases)
		for _, n := range k.Nagari {
			if count[Normalize(n.Name)] == 1 {
				list = append(list, n.Name)
			}
		}
		out[i] = slices.Clip(list)
	}
	return out
}
