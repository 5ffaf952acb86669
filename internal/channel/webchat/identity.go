package webchat

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// CookieName is the cookie that carries a web chat client's identity.
const CookieName = "jejaring_chat"

// cookieMaxAge is how long a browser keeps the identity cookie after its
// last visit (it is set again on every hello).
const cookieMaxAge = 365 * 24 * time.Hour

// tokenLen is the length of a token: 16 random bytes in unpadded base64url.
const tokenLen = 22

// newToken returns a fresh identity token: 128 bits from crypto/rand.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validToken reports whether s has the shape of a token the server issues.
// Anything else (a client-chosen "aaaaaaaa", an old localStorage id, a
// contact's external id copied from the database) is not an identity.
func validToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 16
}

// ExternalID is the contact address (channel.Address.ExternalID) a token
// stands for: the first 128 bits of its SHA-256, in hex. The server keeps
// only this (in the database, in Redis keys), never the token, so a
// database dump, a Redis key or a log line does not let anyone act as the
// client: the hash of an external id is another, empty, conversation.
func ExternalID(token string) string {
	sum := sha256.Sum256([]byte("jejaring-webchat\x00" + token))
	return hex.EncodeToString(sum[:16])
}

// short is what logs show of a client: 8 hex digits of its external id
// (itself a hash of the cookie), enough to follow one conversation.
func short(externalID string) string {
	if len(externalID) > 8 {
		return externalID[:8]
	}
	return externalID
}

// identity is who a request comes from.
type identity struct {
	id  string // external id
	new bool   // the cookie was issued by this request
}

// tokenOf returns the request's token, "" when it has none or one the
// server would not have issued.
func tokenOf(r *http.Request) string {
	for _, ck := range r.CookiesNamed(CookieName) {
		if validToken(ck.Value) {
			return ck.Value
		}
	}
	return ""
}

// httpsRequest reports whether the browser reached us over HTTPS, directly
// or through a proxy that says so (X-Forwarded-Proto). Trusting the header
// here can only make the cookie stricter (Secure), never weaker.
func httpsRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	p := r.Header.Get("X-Forwarded-Proto")
	if i := strings.IndexByte(p, ','); i >= 0 {
		p = p[:i]
	}
	return strings.EqualFold(strings.TrimSpace(p), "https")
}

// setCookie gives the browser its identity cookie: HttpOnly (no script,
// so no injected script, reads it), SameSite=Strict (never sent on a
// request another site starts), Secure when the page came over HTTPS.
func setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		MaxAge:   int(cookieMaxAge / time.Second),
		HttpOnly: true,
		Secure:   httpsRequest(r),
		SameSite: http.SameSiteStrictMode,
	})
}

// clientIP is the address a request's rate limits count against: the TCP
// peer, or, when the peer is one of the trusted proxies, the right-most
// X-Forwarded-For address that is not a trusted proxy.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		a = a.Unmap()
		if !isTrusted(a, trusted) {
			return a.String()
		}
	}
	return peer.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ipKey is how an address appears in Redis keys: a short hash, so the
// keys do not list visitors' addresses.
func ipKey(ip string) string {
	sum := sha256.Sum256([]byte("jejaring-ip\x00" + ip))
	return hex.EncodeToString(sum[:8])
}
