package main

import "jejaring/internal/umkm"

// defaultRegion is the --region default of the spreadsheet commands: the
// REGION the server runs with, else the built-in default region.
func defaultRegion(s stdio) string {
	if s.getenv != nil {
		if r := s.getenv("REGION"); r != "" {
			return r
		}
	}
	return umkm.DefaultRegion
}
