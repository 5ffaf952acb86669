package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"direct", "203.0.113.5:4000", "", nil, "203.0.113.5"},
		{"a forged header from a direct visitor is ignored", "203.0.113.5:4000", "198.51.100.1", proxies, "203.0.113.5"},
		{"through the trusted proxy", "10.0.0.2:4000", "198.51.100.1", proxies, "198.51.100.1"},
		{"the right-most untrusted hop", "10.0.0.2:4000", "1.2.3.4, 198.51.100.1, 10.0.0.3", proxies, "198.51.100.1"},
		{"header but no proxies configured", "10.0.0.2:4000", "198.51.100.1", nil, "10.0.0.2"},
		{"IPv6 peer", "[2001:db8::1]:4000", "", nil, "2001:db8::1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientIP(r, tt.trusted); got != tt.want {
			t.Errorf("%s: clientIP = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/dashboard/businesses?q=x": "/dashboard/businesses?q=x",
		"https://evil.example/":     "/dashboard/",
		"//evil.example/dashboard/": "/dashboard/",
		"/dashboard/\\evil":         "/dashboard/",
		"":                          "/dashboard/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
