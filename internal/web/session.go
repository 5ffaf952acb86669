package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// sessionCookie names the sign-in cookie.
const sessionCookie = "jejaring_staff"

// signIn is what Redis keeps for one sign-in. The user's role and state
// are not kept: they are read from the database on every request.
type signIn struct {
	Username string    `json:"u"`
	At       time.Time `json:"at"`
}

// sessions keeps sign-ins in Redis under prefix+"s:"+SHA-256(id): a copy
// of Redis does not hand out working cookies. A key lives Idle from the
// last request; a sign-in older than Max is refused and deleted.
type sessions struct {
	rdb       redis.UniversalClient
	prefix    string
	idle, max time.Duration
}

func (s *sessions) key(id string) string {
	sum := sha256.Sum256([]byte(id))
	return s.prefix + "s:" + hex.EncodeToString(sum[:])
}

// create stores a new sign-in and returns its id: 128 random bits, hex.
func (s *sessions) create(ctx context.Context, username string, now time.Time) (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	b, _ := json.Marshal(signIn{Username: username, At: now.UTC()})
	if err := s.rdb.Set(ctx, s.key(id), b, s.idle).Err(); err != nil {
		return "", fmt.Errorf("store session: %w", err)
	}
	return id, nil
}

var errNoSession = errors.New("no session")

// get returns the sign-in of id and renews its idle time, or errNoSession
// when it is unknown, idle too long or older than max.
func (s *sessions) get(ctx context.Context, id string, now time.Time) (signIn, error) {
	if len(id) != 32 {
		return signIn{}, errNoSession
	}
	b, err := s.rdb.Get(ctx, s.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return signIn{}, errNoSession
	}
	if err != nil {
		return signIn{}, fmt.Errorf("read session: %w", err)
	}
	var si signIn
	if err := json.Unmarshal(b, &si); err != nil || now.Sub(si.At) >= s.max {
		s.rdb.Del(ctx, s.key(id))
		return signIn{}, errNoSession
	}
	if err := s.rdb.Expire(ctx, s.key(id), min(s.idle, s.max-now.Sub(si.At))).Err(); err != nil {
		return signIn{}, fmt.Errorf("renew session: %w", err)
	}
	return si, nil
}

func (s *sessions) drop(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.key(id)).Err(); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

func sessionID(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// setSessionCookie: HttpOnly (no script reads it), SameSite=Lax (not sent
// on another site's POST; a link from a staff member's mail still opens the
// dashboard), Secure over HTTPS, a session cookie (gone with the browser).
func setSessionCookie(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: httpsRequest(r), SameSite: http.SameSiteLaxMode})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: httpsRequest(r), SameSite: http.SameSiteLaxMode})
}

// httpsRequest reports whether the browser reached us over HTTPS, directly
// or through a proxy that says so (X-Forwarded-Proto). The header is
// believed from anyone because it can only make the cookie stricter
// (Secure), never weaker: a forged "https" costs the forger their own
// sign-in over plain HTTP.
func httpsRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	p, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(p), "https")
}

// clientIP is the address the per-address sign-in limit counts: the TCP
// peer, or, when the peer is a trusted proxy (WEBCHAT_TRUSTED_PROXIES),
// the right-most X-Forwarded-For address that is not one. It is the web
// chat's rule (internal/channel/webchat/identity.go); the two should move
// into one small shared package when a third user appears.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	host = strings.Trim(host, "[]")
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
		if a = a.Unmap(); !isTrusted(a, trusted) {
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
