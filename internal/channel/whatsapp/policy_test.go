package whatsapp

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    Policy
		wantErr string
	}{
		{name: "defaults", env: nil, want: DefaultPolicy()},
		{name: "settings", env: map[string]string{EnvBulkPerMinute: "2", EnvBulkMinGap: "30s", EnvBulkMaxJitter: "1m", EnvBulkOnlyKnown: "false"},
			want: Policy{PerMinute: 2, MinGap: 30 * time.Second, MaxJitter: time.Minute, OnlyKnownContacts: false}},
		{name: "bad number", env: map[string]string{EnvBulkPerMinute: "banyak"}, wantErr: EnvBulkPerMinute},
		{name: "zero rate", env: map[string]string{EnvBulkPerMinute: "0"}, wantErr: "at least 1"},
		{name: "bad duration", env: map[string]string{EnvBulkMinGap: "10"}, wantErr: EnvBulkMinGap},
		{name: "negative jitter", env: map[string]string{EnvBulkMaxJitter: "-1s"}, wantErr: "must not be negative"},
		{name: "bad bool", env: map[string]string{EnvBulkOnlyKnown: "kadang"}, wantErr: EnvBulkOnlyKnown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePolicy(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want mention of %q", err, tc.wantErr)
				}
				if got != DefaultPolicy() {
					t.Errorf("on error got %+v, want the defaults", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParsePolicy = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParsePolls(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": true, "true": true, "false": false, "0": false} {
		got, err := ParsePolls(func(string) string { return v })
		if err != nil || got != want {
			t.Errorf("ParsePolls(%q) = %v, %v", v, got, err)
		}
	}
	if _, err := ParsePolls(func(string) string { return "mungkin" }); err == nil {
		t.Error("ParsePolls accepted a non-boolean")
	}
}

func TestPolicyGapIsSlowAndVaried(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[time.Duration]bool{}
	for range 200 {
		g := p.Gap(r)
		// 4 a minute means at least 15 s apart, plus up to 15 s of jitter.
		if g < 15*time.Second || g > 30*time.Second {
			t.Fatalf("gap %s outside [15s, 30s]", g)
		}
		seen[g.Round(time.Second)] = true
	}
	if len(seen) < 5 {
		t.Errorf("gaps hardly vary: %v", seen)
	}
	if g := (Policy{PerMinute: 60, MinGap: 5 * time.Second}).Gap(nil); g != 5*time.Second {
		t.Errorf("gap = %s, want MinGap when it is the larger", g)
	}
}
