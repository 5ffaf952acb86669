package config

import (
	"strings"
	"testing"
)

func TestDatabaseReadURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		primary, read, err string
	}{
		{"", "", ""},
		{"postgres://u@db:5432/j", "postgres://u@replica:5432/j", ""},
		{"postgres://u@db:5432/j", "postgresql://u@replica/j", ""},
		{"postgres://u@db:5432/j", "sqlite:/tmp/x.db", "DATABASE_READ_URL: want postgres://"},
		{"postgres://u@db:5432/j", "postgres:///nohost", "DATABASE_READ_URL: want postgres://"},
		{"", "postgres://u@replica:5432/j", "needs a PostgreSQL DATABASE_URL"},
		{"sqlite:/tmp/j.db", "postgres://u@replica:5432/j", "needs a PostgreSQL DATABASE_URL"},
	} {
		env := map[string]string{"DATABASE_URL": tc.primary, "DATABASE_READ_URL": tc.read}
		c, err := FromEnv(func(k string) string { return env[k] })
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q beside %q: %v", tc.read, tc.primary, err)
		case tc.err == "" && c.DatabaseReadURL != tc.read:
			t.Errorf("%q: got %q", tc.read, c.DatabaseReadURL)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q beside %q: err %v, want %q", tc.read, tc.primary, err, tc.err)
		}
	}
}
