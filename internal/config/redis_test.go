package config

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestParseRedisURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url     string
		cluster bool
		addrs   []string
		pass    string
		bad     bool
	}{
		{url: "redis://127.0.0.1:6379/0", addrs: []string{"127.0.0.1:6379"}},
		{url: "redis://:rahasia@redis:6379/2", addrs: []string{"redis:6379"}, pass: "rahasia"},
		{url: "redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002", cluster: true,
			addrs: []string{"10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"}},
		{url: "redis+cluster://:rahasia@10.0.0.1:7000/0?dial_timeout=2s", cluster: true, addrs: []string{"10.0.0.1:7000"}, pass: "rahasia"},
		{url: "redis://h1:7000,h2:7001", cluster: true, addrs: []string{"h1:7000", "h2:7001"}},
		{url: "rediss+cluster://h1:7000,h2:7001", cluster: true, addrs: []string{"h1:7000", "h2:7001"}},
		{url: "redis+cluster://h1:7000,h2:7001/3", bad: true},
		{url: "redis+cluster://h1,h2:7001", bad: true},
		{url: "redis+cluster://h1:7000?nonsense=1", bad: true},
		{url: "http://h1:7000", bad: true},
		{url: "h1:7000", bad: true},
	} {
		t.Run(tc.url, func(t *testing.T) {
			got, err := ParseRedisURL(tc.url)
			if tc.bad {
				if err == nil {
					t.Fatalf("accepted %q: %+v", tc.url, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got.Cluster != nil) != tc.cluster || (got.Single != nil) == tc.cluster {
				t.Fatalf("cluster = %v, want %v", got.Cluster != nil, tc.cluster)
			}
			if !slices.Equal(got.Addrs(), tc.addrs) {
				t.Errorf("addrs %v, want %v", got.Addrs(), tc.addrs)
			}
			pass := ""
			if got.Cluster != nil {
				pass = got.Cluster.Password
			} else {
				pass = got.Single.Password
			}
			if pass != tc.pass {
				t.Errorf("password %q, want %q", pass, tc.pass)
			}
		})
	}
}

func TestRedisURLValidated(t *testing.T) {
	t.Parallel()
	if _, err := load(t, nil, map[string]string{"REDIS_URL": "redis+cluster://h1:7000,h2:7001"}); err != nil {
		t.Fatalf("cluster URL refused: %v", err)
	}
	if _, err := load(t, nil, map[string]string{"REDIS_URL": "redis+cluster://h1:7000/5"}); err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Fatalf("cluster URL with a database: %v", err)
	}
	if _, err := load(t, nil, map[string]string{"REDIS_PREFIX": "j{x}:"}); err == nil || !strings.Contains(err.Error(), "REDIS_PREFIX") {
		t.Fatalf("a hash tag in REDIS_PREFIX: %v", err)
	}
}

// TestReadmeTable holds the README's configuration table to the code: the
// same variables, in the same order, with the same defaults.
func TestReadmeTable(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "| variable | default | meaning |")
	if start < 0 {
		t.Fatal("README.md has no configuration table")
	}
	row := regexp.MustCompile("^\\| `([A-Z0-9_]+)` \\| ([^|]*) \\|")
	type entry struct{ env, def string }
	var readme []entry
	for _, line := range strings.Split(text[start:], "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("README table row not understood: %s", line)
		}
		def := strings.TrimSpace(m[2])
		if def == "empty" {
			def = ""
		}
		readme = append(readme, entry{m[1], strings.Trim(def, "`")})
	}
	var code []entry
	for _, v := range Vars() {
		code = append(code, entry{v.Env, v.Default})
	}
	if !slices.Equal(readme, code) {
		for i := range max(len(readme), len(code)) {
			var r, c entry
			if i < len(readme) {
				r = readme[i]
			}
			if i < len(code) {
				c = code[i]
			}
			if r != c {
				t.Errorf("row %d: README %+v, code %+v", i+1, r, c)
			}
		}
	}
}
