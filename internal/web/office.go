package web

import (
	_ "embed"
	"fmt"

	"github.com/goccy/go-yaml"
)

//go:embed data/office_counts.yaml
var officeCountsYAML []byte

// officeCount is one of the office's own counts (data/office_counts.yaml).
type officeCount struct {
	Year     int    `yaml:"year"`
	LabelID  string `yaml:"label_id"`
	LabelEN  string `yaml:"label_en"`
	Total    int    `yaml:"total"`
	Mikro    int    `yaml:"mikro"`
	Kecil    int    `yaml:"kecil"`
	Menengah int    `yaml:"menengah"`
}

func (c officeCount) label(lang string) string {
	if lang == langEN {
		return c.LabelEN
	}
	return c.LabelID
}

type officeCounts struct {
	Counts []officeCount `yaml:"counts"`
}

func loadOfficeCounts() (officeCounts, error) {
	var oc officeCounts
	if err := yaml.Unmarshal(officeCountsYAML, &oc); err != nil {
		return oc, fmt.Errorf("office counts: %w", err)
	}
	for _, c := range oc.Counts {
		if c.Mikro+c.Kecil+c.Menengah > c.Total {
			return oc, fmt.Errorf("office counts %d: classes add up to more than the total", c.Year)
		}
	}
	return oc, nil
}
