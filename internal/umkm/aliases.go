package umkm

import "slices"

// KecamatanAliases lists, per kecamatan (in the region's order), the aliases for the choice
// matcher: the data file's aliases and the nagari names no other kecamatan
// also has.
func (r *Region) KecamatanAliases() [][]string {
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
