package umkm

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"jejaring/internal/idn"

	"github.com/goccy/go-yaml"
)

//go:embed data/*.yaml
var dataFS embed.FS

// Nagari is a village under a kecamatan.
type Nagari struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
}

// Kecamatan is a district of a regency.
type Kecamatan struct {
	Code    string   `yaml:"code" json:"code"`
	Name    string   `yaml:"name" json:"name"`
	Aliases []string `yaml:"aliases" json:"aliases,omitempty"`
	Nagari  []Nagari `yaml:"nagari" json:"nagari,omitempty"`
}

// Region is a regency with its kecamatan, loaded from a data file.
type Region struct {
	Code      string      `yaml:"code"`
	Name      string      `yaml:"name"`
	Office    string      `yaml:"office"` // the data controller in the privacy notice
	Prefix    string      `yaml:"prefix"` // registration numbers: PSS-2026-000123
	Kecamatan []Kecamatan `yaml:"kecamatan"`

	byCode map[string]*Kecamatan
	cands  []candidate // normalized names and aliases, for MatchKecamatan
}

// Section is a KBLI section with its titles and free-text keywords.
type Section struct {
	Letter    string   `yaml:"letter"`
	Divisions [2]int   `yaml:"divisions"`
	ID        string   `yaml:"id"`
	EN        string   `yaml:"en"`
	ShortID   string   `yaml:"short_id"`
	ShortEN   string   `yaml:"short_en"`
	Keywords  []string `yaml:"keywords"`

	normTitles   []string // normalized titles and short labels
	normKeywords []string
}

// Title is the section's official title in the language.
func (s Section) Title(lang string) string { return idn.Pick(lang, s.ID, s.EN) }

// Short is the section's short label for chat buttons.
func (s Section) Short(lang string) string { return idn.Pick(lang, s.ShortID, s.ShortEN) }

// Sectors is the KBLI section table of one KBLI edition.
type Sectors struct {
	Version  string    `yaml:"version"`
	Sections []Section `yaml:"sections"`
}

// Data is the reference data a deployment runs with.
type Data struct {
	Region  *Region
	Sectors *Sectors
}

// DefaultRegion is the data file used when none is configured.
const DefaultRegion = "pesisir_selatan"

// Regions lists the region data files built in (without .yaml).
func Regions() []string {
	ents, _ := fs.ReadDir(dataFS, "data")
	var out []string
	for _, e := range ents {
		n := strings.TrimSuffix(e.Name(), ".yaml")
		if n != "kbli2020" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// LoadRegion reads a built-in region data file by name ("pesisir_selatan").
func LoadRegion(name string) (*Region, error) {
	b, err := dataFS.ReadFile(path.Join("data", name+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("unknown region %q (known regions: %s)", name, strings.Join(Regions(), ", "))
	}
	return ParseRegion(b)
}

// ParseRegion reads region data from YAML and checks it: a code, a prefix,
// kecamatan with unique codes under the regency code.
func ParseRegion(b []byte) (*Region, error) {
	var r Region
	if err := yaml.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("region data: %w", err)
	}
	if r.Code == "" || r.Prefix == "" || len(r.Kecamatan) == 0 {
		return nil, fmt.Errorf("region data: code, prefix and kecamatan are required")
	}
	r.byCode = make(map[string]*Kecamatan, len(r.Kecamatan))
	for i := range r.Kecamatan {
		k := &r.Kecamatan[i]
		if !strings.HasPrefix(k.Code, r.Code+".") || k.Name == "" {
			return nil, fmt.Errorf("region data: kecamatan %q (%s) is not under %s", k.Name, k.Code, r.Code)
		}
		if _, dup := r.byCode[k.Code]; dup {
			return nil, fmt.Errorf("region data: kecamatan code %s twice", k.Code)
		}
		r.byCode[k.Code] = k
		names := []string{Normalize(k.Name)}
		for _, a := range k.Aliases {
			names = append(names, Normalize(a))
		}
		r.cands = append(r.cands, candidate{idx: i, names: names})
	}
	return &r, nil
}

// KecamatanByCode finds a kecamatan by its code ("13.01.07").
func (r *Region) KecamatanByCode(code string) (Kecamatan, bool) {
	k, ok := r.byCode[code]
	if !ok {
		return Kecamatan{}, false
	}
	return *k, true
}

// LoadSectors reads the built-in KBLI 2020 section table.
func LoadSectors() (*Sectors, error) {
	b, err := dataFS.ReadFile("data/kbli2020.yaml")
	if err != nil {
		return nil, fmt.Errorf("kbli data: %w", err)
	}
	var s Sectors
	if err := yaml.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("kbli data: %w", err)
	}
	if len(s.Sections) == 0 {
		return nil, fmt.Errorf("kbli data: no sections")
	}
	for i := range s.Sections {
		sec := &s.Sections[i]
		for _, t := range []string{sec.ID, sec.EN, sec.ShortID, sec.ShortEN} {
			sec.normTitles = append(sec.normTitles, Normalize(t))
		}
		for _, k := range sec.Keywords {
			sec.normKeywords = append(sec.normKeywords, Normalize(k))
		}
	}
	return &s, nil
}

// Section finds a section by its letter.
func (s *Sectors) Section(letter string) (Section, bool) {
	letter = strings.ToUpper(strings.TrimSpace(letter))
	for _, sec := range s.Sections {
		if sec.Letter == letter {
			return sec, true
		}
	}
	return Section{}, false
}

// LoadData loads the named region and the KBLI sections.
func LoadData(region string) (*Data, error) {
	if region == "" {
		region = DefaultRegion
	}
	r, err := LoadRegion(region)
	if err != nil {
		return nil, err
	}
	s, err := LoadSectors()
	if err != nil {
		return nil, err
	}
	return &Data{Region: r, Sectors: s}, nil
}
